import { DataSource, In } from 'typeorm';
import { EpochMetric, Run } from '../entities/index.js';
import type { PresetName } from '../training/index.js';
import { mean, spread } from '../training/index.js';
import { badInput, notFound, requireId } from './errors.js';
import { SettingDifference, settingDifferences, StoredStrategySettings } from './setting-differences.js';
import { experimentStrategies } from './strategies.js';

/** Final metrics a leaderboard can rank by, with the direction in which they are better. */
export const LEADERBOARD_METRICS = {
  OVERALL_ACCURACY: { key: 'overallAccuracy', better: 'DESC' },
  OLD_ACCURACY: { key: 'oldAccuracy', better: 'DESC' },
  NEW_ACCURACY: { key: 'newAccuracy', better: 'DESC' },
  MACRO_F1: { key: 'macroF1', better: 'DESC' },
  FORGETTING: { key: 'forgetting', better: 'ASC' },
  INTRUSION: { key: 'intrusion', better: 'ASC' },
  OLD_LOGIT_DRIFT: { key: 'oldLogitDrift', better: 'ASC' },
  TRAIN_SECONDS: { key: 'trainSeconds', better: 'ASC' },
} as const;
export type LeaderboardMetric = keyof typeof LEADERBOARD_METRICS;
export type SortOrder = 'ASC' | 'DESC';

const METRIC_KEYS = Object.values(LEADERBOARD_METRICS).map((metric) => metric.key);
type MetricKey = (typeof METRIC_KEYS)[number];

export interface LeaderboardEntry {
  rank: number;
  /** Identifies the setting, as Strategy.settingsKey does. */
  settingsKey: string;
  preset: PresetName;
  /** Tells settings of one preset apart (setting-differences.ts). */
  variant: string;
  settings: StoredStrategySettings;
  seeds: number[];
  runs: Run[];
  /** Mean over the entry's runs of the ranked metric; null where it does not apply. */
  value: number | null;
  /** Spread over seeds (statistics.spread): null with fewer than two runs. */
  std: number | null;
  means: Record<MetricKey, number | null>;
}

export interface RunSeries {
  run: Run;
  epochs: EpochMetric[];
}

export const MAX_COMPARED = 50;

/** Reading runs side by side: leaderboards over seeds and per-epoch series to plot. */
export class ComparisonService {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * The experiment's succeeded runs, one entry per distinct setting (seeds pooled), ranked by the
   * mean of `metric`. Entries without a value for it (e.g. intrusion of a run with no new labels) come last.
   */
  async leaderboard(experimentId: string, metric: LeaderboardMetric, order: SortOrder | null): Promise<LeaderboardEntry[]> {
    const { key, better } = LEADERBOARD_METRICS[metric];
    const direction = (order ?? better) === 'DESC' ? -1 : 1;
    const valuesOf = (group: Run[], name: MetricKey) => group.map((run) => run.finalMetrics?.[name] ?? null).filter((value): value is number => value !== null);
    const entries = (await experimentStrategies(this.dataSource, experimentId)).map(({ settingsKey, preset, variant, settings, seeds, runs: group }) => ({
      settingsKey,
      preset,
      variant,
      settings,
      seeds,
      runs: group,
      value: mean(valuesOf(group, key)),
      std: spread(valuesOf(group, key)),
      means: Object.fromEntries(METRIC_KEYS.map((name) => [name, mean(valuesOf(group, name))])) as Record<MetricKey, number | null>,
    }));
    entries.sort((a, b) => {
      if (a.value === null || b.value === null) return a.value === null ? (b.value === null ? 0 : 1) : -1;
      return direction * (a.value - b.value);
    });
    return entries.map((entry, i) => ({ rank: i + 1, ...entry }));
  }

  /** The runs in the order given, the settings on which they differ, and each one's epochs. */
  async compare(ids: string[]): Promise<{ runs: Run[]; differingSettings: SettingDifference[]; series: RunSeries[] }> {
    if (ids.length === 0 || ids.length > MAX_COMPARED) throw badInput('ids', `compare 1 to ${MAX_COMPARED} runs; got ${ids.length}`);
    ids.forEach((id, i) => requireId(id, `ids[${i}]`));
    const found = await this.dataSource.getRepository(Run).findBy({ id: In(ids) });
    const byId = new Map(found.map((run) => [run.id, run]));
    const runs = ids.map((id, i) => {
      const run = byId.get(id);
      if (!run) throw notFound('Run', id, `ids[${i}]`);
      return run;
    });
    const epochs = await this.dataSource.getRepository(EpochMetric).find({ where: { runId: In(ids) }, order: { epoch: 'ASC' } });
    const differingSettings = settingDifferences(runs.map((run) => ({ ...run.settings, seed: run.seed })));
    return { runs, differingSettings, series: runs.map((run) => ({ run, epochs: epochs.filter((epoch) => epoch.runId === run.id) })) };
  }
}

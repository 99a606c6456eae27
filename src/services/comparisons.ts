import { DataSource, In } from 'typeorm';
import { Checkpoint, EpochMetric, Run, RunStatus } from '../entities/index.js';
import type { EncoderConfig, PresetName } from '../training/index.js';
import { badInput, notFound, requireId } from './errors.js';
import { SettingDifference, settingDifferences, StoredStrategySettings, variantOf } from './setting-differences.js';

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
  preset: PresetName;
  /** Tells settings of one preset apart (setting-differences.ts). */
  variant: string;
  settings: StoredStrategySettings;
  seeds: number[];
  runs: Run[];
  /** Mean over the entry's runs of the ranked metric; null where it does not apply. */
  value: number | null;
  /** Sample standard deviation over seeds; null with fewer than two runs. */
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
    const runs = await this.dataSource.getRepository(Run).find({
      where: { experimentId, status: RunStatus.SUCCEEDED },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
    const groups = new Map<string, Run[]>();
    for (const run of runs) {
      const key = JSON.stringify(sortKeys(run.settings));
      groups.set(key, [...(groups.get(key) ?? []), run]);
    }
    // Every run of an experiment starts from its base checkpoint (it cannot change once there are runs).
    const baseId = runs[0]?.baseCheckpointId;
    const base = baseId ? await this.dataSource.getRepository(Checkpoint).findOneBy({ id: baseId }) : null;
    const encoder = (base?.encoder ?? null) as EncoderConfig | null;
    const { key, better } = LEADERBOARD_METRICS[metric];
    const direction = (order ?? better) === 'DESC' ? -1 : 1;
    const entries = [...groups.values()].map((unordered) => {
      const group = unordered.sort((a, b) => a.seed - b.seed);
      const values = group.map((run) => run.finalMetrics?.[key] ?? null).filter((value): value is number => value !== null);
      const settings = group[0].settings as unknown as StoredStrategySettings;
      return {
        preset: settings.preset,
        variant: variantOf(settings, encoder),
        settings,
        seeds: group.map((run) => run.seed),
        runs: group,
        value: mean(values),
        std: standardDeviation(values),
        means: Object.fromEntries(
          METRIC_KEYS.map((name) => [name, mean(group.map((run) => run.finalMetrics?.[name] ?? null).filter((v): v is number => v !== null))]),
        ) as Record<MetricKey, number | null>,
      };
    });
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

function mean(values: number[]): number | null {
  return values.length === 0 ? null : values.reduce((sum, value) => sum + value, 0) / values.length;
}

function standardDeviation(values: number[]): number | null {
  if (values.length < 2) return null;
  const average = mean(values)!;
  return Math.sqrt(values.reduce((sum, value) => sum + (value - average) ** 2, 0) / (values.length - 1));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, sortKeys(v)]));
}

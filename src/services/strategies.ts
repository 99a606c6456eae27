import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Checkpoint, Run, RunStatus } from '../entities/index.js';
import type { EncoderConfig, PresetName } from '../training/index.js';
import { StoredStrategySettings, variantOf } from './setting-differences.js';

/** An experiment's runs that share their resolved settings, seeds pooled: one leaderboard entry. */
export interface Strategy {
  /** Names the setting across leaderboards, comparisons and recommendations: a hash of its resolved settings. */
  settingsKey: string;
  preset: PresetName;
  /** Tells settings of one preset apart (setting-differences.ts). */
  variant: string;
  settings: StoredStrategySettings;
  /** Ordered by seed. */
  runs: Run[];
  seeds: number[];
}

/** The experiment's succeeded runs as strategies (outcomes read), in the order each setting first succeeded. */
export async function experimentStrategies(dataSource: DataSource, experimentId: string): Promise<Strategy[]> {
  const runs = await dataSource
    .getRepository(Run)
    .createQueryBuilder('run')
    .addSelect('run.outcomes')
    .where('run.experiment_id = :experimentId AND run.status = :succeeded', { experimentId, succeeded: RunStatus.SUCCEEDED })
    .orderBy('run.created_at', 'ASC')
    .addOrderBy('run.id', 'ASC')
    .getMany();
  // Every run of an experiment starts from its base checkpoint (it cannot change once there are runs).
  const baseId = runs[0]?.baseCheckpointId;
  const base = baseId ? await dataSource.getRepository(Checkpoint).findOneBy({ id: baseId }) : null;
  return groupStrategies(runs, (base?.encoder ?? null) as EncoderConfig | null);
}

/** Groups runs by their resolved settings (key order ignored), in the order each setting first appears. */
function groupStrategies(runs: readonly Run[], encoder: EncoderConfig | null): Strategy[] {
  const groups = new Map<string, Run[]>();
  for (const run of runs) {
    const key = JSON.stringify(sortKeys(run.settings));
    groups.set(key, [...(groups.get(key) ?? []), run]);
  }
  return [...groups.entries()].map(([key, group]) => {
    const sorted = group.sort((a, b) => a.seed - b.seed);
    const settings = sorted[0].settings as unknown as StoredStrategySettings;
    return {
      settingsKey: createHash('sha256').update(key).digest('hex').slice(0, 12),
      preset: settings.preset,
      variant: variantOf(settings, encoder),
      settings,
      runs: sorted,
      seeds: sorted.map((run) => run.seed),
    };
  });
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, sortKeys(v)]));
}

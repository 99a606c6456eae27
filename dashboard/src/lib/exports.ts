import { request } from '../api/graphql-client';
import { EpochsExportDocument, type RunSummaryFragment } from '../generated/graphql';
import { toCsv, type CsvValue } from './csv';
import { flattenSettings } from './settings';
import { strategyOf } from './strategy';

const METRICS = ['newAccuracy', 'oldAccuracy', 'forgetting', 'overallAccuracy', 'macroF1', 'intrusion', 'oldLogitDrift', 'trainSeconds'] as const;

/** One row per run: identity, status, final metrics, then every setting as `settings.<name>`. */
export function runsCsv(runs: RunSummaryFragment[]): string {
  const settings = new Map(runs.map((run) => [run.id, flattenSettings(run.settings)]));
  const settingNames = [...new Set([...settings.values()].flatMap((flat) => Object.keys(flat)))].sort();
  const columns = ['runId', 'status', 'strategy', 'preset', 'seed', 'createdAt', 'finishedAt', 'durationSeconds', 'attempts', ...METRICS, ...settingNames.map((name) => `settings.${name}`)];
  const rows = runs.map((run) => {
    const row: Record<string, CsvValue> = {
      runId: run.id,
      status: run.status,
      strategy: strategyOf(run),
      preset: run.preset,
      seed: run.seed,
      createdAt: run.createdAt,
      finishedAt: run.finishedAt,
      durationSeconds: run.durationSeconds,
      attempts: run.attempts,
    };
    for (const metric of METRICS) row[metric] = run.finalMetrics?.[metric];
    const flat = settings.get(run.id) ?? {};
    for (const name of settingNames) row[`settings.${name}`] = flat[name];
    return row;
  });
  return toCsv(columns, rows);
}

const EPOCH_COLUMNS = ['loss', 'oldAccuracy', 'newAccuracy', 'overallAccuracy', 'macroF1', 'forgetting', 'intrusion', 'oldLogitDrift', 'seconds'] as const;

/** One row per run and epoch, asked of the server 50 runs at a time (compareRuns' limit). */
export async function epochsCsv(runs: RunSummaryFragment[]): Promise<string> {
  const rows: Array<Record<string, CsvValue>> = [];
  for (let start = 0; start < runs.length; start += 50) {
    const batch = runs.slice(start, start + 50);
    const { compareRuns } = await request(EpochsExportDocument, { ids: batch.map((run) => run.id) });
    const byId = new Map(batch.map((run) => [run.id, run]));
    for (const series of compareRuns.series) {
      const run = byId.get(series.run.id);
      if (!run) continue;
      series.epochs.forEach((epoch, j) => {
        const row: Record<string, CsvValue> = { runId: run.id, strategy: strategyOf(run), seed: run.seed, epoch };
        for (const column of EPOCH_COLUMNS) row[column] = series[column][j];
        rows.push(row);
      });
    }
  }
  return toCsv(['runId', 'strategy', 'seed', 'epoch', ...EPOCH_COLUMNS], rows);
}

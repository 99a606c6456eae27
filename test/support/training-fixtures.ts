import { setTimeout as sleep } from 'node:timers/promises';
import { syntheticIntents } from './synthetic-intents.js';
import { TestServer } from './test-server.js';

/** Imports generated intent data (every label in every split) as a CSV; returns the dataset id and label names. */
export async function importSyntheticDataset(
  server: TestServer,
  name: string,
  options: { labels: number; train?: number; seed?: number },
): Promise<{ datasetId: string; labels: string[] }> {
  const { labels, data } = syntheticIntents({ labels: options.labels, train: options.train ?? 30, validation: 5, test: 10, seed: options.seed ?? 1 });
  const rows = Object.entries(data).flatMap(([split, part]) => part.texts.map((text: string, i: number) => `${text},${labels[part.labels[i]]},${split}`));
  const { importDataset } = await server.ok(`mutation($input: ImportDatasetInput!) { importDataset(input: $input) { id } }`, {
    input: { name, format: 'CSV', content: ['text,label,split', ...rows].join('\n') },
  });
  return { datasetId: importDataset.id, labels };
}

/** Small base-model settings: trains in about a second. */
export const SMALL_MODEL = { epochs: 5, encoder: { dim: 32, buckets: 4096 } };

export async function trainBaseModel(server: TestServer, input: Record<string, unknown>): Promise<string> {
  const { trainBaseModel } = await server.ok(`mutation($input: TrainBaseModelInput!) { trainBaseModel(input: $input) { id } }`, { input });
  return trainBaseModel.id;
}

/** Polls a run until its status is one of `statuses`; fails after `timeoutMs`. */
export async function waitForRun(
  server: TestServer,
  runId: string,
  statuses: string[],
  timeoutMs = 60_000,
): Promise<Record<string, any>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { run } = await server.ok(
      `query($id: ID!) { run(id: $id) { id status error attempts cancelRequested epochs { epoch loss } outputCheckpoint { id labelSet { id } } } }`,
      { id: runId },
    );
    if (statuses.includes(run.status)) return run;
    if (Date.now() > deadline) throw new Error(`run ${runId} is still ${run.status} after ${timeoutMs} ms (waiting for ${statuses.join('/')}): ${JSON.stringify(run)}`);
    await sleep(100);
  }
}

/**
 * Polls a RUNNING run until it has recorded `epoch`, for a test that acts mid-run (cancels it,
 * kills its worker). Fails, saying what did not happen, when the run ends first or after `timeoutMs`.
 */
export async function waitForEpoch(server: TestServer, runId: string, epoch: number, timeoutMs = 60_000): Promise<Record<string, any>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { run } = await server.ok(`query($id: ID!) { run(id: $id) { id status error attempts epochs { epoch } } }`, { id: runId });
    const reached = run.epochs.some((e: { epoch: number }) => e.epoch >= epoch);
    if (run.status === 'RUNNING' && reached) return run;
    if (!['QUEUED', 'RUNNING'].includes(run.status)) {
      throw new Error(`run ${runId} ended ${run.status} (${run.error ?? 'no error'}) before epoch ${epoch}, which the test needed it to reach while running`);
    }
    if (Date.now() > deadline) throw new Error(`run ${runId} had not recorded epoch ${epoch} after ${timeoutMs} ms: ${JSON.stringify(run)}`);
    await sleep(50);
  }
}

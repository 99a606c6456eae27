import os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { BackendChoice, selectBackend } from './backend.js';
import { trainBase } from './base-training.js';
import { saveCheckpoint } from './checkpoint.js';
import { CheckpointWriteError, TrainingCancelled, TrainingInputError } from './errors.js';
import { EpochMetrics } from './evaluation.js';
import { FileFeatureCache, MemoryFeatureCache, TieredFeatureCache } from './features.js';
import { CheckpointCache } from './checkpoint-cache.js';
import { expandHead } from './head-expansion.js';
import type { ThreadMessage, TrainingJob } from './training-thread.js';

/** The worker-thread side of TrainingThread: a tfjs engine of its own and a loop over jobs. */
const port = parentPort!;
const { backend, cancelFlag, featureCacheFolder } = workerData as { backend: BackendChoice; cancelFlag: Int32Array; featureCacheFolder: string | null };
const post = (message: ThreadMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
const log = (line: string) => post({ type: 'log', line });
const signal = { get aborted() { return Atomics.load(cancelFlag, 0) === 1; } };
const featureCache = featureCacheFolder ? new TieredFeatureCache(new MemoryFeatureCache(), new FileFeatureCache(featureCacheFolder)) : new MemoryFeatureCache();
// A BERT encoder's pass over a dataset uses every core; the embedding bag's stays here.
const parallelEncoding = { threads: os.availableParallelism(), backend };
const baseModels = new CheckpointCache(2);

selectBackend(backend, log).then(
  (info) => {
    post({ type: 'ready', backend: info });
    port.on('message', (job: TrainingJob) => void run(job));
  },
  (error: Error) => post({ type: 'failed', error: { name: error.name, message: error.message } }),
);

async function run(job: TrainingJob): Promise<void> {
  let keptEpoch: number | null = null;
  const hooks = { onEpoch: (metrics: EpochMetrics) => post({ type: 'epoch', metrics }), onKeptEpoch: (epoch: number) => (keptEpoch = epoch), signal, log };
  try {
    const { model, ...result } =
      job.kind === 'base'
        ? await trainBase(job.spec, job.data, hooks)
        : await expandHead(job.spec, await baseModels.load(job.base), job.data, { ...hooks, featureCache, parallelEncoding });
    const checkpoint = await saveCheckpoint(model, job.output).catch((error: Error) => {
      throw new CheckpointWriteError(job.output, error);
    });
    post({ type: 'done', result: { ...result, keptEpoch: keptEpoch!, encoder: model.encoder.config, checkpoint } });
  } catch (error) {
    const { name, message, stack } = error as Error;
    post({
      type: 'failed',
      error: {
        name,
        message,
        stack,
        field: error instanceof TrainingInputError ? error.field : undefined,
        batchesDone: error instanceof TrainingCancelled ? error.batchesDone : undefined,
      },
    });
  }
}

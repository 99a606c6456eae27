import { parentPort, workerData } from 'node:worker_threads';
import { BackendChoice, selectBackend } from './backend.js';
import { trainBase, TrainingResult } from './base-training.js';
import { TrainingCancelled, TrainingInputError } from './errors.js';
import { MemoryFeatureCache } from './features.js';
import { expandHead } from './head-expansion.js';
import type { ThreadMessage, TrainingJob } from './training-thread.js';

/** The worker-thread side of TrainingThread: a tfjs engine of its own and a loop over jobs. */
const port = parentPort!;
const { backend, cancelFlag } = workerData as { backend: BackendChoice; cancelFlag: Int32Array };
const post = (message: ThreadMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
const log = (line: string) => post({ type: 'log', line });
const signal = { get aborted() { return Atomics.load(cancelFlag, 0) === 1; } };
const featureCache = new MemoryFeatureCache();

selectBackend(backend, log).then(
  (info) => {
    post({ type: 'ready', backend: info });
    port.on('message', (job: TrainingJob) => void run(job));
  },
  (error: Error) => post({ type: 'failed', error: { name: error.name, message: error.message } }),
);

async function run(job: TrainingJob): Promise<void> {
  const hooks = { onEpoch: (metrics: TrainingResult['epochs'][number]) => post({ type: 'epoch', metrics }), signal, log };
  try {
    const result =
      job.kind === 'base' ? await trainBase(job.spec, job.data, hooks) : await expandHead(job.spec, job.base, job.data, { ...hooks, featureCache });
    // The weights move to the parent without a copy; an unchanged (frozen) encoder table is this
    // thread's cached input, so it is copied instead of being taken away from the cache's owner.
    const transfer = [result.model.head.weight.buffer as ArrayBuffer, result.model.head.bias.buffer as ArrayBuffer];
    if (job.kind === 'base' || job.spec.settings.trainable === 'FULL_MODEL') transfer.push(result.model.encoder.table.buffer as ArrayBuffer);
    post({ type: 'done', result }, transfer);
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

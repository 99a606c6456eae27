import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { BackendChoice, BackendInfo } from './backend.js';
import { BaseTrainingSpec, TrainingResult } from './base-training.js';
import { SavedCheckpoint } from './checkpoint.js';
import { SplitData } from './data.js';
import { TrainingCancelled, TrainingInputError } from './errors.js';
import { EpochMetrics } from './evaluation.js';
import { ExpansionSpec } from './head-expansion.js';
import { EncoderConfig } from './model.js';

/**
 * One training, described in plain data so it can cross into a worker thread. Models travel as
 * checkpoint folders, not arrays: the thread loads the base model itself (and keeps it for the
 * next job on the same model) and saves the trained one to `output`.
 */
export type TrainingJob =
  | { kind: 'base'; spec: BaseTrainingSpec; data: SplitData; output: string }
  | { kind: 'expand'; spec: ExpansionSpec; base: string; data: SplitData; output: string };

/** A finished job: the metrics, and what was written to the output folder. */
export interface ThreadResult extends Omit<TrainingResult, 'model'> {
  /** The epoch whose weights the saved model holds: the best on validation under early stopping, else the last. */
  keptEpoch: number;
  encoder: EncoderConfig;
  checkpoint: SavedCheckpoint;
}

export interface ThreadHooks {
  onEpoch?(metrics: EpochMetrics): void | Promise<void>;
  signal?: AbortSignal;
  log?(line: string): void;
}

/** Messages from the thread; see training-thread-entry.ts. */
export type ThreadMessage =
  | { type: 'ready'; backend: BackendInfo }
  | { type: 'epoch'; metrics: EpochMetrics }
  | { type: 'log'; line: string }
  | { type: 'done'; result: ThreadResult }
  | { type: 'failed'; error: { name: string; message: string; field?: string; batchesDone?: number; stack?: string } };

/**
 * A worker thread that trains one job at a time with its own tfjs engine, so the process that
 * owns it (the API server) keeps answering while training runs. It keeps its feature cache
 * between jobs. Cancellation crosses as a flag in shared memory, read by the training loop
 * before every batch without waiting on any message.
 */
export class TrainingThread {
  private readonly worker: Worker;
  private readonly cancelFlag = new Int32Array(new SharedArrayBuffer(4));
  private readonly ready: Promise<BackendInfo>;
  private listener: ((message: ThreadMessage) => void) | null = null;
  private busy = false;

  /**
   * `featureCacheFolder`: where frozen-encoder features are kept on disk, shared with every other
   * thread and process using the folder; without it, features are cached in this thread's memory only.
   */
  constructor(backend: BackendChoice, options: { featureCacheFolder?: string } = {}) {
    const workerData = { backend, cancelFlag: this.cancelFlag, featureCacheFolder: options.featureCacheFolder ?? null };
    this.worker = new Worker(path.join(__dirname, 'training-thread-entry.js'), { workerData });
    this.ready = new Promise((resolve, reject) => {
      this.listener = (message) => {
        if (message.type === 'ready') resolve(message.backend);
        else if (message.type === 'failed') reject(rebuildError(message.error));
      };
      this.worker.once('error', reject);
    });
    this.worker.on('message', (message: ThreadMessage) => this.listener?.(message));
  }

  /** The backend the thread chose (and why it skipped others). */
  backend(): Promise<BackendInfo> {
    return this.ready;
  }

  async run(job: TrainingJob, hooks: ThreadHooks = {}): Promise<ThreadResult> {
    if (this.busy) throw new Error('this training thread is already running a job');
    await this.ready;
    this.busy = true;
    Atomics.store(this.cancelFlag, 0, 0);
    const cancel = () => Atomics.store(this.cancelFlag, 0, 1);
    hooks.signal?.addEventListener('abort', cancel);
    if (hooks.signal?.aborted) cancel();
    // Epoch reports are handled in order, each after the previous one settled. If one fails (the
    // database is away, say), the job is stopped, and the call ends only once the thread is free.
    let reports: Promise<void> = Promise.resolve();
    const report = (metrics: EpochMetrics) => {
      reports = reports.then(() => hooks.onEpoch?.(metrics));
      reports.catch(cancel);
    };
    try {
      return await new Promise<ThreadResult>((resolve, reject) => {
        const onExit = (code: number) => reject(new Error(`the training thread exited (code ${code})`));
        this.worker.once('exit', onExit);
        this.listener = (message) => {
          if (message.type === 'epoch') report(message.metrics);
          else if (message.type === 'log') hooks.log?.(message.line);
          else if (message.type === 'done' || message.type === 'failed') {
            this.worker.off('exit', onExit);
            reports.then(
              () => (message.type === 'done' ? resolve(message.result) : reject(rebuildError(message.error))),
              reject,
            );
          }
        };
        this.worker.postMessage(job);
      });
    } finally {
      hooks.signal?.removeEventListener('abort', cancel);
      this.listener = null;
      this.busy = false;
    }
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

function rebuildError(error: { name: string; message: string; field?: string; batchesDone?: number; stack?: string }): Error {
  if (error.name === 'TrainingInputError') return new TrainingInputError(error.field ?? 'settings', error.message);
  if (error.name === 'TrainingCancelled') return new TrainingCancelled(error.batchesDone ?? 0);
  const rebuilt = new Error(error.message);
  rebuilt.name = error.name;
  if (error.stack) rebuilt.stack = error.stack;
  return rebuilt;
}

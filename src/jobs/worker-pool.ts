import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { ArtifactStore } from '../artifacts/artifact-store.js';
import { NotificationListener } from '../events/notification-listener.js';
import { RUN_CANCEL_CHANNEL } from '../events/publish.js';
import { Log } from '../log.js';
import { Services } from '../services/index.js';
import { BackendChoice, TrainingThread } from '../training/index.js';
import { JobQueue, TRAINING_QUEUE, TrainingJobData } from './job-queue.js';
import { RunExecutor } from './run-executor.js';
import { RunLifecycle } from './run-lifecycle.js';

export interface WorkerPoolOptions {
  dataSource: DataSource;
  databaseUrl: string;
  queue: JobQueue;
  lifecycle: RunLifecycle;
  services: Services;
  artifacts: ArtifactStore;
  size: number;
  backend: BackendChoice;
  heartbeatSeconds: number;
  log: Log;
}

/** How often an idle slot asks the queue for work. */
const POLL_MS = 500;

/**
 * `size` training threads, each taking one job at a time from the queue. Used inside the API
 * process (`HEADROOM_WORKERS`) and by `headroom worker` processes alike.
 *
 * The slots fetch and complete jobs themselves rather than through pg-boss's work(), which does
 * not await its completion writes: with PostgreSQL away, those would surface as unhandled
 * rejections and end the process. Here every queue call is awaited, and a failed one is retried
 * after a pause.
 */
export class WorkerPool {
  private readonly stopping = new AbortController();

  private constructor(
    private readonly threads: TrainingThread[],
    private readonly executor: RunExecutor,
    private readonly listener: NotificationListener,
    private readonly queue: JobQueue,
    private readonly log: Log,
    private slots: Promise<void>[] = [],
  ) {}

  static async start(options: WorkerPoolOptions): Promise<WorkerPool> {
    const { queue, log } = options;
    const featureCacheFolder = options.artifacts.featuresFolder();
    const threads = Array.from({ length: options.size }, () => new TrainingThread(options.backend, { featureCacheFolder }));
    const backends = await Promise.all(threads.map((thread) => thread.backend())).catch(async (error: Error) => {
      await Promise.all(threads.map((thread) => thread.close()));
      throw error;
    });
    log(`${threads.length} training threads on TensorFlow.js ${backends[0].tfjsVersion}, backend ${backends[0].backend}`);
    const executor = new RunExecutor({ ...options });
    const listener = new NotificationListener(options.databaseUrl, { [RUN_CANCEL_CHANNEL]: (runId) => executor.stop(runId, 'cancel') }, log);
    await listener.start();
    const pool = new WorkerPool(threads, executor, listener, queue, log);
    pool.slots = threads.map((thread) => pool.serve(thread));
    return pool;
  }

  /** Stops taking jobs; trainings in progress stop at their next batch and go back to the queue. */
  async stop(): Promise<void> {
    this.stopping.abort();
    this.executor.stopAll('shutdown');
    await Promise.all(this.slots);
    await this.listener.stop();
    await Promise.all(this.threads.map((thread) => thread.close()));
  }

  private async serve(thread: TrainingThread): Promise<void> {
    while (!this.stopping.signal.aborted) {
      let job: { id: string; data: TrainingJobData } | undefined;
      try {
        [job] = await this.queue.boss.fetch<TrainingJobData>(TRAINING_QUEUE, { batchSize: 1 });
      } catch (error) {
        this.log(`could not fetch from the job queue: ${(error as Error).message}`);
      }
      if (!job) {
        await this.pause();
        continue;
      }
      await this.executor.execute({ id: job.id, runId: job.data.runId }, thread);
      await this.queue.boss.complete(TRAINING_QUEUE, job.id).catch((error: Error) => {
        // The run row already holds the outcome; the job only expires later instead of now.
        this.log(`could not mark job ${job.id} done: ${error.message}`);
      });
    }
  }

  private pause(): Promise<void> {
    return sleep(POLL_MS, undefined, { signal: this.stopping.signal }).catch(() => undefined);
  }
}

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

/**
 * `size` training threads, each taking one job at a time from the queue. Used inside the API
 * process (`HEADROOM_WORKERS`) and by `headroom worker` processes alike.
 */
export class WorkerPool {
  private constructor(
    private readonly threads: TrainingThread[],
    private readonly executor: RunExecutor,
    private readonly listener: NotificationListener,
    private readonly queue: JobQueue,
    private readonly inFlight: Set<Promise<void>>,
  ) {}

  static async start(options: WorkerPoolOptions): Promise<WorkerPool> {
    const { queue, log } = options;
    const threads = Array.from({ length: options.size }, () => new TrainingThread(options.backend));
    const backends = await Promise.all(threads.map((thread) => thread.backend())).catch(async (error: Error) => {
      await Promise.all(threads.map((thread) => thread.close()));
      throw error;
    });
    log(`${threads.length} training threads on TensorFlow.js ${backends[0].tfjsVersion}, backend ${backends[0].backend}`);
    const executor = new RunExecutor({ ...options });
    const listener = new NotificationListener(options.databaseUrl, { [RUN_CANCEL_CHANNEL]: (runId) => executor.stop(runId, 'cancel') }, log);
    await listener.start();
    const inFlight = new Set<Promise<void>>();
    for (const thread of threads) {
      await queue.boss.work<TrainingJobData>(TRAINING_QUEUE, { batchSize: 1, pollingIntervalSeconds: 0.5 }, async ([job]) => {
        const execution = executor.execute({ id: job.id, runId: job.data.runId }, thread);
        inFlight.add(execution);
        await execution.finally(() => inFlight.delete(execution));
      });
    }
    return new WorkerPool(threads, executor, listener, queue, inFlight);
  }

  /** Stops taking jobs; trainings in progress stop at their next batch and go back to the queue. */
  async stop(): Promise<void> {
    await this.queue.boss.offWork(TRAINING_QUEUE);
    this.executor.stopAll('shutdown');
    await Promise.all(this.inFlight);
    await this.listener.stop();
    await Promise.all(this.threads.map((thread) => thread.close()));
  }
}

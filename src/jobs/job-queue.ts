import PgBoss from 'pg-boss';
import { EntityManager } from 'typeorm';
import { Log } from '../log.js';

export const TRAINING_QUEUE = 'headroom-training';

/** What a queued job carries: the run is the source of truth, the job only says "train this now". */
export interface TrainingJobData {
  runId: string;
}

/**
 * The PostgreSQL-backed queue between mutations and workers (pg-boss). A job is one attempt at a
 * run: Headroom's run row decides retries, so pg-boss itself never retries, and a job whose id no
 * longer matches its run's `jobId` is stale and dropped.
 */
export class JobQueue {
  private constructor(readonly boss: PgBoss) {}

  static async start(url: string, log: Log): Promise<JobQueue> {
    const boss = new PgBoss({ connectionString: url, schema: 'pgboss', application_name: 'headroom-queue', max: 4 });
    boss.on('error', (error) => log(`job queue: ${error.message}`));
    await boss.start();
    if (!(await boss.getQueue(TRAINING_QUEUE))) {
      await boss.createQueue(TRAINING_QUEUE, { name: TRAINING_QUEUE, retryLimit: 0, expireInHours: 23 });
    }
    return new JobQueue(boss);
  }

  /** Queues a job inside the caller's transaction, so it exists exactly when the run row does. */
  async enqueue(runId: string, manager: EntityManager): Promise<string> {
    const data: TrainingJobData = { runId };
    const id = await this.boss.send(TRAINING_QUEUE, data, { db: inTransaction(manager) });
    if (!id) throw new Error(`the job queue refused a job for run ${runId}`);
    return id;
  }

  async cancel(jobId: string, manager: EntityManager): Promise<void> {
    await this.boss.cancel(TRAINING_QUEUE, jobId, { db: inTransaction(manager) });
  }

  /** Ends a job whose worker died; with no pg-boss retries configured it simply becomes failed. */
  async fail(jobId: string, manager: EntityManager): Promise<void> {
    await this.boss.fail(TRAINING_QUEUE, jobId, { reason: 'its worker stopped responding' }, { db: inTransaction(manager) });
  }

  async stop(): Promise<void> {
    await this.boss.stop({ graceful: false, wait: true });
  }
}

/** pg-boss's way into an existing transaction: its SQL runs on the transaction's connection. */
function inTransaction(manager: EntityManager): PgBoss.Db {
  return {
    executeSql: async (text, values) => {
      const result = await manager.queryRunner!.query(text, values, true);
      return { rows: result.records };
    },
  };
}

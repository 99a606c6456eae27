import { DataSource, EntityManager } from 'typeorm';
import { deleteEpochsAfter, markAlive, setBackend } from '../db/run-plans.js';
import { Checkpoint, EpochMetric, Run, RunStatus } from '../entities/index.js';
import { publishRunProgress, publishRunStatus } from '../events/publish.js';
import { EpochPayload } from '../events/run-progress.js';
import { BackendInfo, encodeOutcomes, ThreadResult } from '../training/index.js';
import { JobQueue } from './job-queue.js';

/** Attempts a run gets before a crash (or error) fails it for good. */
export const MAX_ATTEMPTS = 3;

export interface Claim {
  run: Run;
  /** This attempt's number: every later write checks it, so a worker presumed dead cannot overwrite its successor. */
  attempt: number;
}

/**
 * Every change of a run's status, each in one transaction with the notification that announces
 * it. Writes after the claim are fenced by (status RUNNING, attempts = this attempt).
 */
export class RunLifecycle {
  constructor(
    private readonly dataSource: DataSource,
    private readonly queue: JobQueue,
  ) {}

  /** Starts the attempt carried by job `jobId`, or returns null when the job is stale or the run should not start. */
  claim(runId: string, jobId: string): Promise<Claim | null> {
    return this.dataSource.transaction(async (manager) => {
      const run = await manager.findOne(Run, { where: { id: runId }, lock: { mode: 'pessimistic_write' } });
      if (!run || run.jobId !== jobId || ![RunStatus.QUEUED, RunStatus.RUNNING].includes(run.status)) return null;
      if (run.cancelRequestedAt) {
        await this.end(manager, run, RunStatus.CANCELLED, null);
        return null;
      }
      Object.assign(run, { status: RunStatus.RUNNING, attempts: run.attempts + 1, startedAt: new Date(), heartbeatAt: new Date(), finishedAt: null, error: null });
      await manager.save(run);
      await publishRunStatus(manager, run);
      return { run, attempt: run.attempts };
    });
  }

  /** Marks the attempt alive; null when it no longer owns the run, else whether a cancel was asked for. */
  heartbeat({ run, attempt }: Claim): Promise<{ cancelRequested: boolean } | null> {
    return markAlive(this.dataSource, run.id, attempt);
  }

  recordBackend({ run, attempt }: Claim, backend: BackendInfo): Promise<void> {
    return setBackend(this.dataSource, run.id, attempt, backend.backend, { ...backend.versions, node: process.versions.node });
  }

  /**
   * Stores one epoch's metrics and tells every subscriber, in one transaction: the notification is
   * delivered only if the row is committed. Writing an epoch again (a retried run) replaces it.
   * False when the attempt no longer owns the run: nothing is written or announced.
   */
  recordEpoch(claim: Claim, epoch: EpochPayload): Promise<boolean> {
    return this.fenced(claim, async (manager, run) => {
      await manager.upsert(EpochMetric, { runId: run.id, ...epoch }, ['runId', 'epoch']);
      await publishRunProgress(manager, { runId: run.id, experimentId: run.experimentId, status: run.status, epoch, error: null });
    });
  }

  /**
   * Stores the outcome (final metrics, per-example outcomes) and the checkpoint row together.
   * False when the attempt lost the run in the meantime (the caller then deletes the checkpoint
   * folder it wrote).
   */
  succeed(claim: Claim, result: ThreadResult & { notes: string[] }, checkpoint: { id: string; artifactPath: string }, labels: string[]): Promise<boolean> {
    return this.fenced(claim, async (manager, run) => {
      await manager.insert(Checkpoint, {
        id: checkpoint.id,
        labelSetId: run.labelSetId,
        parentId: run.baseCheckpointId,
        producedByRunId: run.id,
        encoder: { ...result.encoder },
        artifactPath: checkpoint.artifactPath,
        sizeBytes: result.checkpoint.sizeBytes,
      });
      await deleteEpochsAfter(manager, run.id, result.epochs.length - 1);
      run.finalMetrics = { ...result.final };
      run.keptEpoch = result.keptEpoch;
      run.trainingNotes = result.notes;
      run.perLabelAccuracy = Object.fromEntries(
        labels.flatMap((label, i) => (result.perLabelAccuracy[i] === null ? [] : [[label, result.perLabelAccuracy[i]!]])),
      );
      run.outcomes = result.outcomes && encodeOutcomes(result.outcomes);
      await this.end(manager, run, RunStatus.SUCCEEDED, null);
    });
  }

  cancelled(claim: Claim): Promise<boolean> {
    return this.fenced(claim, (manager, run) => this.end(manager, run, RunStatus.CANCELLED, null));
  }

  fail(claim: Claim, error: string): Promise<boolean> {
    return this.fenced(claim, (manager, run) => this.end(manager, run, RunStatus.FAILED, error));
  }

  /** Puts the run back in the queue with a new job; `countAttempt: false` for interruptions that are not the run's fault. */
  requeue(claim: Claim, reason: string, countAttempt: boolean): Promise<boolean> {
    return this.fenced(claim, (manager, run) => this.queueAgain(manager, run, reason, countAttempt));
  }

  /**
   * Runs whose worker stopped sending heartbeats (killed, machine gone) go back to the queue, or
   * fail once they have used their attempts. Safe to call from every process at once: each stale
   * run is taken by one caller (SKIP LOCKED).
   */
  reclaimStale(staleSeconds: number): Promise<Run[]> {
    return this.dataSource.transaction(async (manager) => {
      const stale = await manager
        .createQueryBuilder(Run, 'run')
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .where('run.status = :running', { running: RunStatus.RUNNING })
        .andWhere(`run.heartbeat_at < now() - make_interval(secs => :staleSeconds)`, { staleSeconds })
        .getMany();
      for (const run of stale) {
        if (run.jobId) await this.queue.fail(run.jobId, manager);
        const reason = `the worker training attempt ${run.attempts} stopped responding`;
        if (run.cancelRequestedAt) await this.end(manager, run, RunStatus.CANCELLED, null);
        else if (run.attempts >= MAX_ATTEMPTS) await this.end(manager, run, RunStatus.FAILED, `${reason}; gave up after ${run.attempts} attempts`);
        else await this.queueAgain(manager, run, reason, true);
      }
      return stale;
    });
  }

  private async queueAgain(manager: EntityManager, run: Run, reason: string, countAttempt: boolean): Promise<void> {
    Object.assign(run, {
      status: RunStatus.QUEUED,
      error: reason,
      heartbeatAt: null,
      attempts: countAttempt ? run.attempts : run.attempts - 1,
      jobId: await this.queue.enqueue(run.id, manager),
    });
    await manager.save(run);
    await publishRunStatus(manager, run);
  }

  private async end(manager: EntityManager, run: Run, status: RunStatus, error: string | null): Promise<void> {
    Object.assign(run, { status, error, finishedAt: new Date(), heartbeatAt: null });
    await manager.save(run);
    await publishRunStatus(manager, run);
  }

  private fenced(claim: Claim, change: (manager: EntityManager, run: Run) => Promise<void>): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const run = await manager.findOne(Run, { where: { id: claim.run.id }, lock: { mode: 'pessimistic_write' } });
      if (!run || run.status !== RunStatus.RUNNING || run.attempts !== claim.attempt) return false;
      await change(manager, run);
      return true;
    });
  }
}

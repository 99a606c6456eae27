import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ArtifactStore } from '../artifacts/artifact-store.js';
import { Run, RunKind } from '../entities/index.js';
import { Log } from '../log.js';
import { Services } from '../services/index.js';
import { BaseTrainingSettings, ExpansionSettings, TrainingCancelled, TrainingInputError, TrainingJob, TrainingThread } from '../training/index.js';
import { MAX_ATTEMPTS, Claim, RunLifecycle } from './run-lifecycle.js';
import { loadSplitData } from './training-data.js';

/** Why a running training is being stopped. */
export type StopReason = 'cancel' | 'shutdown';

/**
 * Carries out one queued attempt of a run on a training thread: claim it, train with a heartbeat,
 * store the result. It never throws: every outcome ends as a run status (or a requeue).
 */
export class RunExecutor {
  private readonly running = new Map<string, AbortController>();

  constructor(
    private readonly deps: {
      dataSource: DataSource;
      lifecycle: RunLifecycle;
      services: Services;
      artifacts: ArtifactStore;
      heartbeatSeconds: number;
      log: Log;
    },
  ) {}

  /** Stops the training of a run this process is running, if it is. */
  stop(runId: string, reason: StopReason): void {
    this.running.get(runId)?.abort(reason);
  }

  stopAll(reason: StopReason): void {
    for (const controller of this.running.values()) controller.abort(reason);
  }

  async execute(job: { id: string; runId: string }, thread: TrainingThread): Promise<void> {
    const { lifecycle, artifacts, log } = this.deps;
    const claim = await lifecycle.claim(job.runId, job.id);
    if (!claim) return;
    const { run, attempt } = claim;
    const controller = new AbortController();
    this.running.set(run.id, controller);
    const heartbeat = setInterval(() => {
      lifecycle.heartbeat(claim).then(
        (beat) => (beat === null || beat.cancelRequested) && controller.abort('cancel'),
        (error: Error) => log(`heartbeat of run ${run.id} failed: ${error.message}`),
      );
    }, this.deps.heartbeatSeconds * 1000);
    const checkpointId = randomUUID();
    const artifactPath = artifacts.checkpointPath(checkpointId);
    log(`run ${run.id}: attempt ${attempt} started`);
    try {
      await lifecycle.recordBackend(claim, await thread.backend());
      const { job: trainingJob, labels } = await this.trainingJob(run, artifacts.absolute(artifactPath));
      const notes: string[] = [];
      const result = await thread.run(trainingJob, {
        // A refused epoch means a later attempt owns the run: stop, as a lost heartbeat would.
        onEpoch: async (metrics) => {
          if (!(await lifecycle.recordEpoch(claim, metrics))) controller.abort('cancel');
        },
        signal: controller.signal,
        log: (line) => {
          notes.push(line);
          log(`run ${run.id}: ${line}`);
        },
      });
      if (await lifecycle.succeed(claim, { ...result, notes }, { id: checkpointId, artifactPath }, labels)) {
        log(`run ${run.id}: succeeded`);
      } else {
        // Another attempt owns the run now (this one was presumed dead): its outcome stands.
        await artifacts.remove(artifactPath);
        log(`run ${run.id}: attempt ${attempt} finished after losing the run to a later attempt; result discarded`);
      }
    } catch (error) {
      await artifacts.remove(artifactPath).catch(() => undefined);
      await this.settleFailure(claim, error as Error, controller.signal.reason as StopReason | undefined);
    } finally {
      clearInterval(heartbeat);
      this.running.delete(run.id);
    }
  }

  private async settleFailure(claim: Claim, error: Error, stopReason: StopReason | undefined): Promise<void> {
    const { lifecycle, log } = this.deps;
    const { run, attempt } = claim;
    try {
      if (error instanceof TrainingCancelled && stopReason === 'shutdown') {
        if (await lifecycle.requeue(claim, 'interrupted by a shutdown; queued again', false)) {
          log(`run ${run.id}: attempt ${attempt} interrupted by a shutdown; queued again`);
        }
      } else if (error instanceof TrainingCancelled) {
        // A stop is a cancel asked for, or this attempt losing the run to a later one: the fence tells which.
        if (await lifecycle.cancelled(claim)) log(`run ${run.id}: attempt ${attempt} stopped; CANCELLED as asked`);
        else log(`run ${run.id}: attempt ${attempt} stopped; the run was settled without it (by a later attempt or the supervisor)`);
      } else if (error instanceof TrainingInputError) {
        await lifecycle.fail(claim, `${error.field}: ${error.message}`);
      } else if (error.name === 'CheckpointWriteError') {
        await lifecycle.fail(claim, error.message);
      } else if (attempt < MAX_ATTEMPTS) {
        log(`run ${run.id}: attempt ${attempt} failed, queued again: ${error.stack ?? error.message}`);
        await lifecycle.requeue(claim, `attempt ${attempt} failed: ${error.message}`, true);
      } else {
        await lifecycle.fail(claim, `failed after ${attempt} attempts: ${error.message}`);
      }
    } catch (settling) {
      // The run stays RUNNING without heartbeats: the supervisor will pick it up.
      log(`run ${run.id}: could not record the outcome (${(settling as Error).message}); leaving it to the supervisor`);
    }
  }

  private async trainingJob(run: Run, output: string): Promise<{ job: TrainingJob; labels: string[] }> {
    const { dataSource, artifacts, services } = this.deps;
    const labels = (await services.labelSets.labels(run.labelSetId)).map((label) => label.name);
    const data = await loadSplitData(dataSource, run.datasetId, labels);
    const { preset: _preset, ...settings } = run.settings;
    if (run.kind === RunKind.BASE_TRAINING) {
      return { job: { kind: 'base', spec: { labels, settings: settings as unknown as BaseTrainingSettings, seed: run.seed }, data, output }, labels };
    }
    const base = await services.checkpoints.get(run.baseCheckpointId!);
    const spec = { labels, settings: settings as unknown as ExpansionSettings, seed: run.seed };
    return { job: { kind: 'expand', spec, base: artifacts.absolute(base.artifactPath), data, output }, labels };
  }
}

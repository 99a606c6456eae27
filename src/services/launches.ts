import { DataSource, EntityManager } from 'typeorm';
import { countActiveRuns, datasetLabels, exampleCounts, lockCheckpoint, lockDataset, lockExperiment } from '../db/launch-plans.js';
import { EpochMetric, Run, RunKind, RunStatus } from '../entities/index.js';
import { publishRunCancel, publishRunStatus } from '../events/publish.js';
import { describeCaller, Principal } from '../auth/roles.js';
import { JobQueue } from '../jobs/job-queue.js';
import { Log } from '../log.js';
import {
  BaseTrainingSettings,
  EncoderConfig,
  ExpansionOverrides,
  PresetName,
  resolveBaseSettings,
  resolveExpansionSettings,
  TrainingInputError,
} from '../training/index.js';
import { badInput, conflict, HeadroomError, notFound, requireId } from './errors.js';
import { LabelSetService } from './label-sets.js';

const MAX_RUNS_PER_LAUNCH = 100;
const MAX_SEED = 2 ** 31 - 1;

export interface TrainBaseModelInput {
  datasetId: string;
  labelSetId?: string | null;
  seed?: number | null;
  settings: Partial<BaseTrainingSettings>;
}

export interface StrategyRequest {
  preset?: PresetName | null;
  overrides: ExpansionOverrides;
}

export interface LaunchHeadExpansionInput {
  experimentId: string;
  strategies: StrategyRequest[];
  seeds?: number[] | null;
}

/**
 * Creating, cancelling and retrying runs. A run row and its queue job are written in one
 * transaction, so there is never a queued run without a job or a job without a run. Everything a
 * launch checks is read in that transaction, on its connection (src/db/launch-plans.ts says what
 * is locked): a read on another connection could see rows the transaction does not, and waits for
 * a free connection while holding one.
 */
export class LaunchService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly queue: JobQueue,
    private readonly labelSets: LabelSetService,
    private readonly maxActiveRunsPerKey: number,
    private readonly log: Log,
  ) {}

  async trainBaseModel(input: TrainBaseModelInput, principal: Principal): Promise<Run> {
    const settings = withField((field) => (ENCODER_FIELDS.has(field) ? `input.encoder.${field}` : `input.${field}`), () => resolveBaseSettings(input.settings));
    const seed = requireSeed(input.seed ?? 0, 'input.seed');
    return this.dataSource.transaction(async (manager) => {
      const dataset = await lockDataset(manager, requireId(input.datasetId, 'input.datasetId'));
      if (!dataset) throw notFound('Dataset', input.datasetId, 'input.datasetId');
      const labelSet = input.labelSetId
        ? { id: input.labelSetId, labels: await this.labelSets.labelNamesIn(manager, input.labelSetId, 'input.labelSetId') }
        : await this.labelSetFromDataset(manager, input.datasetId, dataset.name);
      await requireExamples(manager, input.datasetId, labelSet.labels, 'input.datasetId');
      await this.requireRoomForRuns(manager, principal, 1);
      return this.createRun(manager, principal, { kind: RunKind.BASE_TRAINING, datasetId: input.datasetId, labelSetId: labelSet.id, seed, settings: { ...settings } });
    });
  }

  async launchHeadExpansion(input: LaunchHeadExpansionInput, principal: Principal): Promise<Run[]> {
    if (input.strategies.length === 0) throw badInput('input.strategies', 'give at least one strategy, e.g. { preset: IMPRINT_FROZEN }');
    const resolve = (encoder: EncoderConfig | null) =>
      input.strategies.map(({ preset, overrides }, i) => ({
        preset: preset ?? 'ORIGINAL_RECIPE',
        settings: withField((field) => `input.strategies[${i}].${field}`, () => resolveExpansionSettings(preset, overrides, encoder)),
      }));
    // Checked before anything is looked up, then again against the base model's encoder (its kind sets defaults).
    const strategies = resolve(null);
    const seeds = input.seeds ?? [0];
    if (seeds.length === 0) throw badInput('input.seeds', 'give at least one seed, or leave seeds out for [0]');
    seeds.forEach((seed, i) => requireSeed(seed, `input.seeds[${i}]`));
    if (new Set(seeds).size !== seeds.length) throw badInput('input.seeds', 'a seed is repeated; each seed gives one run per strategy');
    if (strategies.length * seeds.length > MAX_RUNS_PER_LAUNCH) {
      throw badInput('input.strategies', `${strategies.length} strategies x ${seeds.length} seeds is over ${MAX_RUNS_PER_LAUNCH} runs; launch in parts`);
    }

    return this.dataSource.transaction(async (manager) => {
      const experiment = await lockExperiment(manager, requireId(input.experimentId, 'input.experimentId'));
      if (!experiment) throw notFound('Experiment', input.experimentId, 'input.experimentId');
      if (!experiment.baseCheckpointId) {
        throw badInput('input.experimentId', 'the experiment has no base checkpoint; train one (trainBaseModel) and set it with updateExperiment');
      }
      const checkpoint = await lockCheckpoint(manager, experiment.baseCheckpointId);
      if (!checkpoint) throw notFound('Checkpoint', experiment.baseCheckpointId, 'input.experimentId');
      const { labelSetId: baseLabelSetId, encoder } = checkpoint;
      const resolved = resolve(encoder as unknown as EncoderConfig);
      const oldLabels = await this.labelSets.labelNamesIn(manager, baseLabelSetId, 'input.experimentId');
      const labels = await this.labelSets.labelNamesIn(manager, experiment.targetLabelSetId, 'input.experimentId');
      if (labels.length <= oldLabels.length || !(await this.labelSets.isSameOrExtensionOf(manager, experiment.targetLabelSetId, baseLabelSetId))) {
        throw badInput('input.experimentId', 'the experiment\'s target label set does not extend its base checkpoint\'s label set with new labels');
      }
      await requireExamples(manager, experiment.datasetId, labels.slice(oldLabels.length), 'input.experimentId');
      await this.requireRoomForRuns(manager, principal, strategies.length * seeds.length);
      const runs: Run[] = [];
      for (const { preset, settings } of resolved) {
        for (const seed of seeds) {
          runs.push(
            await this.createRun(manager, principal, {
              kind: RunKind.HEAD_EXPANSION,
              experimentId: experiment.id,
              datasetId: experiment.datasetId,
              labelSetId: experiment.targetLabelSetId,
              baseCheckpointId: experiment.baseCheckpointId,
              seed,
              settings: { preset, ...settings },
            }),
          );
        }
      }
      return runs;
    });
  }

  /**
   * A queued run ends at once; a running one stops at its next batch (its final status arrives by
   * subscription, and its worker logs the stop). Logged once committed, with who asked.
   */
  async cancelRun(id: string, principal: Principal): Promise<Run> {
    const run = await this.dataSource.transaction(async (manager) => {
      const run = await lockRun(manager, id);
      if (run.status === RunStatus.QUEUED) {
        if (run.jobId) await this.queue.cancel(run.jobId, manager);
        Object.assign(run, { status: RunStatus.CANCELLED, finishedAt: new Date(), cancelRequestedAt: new Date() });
        await manager.save(run);
        await publishRunStatus(manager, run);
      } else if (run.status === RunStatus.RUNNING) {
        run.cancelRequestedAt ??= new Date();
        await manager.save(run);
        await publishRunCancel(manager, run.id);
      } else {
        throw conflict('id', `run ${id} has already ended (${run.status}); nothing to cancel`);
      }
      return run;
    });
    const outcome = run.status === RunStatus.CANCELLED ? 'it had not started and is CANCELLED' : 'its worker stops it at the next batch';
    this.log(`run ${run.id}: cancel requested by ${describeCaller(principal)}; ${outcome}`);
    return run;
  }

  /** Starts a failed or cancelled run again from the beginning, with the same settings and seed. */
  retryRun(id: string, principal: Principal): Promise<Run> {
    return this.dataSource.transaction(async (manager) => {
      const run = await lockRun(manager, id);
      if (run.status !== RunStatus.FAILED && run.status !== RunStatus.CANCELLED) {
        throw conflict('id', `run ${id} is ${run.status}; only FAILED or CANCELLED runs can be retried`);
      }
      await this.requireRoomForRuns(manager, principal, 1);
      await manager.delete(EpochMetric, { runId: run.id });
      Object.assign(run, {
        status: RunStatus.QUEUED,
        error: null,
        finalMetrics: null,
        keptEpoch: null,
        perLabelAccuracy: null,
        outcomes: null,
        attempts: 0,
        startedAt: null,
        finishedAt: null,
        heartbeatAt: null,
        cancelRequestedAt: null,
        createdByKeyId: principal.keyId,
        jobId: await this.queue.enqueue(run.id, manager),
      });
      await manager.save(run);
      await publishRunStatus(manager, run);
      return run;
    });
  }

  /** One caller may not fill the queue for everyone: a cap on its queued and running runs. */
  private async requireRoomForRuns(manager: EntityManager, principal: Principal, adding: number): Promise<void> {
    const active = await countActiveRuns(manager, principal.keyId);
    if (active + adding > this.maxActiveRunsPerKey) {
      throw new HeadroomError(
        'LIMIT_EXCEEDED',
        `this would make ${active + adding} queued or running runs for this caller; the limit is ${this.maxActiveRunsPerKey}. Wait for some to finish or cancel them`,
        'input',
        { reason: 'TOO_MANY_ACTIVE_RUNS', active, limit: this.maxActiveRunsPerKey },
      );
    }
  }

  private async createRun(manager: EntityManager, principal: Principal, fields: Partial<Run>): Promise<Run> {
    const run = await manager.save(manager.create(Run, { ...fields, status: RunStatus.QUEUED, createdByKeyId: principal.keyId }));
    run.jobId = await this.queue.enqueue(run.id, manager);
    await manager.save(run);
    return run;
  }

  /** A label set of every label of the dataset, alphabetically: what a base model without one is trained on. */
  private async labelSetFromDataset(manager: EntityManager, datasetId: string, name: string): Promise<{ id: string; labels: string[] }> {
    const labels = await datasetLabels(manager, datasetId);
    const labelSet = await this.labelSets.createIn(manager, { name, labels });
    return { id: labelSet.id, labels };
  }
}

/** The base-training settings that TrainBaseModelInput groups under `encoder`. */
const ENCODER_FIELDS = new Set(['dim', 'buckets', 'wordNgrams', 'charNgramMin', 'charNgramMax', 'layerNorm']);

/** The engine names a setting; the client needs the path of the input field that set it. */
function withField<T>(pathOf: (field: string) => string, resolve: () => T): T {
  try {
    return resolve();
  } catch (error) {
    if (!(error instanceof TrainingInputError)) throw error;
    const path = pathOf(error.field);
    throw badInput(path, `${path}${error.message.slice(error.field.length)}`);
  }
}

function requireSeed(seed: number, field: string): number {
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) throw badInput(field, `${field} must be a whole number from 0 to ${MAX_SEED}; got ${seed}`);
  return seed;
}

/** Every label needs training examples, and the test split must not be empty: metrics are measured on it. */
async function requireExamples(manager: EntityManager, datasetId: string, labels: string[], field: string): Promise<void> {
  const counts = await exampleCounts(manager, datasetId, labels);
  const withTraining = new Set(counts.filter((row) => row.train > 0).map((row) => row.label));
  const missing = labels.filter((label) => !withTraining.has(label));
  if (missing.length > 0) {
    throw new HeadroomError(
      'BAD_USER_INPUT',
      `the dataset has no training examples of ${missing.slice(0, 10).map((label) => JSON.stringify(label)).join(', ')}` +
        `${missing.length > 10 ? ` and ${missing.length - 10} more` : ''}; import a dataset that has them, or use a label set without them`,
      field,
      { reason: 'LABELS_WITHOUT_EXAMPLES', labels: missing },
    );
  }
  if (!counts.some((row) => row.test > 0)) throw badInput(field, 'the dataset has no test examples of these labels; every metric is measured on the test split');
}

async function lockRun(manager: EntityManager, id: string): Promise<Run> {
  const run = await manager.findOne(Run, { where: { id: requireId(id, 'id') }, lock: { mode: 'pessimistic_write' } });
  if (!run) throw notFound('Run', id, 'id');
  return run;
}

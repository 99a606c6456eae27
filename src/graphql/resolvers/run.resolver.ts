import { Arg, Args, Ctx, FieldResolver, Float, ID, Query, Resolver, Root } from 'type-graphql';
import { Run, RunKind } from '../../entities/index.js';
import { StoredStrategySettings, variantOf } from '../../services/setting-differences.js';
import type { EncoderConfig } from '../../training/index.js';
import { GraphQLContext } from '../context.js';
import { PageArgs } from '../inputs/page.js';
import { RunFilterInput } from '../inputs/run.js';
import { CheckpointObject } from '../types/checkpoint.js';
import { toConnection } from '../types/connection.js';
import { DatasetObject } from '../types/dataset.js';
import { EpochMetricObject } from '../types/epoch-metric.js';
import { ExperimentObject } from '../types/experiment.js';
import { LabelSetObject } from '../types/label-set.js';
import { LabelAccuracyObject, RunConnection, RunMetricsObject, RunObject, SoftwareVersionObject } from '../types/run.js';
import { runSettingsOf, RunSettingsUnion } from '../types/run-settings.js';
import { Preset } from '../training-enums.js';

@Resolver(() => RunObject)
export class RunResolver {
  @Query(() => RunConnection, { description: 'Runs, newest first.' })
  async runs(
    @Arg('filter', () => RunFilterInput, { nullable: true, description: 'Which runs; default all.' }) filter: RunFilterInput | null,
    @Args() page: PageArgs,
    @Ctx() { services }: GraphQLContext,
  ) {
    return toConnection(await services.runs.list(filter ?? {}, page));
  }

  @Query(() => RunObject, { nullable: true, description: 'One run; a NOT_FOUND error when the id is unknown.' })
  run(@Arg('id', () => ID, { description: 'The run\'s id.' }) id: string, @Ctx() { services }: GraphQLContext) {
    return services.runs.get(id);
  }

  @FieldResolver(() => Preset, { nullable: true, description: 'The preset the settings started from; null for base training.' })
  preset(@Root() run: Run) {
    return (run.settings.preset as string | undefined) ?? null;
  }

  @FieldResolver(() => RunSettingsUnion, { description: 'Fully resolved training settings (strategy axes and optimisation) as the run used them.' })
  settings(@Root() run: Run) {
    return runSettingsOf(run);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description:
      'The name of its strategy setting: the preset and, in brackets, the settings where it departs from that preset on this base model, ' +
      'e.g. "IMPRINT_FROZEN (epochs 20)"; the same as its leaderboard entry\'s variant. Null for base training.',
  })
  async variant(@Root() run: Run, @Ctx() { loaders }: GraphQLContext) {
    if (run.kind !== RunKind.HEAD_EXPANSION || !run.baseCheckpointId) return null;
    const base = await loaders.checkpoint.load(run.baseCheckpointId);
    return variantOf(run.settings as unknown as StoredStrategySettings, base.encoder as unknown as EncoderConfig);
  }

  @FieldResolver(() => [SoftwareVersionObject], { nullable: true, description: 'Versions of the software that ran it, by name; null before it starts.' })
  versions(@Root() run: Run) {
    if (!run.versions) return null;
    return Object.entries(run.versions)
      .map(([name, version]) => ({ name, version }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  @FieldResolver(() => Boolean, { description: 'True once cancelRun was asked for; the status turns CANCELLED when the worker stops.' })
  cancelRequested(@Root() run: Run) {
    return run.cancelRequestedAt !== null;
  }

  @FieldResolver(() => [EpochMetricObject], { description: 'Metrics after every finished epoch, in order: ready to plot.' })
  epochs(@Root() run: Run, @Ctx() { loaders }: GraphQLContext) {
    return loaders.epochs.load(run.id);
  }

  @FieldResolver(() => RunMetricsObject, { nullable: true, description: 'Metrics of the final model; null until the run succeeds.' })
  finalMetrics(@Root() run: Run) {
    return run.finalMetrics;
  }

  @FieldResolver(() => [LabelAccuracyObject], { nullable: true, description: 'Final test accuracy per label, in label order; null until the run succeeds.' })
  perLabelAccuracy(@Root() run: Run) {
    if (!run.perLabelAccuracy) return null;
    return Object.entries(run.perLabelAccuracy).map(([label, accuracy]) => ({ label, accuracy }));
  }

  @FieldResolver(() => Float, { nullable: true, description: 'Seconds from start to end of the last attempt; null until it ends.' })
  durationSeconds(@Root() run: Run) {
    if (!run.startedAt || !run.finishedAt) return null;
    return (run.finishedAt.getTime() - run.startedAt.getTime()) / 1000;
  }

  @FieldResolver(() => ExperimentObject, { nullable: true, description: 'The experiment; null for base training.' })
  experiment(@Root() run: Run, @Ctx() { loaders }: GraphQLContext) {
    return run.experimentId ? loaders.experiment.load(run.experimentId) : null;
  }

  @FieldResolver(() => DatasetObject, { description: 'The dataset it trained and was evaluated on.' })
  dataset(@Root() run: Run, @Ctx() { loaders }: GraphQLContext) {
    return loaders.dataset.load(run.datasetId);
  }

  @FieldResolver(() => LabelSetObject, { description: 'The label set of the model it produces.' })
  labelSet(@Root() run: Run, @Ctx() { loaders }: GraphQLContext) {
    return loaders.labelSet.load(run.labelSetId);
  }

  @FieldResolver(() => CheckpointObject, { nullable: true, description: 'The checkpoint it started from; null for base training.' })
  baseCheckpoint(@Root() run: Run, @Ctx() { loaders }: GraphQLContext) {
    return run.baseCheckpointId ? loaders.checkpoint.load(run.baseCheckpointId) : null;
  }

  @FieldResolver(() => CheckpointObject, { nullable: true, description: 'The checkpoint it wrote; null until it succeeds.' })
  async outputCheckpoint(@Root() run: Run, @Ctx() { loaders }: GraphQLContext) {
    const [checkpoint] = await loaders.producedCheckpoints.load(run.id);
    return checkpoint ?? null;
  }
}

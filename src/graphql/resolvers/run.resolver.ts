import { Arg, Args, Ctx, FieldResolver, Float, ID, Query, Resolver, Root } from 'type-graphql';
import { Run } from '../../entities/index.js';
import { GraphQLContext } from '../context.js';
import { PageArgs } from '../inputs/page.js';
import { RunFilterInput } from '../inputs/run.js';
import { CheckpointObject } from '../types/checkpoint.js';
import { toConnection } from '../types/connection.js';
import { DatasetObject } from '../types/dataset.js';
import { EpochMetricObject } from '../types/epoch-metric.js';
import { ExperimentObject } from '../types/experiment.js';
import { LabelSetObject } from '../types/label-set.js';
import { LabelAccuracyObject, RunConnection, RunMetricsObject, RunObject } from '../types/run.js';

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

  @FieldResolver(() => String, { nullable: true, description: 'The preset the settings started from; null for base training.' })
  preset(@Root() run: Run) {
    return (run.settings.preset as string | undefined) ?? null;
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

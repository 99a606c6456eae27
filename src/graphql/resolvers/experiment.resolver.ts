import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Experiment, RunKind, RunStatus } from '../../entities/index.js';
import { Role } from '../../auth/roles.js';
import { GraphQLContext } from '../context.js';
import { CreateExperimentInput, ExperimentFilterInput, UpdateExperimentInput } from '../inputs/experiment.js';
import { PageArgs } from '../inputs/page.js';
import { CheckpointObject } from '../types/checkpoint.js';
import { toConnection } from '../types/connection.js';
import { DatasetObject } from '../types/dataset.js';
import { ExperimentConnection, ExperimentObject } from '../types/experiment.js';
import { LabelObject, LabelSetObject } from '../types/label-set.js';
import { RunConnection } from '../types/run.js';
import { LeaderboardEntryObject, LeaderboardMetricEnum, SortOrderEnum } from '../types/comparison.js';
import { LeaderboardMetric, SortOrder } from '../../services/comparisons.js';
import { strategySettingsOf } from '../types/run-settings.js';

@Resolver(() => ExperimentObject)
export class ExperimentResolver {
  @Query(() => ExperimentConnection, { description: 'Experiments, newest first; active ones unless the filter says otherwise.' })
  async experiments(
    @Arg('filter', () => ExperimentFilterInput, { nullable: true, description: 'Which experiments; default all active ones.' })
    filter: ExperimentFilterInput | null,
    @Args() page: PageArgs,
    @Ctx() { services }: GraphQLContext,
  ) {
    return toConnection(await services.experiments.list(filter ?? {}, page));
  }

  @Query(() => ExperimentObject, { nullable: true, description: 'One experiment; a NOT_FOUND error when the id is unknown.' })
  experiment(@Arg('id', () => ID, { description: 'The experiment\'s id.' }) id: string, @Ctx() { services }: GraphQLContext) {
    return services.experiments.get(id);
  }

  @Authorized(Role.RESEARCHER)
  @Mutation(() => ExperimentObject, {
    description: 'Creates an experiment. With a base checkpoint, the target label set must extend the checkpoint\'s label set.',
  })
  createExperiment(@Arg('input', { description: 'The experiment.' }) input: CreateExperimentInput, @Ctx() { services }: GraphQLContext) {
    return services.experiments.create(input);
  }

  @Authorized(Role.RESEARCHER)
  @Mutation(() => ExperimentObject, { description: 'Changes an experiment; omitted fields stay as they are.' })
  updateExperiment(@Arg('input', { description: 'The changes.' }) input: UpdateExperimentInput, @Ctx() { services }: GraphQLContext) {
    return services.experiments.update(input);
  }

  @Authorized(Role.RESEARCHER)
  @Mutation(() => ExperimentObject, { description: 'Archives an experiment (hidden from `experiments` by default), or restores it with archived: false.' })
  archiveExperiment(
    @Arg('id', () => ID, { description: 'The experiment.' }) id: string,
    @Arg('archived', { defaultValue: true, description: 'true to archive, false to restore.' }) archived: boolean,
    @Ctx() { services }: GraphQLContext,
  ) {
    return services.experiments.archive(id, archived);
  }

  @FieldResolver(() => Boolean, { description: 'True when archived.' })
  archived(@Root() experiment: Experiment) {
    return experiment.archivedAt !== null;
  }

  @FieldResolver(() => CheckpointObject, { nullable: true, description: 'The checkpoint labels are added to; null until set.' })
  baseCheckpoint(@Root() experiment: Experiment, @Ctx() { loaders }: GraphQLContext) {
    return experiment.baseCheckpointId ? loaders.checkpoint.load(experiment.baseCheckpointId) : null;
  }

  @FieldResolver(() => LabelSetObject, { description: 'The label set to reach.' })
  targetLabelSet(@Root() experiment: Experiment, @Ctx() { loaders }: GraphQLContext) {
    return loaders.labelSet.load(experiment.targetLabelSetId);
  }

  @FieldResolver(() => DatasetObject, { description: 'The data to train and evaluate on.' })
  dataset(@Root() experiment: Experiment, @Ctx() { loaders }: GraphQLContext) {
    return loaders.dataset.load(experiment.datasetId);
  }

  @FieldResolver(() => [LabelObject], {
    nullable: true,
    description: 'Labels of the target label set that the base checkpoint lacks: what the runs add. Null until a base checkpoint is set.',
  })
  async newLabels(@Root() experiment: Experiment, @Ctx() { loaders }: GraphQLContext) {
    if (!experiment.baseCheckpointId) return null;
    const base = await loaders.checkpoint.load(experiment.baseCheckpointId);
    const [oldLabels, targetLabels] = await Promise.all([loaders.labels.load(base.labelSetId), loaders.labels.load(experiment.targetLabelSetId)]);
    return targetLabels.slice(oldLabels.length);
  }

  @FieldResolver(() => [LeaderboardEntryObject], {
    description: 'The experiment\'s succeeded runs ranked by a final metric, one entry per setting with its seeds pooled (mean and spread).',
  })
  async leaderboard(
    @Root() experiment: Experiment,
    @Arg('metric', () => LeaderboardMetricEnum, { defaultValue: 'OVERALL_ACCURACY', description: 'What to rank by.' }) metric: LeaderboardMetric,
    @Arg('order', () => SortOrderEnum, { nullable: true, description: 'Default: the metric\'s better direction.' }) order: SortOrder | null,
    @Ctx() { services }: GraphQLContext,
  ) {
    const entries = await services.comparisons.leaderboard(experiment.id, metric, order);
    return entries.map((entry) => ({ ...entry, settings: strategySettingsOf(entry.settings) }));
  }

  @FieldResolver(() => RunConnection, { description: 'Runs of this experiment, newest first.' })
  async runs(
    @Root() experiment: Experiment,
    @Arg('status', () => RunStatus, { nullable: true, description: 'Only runs in this status.' }) status: RunStatus | null,
    @Arg('kind', () => RunKind, { nullable: true, description: 'Only runs of this kind.' }) kind: RunKind | null,
    @Args() page: PageArgs,
    @Ctx() { loaders }: GraphQLContext,
  ) {
    return toConnection(await loaders.experimentRuns.load({ experimentId: experiment.id, status, kind, first: page.first, after: page.after }));
  }
}

import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { LabelSet } from '../../entities/index.js';
import { Role } from '../../auth/roles.js';
import { GraphQLContext } from '../context.js';
import { CreateLabelSetInput, ExtendLabelSetInput } from '../inputs/label-set.js';
import { PageArgs } from '../inputs/page.js';
import { toConnection } from '../types/connection.js';
import { LabelObject, LabelSetConnection, LabelSetObject } from '../types/label-set.js';

@Resolver(() => LabelSetObject)
export class LabelSetResolver {
  @Query(() => LabelSetConnection, { description: 'Label sets, newest first.' })
  async labelSets(@Args() page: PageArgs, @Ctx() { services }: GraphQLContext) {
    return toConnection(await services.labelSets.list(page));
  }

  @Query(() => LabelSetObject, { nullable: true, description: 'One label set; a NOT_FOUND error when the id is unknown.' })
  labelSet(@Arg('id', () => ID, { description: 'The label set\'s id.' }) id: string, @Ctx() { services }: GraphQLContext) {
    return services.labelSets.get(id);
  }

  @Authorized(Role.RESEARCHER)
  @Mutation(() => LabelSetObject, { description: 'Creates a label set (version 1) from an ordered list; blank or repeated labels are rejected.' })
  createLabelSet(@Arg('input', { description: 'Name and labels.' }) input: CreateLabelSetInput, @Ctx() { services }: GraphQLContext) {
    return services.labelSets.create(input);
  }

  @Authorized(Role.RESEARCHER)
  @Mutation(() => LabelSetObject, {
    description:
      'Creates a child label set: the parent\'s labels at the same indices, then `addLabels`. Blank, ' +
      'repeated or already present labels are rejected, so a child can never reorder or drop a label.',
  })
  extendLabelSet(@Arg('input', { description: 'Parent and labels to append.' }) input: ExtendLabelSetInput, @Ctx() { services }: GraphQLContext) {
    return services.labelSets.extend(input);
  }

  @FieldResolver(() => [LabelObject], { description: 'Labels in index order.' })
  labels(@Root() labelSet: LabelSet, @Ctx() { loaders }: GraphQLContext) {
    return loaders.labels.load(labelSet.id);
  }

  @FieldResolver(() => Int, { description: 'Number of labels.' })
  async labelCount(@Root() labelSet: LabelSet, @Ctx() { loaders }: GraphQLContext) {
    return (await loaders.labels.load(labelSet.id)).length;
  }

  @FieldResolver(() => LabelSetObject, { nullable: true, description: 'The label set this one extends; null for a root.' })
  parent(@Root() labelSet: LabelSet, @Ctx() { loaders }: GraphQLContext) {
    return labelSet.parentId ? loaders.labelSet.load(labelSet.parentId) : null;
  }

  @FieldResolver(() => [LabelSetObject], { description: 'Label sets that extend this one, oldest first.' })
  children(@Root() labelSet: LabelSet, @Ctx() { loaders }: GraphQLContext) {
    return loaders.labelSetChildren.load(labelSet.id);
  }

  @FieldResolver(() => [String], { description: 'Labels of the dataset that this label set does not contain, alphabetically.' })
  async uncoveredDatasetLabels(
    @Root() labelSet: LabelSet,
    @Arg('datasetId', () => ID, { description: 'The dataset to compare with.' }) datasetId: string,
    @Ctx() { services }: GraphQLContext,
  ) {
    await services.datasets.get(datasetId, 'datasetId');
    return services.labelSets.uncoveredDatasetLabels(labelSet.id, datasetId);
  }
}

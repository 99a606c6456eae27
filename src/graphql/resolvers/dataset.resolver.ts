import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Dataset } from '../../entities/index.js';
import { Role } from '../../auth/roles.js';
import { GraphQLContext } from '../context.js';
import { ExampleFilterInput, ImportDatasetInput } from '../inputs/dataset.js';
import { PageArgs } from '../inputs/page.js';
import { toConnection } from '../types/connection.js';
import {
  DatasetConnection,
  DatasetLabelCountObject,
  DatasetObject,
  ExampleConnection,
  SplitCountsObject,
} from '../types/dataset.js';

@Resolver(() => DatasetObject)
export class DatasetResolver {
  @Query(() => DatasetConnection, { description: 'Imported datasets, newest first.' })
  async datasets(@Args() page: PageArgs, @Ctx() { services }: GraphQLContext) {
    return toConnection(await services.datasets.list(page));
  }

  @Query(() => DatasetObject, { nullable: true, description: 'One dataset; a NOT_FOUND error when the id is unknown.' })
  dataset(@Arg('id', () => ID, { description: 'The dataset\'s id.' }) id: string, @Ctx() { services }: GraphQLContext) {
    return services.datasets.get(id);
  }

  @Authorized(Role.RESEARCHER)
  @Mutation(() => DatasetObject, {
    description:
      'Imports a CSV or JSONL file of labelled texts. Labels are trimmed and, as in label sets, one line of at most ' +
      '200 characters. Rejected as a whole (BAD_USER_INPUT with `extensions.reason` and `extensions.line`) when a ' +
      'column is missing, a text or label is empty or malformed, the content is not valid UTF-8, has no rows or is ' +
      'over the upload limit (50 MB by default); LIMIT_EXCEEDED over the examples limit; CONFLICT when the name is taken.',
  })
  importDataset(@Arg('input', { description: 'The file and how to read it.' }) input: ImportDatasetInput, @Ctx() { services }: GraphQLContext) {
    return services.datasets.import(input);
  }

  @FieldResolver(() => [DatasetLabelCountObject], { description: 'Examples per label and split, labels in alphabetical order.' })
  async labels(@Root() dataset: Dataset, @Ctx() { loaders }: GraphQLContext) {
    const labels = await loaders.datasetLabels.load(dataset.id);
    return labels.map((row) => ({ ...row, total: row.train + row.validation + row.test }));
  }

  @FieldResolver(() => SplitCountsObject, { description: 'Examples per split.' })
  async splits(@Root() dataset: Dataset, @Ctx() { loaders }: GraphQLContext) {
    const labels = await loaders.datasetLabels.load(dataset.id);
    const sum = (key: 'train' | 'validation' | 'test') => labels.reduce((total, row) => total + row[key], 0);
    return { train: sum('train'), validation: sum('validation'), test: sum('test') };
  }

  @FieldResolver(() => ExampleConnection, { description: 'Examples in file order, optionally filtered.' })
  async examples(
    @Root() dataset: Dataset,
    @Arg('filter', () => ExampleFilterInput, { nullable: true, description: 'Which examples; default all.' }) filter: ExampleFilterInput | null,
    @Args() page: PageArgs,
    @Ctx() { services }: GraphQLContext,
  ) {
    return toConnection(await services.datasets.examples(dataset.id, filter ?? {}, page));
  }
}

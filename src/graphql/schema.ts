import 'reflect-metadata';
import { GraphQLDateTimeISO } from 'graphql-scalars';
import { buildSchema } from 'type-graphql';
import { GraphQLSchema } from 'graphql';
import { EventPubSub } from '../events/run-progress.js';
import { authChecker } from './auth-checker.js';
import './enums.js';
import './training-enums.js';
import { AdminResolver } from './resolvers/admin.resolver.js';
import { CheckpointResolver } from './resolvers/checkpoint.resolver.js';
import { ComparisonResolver } from './resolvers/comparison.resolver.js';
import { DatasetResolver } from './resolvers/dataset.resolver.js';
import { ExperimentResolver } from './resolvers/experiment.resolver.js';
import { LabelSetResolver } from './resolvers/label-set.resolver.js';
import { LaunchResolver } from './resolvers/launch.resolver.js';
import { RunProgressResolver } from './resolvers/run-progress.resolver.js';
import { RunResolver } from './resolvers/run.resolver.js';
import { ExperimentStatisticsResolver, LeaderboardEntryStatisticsResolver, RunOutcomesResolver, StrategySettingsResolver } from './resolvers/strategy-statistics.resolver.js';

export function buildHeadroomSchema(pubSub: EventPubSub): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [
      DatasetResolver,
      LabelSetResolver,
      ExperimentResolver,
      RunResolver,
      CheckpointResolver,
      RunProgressResolver,
      LaunchResolver,
      ComparisonResolver,
      AdminResolver,
      ExperimentStatisticsResolver,
      LeaderboardEntryStatisticsResolver,
      RunOutcomesResolver,
      StrategySettingsResolver,
    ],
    scalarsMap: [{ type: Date, scalar: GraphQLDateTimeISO }],
    validate: false,
    pubSub,
    authChecker,
    authMode: 'error',
  });
}

import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { StrategyRequest } from '../../services/launches.js';
import { ExpansionOverrides } from '../../training/index.js';
import { Role } from '../../auth/roles.js';
import { GraphQLContext } from '../context.js';
import { LaunchHeadExpansionInput, StrategyInput, TrainBaseModelInput } from '../inputs/training.js';
import { RunObject } from '../types/run.js';

@Resolver()
export class LaunchResolver {
  @Authorized(Role.RESEARCHER)
  @Mutation(() => RunObject, {
    description:
      'Queues the training of a classifier from scratch (kind BASE_TRAINING). When it succeeds, its outputCheckpoint is a base ' +
      'model to set on experiments. Without labelSetId, a label set of all the dataset\'s labels is created.',
  })
  trainBaseModel(@Arg('input', { description: 'Dataset, labels and settings.' }) input: TrainBaseModelInput, @Ctx() { services, principal }: GraphQLContext) {
    const { datasetId, labelSetId, seed, encoder, ...optimisation } = input;
    return services.launches.trainBaseModel({ datasetId, labelSetId, seed, settings: definedOnly({ ...encoder, ...optimisation }) }, principal);
  }

  @Authorized(Role.RESEARCHER)
  @Mutation(() => [RunObject], {
    description:
      'Queues one HEAD_EXPANSION run per strategy and seed on an experiment. Rejected as a whole (nothing queued) when a ' +
      'setting is out of range, the experiment has no base checkpoint, or the dataset lacks training examples of a new label.',
  })
  launchHeadExpansion(@Arg('input', { description: 'Experiment, strategies and seeds.' }) input: LaunchHeadExpansionInput, @Ctx() { services, principal }: GraphQLContext) {
    const request = { experimentId: input.experimentId, strategies: input.strategies.map(strategyRequest), seeds: input.seeds };
    return services.launches.launchHeadExpansion(request, principal);
  }

  @Authorized(Role.RESEARCHER)
  @Mutation(() => RunObject, {
    description: 'Cancels a run: a queued one at once, a running one at its next batch (partial epochs are kept). CONFLICT when it has ended.',
  })
  cancelRun(@Arg('id', () => ID, { description: 'The run.' }) id: string, @Ctx() { services, principal }: GraphQLContext) {
    return services.launches.cancelRun(id, principal);
  }

  @Authorized(Role.RESEARCHER)
  @Mutation(() => RunObject, { description: 'Queues a FAILED or CANCELLED run again from the start, same settings and seed.' })
  retryRun(@Arg('id', () => ID, { description: 'The run.' }) id: string, @Ctx() { services, principal }: GraphQLContext) {
    return services.launches.retryRun(id, principal);
  }
}

/** GraphQL input to the engine's overrides: an omitted or null field keeps the preset's value, except where null means "off". */
function strategyRequest(input: StrategyInput): StrategyRequest {
  const { preset, rehearsalPerLabel, rehearseAllOldData, distillation, earlyStoppingPatience, biasCalibration, ...rest } = input;
  const overrides: ExpansionOverrides = definedOnly(rest);
  if (rehearseAllOldData) overrides.rehearsal = 'ALL';
  else if (rehearsalPerLabel !== undefined && rehearsalPerLabel !== null) overrides.rehearsal = rehearsalPerLabel;
  if (distillation !== undefined) overrides.distillation = distillation && { temperature: distillation.temperature, weight: distillation.weight };
  if (earlyStoppingPatience !== undefined) overrides.earlyStoppingPatience = earlyStoppingPatience;
  if (biasCalibration !== undefined) overrides.biasCalibration = biasCalibration;
  return { preset, overrides };
}

function definedOnly<T extends object>(values: T): { [K in keyof T]?: NonNullable<T[K]> } {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined && value !== null)) as never;
}

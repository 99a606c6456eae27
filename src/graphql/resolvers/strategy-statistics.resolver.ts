import { Arg, Ctx, FieldResolver, Float, Resolver, Root } from 'type-graphql';
import { Experiment, Run } from '../../entities/index.js';
import { LeaderboardEntry } from '../../services/comparisons.js';
import { EvaluationSplit } from '../../services/strategy-statistics.js';
import { decodeOutcomes, outcomeMetrics } from '../../training/index.js';
import { GraphQLContext } from '../context.js';
import { LeaderboardEntryObject } from '../types/comparison.js';
import { ExperimentObject } from '../types/experiment.js';
import { RunObject } from '../types/run.js';
import {
  EvaluationSplitEnum,
  MetricIntervalsObject,
  OutcomeMetricsObject,
  RecommendationObject,
  StrategyComparisonObject,
  StrategyObject,
} from '../types/strategy-statistics.js';
import { StrategySettingsObject, strategySettingsOf } from '../types/run-settings.js';
import type { Strategy } from '../../services/strategies.js';

/** What the per-example outcomes of runs add to experiments, leaderboards and runs: intervals, paired comparisons, a recommendation. */
@Resolver(() => ExperimentObject)
export class ExperimentStatisticsResolver {
  @FieldResolver(() => RecommendationObject, {
    description:
      'Which strategy to use when at most `maxForgetting` of old-label accuracy may be lost: the best validation new-label accuracy within that budget, with the reason in words, how sure it is and the runner-up. Decided on validation outcomes only.',
  })
  recommendation(
    @Root() experiment: Experiment,
    @Arg('maxForgetting', () => Float, { description: 'Old-label accuracy one accepts to lose, as a share from 0 to 1 (0.01 is one point).' }) maxForgetting: number,
    @Ctx() { services }: GraphQLContext,
  ) {
    return services.strategyStatistics.recommend(experiment.id, maxForgetting);
  }

  @FieldResolver(() => StrategyComparisonObject, {
    description: 'Two strategies of this experiment (settingsKey from the leaderboard) compared on the same seeds and examples: differences with paired bootstrap intervals.',
  })
  async compareStrategies(
    @Root() experiment: Experiment,
    @Arg('first', { description: 'settingsKey of the first strategy; differences are its values minus the second\'s.' }) first: string,
    @Arg('second', { description: 'settingsKey of the second strategy.' }) second: string,
    @Arg('split', () => EvaluationSplitEnum, { defaultValue: 'TEST', description: 'The split to compare on.' }) split: EvaluationSplit,
    @Ctx() { services }: GraphQLContext,
  ) {
    const { differences, ...comparison } = await services.strategyStatistics.compare(experiment.id, first, second, split);
    return { ...comparison, ...differences };
  }
}

@Resolver(() => StrategyObject)
export class StrategySettingsResolver {
  @FieldResolver(() => StrategySettingsObject, { description: 'The resolved settings its runs share.' })
  settings(@Root() strategy: Strategy) {
    return strategySettingsOf(strategy.settings);
  }
}

@Resolver(() => LeaderboardEntryObject)
export class LeaderboardEntryStatisticsResolver {
  @FieldResolver(() => MetricIntervalsObject, { description: '95% bootstrap intervals of the entry\'s mean test metrics, over its seeds and test examples.' })
  intervals(@Root() entry: LeaderboardEntry, @Ctx() { services }: GraphQLContext) {
    return services.strategyStatistics.intervals(entry.runs, 'TEST');
  }
}

@Resolver(() => RunObject)
export class RunOutcomesResolver {
  @FieldResolver(() => OutcomeMetricsObject, {
    nullable: true,
    description: 'The final model\'s metrics on a split, recomputed from its per-example outcomes; null until a head expansion succeeds (and for base training).',
  })
  async outcomeMetrics(
    @Root() run: Run,
    @Arg('split', () => EvaluationSplitEnum, { description: 'VALIDATION or TEST (the latter equals finalMetrics).' }) split: EvaluationSplit,
    @Ctx() { loaders }: GraphQLContext,
  ) {
    const stored = await loaders.runOutcomes.load(run.id);
    return stored && outcomeMetrics(decodeOutcomes(stored)[split === 'TEST' ? 'test' : 'validation']);
  }
}

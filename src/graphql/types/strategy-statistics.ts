import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { PresetName } from '../../training/index.js';
import { Preset } from '../training-enums.js';
import { StrategySettingsObject } from './run-settings.js';

export const EvaluationSplitEnum = { VALIDATION: 'VALIDATION', TEST: 'TEST' } as const;
registerEnumType(EvaluationSplitEnum, {
  name: 'EvaluationSplit',
  description: 'A split whose per-example outcomes runs keep: intervals, comparisons and recommendations are computed from them.',
  valuesConfig: {
    VALIDATION: { description: 'The validation split: what strategies are chosen on.' },
    TEST: { description: 'The test split: what every reported metric is measured on, never used to choose.' },
  },
});

@ObjectType('ConfidenceInterval', {
  description: 'A 95% bootstrap confidence interval (percentiles of 1000 resamples: seeds with replacement, then each run\'s examples with replacement).',
})
export class ConfidenceIntervalObject {
  @Field(() => Float, { description: 'The 2.5th percentile.' })
  low: number;

  @Field(() => Float, { description: 'The 97.5th percentile.' })
  high: number;
}

@ObjectType('MetricIntervals', { description: '95% confidence intervals of the mean over seeds of the metrics a strategy is judged by. Null where a metric cannot be measured or a run has no outcomes.' })
export class MetricIntervalsObject {
  @Field(() => ConfidenceIntervalObject, { nullable: true, description: 'Accuracy on examples of the new labels.' })
  newAccuracy: ConfidenceIntervalObject | null;

  @Field(() => ConfidenceIntervalObject, { nullable: true, description: 'Accuracy on examples of the old labels.' })
  oldAccuracy: ConfidenceIntervalObject | null;

  @Field(() => ConfidenceIntervalObject, { nullable: true, description: 'The base model\'s old-label accuracy minus the run\'s, on the same examples.' })
  forgetting: ConfidenceIntervalObject | null;
}

@ObjectType('OutcomeMetrics', {
  description: 'Metrics of a run\'s final model on one split, recomputed from its per-example outcomes with the same definitions as its final (test) metrics. Null where a metric has nothing to measure.',
})
export class OutcomeMetricsObject {
  @Field(() => Float, { nullable: true, description: 'Accuracy on examples of old labels.' })
  oldAccuracy: number | null;

  @Field(() => Float, { nullable: true, description: 'Accuracy on examples of new labels.' })
  newAccuracy: number | null;

  @Field(() => Float, { nullable: true, description: 'Accuracy on all examples.' })
  overallAccuracy: number | null;

  @Field(() => Float, { nullable: true, description: 'The base checkpoint\'s old-label accuracy minus the run\'s, on the same examples.' })
  forgetting: number | null;

  @Field(() => Float, { nullable: true, description: 'Share of old-label examples predicted as a new label.' })
  intrusion: number | null;
}

@ObjectType('Strategy', { description: 'One setting of an experiment, seeds pooled: what a leaderboard entry is.' })
export class StrategyObject {
  @Field({ description: 'Identifies the setting (a hash of its resolved settings), as LeaderboardEntry.settingsKey does.' })
  settingsKey: string;

  @Field(() => Preset, { description: 'The preset the setting started from.' })
  preset: PresetName;

  @Field({ description: 'The setting\'s name, as LeaderboardEntry.variant gives it.' })
  variant: string;

  @Field(() => StrategySettingsObject, { description: 'The resolved settings its runs share.' })
  settings: StrategySettingsObject;

  @Field(() => [Int], { description: 'Seeds of its succeeded runs.' })
  seeds: number[];
}

@ObjectType('PairedDifference', { description: 'A metric of one strategy minus another\'s, over the seeds both have, with a paired bootstrap interval.' })
export class PairedDifferenceObject {
  @Field(() => Float, { description: 'Mean over the shared seeds of the first strategy\'s value minus the second\'s.' })
  difference: number;

  @Field(() => ConfidenceIntervalObject, { description: '95% interval of the difference: every resample draws the same seeds and the same examples for both.' })
  interval: ConfidenceIntervalObject;

  @Field({ description: 'True when the interval leaves out 0: the two differ beyond what seeds and examples explain.' })
  excludesZero: boolean;
}

@ObjectType('StrategyComparison', { description: 'Two strategies of an experiment on the same seeds and examples.' })
export class StrategyComparisonObject {
  @Field(() => EvaluationSplitEnum, { description: 'The split compared on.' })
  split: keyof typeof EvaluationSplitEnum;

  @Field(() => StrategyObject, { description: 'The first strategy: differences are its values minus the second\'s.' })
  first: StrategyObject;

  @Field(() => StrategyObject, { description: 'The second strategy.' })
  second: StrategyObject;

  @Field(() => [Int], { description: 'The seeds both have outcomes for; the comparison is over these only.' })
  seeds: number[];

  @Field(() => PairedDifferenceObject, { nullable: true, description: 'New-label accuracy, first minus second; null when they share no seed with outcomes.' })
  newAccuracy: PairedDifferenceObject | null;

  @Field(() => PairedDifferenceObject, { nullable: true, description: 'Old-label accuracy, first minus second.' })
  oldAccuracy: PairedDifferenceObject | null;

  @Field(() => PairedDifferenceObject, { nullable: true, description: 'Forgetting, first minus second (negative: the first forgets less).' })
  forgetting: PairedDifferenceObject | null;
}

@ObjectType('StrategyScores', { description: 'A strategy and how it did on the validation split, as a recommendation weighs it.' })
export class StrategyScoresObject {
  @Field(() => StrategyObject, { description: 'The strategy.' })
  strategy: StrategyObject;

  @Field(() => Int, { description: 'How many seeds the validation means are over.' })
  runs: number;

  @Field(() => Float, { nullable: true, description: 'Mean validation accuracy on new labels.' })
  newAccuracy: number | null;

  @Field(() => Float, { nullable: true, description: 'Mean validation accuracy on old labels.' })
  oldAccuracy: number | null;

  @Field(() => Float, { nullable: true, description: 'Mean validation forgetting against the base checkpoint.' })
  forgetting: number | null;

  @Field(() => MetricIntervalsObject, { description: '95% intervals of the validation means.' })
  intervals: MetricIntervalsObject;
}

@ObjectType('Recommendation', {
  description:
    'Which strategy of an experiment to use for a forgetting budget: the best new-label accuracy whose forgetting stays within it, decided on validation outcomes only (the test split is never used to choose).',
})
export class RecommendationObject {
  @Field(() => Float, { description: 'The budget asked for: old-label accuracy one accepts to lose, as a share (0.01 is one point).' })
  maxForgetting: number;

  @Field(() => EvaluationSplitEnum, { description: 'The split the decision was made on: always VALIDATION.' })
  decidedOn: keyof typeof EvaluationSplitEnum;

  @Field(() => StrategyScoresObject, {
    nullable: true,
    description: 'What to use: the best within the budget, or, when none fits, the one that forgets least. Null when no strategy has validation outcomes of old and new labels.',
  })
  strategy: StrategyScoresObject | null;

  @Field({ description: 'True when the strategy keeps its mean validation forgetting within the budget.' })
  fitsBudget: boolean;

  @Field({ description: 'The recommendation in one sentence, with its validation numbers; or why none can be made.' })
  reason: string;

  @Field(() => StrategyScoresObject, { nullable: true, description: 'The second best within the budget; null when fewer than two fit.' })
  runnerUp: StrategyScoresObject | null;

  @Field(() => PairedDifferenceObject, {
    nullable: true,
    description: 'Validation new-label accuracy of the strategy minus the runner-up\'s, paired over their shared seeds; null without a runner-up.',
  })
  newAccuracyDifference: PairedDifferenceObject | null;

  @Field(() => Float, {
    nullable: true,
    description:
      'How sure the choice is: the share of paired bootstrap resamples of the validation outcomes in which the strategy beats the runner-up on new-label accuracy (ties count half) while staying within the budget; without a runner-up, the share in which it stays within the budget. Null when nothing fits the budget.',
  })
  probabilityBest: number | null;

  @Field({ description: 'True when the strategy and the runner-up cannot be told apart: the interval of their difference contains 0.' })
  cannotTellApart: boolean;

  @Field(() => String, { nullable: true, description: 'When cannotTellApart, a sentence saying so with the interval; null otherwise.' })
  cannotTellApartNote: string | null;

  @Field(() => [StrategyObject], { description: 'Strategies left out for lack of validation outcomes of old and new labels (runs that finished before outcomes were kept, or no validation examples of the new labels).' })
  unscored: StrategyObject[];
}

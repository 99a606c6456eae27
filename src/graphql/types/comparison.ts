import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { LEADERBOARD_METRICS } from '../../services/comparisons.js';
import type { PresetName } from '../../training/index.js';
import { Preset } from '../training-enums.js';
import { RunMetricsObject, RunObject } from './run.js';
import { StrategySettingsObject } from './run-settings.js';

export const LeaderboardMetricEnum = Object.fromEntries(Object.keys(LEADERBOARD_METRICS).map((name) => [name, name])) as {
  [K in keyof typeof LEADERBOARD_METRICS]: K;
};
registerEnumType(LeaderboardMetricEnum, {
  name: 'LeaderboardMetric',
  description: 'A final metric to rank runs by. Accuracies and F1 rank highest first by default; the others lowest first.',
  valuesConfig: {
    OVERALL_ACCURACY: { description: 'Accuracy on all test examples.' },
    OLD_ACCURACY: { description: 'Accuracy on test examples of the base checkpoint\'s labels.' },
    NEW_ACCURACY: { description: 'Accuracy on test examples of the added labels.' },
    MACRO_F1: { description: 'Macro-averaged F1.' },
    FORGETTING: { description: 'Old-label accuracy lost against the base checkpoint.' },
    INTRUSION: { description: 'Share of old-label test examples predicted as a new label.' },
    OLD_LOGIT_DRIFT: { description: 'Largest change of an old logit against the base checkpoint.' },
    TRAIN_SECONDS: { description: 'Seconds spent training.' },
  },
});

export const SortOrderEnum = { ASC: 'ASC', DESC: 'DESC' } as const;
registerEnumType(SortOrderEnum, {
  name: 'SortOrder',
  description: 'Ascending or descending.',
  valuesConfig: { ASC: { description: 'Smallest first.' }, DESC: { description: 'Largest first.' } },
});

@ObjectType('LeaderboardEntry', { description: 'One setting of an experiment (its seeds pooled) and how it ranks.' })
export class LeaderboardEntryObject {
  @Field(() => Int, { description: '1 for the best.' })
  rank: number;

  @Field(() => Preset, { description: 'The preset the setting started from.' })
  preset: PresetName;

  @Field({ description: 'Identifies the setting (a hash of its resolved settings): what compareStrategies takes and recommendation returns.' })
  settingsKey: string;

  @Field({
    description:
      'The setting\'s name: its preset and, in brackets, the settings where it departs from that preset on this base model, formatted as in ' +
      'SettingDifference, e.g. "IMPRINT_FROZEN (epochs 20)", or just the preset. Two settings of one preset never share a name; a run\'s variant is its entry\'s.',
  })
  variant: string;

  @Field(() => StrategySettingsObject, { description: 'The resolved settings the runs share.' })
  settings: StrategySettingsObject;

  @Field(() => [Int], { description: 'Seeds of the runs pooled here.' })
  seeds: number[];

  @Field(() => Float, { nullable: true, description: 'Mean of the ranked metric over the runs; null where it does not apply.' })
  value: number | null;

  @Field(() => Float, { nullable: true, description: 'Sample standard deviation of the ranked metric over seeds; null with one run.' })
  std: number | null;

  @Field(() => RunMetricsObject, { description: 'Mean of every final metric over the runs.' })
  means: RunMetricsObject;

  @Field(() => [RunObject], { description: 'The succeeded runs of this setting.' })
  runs: RunObject[];
}

@ObjectType('SettingDifference', { description: 'A setting on which compared runs differ, ready to show.' })
export class SettingDifferenceObject {
  @Field({ description: 'The setting: a field name of StrategySettings or BaseTrainingSettings (e.g. init, learningRate, rehearsal), or seed.' })
  setting: string;

  @Field(() => [String], {
    description:
      'Its value in each run, in the order the runs were asked for, formatted the same way everywhere: numbers in their shortest exact form ' +
      '(0.01, 0.00005, 1e-7), enum values and booleans as GraphQL writes them, null as "off" (encoderLayers: "all"), rehearsal as ' +
      '"5 per label" or "all old data", distillation as "temperature 2 weight 1", and "n/a" for a run without the setting.',
  })
  values: string[];
}

@ObjectType('RunSeries', { description: 'A run\'s per-epoch metrics as parallel arrays, ready to plot (index i is epochs[i]).' })
export class RunSeriesObject {
  @Field(() => RunObject, { description: 'The run.' })
  run: RunObject;

  @Field(() => [Int], { description: 'Epoch numbers, 0 (before training) first.' })
  epochs: number[];

  @Field(() => [Float], { description: 'Training loss.' })
  loss: number[];

  @Field(() => [Float], { nullable: 'items', description: 'Old-label test accuracy.' })
  oldAccuracy: Array<number | null>;

  @Field(() => [Float], { nullable: 'items', description: 'New-label test accuracy.' })
  newAccuracy: Array<number | null>;

  @Field(() => [Float], { description: 'Test accuracy.' })
  overallAccuracy: number[];

  @Field(() => [Float], { description: 'Macro-F1.' })
  macroF1: number[];

  @Field(() => [Float], { nullable: 'items', description: 'Forgetting.' })
  forgetting: Array<number | null>;

  @Field(() => [Float], { nullable: 'items', description: 'Intrusion.' })
  intrusion: Array<number | null>;

  @Field(() => [Float], { nullable: 'items', description: 'Old-logit drift.' })
  oldLogitDrift: Array<number | null>;

  @Field(() => [Float], { description: 'Seconds per epoch.' })
  seconds: number[];
}

@ObjectType('RunComparison', { description: 'Runs side by side: their settings and final metrics (on each Run), what differs, and their curves.' })
export class RunComparisonObject {
  @Field(() => [RunObject], { description: 'The runs, in the order asked for.' })
  runs: RunObject[];

  @Field(() => [SettingDifferenceObject], { description: 'Settings whose values are not the same in every run.' })
  differingSettings: SettingDifferenceObject[];

  @Field(() => [RunSeriesObject], { description: 'Per-epoch series, one per run, in the same order.' })
  series: RunSeriesObject[];
}

@ObjectType('LabelProbability', { description: 'A label and the probability the model gives it.' })
export class LabelProbabilityObject {
  @Field({ description: 'The label.' })
  label: string;

  @Field(() => Int, { description: 'Its index (head row) in the checkpoint\'s label set.' })
  index: number;

  @Field(() => Float, { description: 'Softmax probability, 0 to 1.' })
  probability: number;
}

@ObjectType('Prediction', { description: 'The most likely labels of one text.' })
export class PredictionObject {
  @Field({ description: 'The text as given.' })
  text: string;

  @Field(() => [LabelProbabilityObject], { description: 'The topK labels, most likely first.' })
  labels: LabelProbabilityObject[];
}

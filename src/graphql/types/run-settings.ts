import { createUnionType, Field, Float, Int, ObjectType } from 'type-graphql';
import { Run, RunKind } from '../../entities/index.js';
import type { StoredStrategySettings } from '../../services/setting-differences.js';
import type { BaseTrainingSettings, EpochSelection, ExemplarSelection, ExpansionSettings, HeadInit, LearningRateSchedule, PresetName, Trainable } from '../../training/index.js';
import { EpochSelectionEnum, ExemplarSelectionEnum, HeadInitEnum, LearningRateScheduleEnum, Preset, TrainableEnum } from '../training-enums.js';

/*
 * The settings a run used, typed. Each class implements the engine's settings interface, so a
 * setting added there does not compile until it has its field here: one @Field per setting, and
 * nothing else to change (stored settings are passed through by name; differences and variant
 * names read every setting there is). Field names are the stored names, which are also the
 * names compareRuns' differingSettings and leaderboard variants use.
 */

@ObjectType('Distillation', { description: 'Learning without Forgetting: the old-label outputs held close to the base model\'s.' })
export class DistillationObject {
  @Field(() => Float, { description: 'Softmax temperature of both outputs.' })
  temperature: number;

  @Field(() => Float, { description: 'Weight of the distillation term against cross-entropy.' })
  weight: number;
}

@ObjectType('Rehearsal', { description: 'Which stored examples of the old labels train along with the new ones.' })
export class RehearsalObject {
  @Field(() => Int, { nullable: true, description: 'Examples kept per old label (0: no rehearsal); null when allOldData.' })
  perLabel: number | null;

  @Field({ description: 'True when all old training data trains along (joint retraining).' })
  allOldData: boolean;
}

@ObjectType('StrategySettings', {
  description:
    'A head expansion\'s fully resolved settings: its preset with every override and default applied. The fields are StrategyInput\'s, ' +
    'except that rehearsal is one object (StrategyInput\'s rehearsalPerLabel and rehearseAllOldData).',
})
export class StrategySettingsObject implements Omit<ExpansionSettings, 'rehearsal'> {
  @Field(() => Preset, { description: 'The preset the settings started from.' })
  preset: PresetName;

  @Field(() => HeadInitEnum, { description: 'How the new rows start.' })
  init: HeadInit;

  @Field(() => TrainableEnum, { description: 'What trains.' })
  trainable: Trainable;

  @Field(() => RehearsalObject, { description: 'Old-label examples that train along.' })
  rehearsal: RehearsalObject;

  @Field(() => ExemplarSelectionEnum, { description: 'How rehearsal examples are picked.' })
  exemplarSelection: ExemplarSelection;

  @Field(() => DistillationObject, { nullable: true, description: 'Distillation to the base model\'s old-label outputs; null: off.' })
  distillation: DistillationObject | null;

  @Field({ description: 'True when the new rows are rescaled to the old rows\' mean norm after training.' })
  weightAligning: boolean;

  @Field(() => Float, {
    nullable: true,
    description: 'Old-label accuracy on the validation split the new rows may cost: their biases were lowered until it was within this share of the base model\'s; null: off.',
  })
  biasCalibration: number | null;

  @Field({ description: 'True when each new label\'s examples were repeated to match rehearsal\'s per old label.' })
  balanceNewLabels: boolean;

  @Field(() => Int, { description: 'Passes over the training data; 0 trains nothing (the initialised head is the model).' })
  epochs: number;

  @Field(() => Int, { description: 'Optimisation steps the training took at least: where epochs passes made fewer, the passes rose until they did (0: off).' })
  minimumSteps: number;

  @Field(() => Float, { description: 'Adam learning rate of the head.' })
  learningRate: number;

  @Field(() => Float, { description: 'Learning rate of the encoder when it trains (FULL_MODEL, NEW_ROWS_AND_ENCODER).' })
  encoderLearningRate: number;

  @Field({ description: 'True when encoderLearningRate was divided by the square root of the steps per epoch (the rate a small training set and a large one share).' })
  scaleEncoderRateBySteps: boolean;

  @Field(() => LearningRateScheduleEnum, { description: 'How both learning rates change over the training.' })
  learningRateSchedule: LearningRateSchedule;

  @Field(() => Float, { description: 'Share of the steps over which the rates rise linearly from near 0; 0: no warm-up.' })
  warmupFraction: number;

  @Field(() => Float, { description: 'AdamW weight decay of a training BERT encoder\'s weights; 0: none.' })
  weightDecay: number;

  @Field(() => Int, { nullable: true, description: 'When a BERT encoder trains: how many of its top layers train; null: all, embeddings included.' })
  encoderLayers: number | null;

  @Field(() => Float, { description: 'While an embedding-bag encoder trains: probability that a step leaves out each token of an example; 0: none.' })
  tokenDropout: number;

  @Field(() => Float, { description: 'L2 penalty on the trained head weights, as PyTorch Adam\'s weight_decay; 0: none.' })
  headWeightDecay: number;

  @Field(() => Int, { description: 'Examples per step.' })
  batchSize: number;

  @Field(() => Int, { nullable: true, description: 'Epochs without a better validation accuracy before training stops, keeping the best; null: off.' })
  earlyStoppingPatience: number | null;

  @Field(() => EpochSelectionEnum, { description: "Which epoch's weights the run keeps." })
  epochSelection: EpochSelection;
}

@ObjectType('BaseTrainingSettings', { description: 'A base training\'s fully resolved settings: encoder shape and optimisation.' })
export class BaseTrainingSettingsObject implements BaseTrainingSettings {
  @Field(() => Int, { description: 'Feature dimensions.' })
  dim: number;

  @Field(() => Int, { description: 'Rows of the hashed embedding table.' })
  buckets: number;

  @Field(() => Int, { description: 'Word n-grams up to this length.' })
  wordNgrams: number;

  @Field(() => Int, { description: 'Shortest character n-gram; 0: none.' })
  charNgramMin: number;

  @Field(() => Int, { description: 'Longest character n-gram.' })
  charNgramMax: number;

  @Field({ description: 'True when features are standardised with a LayerNorm.' })
  layerNorm: boolean;

  @Field(() => Int, { description: 'Passes over the training data.' })
  epochs: number;

  @Field(() => Float, { description: 'Adam learning rate of the head.' })
  learningRate: number;

  @Field(() => Float, { description: 'Adam learning rate of the embedding table.' })
  encoderLearningRate: number;

  @Field(() => LearningRateScheduleEnum, { description: 'How the learning rates change over the training.' })
  learningRateSchedule: LearningRateSchedule;

  @Field(() => Int, { description: 'Examples per step.' })
  batchSize: number;

  @Field(() => Float, { description: 'Probability that a training step leaves out each token of an example; 0: none.' })
  tokenDropout: number;

  @Field(() => Float, { description: 'L2 penalty on the head weights, as PyTorch Adam\'s weight_decay; 0: none.' })
  headWeightDecay: number;

  @Field(() => Int, { nullable: true, description: 'Epochs without a better validation accuracy before training stops, keeping the best; null: off.' })
  earlyStoppingPatience: number | null;
}

export const RunSettingsUnion = createUnionType({
  name: 'RunSettings',
  description: 'The settings a run used: StrategySettings for a head expansion, BaseTrainingSettings for a base training.',
  types: () => [StrategySettingsObject, BaseTrainingSettingsObject] as const,
  resolveType: (value) => (value instanceof BaseTrainingSettingsObject ? BaseTrainingSettingsObject : StrategySettingsObject),
});

/** Stored head-expansion settings as the API shows them. */
export function strategySettingsOf(stored: StoredStrategySettings): StrategySettingsObject {
  const { rehearsal, ...rest } = stored;
  const all = rehearsal === 'ALL';
  return Object.assign(new StrategySettingsObject(), rest, { rehearsal: { perLabel: all ? null : rehearsal, allOldData: all } });
}

/** A run's stored settings as the API shows them, by the run's kind. */
export function runSettingsOf(run: Run): StrategySettingsObject | BaseTrainingSettingsObject {
  if (run.kind === RunKind.HEAD_EXPANSION) return strategySettingsOf(run.settings as unknown as StoredStrategySettings);
  return Object.assign(new BaseTrainingSettingsObject(), run.settings);
}

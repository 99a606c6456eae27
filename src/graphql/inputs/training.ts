import { Field, Float, ID, InputType, Int } from 'type-graphql';
import type { EpochSelection, ExemplarSelection, HeadInit, LearningRateSchedule, PresetName, Trainable } from '../../training/index.js';
import { EpochSelectionEnum, ExemplarSelectionEnum, HeadInitEnum, LearningRateScheduleEnum, Preset, TrainableEnum } from '../training-enums.js';

@InputType('EncoderOptions', { description: 'Shape of a base model\'s encoder; omitted fields take the defaults.' })
export class EncoderOptionsInput {
  @Field(() => Int, { nullable: true, description: 'Feature dimensions (default 128).' })
  dim?: number | null;

  @Field(() => Int, { nullable: true, description: 'Rows of the hashed embedding table (default 262144).' })
  buckets?: number | null;

  @Field(() => Int, { nullable: true, description: 'Word n-grams up to this length (default 2).' })
  wordNgrams?: number | null;

  @Field(() => Int, { nullable: true, description: 'Shortest character n-gram (default 3; 0 for none).' })
  charNgramMin?: number | null;

  @Field(() => Int, { nullable: true, description: 'Longest character n-gram (default 5).' })
  charNgramMax?: number | null;

  @Field(() => Boolean, { nullable: true, description: 'Standardise features with a LayerNorm, as transformer encoders do (default true).' })
  layerNorm?: boolean | null;
}

@InputType('TrainBaseModelInput', { description: 'A classifier to train from scratch; omitted settings take the defaults.' })
export class TrainBaseModelInput {
  @Field(() => ID, { description: 'The dataset: its train split trains, validation stops early, test measures.' })
  datasetId: string;

  @Field(() => ID, { nullable: true, description: 'Labels (head rows) to train; default: a new label set of all the dataset\'s labels, alphabetically.' })
  labelSetId?: string | null;

  @Field(() => Int, { nullable: true, description: 'Seed of every random choice (default 0).' })
  seed?: number | null;

  @Field(() => EncoderOptionsInput, { nullable: true, description: 'Encoder shape.' })
  encoder?: EncoderOptionsInput | null;

  @Field(() => Int, { nullable: true, description: 'Passes over the training data: 1 to 1000.' })
  epochs?: number | null;

  @Field(() => Float, { nullable: true, description: 'Adam learning rate of the head: finite, above 0.' })
  learningRate?: number | null;

  @Field(() => Float, { nullable: true, description: 'Adam learning rate of the embedding table: finite, above 0.' })
  encoderLearningRate?: number | null;

  @Field(() => Int, { nullable: true, description: 'Examples per step: 1 or more.' })
  batchSize?: number | null;

  @Field(() => Int, { nullable: true, description: 'Stop after this many epochs without a better validation accuracy, keeping the best; default off.' })
  earlyStoppingPatience?: number | null;

  @Field(() => LearningRateScheduleEnum, { nullable: true, description: 'How the learning rates change over the training (default LINEAR_DECAY).' })
  learningRateSchedule?: LearningRateSchedule | null;

  @Field(() => Float, { nullable: true, description: 'Probability that each token of a training text is dropped from a step: 0 up to 1 (default 0.2).' })
  tokenDropout?: number | null;

  @Field(() => Float, { nullable: true, description: 'L2 penalty on the head weights, as PyTorch Adam\'s weight_decay: 0 to 1 (default 0.002).' })
  headWeightDecay?: number | null;
}

@InputType('DistillationInput', { description: 'Learning without Forgetting: keep the old-label outputs close to the base model\'s.' })
export class DistillationInput {
  @Field(() => Float, { description: 'Softmax temperature: above 0 (2 is common).' })
  temperature: number;

  @Field(() => Float, { description: 'Weight of the distillation term against cross-entropy: above 0.' })
  weight: number;
}

@InputType('StrategyInput', {
  description:
    'One head-expansion strategy: a preset (default ORIGINAL_RECIPE) and any axis to change. The run stores the fully resolved settings.',
})
export class StrategyInput {
  @Field(() => Preset, { nullable: true, description: 'Starting point; default ORIGINAL_RECIPE.' })
  preset?: PresetName | null;

  @Field(() => HeadInitEnum, { nullable: true, description: 'How the new rows start.' })
  init?: HeadInit | null;

  @Field(() => TrainableEnum, { nullable: true, description: 'What trains.' })
  trainable?: Trainable | null;

  @Field(() => Int, { nullable: true, description: 'Old-label examples kept per old label for rehearsal: 0 or more.' })
  rehearsalPerLabel?: number | null;

  @Field(() => Boolean, { nullable: true, description: 'Rehearse on all old training data (joint retraining); overrides rehearsalPerLabel.' })
  rehearseAllOldData?: boolean | null;

  @Field(() => ExemplarSelectionEnum, { nullable: true, description: 'How rehearsal examples are picked.' })
  exemplarSelection?: ExemplarSelection | null;

  @Field(() => DistillationInput, { nullable: true, description: 'Distillation settings; pass null explicitly to turn a preset\'s distillation off.' })
  distillation?: DistillationInput | null;

  @Field(() => Boolean, { nullable: true, description: 'Rescale the new rows to the old rows\' mean norm after training.' })
  weightAligning?: boolean | null;

  @Field(() => Float, {
    nullable: true,
    description:
      'After training, lower the new rows\' biases until old-label accuracy on the validation split is within this share of the base model\'s (where the encoder\'s drift alone costs more: until at most this share of its old-label examples is predicted new): 0 up to 1; pass null explicitly to turn a preset\'s calibration off.',
  })
  biasCalibration?: number | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Repeat each new label\'s examples until it has as many as rehearsal keeps per old label, so that a few new examples are not outweighed by the rehearsed ones.',
  })
  balanceNewLabels?: boolean | null;

  @Field(() => Int, { nullable: true, description: 'Passes over the training data: 1 to 1000.' })
  epochs?: number | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Train for at least this many optimisation steps: on a training set too small for epochs passes to reach them, the passes rise until they do: 0 (off) to 1000, so never more passes than epochs allows (default 0; 60 in CALIBRATED_REHEARSAL).',
  })
  minimumSteps?: number | null;

  @Field(() => Float, { nullable: true, description: 'Adam learning rate of the head: finite, above 0.' })
  learningRate?: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Learning rate of the encoder when it trains (FULL_MODEL, NEW_ROWS_AND_ENCODER): the embedding table\'s Adam, or BERT\'s AdamW (default 5e-5 on BERT); finite, above 0.',
  })
  encoderLearningRate?: number | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'Divide encoderLearningRate by the square root of the steps per epoch, so that one rate moves the encoder about as far on 70 training examples as on 1,500 (default off; on in CALIBRATED_REHEARSAL, off when a BERT trains).',
  })
  scaleEncoderRateBySteps?: boolean | null;

  @Field(() => LearningRateScheduleEnum, { nullable: true, description: 'How the learning rates change over the training (default CONSTANT; LINEAR_DECAY when FULL_MODEL trains a BERT).' })
  learningRateSchedule?: LearningRateSchedule | null;

  @Field(() => Float, { nullable: true, description: 'Share of the steps over which the rates warm up linearly: 0 up to 1 (default 0; 0.06 when FULL_MODEL trains a BERT).' })
  warmupFraction?: number | null;

  @Field(() => Float, { nullable: true, description: 'AdamW weight decay of a training BERT encoder\'s weights (not biases or LayerNorm): 0 to 1 (default 0.01 on BERT).' })
  weightDecay?: number | null;

  @Field(() => Int, { nullable: true, description: 'When a BERT encoder trains (FULL_MODEL, NEW_ROWS_AND_ENCODER): train only this many of the top encoder layers (and the pooler); default all, embeddings included.' })
  encoderLayers?: number | null;

  @Field(() => Float, { nullable: true, description: 'While an embedding-bag encoder trains: probability that each token of a training text is dropped from a step: 0 up to 1 (default 0).' })
  tokenDropout?: number | null;

  @Field(() => Float, { nullable: true, description: 'L2 penalty on the trained head weights, as PyTorch Adam\'s weight_decay: 0 to 1 (default 0).' })
  headWeightDecay?: number | null;

  @Field(() => Int, { nullable: true, description: 'Examples per step: 1 or more.' })
  batchSize?: number | null;

  @Field(() => Int, { nullable: true, description: 'Stop after this many epochs without a better validation accuracy, keeping the best.' })
  earlyStoppingPatience?: number | null;

  @Field(() => EpochSelectionEnum, {
    nullable: true,
    description: "Which epoch's weights the run keeps (default LAST; BEST_NEW_WITHIN_BUDGET in CALIBRATED_REHEARSAL, which needs biasCalibration and no earlyStoppingPatience).",
  })
  epochSelection?: EpochSelection | null;
}

@InputType('LaunchHeadExpansionInput', { description: 'Strategies to run side by side on an experiment, each once per seed.' })
export class LaunchHeadExpansionInput {
  @Field(() => ID, { description: 'The experiment; it needs a base checkpoint.' })
  experimentId: string;

  @Field(() => [StrategyInput], { description: 'The strategies to compare.' })
  strategies: StrategyInput[];

  @Field(() => [Int], { nullable: true, description: 'Seeds; one run per strategy and seed. Default [0].' })
  seeds?: number[] | null;
}

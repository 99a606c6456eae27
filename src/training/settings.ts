import { TrainingInputError } from './errors.js';
import { checkEncoderLayers, checkInteger, checkPositive } from './setting-checks.js';
import type { EncoderConfig } from './model.js';
import { LEARNING_RATE_SCHEDULES, LearningRateSchedule } from './train-loop.js';
import { DEFAULT_BASE_SETTINGS } from './base-training.js';

/**
 * Each axis's values with what they mean: the one description of them, which the API's enums and
 * the docs take from here.
 */
export const HEAD_INITS = {
  RANDOM_NORMAL: 'Standard normal weights and bias, as torch.randn.',
  XAVIER: 'Glorot-uniform weights, zero bias.',
  ZEROS: 'Zero weights and bias.',
  IMPRINT: "Normalised mean feature of the label's examples, scaled to the old rows' mean norm; bias = mean old bias.",
} as const;
/** How the appended head rows start. */
export type HeadInit = keyof typeof HEAD_INITS;

export const TRAINABLES = {
  NEW_ROWS: 'Only the appended rows; old rows and biases stay bit-identical.',
  NEW_ROWS_AND_ENCODER: 'The appended rows and the encoder; old rows and biases stay bit-identical.',
  HEAD: 'Every head row.',
  FULL_MODEL: 'Encoder and head.',
} as const;
/** Which parameters a head expansion updates. */
export type Trainable = keyof typeof TRAINABLES;

export const EXEMPLAR_SELECTIONS = {
  RANDOM: 'Uniformly at random (seeded).',
  HERDING: "iCaRL herding: each pick brings the picked examples' mean feature closest to the label's.",
  NEAREST_NEW: "The label's examples most like the new labels' (highest cosine to a new label's mean feature): the negatives that draw the boundary.",
} as const;
/** How rehearsal exemplars of old labels are chosen. */
export type ExemplarSelection = keyof typeof EXEMPLAR_SELECTIONS;

/**
 * Below this many validation examples of the new labels, BEST_NEW_WITHIN_BUDGET keeps the last
 * epoch: a score on one or two examples picks noise (an import that carves a tenth of ten new
 * examples leaves one). Scoring S1's epochs on k validation examples of the new intent and
 * measuring on others (BENCHMARKS.md), SNIPS's kept epoch was 4.4, 2.5 and 0.4 points worse than
 * the last at k = 1, 2 and 3, and 1.5 better at 5; on CLINC150 every k was within noise of it.
 */
export const MIN_SELECTION_EXAMPLES = 5;

export const EPOCH_SELECTIONS = {
  LAST: 'The last epoch trained (with earlyStoppingPatience: the one with the best validation accuracy).',
  BEST_NEW_WITHIN_BUDGET:
    `After every epoch the model is finished as the run would finish it there (weight aligning, bias calibration) and scored on the validation split's new-label examples; of the epochs whose validation old-label accuracy is then within biasCalibration of the base model's, the one that scores highest is kept, the later one on ties. An epoch outside it (the encoder's drift alone costs more) ranks below all of them, by what it loses; epoch 0, the encoder untouched, is always within it. ` +
    `With fewer than ${MIN_SELECTION_EXAMPLES} validation examples of the new labels, the last epoch. Needs biasCalibration.`,
} as const;
/** Which epoch's weights a head expansion keeps. */
export type EpochSelection = keyof typeof EPOCH_SELECTIONS;

/** Whether the encoder trains under `trainable`. */
export function trainsEncoder(trainable: Trainable): boolean {
  return trainable === 'FULL_MODEL' || trainable === 'NEW_ROWS_AND_ENCODER';
}

/** Whether the old head rows train under `trainable`. */
export function trainsOldRows(trainable: Trainable): boolean {
  return trainable === 'HEAD' || trainable === 'FULL_MODEL';
}

/** Everything that decides what a head expansion does: one point in the space of strategies. */
export interface ExpansionSettings {
  init: HeadInit;
  trainable: Trainable;
  /** Old-label training examples kept per old label; 'ALL' trains on all old data (joint retraining). */
  rehearsal: number | 'ALL';
  exemplarSelection: ExemplarSelection;
  /** Learning without Forgetting: KL to the base model's old-label outputs at a temperature. */
  distillation: { temperature: number; weight: number } | null;
  /** After training, scale the new rows to the old rows' mean norm (weight aligning). */
  weightAligning: boolean;
  /**
   * After training, lower the new rows' biases until the validation split's old-label accuracy is
   * within this share of the base model's (or, where the encoder's drift alone costs more, until at
   * most this share of its old-label examples is predicted new); null: off.
   */
  biasCalibration: number | null;
  /**
   * Repeat each new label's examples until it has as many as rehearsal keeps per old label, so
   * that ten new examples are not outweighed by the rehearsed ones.
   */
  balanceNewLabels: boolean;
  /** 0 trains nothing: the model is the initialised head (closed-form strategies). */
  epochs: number;
  /**
   * Train for at least this many optimisation steps: where the training set is too small for
   * `epochs` passes to reach them, the passes rise until they do (0: off; closed-form strategies
   * stay untrained).
   */
  minimumSteps: number;
  learningRate: number;
  /** Learning rate of the encoder when it trains (FULL_MODEL, NEW_ROWS_AND_ENCODER). */
  encoderLearningRate: number;
  /**
   * Divide encoderLearningRate by the square root of the steps per epoch, so that the encoder drifts
   * about as far on 70 training examples as on 1,500 (the rate is then the one for one step per epoch).
   */
  scaleEncoderRateBySteps: boolean;
  /** How both learning rates change over the training. */
  learningRateSchedule: LearningRateSchedule;
  /** The first share of all steps, over which the rates rise linearly from near 0 (0: none). */
  warmupFraction: number;
  /** Decoupled (AdamW) weight decay of a training BERT encoder's weights; 0 for none. */
  weightDecay: number;
  /** FULL_MODEL on BERT: train only this many of the top encoder layers (null: all, and the embeddings). */
  encoderLayers: number | null;
  /** While the embedding bag trains: the probability that a step leaves out each of an example's ids (0 for none). */
  tokenDropout: number;
  /** L2 penalty on the trained head weights, as PyTorch Adam's weight_decay (0 for none). */
  headWeightDecay: number;
  batchSize: number;
  /** Stop when validation accuracy has not improved for this many epochs, keeping the best epoch. */
  earlyStoppingPatience: number | null;
  epochSelection: EpochSelection;
}


/** Optimisation shared by every preset, so presets differ only in what they are about. */
export const DEFAULT_OPTIMISATION = {
  epochs: 10,
  minimumSteps: 0,
  learningRate: 0.01,
  encoderLearningRate: 0.01,
  scaleEncoderRateBySteps: false,
  learningRateSchedule: 'CONSTANT',
  warmupFraction: 0,
  weightDecay: 0,
  encoderLayers: null,
  tokenDropout: 0,
  headWeightDecay: 0,
  batchSize: 32,
  earlyStoppingPatience: null,
  epochSelection: 'LAST',
} as const satisfies Partial<ExpansionSettings>;

/**
 * How a BERT encoder is fine-tuned when a strategy trains it (FULL_MODEL, NEW_ROWS_AND_ENCODER): AdamW with weight decay
 * 0.01, 6% linear warm-up then linear decay, as transformers' examples and the reference's own
 * training do it, at a rate that moves a trained BERT without wiping it out.
 */
export const BERT_FINE_TUNING = {
  encoderLearningRate: 5e-5,
  scaleEncoderRateBySteps: false,
  learningRateSchedule: 'LINEAR_DECAY',
  warmupFraction: 0.06,
  weightDecay: 0.01,
} as const satisfies Partial<ExpansionSettings>;

/** The base model's own training (DEFAULT_BASE_SETTINGS) as expansion settings. */
const BASE_RECIPE = {
  epochs: DEFAULT_BASE_SETTINGS.epochs,
  learningRate: DEFAULT_BASE_SETTINGS.learningRate,
  encoderLearningRate: DEFAULT_BASE_SETTINGS.encoderLearningRate,
  learningRateSchedule: DEFAULT_BASE_SETTINGS.learningRateSchedule,
  batchSize: DEFAULT_BASE_SETTINGS.batchSize,
  tokenDropout: DEFAULT_BASE_SETTINGS.tokenDropout,
  headWeightDecay: DEFAULT_BASE_SETTINGS.headWeightDecay,
} as const satisfies Partial<ExpansionSettings>;

const NO_EXTRAS = { rehearsal: 0, exemplarSelection: 'RANDOM', distillation: null, weightAligning: false, biasCalibration: null, balanceNewLabels: false } as const;
const REHEARSAL_PER_LABEL = 5;

interface PresetDefinition {
  /** What the preset does and what it asks, for the API's enum and the docs. */
  description: string;
  settings: ExpansionSettings;
}

const DISTILLATION = { temperature: 2, weight: 1 } as const;
/**
 * Softer targets carry the base model's whole ranking of the old labels, not mostly its top one,
 * which constrains more of what the training encoder may change on old examples. Scored on
 * the validation halves (BENCHMARKS.md), temperature 2 -> 3 -> 4 -> 8 took SNIPS's new-label
 * accuracy 0.876 -> 0.892 -> 0.896 -> 0.901 and its forgetting 0.0086 -> 0.0060 -> 0.0053 ->
 * 0.0057, while CLINC150's new-label accuracy stayed 0.953 and its forgetting rose 0.0006 ->
 * 0.0009 -> 0.0012 -> 0.0042: 4 gains on one set without costing the other.
 */
const CALIBRATED_DISTILLATION = { temperature: 4, weight: 1 } as const;
/**
 * CALIBRATED_REHEARSAL's choices, made on S1 of CLINC150 and SNIPS scored on validation splits
 * (SNIPS's carved from its train split) and described in BENCHMARKS.md: 10 rehearsed examples per
 * old label (as many as the ten new ones, so balancing them adds nothing), calibration to 1 point of
 * validation forgetting, the encoder's rate divided by the root of the steps per epoch from 0.025
 * (0.0036 on CLINC150's 47 steps, 0.0144 on SNIPS's 3), and at least 60 steps (SNIPS's 70
 * examples get 20 passes, CLINC150's 1,500 keep 10). At one unscaled rate, the rate that lets
 * SNIPS's 70 examples teach the encoder the new label makes CLINC150's 1,500 drift; 20 passes
 * everywhere cost CLINC150 new-label accuracy. Keeping the epoch with the best calibrated
 * validation new-label accuracy gained on both sets when, for the choice, epochs were scored on
 * half of the validation split's new-label examples and the result measured on the other half
 * (SNIPS 0.862 -> 0.890, CLINC150 0.947 -> 0.953): where the encoder overshoots on one draw of
 * ten examples, the run goes back to where it had not. Token dropout
 * and herding gained nothing; hard negatives (NEAREST_NEW) cut SNIPS's forgetting and cost
 * CLINC150 new-label accuracy.
 */
const CALIBRATED_REHEARSAL_PER_LABEL = 10;

/**
 * The named strategies the API and the benchmarks share. Each changes as few axes as it can from
 * its neighbour, so a difference in results points at one cause.
 */
const PRESET_CATALOGUE = {
  ORIGINAL_RECIPE: {
    description: 'Append torch.randn rows and fine-tune the whole head on the new examples only (the well-known answer).',
    settings: { ...DEFAULT_OPTIMISATION, ...NO_EXTRAS, init: 'RANDOM_NORMAL', trainable: 'HEAD' },
  },
  FROZEN_OLD_ROWS: {
    description: 'The same random rows, trained with old rows and bias frozen: does freezing alone fix it?',
    settings: { ...DEFAULT_OPTIMISATION, ...NO_EXTRAS, init: 'RANDOM_NORMAL', trainable: 'NEW_ROWS' },
  },
  IMPRINT_ONLY: {
    description: 'New rows = normalised mean feature of each new label, scaled like the old rows; no training.',
    settings: { ...DEFAULT_OPTIMISATION, ...NO_EXTRAS, init: 'IMPRINT', trainable: 'NEW_ROWS', epochs: 0 },
  },
  IMPRINT_FROZEN: {
    description: 'Imprinted rows, then trained with old rows frozen.',
    settings: { ...DEFAULT_OPTIMISATION, ...NO_EXTRAS, init: 'IMPRINT', trainable: 'NEW_ROWS' },
  },
  REHEARSAL_HEAD: {
    description: `Whole head trained on the new examples plus ${REHEARSAL_PER_LABEL} stored examples of every old label.`,
    settings: { ...DEFAULT_OPTIMISATION, ...NO_EXTRAS, init: 'IMPRINT', trainable: 'HEAD', rehearsal: REHEARSAL_PER_LABEL },
  },
  LWF: {
    description: "Whole head trained on new examples only, held to the base model's old outputs by distillation (Learning without Forgetting).",
    settings: { ...DEFAULT_OPTIMISATION, ...NO_EXTRAS, init: 'IMPRINT', trainable: 'HEAD', distillation: DISTILLATION },
  },
  WEIGHT_ALIGNED: {
    description: `Rehearsal (${REHEARSAL_PER_LABEL} per old label), then the new rows rescaled to the old rows' mean norm, against the bias toward new labels (weight aligning).`,
    settings: { ...DEFAULT_OPTIMISATION, ...NO_EXTRAS, init: 'IMPRINT', trainable: 'HEAD', rehearsal: REHEARSAL_PER_LABEL, weightAligning: true },
  },
  CALIBRATED_REHEARSAL: {
    description:
      `Imprinted new rows, old rows frozen; the encoder trains (rate and length scaled to the training set's size) on the new examples and ${CALIBRATED_REHEARSAL_PER_LABEL} stored examples per old label, ` +
      "with distillation to the base model's old outputs (temperature 4); the new rows' biases are lowered until old-label accuracy on the validation split is within 1 point of the base model's, " +
      'and of the epochs so calibrated the run keeps the one with the best validation new-label accuracy.',
    settings: {
      ...DEFAULT_OPTIMISATION,
      ...NO_EXTRAS,
      init: 'IMPRINT',
      trainable: 'NEW_ROWS_AND_ENCODER',
      rehearsal: CALIBRATED_REHEARSAL_PER_LABEL,
      distillation: CALIBRATED_DISTILLATION,
      encoderLearningRate: 0.025,
      scaleEncoderRateBySteps: true,
      minimumSteps: 60,
      biasCalibration: 0.01,
      epochSelection: 'BEST_NEW_WITHIN_BUDGET',
    },
  },
  FULL_FINE_TUNE: {
    description: `Encoder and head trained on new examples plus ${REHEARSAL_PER_LABEL} stored examples per old label (a BERT encoder with AdamW, warm-up and decay, dropout on).`,
    settings: { ...DEFAULT_OPTIMISATION, ...NO_EXTRAS, init: 'IMPRINT', trainable: 'FULL_MODEL', rehearsal: REHEARSAL_PER_LABEL },
  },
  JOINT_RETRAIN: {
    description:
      'Encoder and head retrained on all old training data plus the new, as the base model was trained (its schedule, rates, epochs and regularisers): the upper bound when old data is at hand.',
    settings: { ...DEFAULT_OPTIMISATION, ...NO_EXTRAS, ...BASE_RECIPE, init: 'IMPRINT', trainable: 'FULL_MODEL', rehearsal: 'ALL' },
  },
} as const satisfies Record<string, PresetDefinition>;

export type PresetName = keyof typeof PRESET_CATALOGUE;
/** In the order the API lists them: from the well-known answer to the upper bound. */
export const PRESET_NAMES = Object.keys(PRESET_CATALOGUE) as PresetName[];
export const PRESETS = mapPresets((preset) => preset.settings as ExpansionSettings);
export const PRESET_DESCRIPTIONS = mapPresets((preset) => preset.description);

function mapPresets<T>(of: (preset: PresetDefinition) => T): Record<PresetName, T> {
  return Object.fromEntries(PRESET_NAMES.map((name) => [name, of(PRESET_CATALOGUE[name])])) as Record<PresetName, T>;
}

const INITS = Object.keys(HEAD_INITS) as HeadInit[];
const TRAINABLE_VALUES = Object.keys(TRAINABLES) as Trainable[];
const SELECTIONS = Object.keys(EXEMPLAR_SELECTIONS) as ExemplarSelection[];
const EPOCH_SELECTION_VALUES = Object.keys(EPOCH_SELECTIONS) as EpochSelection[];

export type ExpansionOverrides = Partial<ExpansionSettings>;

/**
 * A preset (ORIGINAL_RECIPE when none is named) with the caller's overrides applied, checked. Every
 * rejection names the setting and its valid range, because these come straight from API input.
 * A strategy that trains a BERT encoder starts from BERT_FINE_TUNING's optimisation.
 */
export function resolveExpansionSettings(
  preset: PresetName | null | undefined,
  overrides: ExpansionOverrides = {},
  encoder: EncoderConfig | null = null,
): ExpansionSettings {
  const name = preset ?? 'ORIGINAL_RECIPE';
  if (!PRESET_NAMES.includes(name)) throw new TrainingInputError('preset', `unknown preset ${name}; use one of ${PRESET_NAMES.join(', ')}`);
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, value]) => value !== undefined));
  const encoderDefaults = trainsEncoder((defined.trainable as Trainable | undefined) ?? PRESETS[name].trainable) && encoder?.kind === 'bert' ? BERT_FINE_TUNING : {};
  const settings: ExpansionSettings = { ...PRESETS[name], ...encoderDefaults, ...defined };
  checkOneOf('init', settings.init, INITS);
  checkOneOf('trainable', settings.trainable, TRAINABLE_VALUES);
  checkOneOf('exemplarSelection', settings.exemplarSelection, SELECTIONS);
  if (settings.rehearsal !== 'ALL') checkInteger('rehearsal', settings.rehearsal, 0, 100_000);
  // 0 epochs is how closed-form presets say "no training"; a caller asking for training asks for 1+.
  checkInteger('epochs', settings.epochs, 'epochs' in defined ? 1 : 0, 1000);
  checkInteger('minimumSteps', settings.minimumSteps, 0, 1000);
  checkPositive('learningRate', settings.learningRate);
  checkPositive('encoderLearningRate', settings.encoderLearningRate);
  checkOneOf('learningRateSchedule', settings.learningRateSchedule, LEARNING_RATE_SCHEDULES);
  if (!(settings.warmupFraction >= 0 && settings.warmupFraction < 1)) {
    throw new TrainingInputError('warmupFraction', `warmupFraction must be a share of the steps from 0 up to (not including) 1; got ${settings.warmupFraction}`);
  }
  if (!(settings.weightDecay >= 0 && settings.weightDecay <= 1)) throw new TrainingInputError('weightDecay', `weightDecay must be a number from 0 to 1; got ${settings.weightDecay}`);
  if (!(settings.tokenDropout >= 0 && settings.tokenDropout < 1)) {
    throw new TrainingInputError('tokenDropout', `tokenDropout must be a probability from 0 up to (not including) 1; got ${settings.tokenDropout}`);
  }
  if (!(settings.headWeightDecay >= 0 && settings.headWeightDecay <= 1)) {
    throw new TrainingInputError('headWeightDecay', `headWeightDecay must be a number from 0 to 1; got ${settings.headWeightDecay}`);
  }
  if (settings.encoderLayers !== null) {
    if (!trainsEncoder(settings.trainable)) {
      throw new TrainingInputError('encoderLayers', 'encoderLayers chooses which encoder layers train, so it needs a trainable that trains the encoder (FULL_MODEL or NEW_ROWS_AND_ENCODER)');
    }
    checkInteger('encoderLayers', settings.encoderLayers, 1, 1000);
    if (encoder) checkEncoderLayers(settings.encoderLayers, encoder);
  }
  checkInteger('batchSize', settings.batchSize, 1, 65_536);
  if (settings.earlyStoppingPatience !== null) checkInteger('earlyStoppingPatience', settings.earlyStoppingPatience, 1, 1000);
  checkOneOf('epochSelection', settings.epochSelection, EPOCH_SELECTION_VALUES);
  if (settings.epochSelection === 'BEST_NEW_WITHIN_BUDGET') {
    if (settings.biasCalibration === null) {
      throw new TrainingInputError('epochSelection', 'BEST_NEW_WITHIN_BUDGET scores each epoch after bias calibration, which keeps the old labels within budget: set biasCalibration too, or use LAST');
    }
    if (settings.earlyStoppingPatience !== null) {
      throw new TrainingInputError('epochSelection', 'earlyStoppingPatience and BEST_NEW_WITHIN_BUDGET both choose the epoch to keep: leave earlyStoppingPatience unset, or use LAST');
    }
  }
  if (settings.biasCalibration !== null && !(settings.biasCalibration >= 0 && settings.biasCalibration < 1)) {
    throw new TrainingInputError('biasCalibration', `biasCalibration must be a share of old examples from 0 up to (not including) 1; got ${settings.biasCalibration}`);
  }
  if (settings.distillation !== null) {
    checkPositive('distillation.temperature', settings.distillation.temperature);
    checkPositive('distillation.weight', settings.distillation.weight);
  }
  return settings;
}

function checkOneOf<T extends string>(field: string, value: T, allowed: readonly T[]): void {
  if (!allowed.includes(value)) throw new TrainingInputError(field, `${field} must be one of ${allowed.join(', ')}; got ${value}`);
}

import { TrainingInputError } from './errors.js';
import type { EncoderConfig } from './model.js';
import { LEARNING_RATE_SCHEDULES, LearningRateSchedule } from './train-loop.js';

/** How the appended head rows start (DESIGN.md, "Strategies"). */
export type HeadInit = 'RANDOM_NORMAL' | 'XAVIER' | 'ZEROS' | 'IMPRINT';
/** Which parameters a head expansion updates. */
export type Trainable = 'NEW_ROWS' | 'HEAD' | 'FULL_MODEL';
/** How rehearsal exemplars of old labels are chosen. */
export type ExemplarSelection = 'RANDOM' | 'HERDING';

/** Everything that decides what a head expansion does: one point in DESIGN.md's strategy table. */
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
  /** 0 trains nothing: the model is the initialised head (closed-form strategies). */
  epochs: number;
  learningRate: number;
  /** Learning rate of the encoder when it trains (FULL_MODEL). */
  encoderLearningRate: number;
  /** How both learning rates change over the training. */
  learningRateSchedule: LearningRateSchedule;
  /** The first share of all steps, over which the rates rise linearly from near 0 (0: none). */
  warmupFraction: number;
  /** Decoupled (AdamW) weight decay of a training BERT encoder's weights; 0 for none. */
  weightDecay: number;
  /** FULL_MODEL on BERT: train only this many of the top encoder layers (null: all, and the embeddings). */
  encoderLayers: number | null;
  batchSize: number;
  /** Stop when validation accuracy has not improved for this many epochs, keeping the best epoch. */
  earlyStoppingPatience: number | null;
}

export const PRESET_NAMES = [
  'ORIGINAL_RECIPE',
  'FROZEN_OLD_ROWS',
  'IMPRINT_ONLY',
  'IMPRINT_FROZEN',
  'REHEARSAL_HEAD',
  'LWF',
  'WEIGHT_ALIGNED',
  'FULL_FINE_TUNE',
  'JOINT_RETRAIN',
] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

/** Optimisation shared by every preset, so presets differ only in what they are about. */
export const DEFAULT_OPTIMISATION = {
  epochs: 10,
  learningRate: 0.01,
  encoderLearningRate: 0.01,
  learningRateSchedule: 'CONSTANT',
  warmupFraction: 0,
  weightDecay: 0,
  encoderLayers: null,
  batchSize: 32,
  earlyStoppingPatience: null,
} as const satisfies Partial<ExpansionSettings>;

/**
 * How a BERT encoder is fine-tuned when a strategy trains it (FULL_MODEL): AdamW with weight decay
 * 0.01, 6% linear warm-up then linear decay, as transformers' examples and the reference's own
 * training do it, at a rate that moves a trained BERT without wiping it out.
 */
export const BERT_FINE_TUNING = {
  encoderLearningRate: 5e-5,
  learningRateSchedule: 'LINEAR_DECAY',
  warmupFraction: 0.06,
  weightDecay: 0.01,
} as const satisfies Partial<ExpansionSettings>;

const NO_EXTRAS = { rehearsal: 0, exemplarSelection: 'RANDOM', distillation: null, weightAligning: false } as const;
const REHEARSAL_PER_LABEL = 5;

/**
 * The named strategies the API and the benchmarks share. Each changes as few axes as it can from
 * its neighbour, so a difference in results points at one cause.
 */
export const PRESETS: Record<PresetName, ExpansionSettings> = {
  /** The well-known answer: append torch.randn rows, fine-tune the whole head on the new examples only. */
  ORIGINAL_RECIPE: { ...DEFAULT_OPTIMISATION, ...NO_EXTRAS, init: 'RANDOM_NORMAL', trainable: 'HEAD' },
  /** The same random rows, with old rows and bias frozen: does freezing alone fix it? */
  FROZEN_OLD_ROWS: { ...DEFAULT_OPTIMISATION, ...NO_EXTRAS, init: 'RANDOM_NORMAL', trainable: 'NEW_ROWS' },
  /** New rows = normalised mean feature of each new label, scaled like the old rows; no training. */
  IMPRINT_ONLY: { ...DEFAULT_OPTIMISATION, ...NO_EXTRAS, init: 'IMPRINT', trainable: 'NEW_ROWS', epochs: 0 },
  /** Imprinted rows, then trained with old rows frozen. */
  IMPRINT_FROZEN: { ...DEFAULT_OPTIMISATION, ...NO_EXTRAS, init: 'IMPRINT', trainable: 'NEW_ROWS' },
  /** Whole head trained on the new examples plus a few stored examples of every old label. */
  REHEARSAL_HEAD: { ...DEFAULT_OPTIMISATION, ...NO_EXTRAS, init: 'IMPRINT', trainable: 'HEAD', rehearsal: REHEARSAL_PER_LABEL },
  /** Whole head trained on new examples only, held to the base model's old outputs by distillation. */
  LWF: { ...DEFAULT_OPTIMISATION, ...NO_EXTRAS, init: 'IMPRINT', trainable: 'HEAD', distillation: { temperature: 2, weight: 1 } },
  /** Rehearsal, then new rows rescaled to the old rows' mean norm, against the bias toward new labels. */
  WEIGHT_ALIGNED: {
    ...DEFAULT_OPTIMISATION,
    ...NO_EXTRAS,
    init: 'IMPRINT',
    trainable: 'HEAD',
    rehearsal: REHEARSAL_PER_LABEL,
    weightAligning: true,
  },
  /** Encoder and head both trained, on new examples plus rehearsal: what fine-tuning the whole model buys. */
  FULL_FINE_TUNE: { ...DEFAULT_OPTIMISATION, ...NO_EXTRAS, init: 'IMPRINT', trainable: 'FULL_MODEL', rehearsal: REHEARSAL_PER_LABEL },
  /** All old training data plus the new, encoder included: the upper bound when the old data is still at hand. */
  JOINT_RETRAIN: { ...DEFAULT_OPTIMISATION, ...NO_EXTRAS, init: 'IMPRINT', trainable: 'FULL_MODEL', rehearsal: 'ALL', epochs: 5 },
};

const INITS: readonly HeadInit[] = ['RANDOM_NORMAL', 'XAVIER', 'ZEROS', 'IMPRINT'];
const TRAINABLES: readonly Trainable[] = ['NEW_ROWS', 'HEAD', 'FULL_MODEL'];
const SELECTIONS: readonly ExemplarSelection[] = ['RANDOM', 'HERDING'];

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
  const trainsEncoder = (defined.trainable ?? PRESETS[name].trainable) === 'FULL_MODEL';
  const encoderDefaults = trainsEncoder && encoder?.kind === 'bert' ? BERT_FINE_TUNING : {};
  const settings: ExpansionSettings = { ...PRESETS[name], ...encoderDefaults, ...defined };
  checkOneOf('init', settings.init, INITS);
  checkOneOf('trainable', settings.trainable, TRAINABLES);
  checkOneOf('exemplarSelection', settings.exemplarSelection, SELECTIONS);
  if (settings.rehearsal !== 'ALL') checkInteger('rehearsal', settings.rehearsal, 0, 100_000);
  // 0 epochs is how closed-form presets say "no training"; a caller asking for training asks for 1+.
  checkInteger('epochs', settings.epochs, 'epochs' in defined ? 1 : 0, 1000);
  checkPositive('learningRate', settings.learningRate);
  checkPositive('encoderLearningRate', settings.encoderLearningRate);
  checkOneOf('learningRateSchedule', settings.learningRateSchedule, LEARNING_RATE_SCHEDULES);
  if (!(settings.warmupFraction >= 0 && settings.warmupFraction < 1)) {
    throw new TrainingInputError('warmupFraction', `warmupFraction must be a share of the steps from 0 up to (not including) 1; got ${settings.warmupFraction}`);
  }
  if (!(settings.weightDecay >= 0 && settings.weightDecay <= 1)) throw new TrainingInputError('weightDecay', `weightDecay must be a number from 0 to 1; got ${settings.weightDecay}`);
  if (settings.encoderLayers !== null) {
    if (settings.trainable !== 'FULL_MODEL') throw new TrainingInputError('encoderLayers', 'encoderLayers chooses which encoder layers train, so it needs trainable: FULL_MODEL');
    checkInteger('encoderLayers', settings.encoderLayers, 1, 1000);
    if (encoder) checkEncoderLayers(settings.encoderLayers, encoder);
  }
  checkInteger('batchSize', settings.batchSize, 1, 65_536);
  if (settings.earlyStoppingPatience !== null) checkInteger('earlyStoppingPatience', settings.earlyStoppingPatience, 1, 1000);
  if (settings.distillation !== null) {
    checkPositive('distillation.temperature', settings.distillation.temperature);
    checkPositive('distillation.weight', settings.distillation.weight);
  }
  return settings;
}

/** encoderLayers must name layers the encoder has: BERT's 1..layers; the embedding bag has none. */
export function checkEncoderLayers(encoderLayers: number, encoder: EncoderConfig): void {
  if (encoder.kind !== 'bert') {
    throw new TrainingInputError('encoderLayers', 'the embedding-bag encoder has no layers to choose from: leave encoderLayers unset');
  }
  checkInteger('encoderLayers', encoderLayers, 1, encoder.architecture.layers);
}

export function checkInteger(field: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new TrainingInputError(field, `${field} must be a whole number from ${min} to ${max}; got ${value}`);
  }
}

export function checkPositive(field: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0 || value > 1e6) {
    throw new TrainingInputError(field, `${field} must be a finite number above 0 (and at most 1e6); got ${value}`);
  }
}

function checkOneOf<T extends string>(field: string, value: T, allowed: readonly T[]): void {
  if (!allowed.includes(value)) throw new TrainingInputError(field, `${field} must be one of ${allowed.join(', ')}; got ${value}`);
}

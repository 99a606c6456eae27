import { TrainingInputError } from './errors.js';
import { checkSplitData, SplitData } from './data.js';
import { initialiseTable } from './embedding-bag.js';
import { EpochMetrics, measure, ModelMetrics } from './evaluation.js';
import { Classifier, EmbeddingBagConfig } from './model.js';
import { Random } from './random.js';
import { checkInteger, checkPositive } from './settings.js';
import { tokenizeAll } from './tokenizer.js';
import { TrainableModel } from './trainable-model.js';
import { TrainingHooks, trainLoop } from './train-loop.js';

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
  batchSize: number;
  earlyStoppingPatience: number | null;
}

export const DEFAULT_BASE_SETTINGS: BaseTrainingSettings = {
  dim: 128,
  buckets: 2 ** 18,
  wordNgrams: 2,
  charNgramMin: 3,
  charNgramMax: 5,
  layerNorm: true,
  epochs: 5,
  learningRate: 0.003,
  encoderLearningRate: 0.003,
  batchSize: 64,
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
  checkInteger('batchSize', settings.batchSize, 1, 65_536);
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

export interface TrainingResult {
  model: Classifier;
  epochs: EpochMetrics[];
  final: FinalMetrics;
  /** Test accuracy per label index; null for a label without test examples. */
  perLabelAccuracy: Array<number | null>;
}

/** Trains an embedding-bag encoder and a linear head from scratch on every label. */
export async function trainBase(spec: BaseTrainingSpec, data: SplitData, hooks: TrainingHooks = {}): Promise<TrainingResult> {
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

  const model = new TrainableModel({
    encoder,
    head,
    oldLabelCount: labels.length,
    trainOldRows: true,
    trainEncoder: true,
    learningRate: settings.learningRate,
    encoderLearningRate: settings.encoderLearningRate,
    distillation: null,
  });
  try {
    const measureNow = () =>
      measure(
        model,
        {
          test: { labels: data.test.labels, features: () => model.encode(testBags) },
          validation: { labels: data.validation.labels, features: () => model.encode(validationBags) },
        },
        labels.length,
        null,
      );
    const loop = await trainLoop(model, { labels: data.train.labels, bags: trainBags }, measureNow, { ...settings, seed: spec.seed }, hooks);
    const { perLabelAccuracy, validationAccuracy: _validation, ...metrics } = measureNow();
    const trained = model.export();
    return {
      model: { labels, encoder: { config, table: trained.encoderTable }, head: trained.head },
      epochs: loop.epochs,
      final: { ...metrics, trainSeconds: loop.trainSeconds },
      perLabelAccuracy,
    };
  } finally {
    model.dispose();
  }
}

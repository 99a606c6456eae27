import { FinalMetrics, TrainingResult } from './base-training.js';
import { checkSplitData, SplitData } from './data.js';
import { startEncoderTraining, tokenizeTexts } from './encoders.js';
import { TrainingInputError } from './errors.js';
import { EpochMetrics, headScorer, measure, Scorer } from './evaluation.js';
import { repeatToCount, selectExemplars } from './exemplars.js';
import { encodeTexts, FeatureCache } from './features.js';
import { encodeTextsInParallel, ParallelEncoding } from './parallel-encoding.js';
import { allowedLosses, calibrateNewBiases } from './calibration.js';
import { alignNewRows, appendRows } from './head-init.js';
import { headLogits } from './logits.js';
import { argmaxRows, classificationMetrics } from './metrics.js';
import { Classifier, Encoder, LinearHead, labelCount } from './model.js';
import { RunOutcomes, splitOutcomes } from './outcomes.js';
import { Random } from './random.js';
import { ExpansionSettings, MIN_SELECTION_EXAMPLES, trainsEncoder, trainsOldRows } from './settings.js';
import { gatherRows, TrainableModel } from './trainable-model.js';
import { stepsPerEpoch, TrainingHooks, trainLoop } from './train-loop.js';

export interface ExpansionSpec {
  /** The target label list: the base model's labels, in order, then the new ones. */
  labels: string[];
  settings: ExpansionSettings;
  seed: number;
}

export interface ExpansionOptions extends TrainingHooks {
  /** Where the frozen base encoder's features are kept between runs. */
  featureCache?: FeatureCache;
  /** Encode with several threads (BERT): how many, on which backend. */
  parallelEncoding?: ParallelEncoding;
}

/** Encoder outputs and label indices of one split. */
export interface FeatureSplit {
  features: Float32Array;
  labels: Int32Array;
}
export type FeatureSplits = Record<keyof SplitData, FeatureSplit>;

/** A head expansion's outcome; the encoder table only when the encoder trained too. */
export interface HeadExpansionResult {
  head: LinearHead;
  /** The trained encoder; null when it was frozen. */
  encoder: Encoder | null;
  epochs: EpochMetrics[];
  final: FinalMetrics;
  perLabelAccuracy: Array<number | null>;
  outcomes: RunOutcomes;
}

/**
 * Adds the new labels of `spec.labels` to `base` the way `spec.settings` says, and measures old
 * and new accuracy after every epoch. `data` holds examples of every label (old and new); which
 * of them training sees is the strategy's choice: the new labels' examples, plus rehearsal.
 */
export async function expandHead(spec: ExpansionSpec, base: Classifier, data: SplitData, options: ExpansionOptions = {}): Promise<TrainingResult> {
  checkTargetLabels(base.labels, spec.labels);
  checkSplitData(data, spec.labels.length);
  // The frozen base encoder sees every split once; FULL_MODEL starts from these features too.
  const featuresOf = async (name: keyof SplitData) => ({
    features: options.parallelEncoding
      ? await encodeTextsInParallel(base.encoder, data[name].texts, options.parallelEncoding, options.featureCache)
      : encodeTexts(base.encoder, data[name].texts, options.featureCache),
    labels: data[name].labels,
  });
  const splits = { train: await featuresOf('train'), validation: await featuresOf('validation'), test: await featuresOf('test') };
  const encoderTraining = trainsEncoder(spec.settings.trainable) ? { encoder: base.encoder, data } : null;
  const { head, encoder, ...result } = await expand({ ...spec, labelCount: spec.labels.length }, base.head, splits, encoderTraining, options);
  return { model: { labels: spec.labels, encoder: encoder ?? base.encoder, head }, ...result };
}

/**
 * expandHead for a frozen encoder whose features are already computed, e.g. exported for the
 * PyTorch reference: the same training on the same arrays. `labelCount` is old plus new labels.
 */
export function expandHeadOnFeatures(
  spec: { labelCount: number; settings: ExpansionSettings; seed: number },
  baseHead: LinearHead,
  splits: FeatureSplits,
  options: ExpansionOptions = {},
): Promise<HeadExpansionResult> {
  if (trainsEncoder(spec.settings.trainable)) {
    throw new TrainingInputError('trainable', `${spec.settings.trainable} trains the encoder, which needs the texts: use expandHead`);
  }
  if (spec.labelCount <= labelCount(baseHead)) throw new TrainingInputError('labels', 'there must be at least one new label');
  for (const [name, split] of Object.entries(splits)) {
    const bad = split.labels.findIndex((label) => !(label >= 0 && label < spec.labelCount));
    if (bad >= 0) throw new TrainingInputError(`data.${name}`, `${name} example ${bad} has label index ${split.labels[bad]}, outside 0..${spec.labelCount - 1}`);
  }
  return expand(spec, baseHead, splits, null, options);
}

async function expand(
  spec: { labelCount: number; settings: ExpansionSettings; seed: number },
  baseHead: LinearHead,
  splits: FeatureSplits,
  encoderTraining: { encoder: Encoder; data: SplitData } | null,
  options: ExpansionOptions,
): Promise<HeadExpansionResult> {
  const { settings } = spec;
  const oldCount = labelCount(baseHead);
  const random = new Random(spec.seed);
  const { dim } = baseHead;
  const { train, validation, test } = splits;

  // The base head has exactly the old rows, so these are the old logits: [rows, oldCount].
  const baseTrainLogits = headLogits(train.features, baseHead);
  const baseTestLogits = headLogits(test.features, baseHead);
  const baseValidationLogits = headLogits(validation.features, baseHead);
  const newCount = spec.labelCount - oldCount;
  const basePredicted = {
    test: argmaxRows(baseTestLogits, test.labels.length, oldCount),
    validation: argmaxRows(baseValidationLogits, validation.labels.length, oldCount),
  };
  const baseOldAccuracy = classificationMetrics(basePredicted.test, test.labels, oldCount, spec.labelCount).oldAccuracy;

  if (settings.biasCalibration !== null && !validation.labels.some((label) => label < oldCount)) {
    throw new TrainingInputError('biasCalibration', 'bias calibration measures on validation examples of old labels and the validation split has none: add some, or leave biasCalibration unset');
  }
  const newRows = rowsWhere(train.labels, (label) => label >= oldCount);
  const rehearsalRows = selectExemplars({
    labels: train.labels,
    oldLabelCount: oldCount,
    perLabel: settings.rehearsal,
    selection: settings.exemplarSelection,
    features: train.features,
    dim,
    random: random.fork('exemplars'),
  });
  const trainRows = [...(settings.balanceNewLabels ? repeatToCount(newRows, train.labels, rehearsalRows.length / oldCount) : newRows), ...rehearsalRows];
  const newFeatures = Array.from({ length: newCount }, (_, k) => {
    const rows = newRows.filter((row) => train.labels[row] === oldCount + k);
    if (rows.length === 0) throw new TrainingInputError('data.train', `new label ${oldCount + k} has no training examples`);
    return gatherRows(train.features, dim, rows);
  });

  // Every step moves the encoder's shared embeddings a little, mostly as noise, so their drift grows
  // with the square root of the steps: dividing by it gives a small training set and a large one
  // the same drift at one rate.
  const stepsPerPass = stepsPerEpoch(trainRows.length, settings.batchSize);
  const encoderLearningRate = settings.scaleEncoderRateBySteps ? settings.encoderLearningRate / Math.sqrt(stepsPerPass) : settings.encoderLearningRate;
  const encoderOptions = { learningRate: encoderLearningRate, weightDecay: settings.weightDecay, trainableLayers: settings.encoderLayers, tokenDropout: settings.tokenDropout };
  const model = new TrainableModel({
    encoderTraining: encoderTraining && startEncoderTraining(encoderTraining.encoder, encoderOptions, random.fork('encoder')),
    head: appendRows(baseHead, settings.init, newFeatures, random.fork('new rows')),
    oldLabelCount: oldCount,
    trainOldRows: trainsOldRows(settings.trainable),
    learningRate: settings.learningRate,
    distillation: settings.distillation,
    headWeightDecay: settings.headWeightDecay,
  });
  try {
    const tokensOf = (texts: readonly string[]) => tokenizeTexts(encoderTraining!.encoder, texts);
    const evaluationTokens = encoderTraining && { validation: tokensOf(encoderTraining.data.validation.texts), test: tokensOf(encoderTraining.data.test.texts) };
    const reference = { oldAccuracy: baseOldAccuracy, oldLogits: baseTestLogits };
    // While the encoder trains, features change with it: each measurement encodes again, unless
    // given the validation split as the encoder now encodes it.
    const measureWith = (scorer: Scorer, withValidation: boolean, encodedValidation?: Float32Array) =>
      measure(
        scorer,
        {
          test: evaluationTokens
            ? { labels: test.labels, features: () => model.encode(evaluationTokens.test) }
            : { labels: test.labels, features: () => test.features, baseOldLogits: baseTestLogits },
          validation: evaluationTokens
            ? { labels: validation.labels, features: () => encodedValidation ?? model.encode(evaluationTokens.validation) }
            : { labels: validation.labels, features: () => validation.features, baseOldLogits: baseValidationLogits },
        },
        oldCount,
        reference,
        withValidation,
      );

    const examples = {
      labels: Int32Array.from(trainRows, (row) => train.labels[row]),
      features: gatherRows(train.features, dim, trainRows),
      tokens: encoderTraining ? tokensOf(trainRows.map((row) => encoderTraining.data.train.texts[row])) : undefined,
      baseOldLogits: gatherRows(baseTrainLogits, oldCount, trainRows),
    };
    const oldValidationRows = rowsWhere(validation.labels, (label) => label < oldCount);
    const newValidationRows = rowsWhere(validation.labels, (label) => label >= oldCount);
    const validationFeatures = () => (evaluationTokens ? model.encode(evaluationTokens.validation) : validation.features);
    const oldValidation = {
      labels: Int32Array.from(oldValidationRows, (row) => validation.labels[row]),
      baseCorrect: oldValidationRows.map((row) => basePredicted.validation[row] === validation.labels[row]),
    };
    /**
     * The steps after training, on a trained head and the validation features under its encoder.
     * Calibration measures on the validation split's old-label examples: training never saw them,
     * and neither did the base model, whereas old training examples the base model fitted would
     * understate what the new rows take from the old labels.
     */
    const finish = (trainedHead: LinearHead, features: Float32Array) => {
      const aligned = settings.weightAligning ? alignNewRows(trainedHead, oldCount) : trainedHead;
      if (settings.biasCalibration === null) return aligned;
      const examples = { logits: headLogits(gatherRows(features, dim, oldValidationRows), aligned), ...oldValidation };
      return calibrateNewBiases(aligned, oldCount, examples, settings.biasCalibration);
    };
    // Calibration holds the old labels to the budget at every epoch, so the epoch to keep is the one
    // that learned the new labels best under it: how long to train then follows the data. Where the
    // encoder's drift alone costs more than the budget, calibration can only cap what the new rows
    // take, so such an epoch ranks below every epoch within the budget (epoch 0, the untouched
    // encoder, always is), by what it loses.
    const selectsEpoch = settings.epochSelection === 'BEST_NEW_WITHIN_BUDGET' && newValidationRows.length >= MIN_SELECTION_EXAMPLES;
    if (settings.epochSelection === 'BEST_NEW_WITHIN_BUDGET' && !selectsEpoch) {
      options.log?.(`${newValidationRows.length} validation examples of the new labels, fewer than the ${MIN_SELECTION_EXAMPLES} epoch selection needs: keeping the last epoch`);
    }
    const baseRightOld = oldValidation.baseCorrect.filter(Boolean).length;
    const newAccuracyWithinBudget = () => {
      const features = validationFeatures();
      const predicted = argmaxRows(headLogits(features, finish(model.exportHead(), features)), validation.labels.length, spec.labelCount);
      const right = (row: number) => predicted[row] === validation.labels[row];
      const lost = baseRightOld - oldValidationRows.filter(right).length;
      if (lost > allowedLosses(settings.biasCalibration!, oldValidationRows.length)) return -1 - lost / oldValidationRows.length;
      return newValidationRows.filter(right).length / newValidationRows.length;
    };

    const epochs = settings.epochs === 0 ? 0 : Math.max(settings.epochs, Math.ceil(settings.minimumSteps / stepsPerPass));
    const loop = await trainLoop(model, examples, (withValidation) => measureWith(model, withValidation), { ...settings, epochs, seed: spec.seed }, options, selectsEpoch ? { score: newAccuracyWithinBudget } : null);

    const trained = model.export();
    const finalValidation = settings.weightAligning || settings.biasCalibration !== null ? validationFeatures() : undefined;
    const head = finalValidation ? finish(trained.head, finalValidation) : trained.head;
    const scorer = head === trained.head ? model : headScorer(head);
    const { perLabelAccuracy, validationAccuracy: _validation, predicted, ...metrics } = measureWith(scorer, true, finalValidation);
    const outcomes = {
      test: splitOutcomes({ labels: test.labels, predicted: predicted.test, basePredicted: basePredicted.test }, oldCount),
      validation: splitOutcomes({ labels: validation.labels, predicted: predicted.validation!, basePredicted: basePredicted.validation }, oldCount),
    };
    return { head, encoder: trained.encoder, epochs: loop.epochs, final: { ...metrics, trainSeconds: loop.trainSeconds }, perLabelAccuracy, outcomes };
  } finally {
    model.dispose();
  }
}

function checkTargetLabels(oldLabels: string[], labels: string[]): void {
  const extends_ = labels.length > oldLabels.length && oldLabels.every((label, i) => labels[i] === label);
  if (!extends_) {
    throw new TrainingInputError(
      'labels',
      `the target labels must be the base model's ${oldLabels.length} labels in order followed by at least one new label`,
    );
  }
  const duplicate = labels.find((label, i) => labels.indexOf(label) !== i);
  if (duplicate !== undefined) throw new TrainingInputError('labels', `label ${JSON.stringify(duplicate)} appears twice`);
}

function rowsWhere(labels: Int32Array, keep: (label: number) => boolean): number[] {
  const rows: number[] = [];
  labels.forEach((label, row) => {
    if (keep(label)) rows.push(row);
  });
  return rows;
}

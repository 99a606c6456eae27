import { TrainingResult } from './base-training.js';
import { checkSplitData, SplitData } from './data.js';
import { TrainingInputError } from './errors.js';
import { headScorer, measure, Scorer } from './evaluation.js';
import { selectExemplars } from './exemplars.js';
import { encodeBags } from './encoder.js';
import { encodeTexts, FeatureCache } from './features.js';
import { alignNewRows, appendRows } from './head-init.js';
import { headLogits } from './logits.js';
import { argmaxRows, classificationMetrics } from './metrics.js';
import { Classifier, LinearHead } from './model.js';
import { Random } from './random.js';
import { ExpansionSettings } from './settings.js';
import { tokenizeAll } from './tokenizer.js';
import { gatherRows, TrainableModel } from './trainable-model.js';
import { TrainingHooks, trainLoop } from './train-loop.js';

export interface ExpansionSpec {
  /** The target label list: the base model's labels, in order, then the new ones. */
  labels: string[];
  settings: ExpansionSettings;
  seed: number;
}

export interface ExpansionOptions extends TrainingHooks {
  /** Where the frozen base encoder's features are kept between runs. */
  featureCache?: FeatureCache;
}

/**
 * Adds the new labels of `spec.labels` to `base` the way `spec.settings` says, and measures old
 * and new accuracy after every epoch. `data` holds examples of every label (old and new); which
 * of them training sees is the strategy's choice: the new labels' examples, plus rehearsal.
 */
export async function expandHead(spec: ExpansionSpec, base: Classifier, data: SplitData, options: ExpansionOptions = {}): Promise<TrainingResult> {
  const { settings, labels } = spec;
  const oldCount = base.labels.length;
  checkTargetLabels(base.labels, labels);
  checkSplitData(data, labels.length);
  const random = new Random(spec.seed);
  const dim = base.head.dim;

  // The frozen base encoder sees every split once; FULL_MODEL starts from these features too.
  const features = {
    train: encodeTexts(base.encoder, data.train.texts, options.featureCache),
    validation: encodeTexts(base.encoder, data.validation.texts, options.featureCache),
    test: encodeTexts(base.encoder, data.test.texts, options.featureCache),
  };
  // The base head has exactly the old rows, so these are the old logits: [rows, oldCount].
  const baseTrainLogits = headLogits(features.train, base.head);
  const baseTestLogits = headLogits(features.test, base.head);
  const baseOldAccuracy = classificationMetrics(argmaxRows(baseTestLogits, data.test.labels.length, oldCount), data.test.labels, oldCount, labels.length).oldAccuracy;

  const newRows = rowsWhere(data.train.labels, (label) => label >= oldCount);
  const rehearsalRows = selectExemplars({
    labels: data.train.labels,
    oldLabelCount: oldCount,
    perLabel: settings.rehearsal,
    selection: settings.exemplarSelection,
    features: features.train,
    dim,
    random: random.fork('exemplars'),
  });
  const trainRows = [...newRows, ...rehearsalRows];
  const newFeatures = labels.slice(oldCount).map((label, k) => {
    const rows = newRows.filter((row) => data.train.labels[row] === oldCount + k);
    if (rows.length === 0) throw new TrainingInputError('data.train', `new label ${JSON.stringify(label)} has no training examples`);
    return gatherRows(features.train, dim, rows);
  });

  const trainEncoder = settings.trainable === 'FULL_MODEL';
  const model = new TrainableModel({
    encoder: base.encoder,
    head: appendRows(base.head, settings.init, newFeatures, random.fork('new rows')),
    oldLabelCount: oldCount,
    trainOldRows: settings.trainable !== 'NEW_ROWS',
    trainEncoder,
    learningRate: settings.learningRate,
    encoderLearningRate: settings.encoderLearningRate,
    distillation: settings.distillation,
  });
  try {
    const bagsOf = (texts: readonly string[]) => tokenizeAll(texts, base.encoder.config.tokenizer);
    const [validationBags, testBags] = trainEncoder ? [bagsOf(data.validation.texts), bagsOf(data.test.texts)] : [null, null];
    const reference = { oldAccuracy: baseOldAccuracy, oldLogits: baseTestLogits };
    const measureWith = (scorer: Scorer, encode: (bags: Int32Array[]) => Float32Array) =>
      measure(
        scorer,
        {
          test: { labels: data.test.labels, features: () => (testBags ? encode(testBags) : features.test) },
          validation: { labels: data.validation.labels, features: () => (validationBags ? encode(validationBags) : features.validation) },
        },
        oldCount,
        reference,
      );

    const examples = {
      labels: Int32Array.from(trainRows, (row) => data.train.labels[row]),
      features: gatherRows(features.train, dim, trainRows),
      bags: trainEncoder ? bagsOf(trainRows.map((row) => data.train.texts[row])) : undefined,
      baseOldLogits: gatherRows(baseTrainLogits, oldCount, trainRows),
    };
    const loop = await trainLoop(model, examples, () => measureWith(model, (bags) => model.encode(bags)), { ...settings, seed: spec.seed }, options);

    const trained = model.export();
    const head: LinearHead = settings.weightAligning ? alignNewRows(trained.head, oldCount) : trained.head;
    const encoder = trainEncoder ? { config: base.encoder.config, table: trained.encoderTable } : base.encoder;
    const scorer = settings.weightAligning ? headScorer(head) : model;
    const { perLabelAccuracy, validationAccuracy: _validation, ...metrics } = measureWith(scorer, (bags) => encodeBags(encoder, bags));
    return {
      model: { labels, encoder, head },
      epochs: loop.epochs,
      final: { ...metrics, trainSeconds: loop.trainSeconds },
      perLabelAccuracy,
    };
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

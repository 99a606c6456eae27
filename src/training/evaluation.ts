import { headLogits } from './logits.js';
import { LinearHead } from './model.js';
import { argmaxRows, classificationMetrics, maxAbsDifference } from './metrics.js';

/** How a model does on the test split (ARCHITECTURE.md, "Metrics"). Null where a metric does not apply. */
export interface ModelMetrics {
  oldAccuracy: number | null;
  newAccuracy: number | null;
  overallAccuracy: number;
  macroF1: number;
  forgetting: number | null;
  intrusion: number | null;
  oldLogitDrift: number | null;
}

/** What the loop reports after every epoch. */
export interface EpochMetrics extends ModelMetrics {
  epoch: number;
  /** Mean training loss over the epoch (over the training set before training, for epoch 0). */
  loss: number;
  seconds: number;
}

export interface Measurement extends ModelMetrics {
  perLabelAccuracy: Array<number | null>;
  /** Overall accuracy on the validation split; null when it has no examples. */
  validationAccuracy: number | null;
  /** The predicted label index of every example: of the validation split only when it was measured. */
  predicted: { test: Int32Array; validation: Int32Array | null };
}

/** Anything that scores features: the model being trained, or a finished head. */
export interface Scorer {
  readonly labelCount: number;
  /**
   * [rows, labels]. `baseOldLogits` are the base model's old-label logits of these rows: a scorer
   * whose old rows and encoder are frozen has exactly those, and computes only the new columns.
   */
  logits(features: Float32Array, baseOldLogits?: Float32Array): Float32Array;
}

/** An evaluation split whose features are known (frozen encoder) or computed per call. */
export interface EvaluationSplit {
  labels: Int32Array;
  features: () => Float32Array;
  /** The base model's old-label logits of the split, when its encoder is frozen. */
  baseOldLogits?: Float32Array;
}

/** The base model's behaviour on the test split, which forgetting and drift are measured against. */
export interface BaseReference {
  oldAccuracy: number | null;
  /** [test rows, old labels] */
  oldLogits: Float32Array;
}

/** The test metrics and predictions, and the validation split's when `withValidation` (early stopping and outcomes need them). */
export function measure(
  scorer: Scorer,
  splits: { test: EvaluationSplit; validation: EvaluationSplit },
  oldLabelCount: number,
  reference: BaseReference | null,
  withValidation: boolean,
): Measurement {
  const { labelCount } = scorer;
  const testLogits = scorer.logits(splits.test.features(), splits.test.baseOldLogits);
  const rows = splits.test.labels.length;
  const testPredicted = argmaxRows(testLogits, rows, labelCount);
  const test = classificationMetrics(testPredicted, splits.test.labels, oldLabelCount, labelCount);

  let validationAccuracy: number | null = null;
  let validationPredicted: Int32Array | null = null;
  if (withValidation) {
    const logits = splits.validation.labels.length > 0 ? scorer.logits(splits.validation.features(), splits.validation.baseOldLogits) : new Float32Array(0);
    validationPredicted = argmaxRows(logits, splits.validation.labels.length, labelCount);
    validationAccuracy = classificationMetrics(validationPredicted, splits.validation.labels, oldLabelCount, labelCount).overallAccuracy;
  }

  const forgetting = reference?.oldAccuracy != null && test.oldAccuracy !== null ? reference.oldAccuracy - test.oldAccuracy : null;
  return {
    oldAccuracy: test.oldAccuracy,
    newAccuracy: test.newAccuracy,
    overallAccuracy: test.overallAccuracy ?? 0,
    macroF1: test.macroF1 ?? 0,
    forgetting,
    intrusion: test.intrusion,
    oldLogitDrift: reference ? maxAbsDifference(testLogits, reference.oldLogits, rows, oldLabelCount, labelCount, oldLabelCount) : null,
    perLabelAccuracy: test.perLabelAccuracy,
    validationAccuracy,
    predicted: { test: testPredicted, validation: validationPredicted },
  };
}

/** A finished head as a Scorer, for measuring a model after post-hoc changes such as weight aligning. */
export function headScorer(head: LinearHead): Scorer {
  return { labelCount: head.bias.length, logits: (features) => headLogits(features, head) };
}

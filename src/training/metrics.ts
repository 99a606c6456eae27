/**
 * Evaluation metrics of a head-expansion run, computed from predicted and true label indices.
 * Labels 0..oldLabelCount-1 are the base model's ("old"), the rest were added ("new"); for a base
 * model all labels are old. A metric with nothing to measure is null, never 0: a run without new
 * labels has no new-label accuracy, which is not the same as getting them all wrong.
 */

export interface ClassificationMetrics {
  examples: number;
  /** Examples whose true label is old / new. */
  oldExamples: number;
  newExamples: number;
  /** Accuracy over old-label examples; null when there are none. */
  oldAccuracy: number | null;
  /** Accuracy over new-label examples; null when there are none. */
  newAccuracy: number | null;
  /** Accuracy over all examples; null when there are none. */
  overallAccuracy: number | null;
  /**
   * Mean F1 over the labels that occur in `actual` or in `predicted` (scikit-learn's
   * `f1_score(average='macro')`, with 0 for a label never predicted or never present): a new
   * label that steals old examples lowers it even when the test set has no example of it,
   * and labels absent from both do not dilute it. Null when there are no examples.
   */
  macroF1: number | null;
  /** Share of old-label examples predicted as some new label; null without new labels or old examples. */
  intrusion: number | null;
  /** Per label index, the share of its examples predicted right (recall); null for a label with none. */
  perLabelAccuracy: Array<number | null>;
}

function checkCount(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer, not ${value}`);
}

export function classificationMetrics(
  predicted: Int32Array,
  actual: Int32Array,
  oldLabelCount: number,
  labelCount: number,
): ClassificationMetrics {
  checkCount('labelCount', labelCount);
  checkCount('oldLabelCount', oldLabelCount);
  if (oldLabelCount > labelCount) throw new RangeError(`oldLabelCount ${oldLabelCount} exceeds labelCount ${labelCount}`);
  if (predicted.length !== actual.length) {
    throw new RangeError(`predicted has ${predicted.length} entries but actual has ${actual.length}`);
  }
  const support = new Float64Array(labelCount);
  const predictedCount = new Float64Array(labelCount);
  const correct = new Float64Array(labelCount);
  let intrusions = 0;
  for (let i = 0; i < actual.length; i++) {
    const truth = actual[i];
    const guess = predicted[i];
    if (truth < 0 || truth >= labelCount) throw new RangeError(`actual[${i}] = ${truth} is not a label index below ${labelCount}`);
    if (guess < 0 || guess >= labelCount) throw new RangeError(`predicted[${i}] = ${guess} is not a label index below ${labelCount}`);
    support[truth]++;
    predictedCount[guess]++;
    if (truth === guess) correct[truth]++;
    else if (truth < oldLabelCount && guess >= oldLabelCount) intrusions++;
  }

  let oldExamples = 0;
  let oldCorrect = 0;
  let f1Sum = 0;
  let f1Labels = 0;
  for (let label = 0; label < labelCount; label++) {
    if (label < oldLabelCount) {
      oldExamples += support[label];
      oldCorrect += correct[label];
    }
    if (support[label] + predictedCount[label] > 0) {
      // 2PR/(P+R) with P = tp/predicted, R = tp/support, without dividing by a zero count.
      f1Sum += (2 * correct[label]) / (support[label] + predictedCount[label]);
      f1Labels++;
    }
  }
  const examples = actual.length;
  const totalCorrect = correct.reduce((sum, count) => sum + count, 0);
  const newExamples = examples - oldExamples;
  const ratio = (numerator: number, denominator: number) => (denominator === 0 ? null : numerator / denominator);
  return {
    examples,
    oldExamples,
    newExamples,
    oldAccuracy: ratio(oldCorrect, oldExamples),
    newAccuracy: ratio(totalCorrect - oldCorrect, newExamples),
    overallAccuracy: ratio(totalCorrect, examples),
    macroF1: ratio(f1Sum, f1Labels),
    intrusion: labelCount === oldLabelCount ? null : ratio(intrusions, oldExamples),
    perLabelAccuracy: Array.from(support, (count, label) => ratio(correct[label], count)),
  };
}

/**
 * The index of each row's largest value; ties go to the lowest index, and a row holding NaN
 * gives its first NaN, as numpy.argmax and torch.argmax do, so a diverged model's predictions
 * are not mistaken for confident ones.
 */
export function argmaxRows(logits: Float32Array, rows: number, cols: number): Int32Array {
  checkCount('rows', rows);
  checkCount('cols', cols);
  if (logits.length !== rows * cols) throw new RangeError(`logits has ${logits.length} values, not ${rows} rows x ${cols} cols`);
  if (rows > 0 && cols === 0) throw new RangeError('argmax of rows with no columns');
  const result = new Int32Array(rows);
  for (let row = 0; row < rows; row++) {
    const start = row * cols;
    let best = 0;
    let bestValue = logits[start];
    // value !== value is the NaN test: cheaper than Number.isNaN in a loop this hot.
    for (let col = 1; col < cols && bestValue === bestValue; col++) {
      const value = logits[start + col];
      if (value > bestValue || value !== value) {
        best = col;
        bestValue = value;
      }
    }
    result[row] = best;
  }
  return result;
}

/**
 * max |a - b| over the first `colsToCompare` columns of `rows` rows, each array read with its
 * own row stride (current logits over all labels against the base model's over the old ones).
 * Equal values count as 0 (infinities and NaN included: an unchanged logit is no drift, however
 * bad), so identical logits give exactly 0; a NaN on one side only makes the result NaN, so drift
 * cannot hide behind it. 0 when nothing is compared.
 */
export function maxAbsDifference(
  a: Float32Array,
  b: Float32Array,
  rows: number,
  colsToCompare: number,
  strideA: number,
  strideB: number,
): number {
  for (const [name, value] of Object.entries({ rows, colsToCompare, strideA, strideB })) checkCount(name, value);
  if (colsToCompare > strideA || colsToCompare > strideB) {
    throw new RangeError(`colsToCompare ${colsToCompare} exceeds a row stride (${strideA}, ${strideB})`);
  }
  if (rows > 0 && ((rows - 1) * strideA + colsToCompare > a.length || (rows - 1) * strideB + colsToCompare > b.length)) {
    throw new RangeError(`${rows} rows of stride ${strideA} / ${strideB} do not fit arrays of ${a.length} / ${b.length} values`);
  }
  let max = 0;
  for (let row = 0; row < rows; row++) {
    for (let col = 0; col < colsToCompare; col++) {
      const x = a[row * strideA + col];
      const y = b[row * strideB + col];
      const difference = Math.abs(x - y);
      if (difference > max) max = difference;
      // NaN from x - y: a NaN or two equal infinities; only the first counts as drift.
      else if (difference !== difference && !Object.is(x, y)) return NaN;
    }
  }
  return max;
}

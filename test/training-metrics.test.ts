import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { argmaxRows, classificationMetrics, maxAbsDifference } from '../src/training/metrics.js';

const ints = (values: number[]) => Int32Array.from(values);

test('classificationMetrics on a hand-computed case with three old labels and one new', () => {
  // index:               0  1  2  3  4  5  6  7
  const actual = ints([0, 0, 1, 1, 2, 3, 3, 0]);
  const predicted = ints([0, 3, 1, 2, 2, 3, 0, 0]);
  const metrics = classificationMetrics(predicted, actual, 3, 4);
  // Per label (support, predicted, correct): 0 (3, 3, 2), 1 (2, 1, 1), 2 (1, 2, 1), 3 (2, 2, 1).
  // F1 = 2 tp / (support + predicted): 2/3, 2/3, 2/3, 1/2.
  assert.deepEqual(metrics, {
    examples: 8,
    oldExamples: 6,
    newExamples: 2,
    oldAccuracy: 4 / 6,
    newAccuracy: 1 / 2,
    overallAccuracy: 5 / 8,
    macroF1: (2 / 3 + 2 / 3 + 2 / 3 + 1 / 2) / 4,
    intrusion: 1 / 6, // example 1: old label 0 predicted as new label 3
    perLabelAccuracy: [2 / 3, 1 / 2, 1, 1 / 2],
  });
});

test('a label absent from both actual and predicted is left out of macro-F1 and has no accuracy', () => {
  const actual = ints([0, 0, 1, 1, 2, 3, 3, 0]);
  const predicted = ints([0, 3, 1, 2, 2, 3, 0, 0]);
  const withUnusedLabel = classificationMetrics(predicted, actual, 3, 5);
  assert.equal(withUnusedLabel.macroF1, classificationMetrics(predicted, actual, 3, 4).macroF1);
  assert.deepEqual(withUnusedLabel.perLabelAccuracy, [2 / 3, 1 / 2, 1, 1 / 2, null]);
});

test('a label predicted but never present counts 0 in macro-F1; one present but never predicted too', () => {
  // Label 2 is predicted once and has no example: F1 0. Label 0: 2*1/(2+1), label 1: 2*1/(1+1).
  const predictedOnly = classificationMetrics(ints([0, 2, 1]), ints([0, 0, 1]), 3, 3);
  assert.equal(predictedOnly.macroF1, (2 / 3 + 1 + 0) / 3);
  assert.deepEqual(predictedOnly.perLabelAccuracy, [1 / 2, 1, null]);

  // Label 1 has an example but is never predicted: F1 0. Label 0: 2*1/(1+2).
  const neverPredicted = classificationMetrics(ints([0, 0]), ints([0, 1]), 2, 2);
  assert.equal(neverPredicted.macroF1, (2 / 3 + 0) / 2);
  assert.deepEqual(neverPredicted.perLabelAccuracy, [1, 0]);
});

test('without new labels, new accuracy and intrusion are null and overall equals old', () => {
  const metrics = classificationMetrics(ints([0, 1, 1, 2]), ints([0, 1, 2, 2]), 3, 3);
  assert.equal(metrics.newExamples, 0);
  assert.equal(metrics.newAccuracy, null);
  assert.equal(metrics.intrusion, null);
  assert.equal(metrics.oldAccuracy, 3 / 4);
  assert.equal(metrics.overallAccuracy, 3 / 4);
});

test('with new labels but only new-label examples, old accuracy and intrusion are null', () => {
  const metrics = classificationMetrics(ints([2, 0]), ints([2, 2]), 2, 3);
  assert.equal(metrics.oldAccuracy, null);
  assert.equal(metrics.intrusion, null);
  assert.equal(metrics.newAccuracy, 1 / 2);
});

test('intrusion counts only old examples predicted as new labels, not old-to-old mistakes', () => {
  // Old labels 0, 1; new 2, 3. Four old examples: one right, one 0->1 (old mistake), two stolen by 2 and 3.
  const metrics = classificationMetrics(ints([0, 1, 2, 3, 2]), ints([0, 0, 1, 1, 2]), 2, 4);
  assert.equal(metrics.intrusion, 2 / 4);
  assert.equal(metrics.oldAccuracy, 1 / 4);
});

test('empty input gives nulls everywhere, not zeros', () => {
  const metrics = classificationMetrics(ints([]), ints([]), 2, 3);
  assert.deepEqual(metrics, {
    examples: 0,
    oldExamples: 0,
    newExamples: 0,
    oldAccuracy: null,
    newAccuracy: null,
    overallAccuracy: null,
    macroF1: null,
    intrusion: null,
    perLabelAccuracy: [null, null, null],
  });
});

test('classificationMetrics rejects mismatched lengths, out-of-range indices and label counts', () => {
  assert.throws(() => classificationMetrics(ints([0]), ints([0, 1]), 2, 2), /predicted has 1 entries but actual has 2/);
  assert.throws(() => classificationMetrics(ints([0, 2]), ints([0, 1]), 2, 2), /predicted\[1\] = 2 is not a label index below 2/);
  assert.throws(() => classificationMetrics(ints([0, 1]), ints([-1, 1]), 2, 2), /actual\[0\] = -1/);
  assert.throws(() => classificationMetrics(ints([]), ints([]), 3, 2), /oldLabelCount 3 exceeds labelCount 2/);
  assert.throws(() => classificationMetrics(ints([]), ints([]), 0.5, 2), /oldLabelCount must be a non-negative integer/);
});

test('macro-F1 matches the precision/recall definition (zero_division = 0) over the labels present', () => {
  const labelCount = 5;
  const sample = fc.array(fc.tuple(fc.integer({ min: 0, max: labelCount - 1 }), fc.integer({ min: 0, max: labelCount - 1 })), { minLength: 1, maxLength: 40 });
  fc.assert(fc.property(sample, fc.integer({ min: 0, max: labelCount }), (pairs, oldLabelCount) => {
    const predicted = ints(pairs.map(([guess]) => guess));
    const actual = ints(pairs.map(([, truth]) => truth));
    const scores: number[] = [];
    for (let label = 0; label < labelCount; label++) {
      const tp = pairs.filter(([guess, truth]) => guess === label && truth === label).length;
      const predictedAs = pairs.filter(([guess]) => guess === label).length;
      const present = pairs.filter(([, truth]) => truth === label).length;
      if (predictedAs + present === 0) continue;
      const precision = predictedAs === 0 ? 0 : tp / predictedAs;
      const recall = present === 0 ? 0 : tp / present;
      scores.push(precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall));
    }
    const metrics = classificationMetrics(predicted, actual, oldLabelCount, labelCount);
    const expected = scores.reduce((sum, score) => sum + score, 0) / scores.length;
    assert.ok(Math.abs(metrics.macroF1! - expected) < 1e-12, `${metrics.macroF1} vs ${expected}`);
    const correct = pairs.filter(([guess, truth]) => guess === truth).length;
    assert.equal(metrics.overallAccuracy, correct / pairs.length);
  }));
});

test('argmaxRows picks each row\'s largest value, the first on ties, the first NaN in a NaN row', () => {
  const logits = Float32Array.from([
    1, 3, 2,
    5, 5, 1, // tie: first
    -4, -2, -3,
    -Infinity, -Infinity, -Infinity,
    1, NaN, 7, // NaN wins, as in numpy and torch
    NaN, 9, NaN,
  ]);
  assert.deepEqual(argmaxRows(logits, 6, 3), ints([1, 0, 1, 0, 1, 0]));
  assert.deepEqual(argmaxRows(new Float32Array(0), 0, 4), ints([]));
  assert.throws(() => argmaxRows(logits, 5, 3), /18 values, not 5 rows x 3 cols/);
  assert.throws(() => argmaxRows(new Float32Array(0), 2, 0), /no columns/);
});

test('maxAbsDifference compares the first columns of rows with different strides', () => {
  // Current logits: 2 rows over 4 labels; base logits: 2 rows over the 3 old labels.
  const current = Float32Array.from([1, 2, 3, 100, 4, 5.5, 6, -100]);
  const base = Float32Array.from([1, 2, 3.25, 4, 5, 6]);
  assert.equal(maxAbsDifference(current, base, 2, 3, 4, 3), 0.5);
  assert.equal(maxAbsDifference(current, base, 1, 3, 4, 3), 0.25);
  assert.equal(maxAbsDifference(current, base, 2, 2, 4, 3), 0.5);
  assert.equal(maxAbsDifference(current, base, 0, 3, 4, 3), 0);
  assert.equal(maxAbsDifference(current, base, 2, 0, 4, 3), 0);
});

test('maxAbsDifference is exactly 0 for identical logits, even infinite or NaN, and NaN against a number', () => {
  const special = Float32Array.from([Infinity, -Infinity, NaN, -0, 3]);
  assert.equal(maxAbsDifference(special, Float32Array.from(special), 1, 5, 5, 5), 0);
  assert.equal(maxAbsDifference(special, Float32Array.from([Infinity, -Infinity, NaN, 0, 3]), 1, 5, 5, 5), 0);
  assert.ok(Number.isNaN(maxAbsDifference(Float32Array.from([1, NaN]), Float32Array.from([1, 2]), 1, 2, 2, 2)));
  assert.ok(Number.isNaN(maxAbsDifference(Float32Array.from([1, 2]), Float32Array.from([1, NaN]), 1, 2, 2, 2)));
  assert.equal(maxAbsDifference(Float32Array.from([Infinity]), Float32Array.from([-Infinity]), 1, 1, 1, 1), Infinity);
});

test('maxAbsDifference rejects strides and row counts that do not fit the arrays', () => {
  const six = new Float32Array(6);
  assert.throws(() => maxAbsDifference(six, six, 2, 4, 3, 3), /colsToCompare 4 exceeds a row stride/);
  assert.throws(() => maxAbsDifference(six, six, 3, 3, 3, 3), /3 rows of stride 3 \/ 3 do not fit arrays of 6 \/ 6 values/);
  assert.throws(() => maxAbsDifference(six, six, -1, 3, 3, 3), /rows must be a non-negative integer/);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { selectBackend } from '../src/training/backend.js';
import { encodeTexts } from '../src/training/features.js';
import { expandHead } from '../src/training/head-expansion.js';
import { headLogits } from '../src/training/logits.js';
import { argmaxRows, classificationMetrics } from '../src/training/metrics.js';
import { decodeOutcomes, encodeOutcomes, outcomeCodes, outcomeMetrics, splitOutcomes } from '../src/training/outcomes.js';
import { resolveExpansionSettings } from '../src/training/settings.js';
import { s1Scenario } from './support/s1-scenario.js';

const ints = (values: number[]) => Int32Array.from(values);

test('outcomes give the metrics classificationMetrics and measure give, for any predictions', () => {
  const labelCount = 5;
  const oldLabelCount = 3;
  const example = fc.record({ label: fc.integer({ min: 0, max: labelCount - 1 }), predicted: fc.integer({ min: 0, max: labelCount - 1 }), base: fc.integer({ min: 0, max: oldLabelCount - 1 }) });
  fc.assert(
    fc.property(fc.array(example, { maxLength: 40 }), (examples) => {
      const labels = ints(examples.map((e) => e.label));
      const predicted = ints(examples.map((e) => e.predicted));
      const basePredicted = ints(examples.map((e) => e.base));
      const expected = classificationMetrics(predicted, labels, oldLabelCount, labelCount);
      const baseOld = classificationMetrics(basePredicted, labels, oldLabelCount, labelCount).oldAccuracy;
      const metrics = outcomeMetrics(splitOutcomes({ labels, predicted, basePredicted }, oldLabelCount));
      assert.deepEqual(metrics, {
        oldAccuracy: expected.oldAccuracy,
        newAccuracy: expected.newAccuracy,
        overallAccuracy: expected.overallAccuracy,
        forgetting: expected.oldAccuracy === null || baseOld === null ? null : baseOld - expected.oldAccuracy,
        intrusion: expected.intrusion,
      });
    }),
  );
});

test('outcomes survive storage as base64 bitsets, bit for bit, at sizes that do not fill a byte', () => {
  for (const examples of [0, 1, 7, 8, 9, 61]) {
    const labels = ints(Array.from({ length: examples }, (_, i) => i % 4));
    const predicted = ints(Array.from({ length: examples }, (_, i) => (i * 7) % 4));
    const basePredicted = ints(Array.from({ length: examples }, (_, i) => (i * 5) % 3));
    const outcomes = { test: splitOutcomes({ labels, predicted, basePredicted }, 3), validation: splitOutcomes({ labels: ints([3]), predicted: ints([3]), basePredicted: ints([0]) }, 3) };
    const stored = JSON.parse(JSON.stringify(encodeOutcomes(outcomes)));
    assert.equal(typeof stored.test.correct, 'string');
    const decoded = decodeOutcomes(stored);
    assert.deepEqual(outcomeCodes(decoded.test), outcomeCodes(outcomes.test));
    assert.deepEqual(outcomeCodes(decoded.validation), outcomeCodes(outcomes.validation));
  }
  const stored = encodeOutcomes({ test: splitOutcomes({ labels: ints([0]), predicted: ints([0]), basePredicted: ints([0]) }, 1), validation: splitOutcomes({ labels: ints([]), predicted: ints([]), basePredicted: ints([]) }, 1) });
  assert.throws(() => decodeOutcomes({ ...stored, test: { ...stored.test, examples: 9 } }), /need 2 bytes/);
});

test('an expansion returns outcomes of both splits that give back its final test metrics and its validation predictions', async () => {
  await selectBackend('wasm');
  const { base, labels, data } = await s1Scenario(4);
  const result = await expandHead({ labels, settings: resolveExpansionSettings('IMPRINT_FROZEN', { epochs: 3 }), seed: 4 }, base, data);
  const outcomes = result.outcomes!;
  assert.equal(outcomes.test.examples, data.test.labels.length);
  assert.equal(outcomes.validation.examples, data.validation.labels.length);
  const { oldAccuracy, newAccuracy, overallAccuracy, forgetting, intrusion } = result.final;
  assert.deepEqual(outcomeMetrics(outcomes.test), { oldAccuracy, newAccuracy, overallAccuracy, forgetting, intrusion });

  // The validation outcomes are the trained model's predictions on the validation texts, and the base model's.
  const oldCount = labels.length - 1;
  const rows = data.validation.labels.length;
  const predicted = argmaxRows(headLogits(encodeTexts(result.model.encoder, data.validation.texts), result.model.head), rows, labels.length);
  const basePredicted = argmaxRows(headLogits(encodeTexts(base.encoder, data.validation.texts), base.head), rows, oldCount);
  assert.deepEqual(outcomeCodes(outcomes.validation), outcomeCodes(splitOutcomes({ labels: data.validation.labels, predicted, basePredicted }, oldCount)));
  const validation = outcomeMetrics(outcomes.validation);
  assert.ok(validation.newAccuracy !== null && validation.forgetting !== null, 'the validation split has old and new examples');
});

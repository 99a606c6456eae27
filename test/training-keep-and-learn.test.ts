import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { selectBackend } from '../src/training/backend.js';
import { calibrateNewBiases } from '../src/training/calibration.js';
import { TrainingInputError } from '../src/training/errors.js';
import { repeatToCount, selectExemplars } from '../src/training/exemplars.js';
import { encodeTexts } from '../src/training/features.js';
import { expandHead } from '../src/training/head-expansion.js';
import { headLogits } from '../src/training/logits.js';
import type { EmbeddingBagEncoder, LinearHead } from '../src/training/model.js';
import { Random } from '../src/training/random.js';
import { outcomeMetrics } from '../src/training/outcomes.js';
import { MIN_SELECTION_EXAMPLES, resolveExpansionSettings } from '../src/training/settings.js';
import { s1Scenario, S1Scenario } from './support/s1-scenario.js';
import { filterSplit } from './support/synthetic-intents.js';

/** How many of `rows` score a new label (index >= oldCount) above every old one. */
function predictedNew(logits: Float32Array, labels: number, oldCount: number): number {
  let count = 0;
  for (let row = 0; row < logits.length / labels; row++) {
    const scores = logits.subarray(row * labels, (row + 1) * labels);
    const best = scores.indexOf(Math.max(...scores));
    if (best >= oldCount) count++;
  }
  return count;
}

/**
 * Rates far too high, with seeds at which the test scenario's training then peaks before its last
 * epoch (searched for; with sensible rates this small task only improves). In the first every epoch
 * stays within the budget and the best comes at epoch 1; in the second the encoder drifts so far
 * that every trained epoch forgets more than the budget, so the untouched epoch 0 is kept although
 * epoch 4 learns the new label best.
 */
const SELECTION_CASES = [
  { name: 'a head rate that overshoots', overrides: { learningRate: 0.3 }, seed: 4, kept: 1 },
  { name: 'an encoder rate that drifts past the budget', overrides: { learningRate: 0.3, encoderLearningRate: 2 }, seed: 3, kept: 0 },
];

describe('strategies that keep old labels and learn new ones', () => {
  let scenario: S1Scenario;
  before(async () => {
    await selectBackend('wasm');
    scenario = await s1Scenario(21);
  });

  test('NEW_ROWS_AND_ENCODER trains a copy of the encoder and the new rows; old rows and biases stay bit-identical', async () => {
    const { base, labels, data } = scenario;
    const tableBefore = base.encoder.table.slice();
    const settings = resolveExpansionSettings('IMPRINT_FROZEN', { trainable: 'NEW_ROWS_AND_ENCODER', epochs: 3, rehearsal: 5 });
    const result = await expandHead({ labels, settings, seed: 2 }, base, data);
    const oldCount = base.labels.length;
    assert.deepEqual(base.encoder.table, tableBefore, 'the base model was changed');
    assert.notDeepEqual((result.model.encoder as EmbeddingBagEncoder).table, tableBefore, 'the encoder did not train');
    assert.deepEqual(result.model.head.weight.subarray(0, oldCount * base.head.dim), base.head.weight, 'old rows moved');
    assert.deepEqual(result.model.head.bias.subarray(0, oldCount), base.head.bias, 'old biases moved');
    assert.ok(result.final.oldLogitDrift! > 0, 'old logits move with the encoder even though their rows do not');
  });

  test('bias calibration lowers only the new biases, by the least amount that brings old-label accuracy within the share of the base model\'s', () => {
    const random = new Random(4);
    const oldCount = 6;
    const labels = 8;
    const dim = 5;
    const head: LinearHead = {
      dim,
      weight: Float32Array.from({ length: labels * dim }, () => random.normal()),
      // New rows start far ahead, so that without calibration they take most old examples.
      bias: Float32Array.from({ length: labels }, (_, j) => (j >= oldCount ? 3 : 0)),
    };
    const count = 200;
    const features = Float32Array.from({ length: count * dim }, () => random.normal());
    const logits = headLogits(features, head);
    const bestOld = Int32Array.from({ length: count }, (_, row) => {
      const scores = Array.from(logits.subarray(row * labels, row * labels + oldCount));
      return scores.indexOf(Math.max(...scores));
    });
    const oldAccuracy = (calibrated: LinearHead, truth: Int32Array) => {
      const after = headLogits(features, calibrated);
      let right = 0;
      for (let row = 0; row < count; row++) {
        const scores = Array.from(after.subarray(row * labels, (row + 1) * labels));
        if (scores.indexOf(Math.max(...scores)) === truth[row]) right++;
      }
      return right / count;
    };
    assert.ok(predictedNew(logits, labels, oldCount) > count / 2, 'the uncalibrated new rows should take most examples');

    // The base got 70% right and every example is right once handed back: some may stay new.
    const baseCorrect = Array.from({ length: count }, (_, row) => row % 10 < 7);
    for (const share of [0, 0.01, 0.1]) {
      const calibrated = calibrateNewBiases(head, oldCount, { logits, labels: bestOld, baseCorrect }, share);
      const accuracy = oldAccuracy(calibrated, bestOld);
      assert.ok(accuracy >= 0.7 - share - 1e-9, `share ${share}: old accuracy ${accuracy}`);
      assert.deepEqual(calibrated.weight, head.weight);
      assert.deepEqual(calibrated.bias.subarray(0, oldCount), head.bias.subarray(0, oldCount), 'old biases changed');
      const shift = head.bias[oldCount] - calibrated.bias[oldCount];
      assert.ok(shift > 0 && calibrated.bias.subarray(oldCount).every((b, k) => Math.abs(head.bias[oldCount + k] - b - shift) < 1e-6), 'new biases move together');
      // The least amount: a slightly smaller shift leaves old accuracy short of the target.
      const lighter = { ...calibrated, bias: calibrated.bias.map((b, j) => (j >= oldCount ? b + shift * 1e-3 : b)) };
      assert.ok(oldAccuracy(lighter, bestOld) < 0.7 - share, `share ${share}: the shift was larger than needed`);
    }

    // Half the examples are wrong even among the old labels (drift): no shift reaches the base's
    // accuracy, so at most the share is left predicted new.
    const drifted = bestOld.map((label, row) => (row % 2 === 0 ? (label + 1) % oldCount : label));
    for (const share of [0, 0.05]) {
      const calibrated = calibrateNewBiases(head, oldCount, { logits, labels: drifted, baseCorrect: Array.from(drifted, () => true) }, share);
      assert.ok(predictedNew(headLogits(features, calibrated), labels, oldCount) <= Math.floor(share * count), `share ${share}`);
    }

    const alreadyShy = { ...head, bias: head.bias.map((b, j) => (j >= oldCount ? -100 : b)) };
    const shyLogits = headLogits(features, alreadyShy);
    assert.deepEqual(calibrateNewBiases(alreadyShy, oldCount, { logits: shyLogits, labels: bestOld, baseCorrect }, 0.01).bias, alreadyShy.bias, 'a bias is never raised');
  });

  test('a calibrated expansion keeps validation old-label accuracy within the share of the base model\'s; without validation old examples it is refused', async () => {
    const { base, labels, data } = scenario;
    const oldCount = base.labels.length;
    const share = 0.02;
    // Random rows trained on the new examples alone take many old examples: something to calibrate.
    const settings = resolveExpansionSettings('FROZEN_OLD_ROWS', { epochs: 4, biasCalibration: share });
    const result = await expandHead({ labels, settings, seed: 3 }, base, data);
    const oldRows = [...data.validation.labels.keys()].filter((row) => data.validation.labels[row] < oldCount);
    const texts = oldRows.map((row) => data.validation.texts[row]);
    const rightOf = (encoder: typeof base.encoder, head: LinearHead) => {
      const logits = headLogits(encodeTexts(encoder, texts), head);
      const width = head.bias.length;
      return oldRows.filter((row, i) => {
        const scores = Array.from(logits.subarray(i * width, (i + 1) * width));
        return scores.indexOf(Math.max(...scores)) === data.validation.labels[row];
      }).length;
    };
    // Neither the encoder nor the old rows train here, so handing examples back can reach the target.
    const lost = rightOf(base.encoder, base.head) - rightOf(result.model.encoder as typeof base.encoder, result.model.head);
    assert.ok(lost <= Math.floor(share * oldRows.length), `${lost} of ${oldRows.length} validation old examples lost`);
    const uncalibrated = await expandHead({ labels, settings: { ...settings, biasCalibration: null }, seed: 3 }, base, data);
    assert.ok(result.model.head.bias[oldCount] < uncalibrated.model.head.bias[oldCount], 'calibration should have had something to do here');

    const noValidation = { ...data, validation: { texts: [], labels: new Int32Array(0) } };
    await assert.rejects(
      expandHead({ labels, settings, seed: 3 }, base, noValidation),
      (error: unknown) => error instanceof TrainingInputError && error.field === 'biasCalibration',
    );
  });

  test('balancing repeats each new label\'s examples up to the rehearsed count per old label, never dropping any', () => {
    const labels = Int32Array.from([0, 0, 0, 5, 5, 6, 0, 5]);
    const newRows = [3, 4, 5, 7];
    const balanced = repeatToCount(newRows, labels, 7.5);
    const ofLabel = (label: number) => balanced.filter((row) => labels[row] === label);
    assert.deepEqual(ofLabel(5), [3, 4, 7, 3, 4, 7, 3, 4]);
    assert.deepEqual(ofLabel(6), [5, 5, 5, 5, 5, 5, 5, 5]);
    assert.deepEqual(repeatToCount(newRows, labels, 1).sort(), [...newRows].sort(), 'a label with more examples than the count keeps them all, once');
  });

  test('scaling the encoder rate by steps trains exactly as the rate divided by the root of the steps per epoch', async () => {
    const { base, labels, data } = scenario;
    const settings = resolveExpansionSettings('CALIBRATED_REHEARSAL', { epochs: 2, minimumSteps: 0, biasCalibration: null, epochSelection: 'LAST' });
    assert.equal(settings.scaleEncoderRateBySteps, true);
    // 11 old labels x 10 rehearsed + 10 new examples, 32 to a step: 4 steps per epoch.
    const stepsPerEpoch = Math.ceil((11 * (settings.rehearsal as number) + 10) / settings.batchSize);
    assert.equal(stepsPerEpoch, 4);
    const scaled = await expandHead({ labels, settings, seed: 4 }, base, data);
    const byHand = { ...settings, scaleEncoderRateBySteps: false, encoderLearningRate: settings.encoderLearningRate / Math.sqrt(stepsPerEpoch) };
    const unscaled = await expandHead({ labels, settings: byHand, seed: 4 }, base, data);
    const tableOf = (result: typeof scaled) => (result.model.encoder as EmbeddingBagEncoder).table;
    assert.deepEqual(tableOf(scaled), tableOf(unscaled));
    const atFullRate = await expandHead({ labels, settings: { ...settings, scaleEncoderRateBySteps: false }, seed: 4 }, base, data);
    assert.notDeepEqual(tableOf(atFullRate), tableOf(scaled), 'the scaling changed nothing');
  });

  test('NEAREST_NEW rehearses the old examples most like the new label, the same number of each old label', () => {
    // Label 0: examples along x, y and between; label 1: along y; new label 2 along x.
    const features = Float32Array.from([1, 0, 0, 1, 0.7, 0.7, 0, 1, 0.1, 1, 0.9, 0.1, 1, 0.05]);
    const labels = Int32Array.from([0, 0, 0, 1, 1, 2, 2]);
    const pick = (selection: 'NEAREST_NEW' | 'RANDOM') =>
      selectExemplars({ labels, oldLabelCount: 2, perLabel: 1, selection, features, dim: 2, random: new Random(1) });
    assert.deepEqual(pick('NEAREST_NEW'), [0, 4]);
    assert.equal(pick('RANDOM').length, 2);
  });

  test('minimumSteps adds passes until the training reaches that many steps; closed-form strategies stay untrained', async () => {
    const { base, labels, data } = scenario;
    // 10 new examples plus 5 rehearsed of each of 11 old labels, 32 to a step: 3 steps per epoch.
    const settings = resolveExpansionSettings('IMPRINT_FROZEN', { rehearsal: 5, epochs: 2, minimumSteps: 10 });
    const lengthened = await expandHead({ labels, settings, seed: 5 }, base, data);
    assert.equal(lengthened.epochs.at(-1)!.epoch, 4, 'ceil(10 / 3) = 4 passes');
    const enough = await expandHead({ labels, settings: { ...settings, minimumSteps: 6 }, seed: 5 }, base, data);
    assert.equal(enough.epochs.at(-1)!.epoch, 2, 'two passes already make 6 steps');
    const untrained = await expandHead({ labels, settings: resolveExpansionSettings('IMPRINT_ONLY', { minimumSteps: 100 }), seed: 5 }, base, data);
    assert.equal(untrained.epochs.at(-1)?.epoch ?? 0, 0);
    for (const minimumSteps of [-1, 1001, 2.5]) {
      assert.throws(() => resolveExpansionSettings('IMPRINT_FROZEN', { minimumSteps }), (error: unknown) => error instanceof TrainingInputError && error.field === 'minimumSteps');
    }
  });

  for (const { name, overrides, seed, kept: expectedKept } of SELECTION_CASES) {
    test(`BEST_NEW_WITHIN_BUDGET keeps the epoch with the best calibrated validation new-label accuracy within the budget, the later one on ties: ${name}`, async () => {
      const { base, labels, data } = scenario;
      const epochs = 6;
      const settings = resolveExpansionSettings('CALIBRATED_REHEARSAL', { epochs, minimumSteps: 0, ...overrides });
      assert.equal(settings.epochSelection, 'BEST_NEW_WITHIN_BUDGET');
      let kept = -1;
      const selected = await expandHead({ labels, settings, seed }, base, data, { onKeptEpoch: (epoch) => (kept = epoch) });
      // The same training ended after each epoch: what the run would finish with there.
      const endedAt = [];
      for (let last = 0; last <= epochs; last++) endedAt.push(await expandHead({ labels, settings: { ...settings, epochs: last, epochSelection: 'LAST' }, seed }, base, data));
      const oldExamples = data.validation.labels.filter((label) => label < base.labels.length).length;
      const allowed = Math.floor(settings.biasCalibration! * oldExamples);
      const scores = endedAt.map((run) => {
        const { newAccuracy, forgetting } = outcomeMetrics(run.outcomes!.validation);
        const lost = Math.round(forgetting! * oldExamples);
        return lost <= allowed ? newAccuracy! : -1 - lost / oldExamples;
      });
      assert.equal(kept, scores.lastIndexOf(Math.max(...scores)), `kept epoch ${kept} of scores ${scores}`);
      assert.equal(kept, expectedKept, `scores ${scores}`);
      const { trainSeconds: _a, ...finalSelected } = selected.final;
      const { trainSeconds: _b, ...finalEnded } = endedAt[kept].final;
      assert.deepEqual(finalSelected, finalEnded);
      assert.deepEqual(selected.model.head, endedAt[kept].model.head);
      assert.deepEqual((selected.model.encoder as EmbeddingBagEncoder).table, (endedAt[kept].model.encoder as EmbeddingBagEncoder).table);
      assert.equal(selected.epochs.length, epochs + 1, 'every epoch trains: selection does not stop early');
    });
  }

  for (const newExamples of [0, MIN_SELECTION_EXAMPLES - 1]) {
    test(`BEST_NEW_WITHIN_BUDGET with ${newExamples} validation examples of the new label keeps the last epoch, and says so`, async () => {
      const { base, labels, data } = scenario;
      // The first selection case keeps epoch 1 of 6 when it scores all six of the new label's validation examples.
      const { overrides, seed } = SELECTION_CASES[0];
      const few = { ...data, validation: filterSplit(data.validation, (label, nth) => label < base.labels.length || nth < newExamples) };
      const lines: string[] = [];
      let kept = -1;
      const settings = resolveExpansionSettings('CALIBRATED_REHEARSAL', { epochs: 6, minimumSteps: 0, ...overrides });
      await expandHead({ labels, settings, seed }, base, few, { log: (line) => lines.push(line), onKeptEpoch: (epoch) => (kept = epoch) });
      assert.equal(kept, 6);
      assert.ok(lines.some((line) => line.includes(`${newExamples} validation examples of the new labels, fewer than the ${MIN_SELECTION_EXAMPLES}`)), lines.join('\n'));
    });
  }

  test('BEST_NEW_WITHIN_BUDGET needs bias calibration and no early stopping; unknown selections are refused', () => {
    const refuses = (overrides: Parameters<typeof resolveExpansionSettings>[1], message: RegExp) =>
      assert.throws(
        () => resolveExpansionSettings('CALIBRATED_REHEARSAL', overrides),
        (error: unknown) => error instanceof TrainingInputError && error.field === 'epochSelection' && message.test(error.message),
      );
    refuses({ biasCalibration: null }, /set biasCalibration too, or use LAST/);
    refuses({ earlyStoppingPatience: 3 }, /leave earlyStoppingPatience unset, or use LAST/);
    refuses({ epochSelection: 'BEST' as never }, /must be one of LAST, BEST_NEW_WITHIN_BUDGET/);
    assert.equal(resolveExpansionSettings('CALIBRATED_REHEARSAL', { biasCalibration: null, epochSelection: 'LAST' }).epochSelection, 'LAST');
  });
});

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { selectBackend } from '../src/training/backend.js';
import { resolveBaseSettings, trainBase, TrainingResult } from '../src/training/base-training.js';
import type { EmbeddingBagEncoder } from '../src/training/model.js';
import { loadEmbeddingBagCheckpoint as loadCheckpoint, saveEmbeddingBagCheckpoint as saveCheckpoint } from '../src/training/embedding-bag-checkpoint.js';
import { TrainingInputError } from '../src/training/errors.js';
import { encodeTexts } from '../src/training/features.js';
import { headLogits } from '../src/training/logits.js';
import { exportHeadSafetensors, importHeadSafetensors } from '../src/training/safetensors.js';
import { resolveExpansionSettings } from '../src/training/settings.js';
import { TrainingThread } from '../src/training/training-thread.js';
import { SMALL_BASE, s1Scenario } from './support/s1-scenario.js';
import { syntheticIntents } from './support/synthetic-intents.js';

describe('base training and checkpoints', () => {
  const { labels, data } = syntheticIntents({ labels: 8, train: 30, validation: 5, test: 10, seed: 4 });
  let trained: TrainingResult<EmbeddingBagEncoder>;
  let folder: string;
  before(async () => {
    await selectBackend('wasm');
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'headroom-checkpoint-'));
    trained = await trainBase({ labels, settings: SMALL_BASE, seed: 1 }, data);
  });
  after(() => fs.rmSync(folder, { recursive: true, force: true }));

  test('learns from scratch and reports every epoch, from an untrained epoch 0', () => {
    assert.equal(trained.epochs.length, SMALL_BASE.epochs + 1);
    assert.ok(trained.epochs[0].overallAccuracy < 0.3, `untrained accuracy ${trained.epochs[0].overallAccuracy}`);
    assert.ok(trained.final.overallAccuracy > 0.9, `final accuracy ${trained.final.overallAccuracy}`);
    assert.ok(trained.epochs.at(-1)!.loss < trained.epochs[1].loss);
    // A base model has only old labels: nothing new to measure, nothing to forget.
    assert.equal(trained.final.newAccuracy, null);
    assert.equal(trained.final.forgetting, null);
    assert.equal(trained.perLabelAccuracy.length, labels.length);
  });

  test('is deterministic for a seed', async () => {
    const again = await trainBase({ labels, settings: SMALL_BASE, seed: 1 }, data);
    assert.deepEqual(again.model.head.weight, trained.model.head.weight);
    assert.deepEqual(again.model.encoder.table, trained.model.encoder.table);
    assert.deepEqual(again.final.overallAccuracy, trained.final.overallAccuracy);
  });

  test('head weight decay trains smaller head rows', async () => {
    const meanRowNorm = (result: TrainingResult) => {
      const { dim, weight } = result.model.head;
      let total = 0;
      for (let row = 0; row < labels.length; row++) total += Math.hypot(...weight.subarray(row * dim, (row + 1) * dim));
      return total / labels.length;
    };
    // A rate high enough that the loss, not the number of steps, bounds how far the rows grow.
    const settings = { ...SMALL_BASE, learningRate: 0.02 };
    const undecayed = await trainBase({ labels, settings: { ...settings, headWeightDecay: 0 }, seed: 1 }, data);
    const decayed = await trainBase({ labels, settings: { ...settings, headWeightDecay: 0.1 }, seed: 1 }, data);
    assert.ok(meanRowNorm(decayed) < 0.5 * meanRowNorm(undecayed), `rows ${meanRowNorm(decayed)} with decay, ${meanRowNorm(undecayed)} without`);
    assert.ok(decayed.final.overallAccuracy > 0.9, `accuracy with decay ${decayed.final.overallAccuracy}`);
  });

  test('a saved checkpoint loads back with bit-identical logits', async () => {
    const target = path.join(folder, 'model');
    await saveCheckpoint(trained.model, target);
    const { model } = await loadCheckpoint(target);
    assert.deepEqual(model.labels, labels);
    assert.deepEqual(model.encoder.config, trained.model.encoder.config);
    const logits = (m: typeof model) => headLogits(encodeTexts(m.encoder, data.test.texts), m.head);
    assert.deepEqual(logits(model), logits(trained.model));
  });

  test('the head goes out to safetensors in PyTorch layout and comes back with bit-identical logits', () => {
    const bytes = exportHeadSafetensors(trained.model.head, labels);
    const { head, labels: importedLabels } = importHeadSafetensors(bytes);
    assert.deepEqual(importedLabels, labels);
    const features = encodeTexts(trained.model.encoder, data.test.texts);
    assert.deepEqual(headLogits(features, head), headLogits(features, trained.model.head));
  });

  test('rejects settings out of range, naming the setting', () => {
    const invalid = [
      ['epochs', 0],
      ['learningRate', Number.NaN],
      ['batchSize', 0],
      ['dim', 1.5],
      ['tokenDropout', 1],
      ['headWeightDecay', -0.1],
      ['learningRateSchedule', 'COSINE'],
    ] as const;
    for (const [field, value] of invalid) {
      assert.throws(() => resolveBaseSettings({ [field]: value }), (e: unknown) => e instanceof TrainingInputError && e.field === field);
    }
    assert.throws(() => resolveExpansionSettings('LWF', { learningRate: Infinity }), (e: unknown) => e instanceof TrainingInputError && e.field === 'learningRate');
    assert.throws(() => resolveExpansionSettings('IMPRINT_ONLY', { rehearsal: -1 }), (e: unknown) => e instanceof TrainingInputError && e.field === 'rehearsal');
    assert.throws(() => resolveExpansionSettings(null, { epochs: 0 }), (e: unknown) => e instanceof TrainingInputError && e.field === 'epochs');
  });
});

describe('training in a worker thread', () => {
  let thread: TrainingThread;
  let folder: string;
  before(() => {
    thread = new TrainingThread('wasm');
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'headroom-thread-'));
  });
  after(async () => {
    await thread.close();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  test('gives the same metrics and weights as training in this thread, reports every epoch, and saves the model', async () => {
    await selectBackend('wasm');
    const { base, labels, data } = await s1Scenario(3);
    await saveCheckpoint(base, path.join(folder, 'base'));
    const spec = { labels, settings: resolveExpansionSettings('LWF', { epochs: 3 }), seed: 2 };
    const reported: number[] = [];
    const output = path.join(folder, 'expanded');
    const inThread = await thread.run({ kind: 'expand', spec, base: path.join(folder, 'base'), data, output }, { onEpoch: (m) => void reported.push(m.epoch) });
    const { expandHead } = await import('../src/training/head-expansion.js');
    const here = await expandHead(spec, base, data);
    assert.deepEqual(reported, [0, 1, 2, 3]);
    assert.equal((await thread.backend()).backend, 'wasm');
    const withoutTime = (result: { epochs: TrainingResult['epochs'] }) => result.epochs.map(({ seconds: _s, ...metrics }) => metrics);
    assert.deepEqual(withoutTime(inThread), withoutTime(here));
    const saved = await loadCheckpoint(output);
    assert.deepEqual(saved.model.head.weight, here.model.head.weight);
    assert.equal(inThread.checkpoint.sizeBytes, fs.readdirSync(output).reduce((total, file) => total + fs.statSync(path.join(output, file)).size, 0));
  });

  test('stops when the caller aborts, writes nothing, and takes the next job afterwards', async () => {
    const { labels, data } = syntheticIntents({ labels: 8, train: 30, validation: 5, test: 10, seed: 4 });
    const controller = new AbortController();
    const settings = resolveBaseSettings({ ...SMALL_BASE, epochs: 50, batchSize: 4 });
    const job = { kind: 'base' as const, spec: { labels, settings, seed: 1 }, data, output: path.join(folder, 'cancelled') };
    await assert.rejects(
      thread.run(job, { onEpoch: (m) => void (m.epoch === 1 && controller.abort()), signal: controller.signal }),
      (error: Error) => error.name === 'TrainingCancelled',
    );
    assert.equal(fs.existsSync(job.output), false);
    const done = await thread.run({ ...job, spec: { ...job.spec, settings: { ...settings, epochs: 1 } }, output: path.join(folder, 'next') });
    assert.equal(done.epochs.length, 2);
  });
});

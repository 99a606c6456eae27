import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { selectBackend } from '../src/training/backend.js';
import { trainBase } from '../src/training/base-training.js';
import { EmbeddingBagTraining } from '../src/training/embedding-bag-training.js';
import type { EmbeddingBagEncoder } from '../src/training/model.js';
import { Random } from '../src/training/random.js';
import { tokenizeAll } from '../src/training/tokenizer.js';
import { TrainableModel } from '../src/training/trainable-model.js';
import { learningRateScale } from '../src/training/train-loop.js';
import { SMALL_BASE } from './support/s1-scenario.js';
import { syntheticIntents } from './support/synthetic-intents.js';

before(() => selectBackend('wasm'));

test('learningRateScale: CONSTANT keeps the rates; LINEAR_DECAY goes from 1 down to 1/steps at the last step', () => {
  assert.deepEqual([0, 4, 7].map((step) => learningRateScale('CONSTANT', step, 8)), [1, 1, 1]);
  assert.deepEqual([0, 4, 7].map((step) => learningRateScale('LINEAR_DECAY', step, 8)), [1, 0.5, 0.125]);
});

test('a step at rate scale 0 changes neither head nor table; at scale 1 both move', async () => {
  const { labels, data } = syntheticIntents({ labels: 4, train: 10, validation: 2, test: 2, seed: 3 });
  const base = (await trainBase({ labels, settings: { ...SMALL_BASE, epochs: 1 }, seed: 0 }, data)).model;
  const examples = { labels: data.train.labels, tokens: tokenizeAll(data.train.texts, base.encoder.config.tokenizer) };
  const encoderOptions = { learningRate: 0.01, weightDecay: 0, trainableLayers: null, tokenDropout: 0 };
  const model = new TrainableModel({
    encoderTraining: new EmbeddingBagTraining(base.encoder, encoderOptions, new Random(0)),
    head: base.head,
    oldLabelCount: labels.length,
    trainOldRows: true,
    learningRate: 0.01,
    distillation: null,
  });
  try {
    const batch = [0, 11, 22, 33];
    model.step(examples, batch, 0).dispose();
    const still = model.export();
    assert.deepEqual(still.head, base.head);
    assert.deepEqual((still.encoder as EmbeddingBagEncoder).table, base.encoder.table);
    model.step(examples, batch, 1).dispose();
    const moved = model.export();
    assert.notDeepEqual(moved.head.weight, base.head.weight);
    assert.notDeepEqual((moved.encoder as EmbeddingBagEncoder).table, base.encoder.table);
  } finally {
    model.dispose();
  }
});

test('training follows its schedule: LINEAR_DECAY and CONSTANT end in different models', async () => {
  const { labels, data } = syntheticIntents({ labels: 4, train: 10, validation: 2, test: 2, seed: 3 });
  const train = (learningRateSchedule: 'CONSTANT' | 'LINEAR_DECAY') => trainBase({ labels, settings: { ...SMALL_BASE, epochs: 2, learningRateSchedule }, seed: 0 }, data);
  const [decayed, constant] = [await train('LINEAR_DECAY'), await train('CONSTANT')];
  assert.notDeepEqual(decayed.model.head.weight, constant.model.head.weight);
  assert.notDeepEqual(decayed.model.encoder.table, constant.model.encoder.table);
});

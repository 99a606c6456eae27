import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/training/backend.js';
import { type BertEncoder, releaseInferenceNetworks } from '../src/training/bert/bert-encoder.js';
import { BertTraining } from '../src/training/bert/bert-training.js';
import { weightArrays } from '../src/training/bert/bert-weights.js';
import { loadCheckpoint, saveCheckpoint } from '../src/training/checkpoint.js';
import { encodeTokens, tokenizeTexts } from '../src/training/encoders.js';
import { encodeTexts } from '../src/training/features.js';
import { expandHead } from '../src/training/head-expansion.js';
import { bertStateDict } from '../src/training/huggingface/bert-state-dict.js';
import { readHuggingFaceFolder } from '../src/training/huggingface/hf-folder.js';
import { openSafetensors } from '../src/training/huggingface/safetensors-files.js';
import { headLogits } from '../src/training/logits.js';
import type { Classifier } from '../src/training/model.js';
import { Random } from '../src/training/random.js';
import { resolveExpansionSettings } from '../src/training/settings.js';
import { splitByTokens, TrainableModel } from '../src/training/trainable-model.js';
import { BERT_FIXTURES, readExpected, readTexts } from './support/bert-fixtures.js';
import { syntheticIntents } from './support/synthetic-intents.js';

/** The bar: Headroom's logits within 1e-4 (max abs) of the PyTorch reference's. */
const TOLERANCE = 1e-4;

let root: string;
before(async () => {
  await selectBackend('wasm');
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'headroom-bert-'));
});
after(() => fs.rmSync(root, { recursive: true, force: true }));

const fixture = (name: string) => readHuggingFaceFolder(path.join(BERT_FIXTURES, name));

function maxAbsDifference(actual: ArrayLike<number>, expected: number[][]): number {
  const width = expected[0].length;
  let max = 0;
  expected.forEach((row, r) => row.forEach((value, c) => (max = Math.max(max, Math.abs(actual[r * width + c] - value)))));
  return max;
}

/** Token ids, pooled features and logits of every text, against the reference's outputs. */
function assertMatchesReference(model: Classifier<BertEncoder>, expectedName: string): void {
  const expected = readExpected(expectedName);
  const texts = readTexts();
  const tokens = tokenizeTexts(model.encoder, texts);
  expected.forEach(({ ids }, i) => assert.deepEqual([...tokens[i]], ids, `token ids of text ${i}: ${JSON.stringify(texts[i])}`));
  const features = encodeTokens(model.encoder, tokens);
  const pooledDiff = maxAbsDifference(features, expected.map((e) => e.pooled));
  const logitDiff = maxAbsDifference(headLogits(features, model.head), expected.map((e) => e.logits));
  assert.ok(pooledDiff < TOLERANCE && logitDiff < TOLERANCE, `${expectedName}: pooled ${pooledDiff}, logits ${logitDiff}`);
}

describe('BERT from Hugging Face folders computes what the PyTorch reference computes', () => {
  for (const [folder, expected] of [
    ['tiny', 'tiny'],
    ['tiny-cased', 'tiny-cased'],
    ['tiny-f16', 'tiny-f16'],
    ['tiny-bf16', 'tiny-bf16'],
    ['tiny-sharded', 'tiny'],
    ['tiny-tf-names', 'tiny'],
  ]) {
    test(`${folder}: token ids equal and logits within ${TOLERANCE} on every text of texts.txt`, async () => {
      assertMatchesReference(await fixture(folder), expected);
    });
  }

  test('the vocab.txt route gives the same numbers as tokenizer.json', async () => {
    const folder = path.join(root, 'vocab-only');
    fs.cpSync(path.join(BERT_FIXTURES, 'tiny'), folder, { recursive: true, filter: (source) => path.basename(source) !== 'tokenizer.json' });
    const model = await readHuggingFaceFolder(folder);
    assert.equal(model.encoder.config.tokenizer.source, 'vocab.txt');
    assertMatchesReference(model, 'tiny');
  });

  test('features do not depend on which texts share a batch (padding is masked out)', async () => {
    const model = await fixture('tiny');
    const tokens = tokenizeTexts(model.encoder, readTexts().slice(0, 80));
    const together = encodeTokens(model.encoder, tokens);
    const dim = model.encoder.config.dim;
    tokens.forEach((sequence, i) => {
      const alone = encodeTokens(model.encoder, [sequence]);
      for (let d = 0; d < dim; d++) assert.ok(Math.abs(alone[d] - together[i * dim + d]) < 1e-5, `text ${i}, dim ${d}`);
    });
  });
});

describe('BERT checkpoints', () => {
  test('save and load keep every tensor bit for bit, and the folder is a Hugging Face folder with the imported names', async () => {
    const model = await fixture('tiny-tf-names');
    const folder = path.join(root, 'saved');
    await saveCheckpoint(model, folder, { note: 'kept' });
    const { model: loaded, metadata } = await loadCheckpoint(folder);
    assert.deepEqual(metadata, { note: 'kept' });
    const bytes = (arrays: Float32Array[]) => Buffer.concat(arrays.map((array) => Buffer.from(array.buffer, array.byteOffset, array.byteLength)));
    const encoder = loaded.encoder as BertEncoder;
    assert.ok(bytes(weightArrays(encoder.weights)).equals(bytes(weightArrays(model.encoder.weights))));
    assert.ok(bytes([loaded.head.weight, loaded.head.bias]).equals(bytes([model.head.weight, model.head.bias])));
    assert.deepEqual(encoder.huggingFace.sourceFiles, model.encoder.huggingFace.sourceFiles);

    const written = await openSafetensors(folder);
    const original = await openSafetensors(path.join(BERT_FIXTURES, 'tiny-tf-names'));
    try {
      assert.deepEqual([...written.tensors.keys()].sort(), [...original.tensors.keys()].sort());
      assert.ok(written.tensors.has('bert.embeddings.LayerNorm.gamma'));
      const positionIds = 'bert.embeddings.position_ids';
      assert.equal(written.tensors.get(positionIds)!.dtype, 'I64');
      assert.ok(Buffer.from(await written.readBytes(positionIds)).equals(Buffer.from(await original.readBytes(positionIds))));
    } finally {
      await Promise.all([written.close(), original.close()]);
    }
  });
});

describe('head expansion on a BERT base', () => {
  let base: Classifier<BertEncoder>;
  const { data } = syntheticIntents({ labels: 6, train: 12, validation: 3, test: 4, seed: 5 });
  let labels: string[];
  before(async () => {
    base = await fixture('tiny');
    labels = [...base.labels, 'new_intent'];
  });

  test('NEW_ROWS on cached features: old rows, old bias and old logits stay bit-identical', async () => {
    const result = await expandHead({ labels, settings: resolveExpansionSettings('IMPRINT_FROZEN', { epochs: 2 }, base.encoder.config), seed: 0 }, base, data);
    const old = base.head.weight.length;
    assert.deepEqual(result.model.head.weight.subarray(0, old), base.head.weight);
    assert.deepEqual(result.model.head.bias.subarray(0, base.labels.length), base.head.bias);
    assert.equal(result.final.oldLogitDrift, 0);
    assert.equal(result.model.encoder, base.encoder);
  });

  test('FULL_MODEL fine-tunes with BERT\'s recipe; encoderLayers: 1 leaves the embeddings and the lower layer bit-identical', async () => {
    const settings = resolveExpansionSettings('FULL_FINE_TUNE', { epochs: 2, encoderLayers: 1 }, base.encoder.config);
    assert.equal(settings.encoderLearningRate, 5e-5);
    assert.equal(settings.learningRateSchedule, 'LINEAR_DECAY');
    // BERT's rate is a per-step AdamW rate with its own schedule: CALIBRATED_REHEARSAL's scaling is off on BERT.
    const calibrated = resolveExpansionSettings('CALIBRATED_REHEARSAL', {}, base.encoder.config);
    assert.deepEqual([calibrated.encoderLearningRate, calibrated.scaleEncoderRateBySteps], [5e-5, false]);
    // Training frees the inference networks kept from earlier encodings; count from without them.
    releaseInferenceNetworks();
    const before = tf.memory().numTensors;
    const result = await expandHead({ labels, settings: { ...settings, encoderLearningRate: 1e-2 }, seed: 0 }, base, data);
    assert.equal(tf.memory().numTensors, before, 'tensors leaked');
    const trained = (result.model.encoder as BertEncoder).weights;
    const original = base.encoder.weights;
    assert.deepEqual(trained.wordEmbeddings, original.wordEmbeddings);
    assert.deepEqual(trained.layers[0], original.layers[0]);
    assert.notDeepEqual(trained.layers[1].query.weight, original.layers[1].query.weight);
    assert.notDeepEqual(trained.pooler.weight, original.pooler.weight);
    assert.ok(result.final.oldLogitDrift! > 0);
    // The base model is not touched by training a copy of it.
    assert.deepEqual(encodeTexts(base.encoder, ['book a hotel']), encodeTexts((await fixture('tiny')).encoder, ['book a hotel']));
  });

  test('FULL_MODEL on BERT is deterministic for a seed (dropout masks included)', async () => {
    const settings = resolveExpansionSettings('FULL_FINE_TUNE', { epochs: 1 }, base.encoder.config);
    const [first, second] = [await expandHead({ labels, settings, seed: 3 }, base, data), await expandHead({ labels, settings, seed: 3 }, base, data)];
    assert.deepEqual(first.epochs.map((e) => e.loss), second.epochs.map((e) => e.loss));
    assert.deepEqual((first.model.encoder as BertEncoder).weights.pooler, (second.model.encoder as BertEncoder).weights.pooler);
    const other = await expandHead({ labels, settings, seed: 4 }, base, data);
    assert.notDeepEqual(other.epochs.map((e) => e.loss), first.epochs.map((e) => e.loss));
  });

  test('encoderLayers outside the model\'s layers is refused naming the setting', () => {
    assert.throws(() => resolveExpansionSettings('FULL_FINE_TUNE', { encoderLayers: 3 }, base.encoder.config), /encoderLayers must be a whole number from 1 to 2/);
    assert.throws(() => resolveExpansionSettings('IMPRINT_FROZEN', { encoderLayers: 1 }, base.encoder.config), /needs a trainable that trains the encoder \(FULL_MODEL or NEW_ROWS_AND_ENCODER\)/);
  });
});

describe('a fine-tuning step too large for one gradient pass', () => {
  test('splitByTokens cuts a batch in order so that no part, padded, holds more tokens than allowed', () => {
    const tokens = [3, 5, 2, 8, 1].map((length) => new Int32Array(length));
    assert.deepEqual(splitByTokens([0, 1, 2, 3, 4], tokens, 10), [[0, 1], [2], [3], [4]]);
    assert.deepEqual(splitByTokens([0, 1, 2, 3, 4], tokens, Infinity), [[0, 1, 2, 3, 4]]);
    assert.deepEqual(splitByTokens([3], tokens, 2), [[3]], 'one long sequence is a part of its own');
  });

  test('is taken in passes whose gradients sum to the one-pass step', async () => {
    const base = await readHuggingFaceFolder(path.join(BERT_FIXTURES, 'tiny'));
    // Without dropout both steps see the same network, so only float rounding may differ.
    const architecture = { ...base.encoder.config.architecture, hiddenDropout: 0, attentionDropout: 0 };
    const encoder = { ...base.encoder, config: { ...base.encoder.config, architecture } };
    const tokens = tokenizeTexts(encoder, readTexts().slice(0, 16));
    const labels = Int32Array.from(tokens, (_, i) => i % base.labels.length);
    const stepWith = (budget: number) => {
      const training = new BertTraining(encoder, { learningRate: 1e-3, weightDecay: 0.01, trainableLayers: null, tokenDropout: 0 }, new Random(0), budget);
      const model = new TrainableModel({ encoderTraining: training, head: base.head, oldLabelCount: base.labels.length, trainOldRows: true, learningRate: 1e-3, distillation: null });
      try {
        const loss = model.step({ labels, tokens }, tokens.map((_, i) => i), 1);
        const value = loss.dataSync()[0];
        loss.dispose();
        return { parts: splitByTokens(tokens.map((_, i) => i), tokens, training.tokensPerPass).length, value, exported: model.export() };
      } finally {
        model.dispose();
      }
    };
    const whole = stepWith(Infinity);
    const split = stepWith(1);
    assert.equal(whole.parts, 1);
    assert.equal(split.parts, 16);
    assert.ok(Math.abs(whole.value - split.value) < 1e-5, `${whole.value} vs ${split.value}`);
    const difference = (a: Float32Array, b: Float32Array) => a.reduce((max, value, i) => Math.max(max, Math.abs(value - b[i])), 0);
    assert.ok(difference(whole.exported.head.weight, split.exported.head.weight) < 1e-6);
    const [a, b] = [whole, split].map((run) => bertStateDict((run.exported.encoder as BertEncoder).weights, run.exported.head));
    a.forEach(([name, array], i) => {
      // A key bias shifts every score of a query alike, which softmax ignores: its true gradient is 0,
      // so its Adam step (about the rate, whatever the gradient's size) follows float rounding.
      if (name.endsWith('attention.self.key.bias')) return;
      assert.ok(difference(array, b[i][1]) < 1e-6, `${name}: ${difference(array, b[i][1])}`);
    });
  });
});

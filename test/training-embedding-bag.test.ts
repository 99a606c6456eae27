import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { dropIds, EmbeddingBagBackward, embedBags, initialiseTable, type SparseRowGradient } from '../src/training/embedding-bag.js';
import type { EmbeddingBagConfig } from '../src/training/model.js';
import { Random } from '../src/training/random.js';
import { DEFAULT_TOKENIZER } from '../src/training/tokenizer.js';
import { runOn } from './support/tfjs-compare.js';

function embeddingConfig(buckets: number, dim: number): EmbeddingBagConfig {
  return { kind: 'embedding-bag',
    layerNorm: false, dim, tokenizer: { ...DEFAULT_TOKENIZER, buckets } };
}

/** The sparse gradient scattered into a dense [buckets, dim] array. */
function densify(gradient: SparseRowGradient, buckets: number): Float32Array {
  const dense = new Float32Array(buckets * gradient.dim);
  gradient.rows.forEach((row, k) => dense.set(gradient.values.subarray(k * gradient.dim, (k + 1) * gradient.dim), row * gradient.dim));
  return dense;
}

function randomBags(random: Random, count: number, buckets: number, maxLength: number): Int32Array[] {
  // Few buckets against many lookups, so ids repeat within and across bags.
  return Array.from({ length: count }, () => Int32Array.from({ length: 1 + random.int(maxLength) }, () => random.int(buckets)));
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < actual.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tolerance, `index ${i}: ${actual[i]} vs ${expected[i]}`);
  }
}

test('initialiseTable: [buckets, dim] uniform in [-1/dim, 1/dim], the same for the same seed', () => {
  const config = embeddingConfig(1000, 16);
  const table = initialiseTable(config, new Random(1));
  assert.equal(table.length, 16_000);
  assert.ok(table.every((x) => Math.abs(x) <= 1 / 16));
  const mean = table.reduce((s, x) => s + x, 0) / table.length;
  const variance = table.reduce((s, x) => s + x * x, 0) / table.length;
  // Uniform(-a, a) has variance a^2 / 3.
  assert.ok(Math.abs(mean) < 0.001, `mean ${mean}`);
  assert.ok(Math.abs(variance / ((1 / 16) ** 2 / 3) - 1) < 0.05, `variance ${variance}`);
  assert.deepEqual(initialiseTable(config, new Random(1)), table);
  assert.notDeepEqual(initialiseTable(config, new Random(2)), table);
  assert.throws(() => initialiseTable(embeddingConfig(10, 0), new Random(1)), /positive integer/);
});

test('embedBags: each row is the mean of its bag, repeats counted', () => {
  const table = Float32Array.of(1, 2, /* row 1 */ 10, 20, /* row 2 */ -4, 8);
  const bags = [Int32Array.of(0, 0, 1), Int32Array.of(2), Int32Array.of(1, 2)];
  assert.deepEqual(embedBags(table, 2, bags), Float32Array.of(4, 8, -4, 8, 3, 14));
  const out = new Float32Array(8).fill(99);
  assert.equal(embedBags(table, 2, bags, out), out);
  assert.deepEqual(out, Float32Array.of(4, 8, -4, 8, 3, 14, 99, 99));
  assert.throws(() => embedBags(table, 2, bags, new Float32Array(5)), /needs 6/);
  assert.throws(() => embedBags(table, 2, [Int32Array.of(3)]), /id 3, outside/);
  assert.throws(() => embedBags(table, 2, [new Int32Array(0)]), /empty/);
});

test('dropIds: keeps ids in order, each with probability 1 - rate, never none; the same for the same seed', () => {
  const bag = Int32Array.from({ length: 2000 }, (_, i) => i);
  const kept = dropIds(bag, 0.3, new Random(5));
  assert.deepEqual(dropIds(bag, 0.3, new Random(5)), kept);
  assert.notDeepEqual(dropIds(bag, 0.3, new Random(6)), kept);
  // Binomial(2000, 0.7): mean 1400, standard deviation 20.5.
  assert.ok(kept.length > 1330 && kept.length < 1470, `kept ${kept.length}`);
  assert.ok(kept.every((id, i) => i === 0 || id > kept[i - 1]), 'kept ids stay in their order, each once');
  assert.deepEqual(dropIds(bag, 0, new Random(1)), bag);
  for (let seed = 0; seed < 20; seed++) {
    const lone = dropIds(Int32Array.of(7, 8, 9), 0.999_999, new Random(seed));
    assert.equal(lone.length, 1);
    assert.ok([7, 8, 9].includes(lone[0]));
  }
  assert.throws(() => dropIds(bag, 1, new Random(1)), /\[0, 1\)/);
});

test('backward: each bag adds dFeature / length to its ids, once per occurrence', () => {
  const bags = [Int32Array.of(0, 0, 1), Int32Array.of(2), Int32Array.of(1, 2)];
  const dFeatures = Float32Array.of(3, 6, /* bag 1 */ 1, -1, /* bag 2 */ 4, 2);
  const gradient = new EmbeddingBagBackward(5, 2).backward(bags, dFeatures);
  assert.equal(gradient.dim, 2);
  assert.deepEqual(gradient.rows, Int32Array.of(0, 1, 2));
  // Row 0: twice 1/3 of (3, 6); row 1: 1/3 of (3, 6) and 1/2 of (4, 2); row 2: (1, -1) and 1/2 of (4, 2).
  assertClose(gradient.values, [2, 4, 3, 3, 3, 0], 1e-6);
});

test('forward and backward agree with tfjs autograd (gather + mean) on the cpu backend', async () => {
  const buckets = 40;
  const dim = 6;
  const random = new Random(7);
  const table = Float32Array.from({ length: buckets * dim }, () => random.normal());
  const bags = randomBags(random, 9, buckets, 12);
  const dFeatures = Float32Array.from({ length: bags.length * dim }, () => random.normal());

  const [features, tableGradient] = await runOn('cpu', () => {
    const tableTensor = tf.tensor2d(table, [buckets, dim]);
    const upstream = tf.tensor2d(dFeatures, [bags.length, dim]);
    const embed = (t: tf.Tensor) => tf.stack(bags.map((bag) => tf.mean(tf.gather(t, tf.tensor1d(bag, 'int32')), 0))) as tf.Tensor2D;
    // d/dTable of sum(features * upstream) is the backward pass of embed fed `upstream`.
    const gradient = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(embed(t), upstream)))(tableTensor);
    return [embed(tableTensor), gradient];
  });

  assertClose(embedBags(table, dim, bags), features.values, 1e-5);
  const gradient = new EmbeddingBagBackward(buckets, dim).backward(bags, dFeatures);
  assert.equal(new Set(gradient.rows).size, gradient.rows.length, 'each row once');
  assert.deepEqual(new Set(gradient.rows), new Set(bags.flatMap((bag) => [...bag])));
  assertClose(densify(gradient, buckets), tableGradient.values, 1e-5);
});

test('reused buffers: later batches, bigger ones included, match a fresh backward pass', () => {
  const buckets = 5000;
  const dim = 3;
  const random = new Random(8);
  const backward = new EmbeddingBagBackward(buckets, dim);
  // The second batch touches more rows than the initial buffers hold (1024), so they grow.
  for (const [count, maxLength] of [[5, 4], [64, 80], [3, 2]]) {
    const bags = randomBags(random, count, buckets, maxLength);
    const dFeatures = Float32Array.from({ length: count * dim }, () => random.normal());
    const reused = backward.backward(bags, dFeatures);
    const fresh = new EmbeddingBagBackward(buckets, dim).backward(bags, dFeatures);
    assert.deepEqual(reused.rows, fresh.rows);
    assert.deepEqual(reused.values, fresh.values);
  }
  assert.throws(() => backward.backward([Int32Array.of(1)], new Float32Array(2)), /needs 1 x 3/);
  assert.throws(() => backward.backward([Int32Array.of(buckets)], new Float32Array(3)), /outside/);
});

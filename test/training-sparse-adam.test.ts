import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import type { SparseRowGradient } from '../src/training/embedding-bag.js';
import { Random } from '../src/training/random.js';
import { SparseAdam } from '../src/training/sparse-adam.js';
import { runOn } from './support/tfjs-compare.js';

const ROWS = 30;
const DIM = 4;

/** A gradient for `rows` (distinct), normal values times `scale`. */
function gradientFor(rows: number[], random: Random, scale = 1): SparseRowGradient {
  return { dim: DIM, rows: Int32Array.from(rows), values: Float32Array.from({ length: rows.length * DIM }, () => random.normal() * scale) };
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, relative: number, what: string): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < actual.length; i++) {
    const tolerance = relative * Math.max(1, Math.abs(expected[i]));
    assert.ok(Math.abs(actual[i] - expected[i]) <= tolerance, `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

/**
 * Textbook Adam in float64 (Kingma and Ba's efficient form: epsilon after the bias-corrected step
 * size), applied row by row to the rows a gradient holds, with the global step count.
 */
class ReferenceAdam {
  readonly m = new Float64Array(ROWS * DIM);
  readonly v = new Float64Array(ROWS * DIM);
  t = 0;
  constructor(readonly params: Float64Array, private readonly beta1: number, private readonly beta2: number) {}

  step(gradient: SparseRowGradient, lr: number): void {
    this.t++;
    const alpha = lr * Math.sqrt(1 - this.beta2 ** this.t) / (1 - this.beta1 ** this.t);
    gradient.rows.forEach((row, k) => {
      for (let d = 0; d < DIM; d++) {
        const i = row * DIM + d;
        const g = gradient.values[k * DIM + d];
        this.m[i] = this.beta1 * this.m[i] + (1 - this.beta1) * g;
        this.v[i] = this.beta2 * this.v[i] + (1 - this.beta2) * g * g;
        this.params[i] -= alpha * this.m[i] / (Math.sqrt(this.v[i]) + 1e-8);
      }
    });
  }
}

test('sparse Adam matches dense Adam on the touched rows and leaves the others bit-identical', () => {
  const random = new Random(21);
  const initial = Float32Array.from({ length: ROWS * DIM }, () => random.normal());
  const table = initial.slice();
  const adam = new SparseAdam(table.length, { beta1: 0.8, beta2: 0.99 });
  const reference = new ReferenceAdam(Float64Array.from(initial), 0.8, 0.99);
  // Rows 20..29 are never touched; row 7 first appears at step 4, so its first update uses the
  // bias correction of step 4, not of its own first step.
  const schedule = [[0, 1, 2], [2, 3, 19], [0, 5], [7, 1, 0, 12], [7], [3, 4, 5, 6, 7, 8]];
  const everTouched = new Set<number>();
  schedule.forEach((rows, s) => {
    const before = table.slice();
    const gradient = gradientFor(rows, random, s + 1);
    adam.step(table, gradient, 0.05);
    reference.step(gradient, 0.05);
    for (const row of rows) everTouched.add(row);
    for (let row = 0; row < ROWS; row++) {
      if (rows.includes(row)) continue;
      const span = [row * DIM, (row + 1) * DIM] as const;
      assert.deepEqual(table.subarray(...span), before.subarray(...span), `step ${s + 1}: untouched row ${row} changed`);
    }
  });
  assert.equal(adam.stepCount, schedule.length);
  assertClose(table, reference.params, 1e-5, 'table');
  assertClose(adam.m, reference.m, 1e-5, 'm');
  assertClose(adam.v, reference.v, 1e-5, 'v');
  for (let row = 0; row < ROWS; row++) {
    if (everTouched.has(row)) continue;
    const span = [row * DIM, (row + 1) * DIM] as const;
    assert.deepEqual(table.subarray(...span), initial.subarray(...span));
    assert.ok(adam.m.subarray(...span).every((x) => x === 0) && adam.v.subarray(...span).every((x) => x === 0));
  }
});

test('with every row in every gradient, sparse Adam is tfjs Adam', async () => {
  const random = new Random(22);
  const initial = Float32Array.from({ length: ROWS * DIM }, () => random.normal());
  const allRows = Array.from({ length: ROWS }, (_, i) => i);
  const gradients = Array.from({ length: 5 }, () => gradientFor(allRows, random));

  const table = initial.slice();
  const adam = new SparseAdam(table.length);
  for (const gradient of gradients) adam.step(table, gradient, 0.01);

  const [expected] = await runOn('cpu', () => {
    const variable = tf.variable(tf.tensor2d(initial, [ROWS, DIM]));
    const optimizer = tf.train.adam(0.01, 0.9, 0.999, 1e-8);
    for (const gradient of gradients) optimizer.applyGradients([{ name: variable.name, tensor: tf.tensor2d(gradient.values, [ROWS, DIM]) }]);
    const result = variable.clone();
    optimizer.dispose();
    variable.dispose();
    return [result];
  });
  assertClose(table, expected.values, 1e-5, 'table');
});

test('SparseAdam refuses mismatched shapes and invalid hyperparameters', () => {
  const adam = new SparseAdam(ROWS * DIM);
  const random = new Random(23);
  assert.throws(() => adam.step(new Float32Array(ROWS * DIM + 1), gradientFor([0], random), 0.1), /state for 120/);
  assert.throws(() => adam.step(new Float32Array(ROWS * DIM), { dim: DIM, rows: Int32Array.of(0, 1), values: new Float32Array(DIM) }, 0.1), /hold 4 numbers for 2 rows/);
  const table = new Float32Array(ROWS * DIM);
  assert.throws(() => adam.step(table, gradientFor([0, ROWS], random), 0.1), /outside/);
  assert.ok(table.every((x) => x === 0) && adam.m.every((x) => x === 0), 'a refused step changes nothing');
  assert.equal(adam.stepCount, 0);
  assert.throws(() => new SparseAdam(4, { beta1: 1 }), /betas/);
  assert.throws(() => new SparseAdam(4, { beta2: -0.1 }), /betas/);
  assert.throws(() => new SparseAdam(4, { epsilon: 0 }), /epsilon/);
});

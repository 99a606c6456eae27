import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/training/backend.js';
import { describeNativeGemm, nativeGemmStatus, type NativeGemm } from '../src/training/native-gemm.js';
import { AdamW } from '../src/training/optimizers.js';
import { registerWasmKernels } from '../src/training/wasm-kernels.js';
import { seededUniform } from './support/tfjs-compare.js';

// The module itself, whatever HEADROOM_NATIVE_GEMM says: these tests are about it.
const status = nativeGemmStatus({});
// CI builds the module (npm ci), so there a missing one is a failure; elsewhere a skip.
const onCi = process.env.CI === 'true';
const skip = status.gemm === undefined && !onCi ? `native GEMM unavailable: ${status.reason}` : false;

function nativeGemm(): NativeGemm {
  if (status.gemm === undefined) assert.fail(`CI=true but the native GEMM is unavailable: ${status.reason}`);
  return status.gemm;
}

interface Product {
  m: number;
  n: number;
  k: number;
  transposeA?: boolean;
  transposeB?: boolean;
  withBias?: boolean;
}

/** a . b (+ bias) in double precision, and per element the sum of |terms| that bounds float32 rounding. */
function reference(a: Float32Array, b: Float32Array, bias: Float32Array | undefined, p: Product): { values: Float64Array; scale: Float64Array } {
  const values = new Float64Array(p.m * p.n);
  const scale = new Float64Array(p.m * p.n);
  for (let i = 0; i < p.m; i++) {
    for (let j = 0; j < p.n; j++) {
      let sum = bias === undefined ? 0 : bias[j];
      let magnitude = Math.abs(sum);
      for (let q = 0; q < p.k; q++) {
        const term = (p.transposeA ? a[q * p.m + i] : a[i * p.k + q]) * (p.transposeB ? b[j * p.k + q] : b[q * p.n + j]);
        sum += term;
        magnitude += Math.abs(term);
      }
      values[i * p.n + j] = sum;
      scale[i * p.n + j] = magnitude;
    }
  }
  return { values, scale };
}

/**
 * Asserts |c - reference| <= (k + 1) float32 epsilons of the sum of |terms|, the bound for a
 * float32 dot product; returns the largest error in those units (epsilon x sum of |terms|).
 */
function assertMatches(c: Float32Array, expected: { values: Float64Array; scale: Float64Array }, k: number, label: string): number {
  const epsilon = 2 ** -23;
  let worst = 0;
  for (let i = 0; i < c.length; i++) {
    const error = Math.abs(c[i] - expected.values[i]);
    const bound = (k + 1) * epsilon * expected.scale[i];
    if (!(error <= bound)) assert.fail(`${label}: element ${i} is ${c[i]}, expected ${expected.values[i]} (error ${error} > ${bound})`);
    if (error > 0) worst = Math.max(worst, error / (epsilon * expected.scale[i]));
  }
  return worst;
}

// Sizes around the kernel's blocking: tiles of 6 x 16, depth slices of 384, row blocks of 144,
// column blocks of 3072; up to 24 rows, row-major b is read in place rather than packed.
const PRODUCTS: Product[] = [
  { m: 1, n: 1, k: 1 },
  { m: 6, n: 16, k: 8 },
  { m: 5, n: 15, k: 7 },
  { m: 7, n: 17, k: 9 },
  { m: 24, n: 48, k: 33 },
  { m: 25, n: 31, k: 64 },
  { m: 13, n: 100, k: 385 },
  { m: 145, n: 33, k: 384 },
  { m: 150, n: 47, k: 769 },
  { m: 289, n: 20, k: 40 },
  { m: 30, n: 3089, k: 5 },
  { m: 3, n: 3100, k: 6 },
  { m: 2, n: 5, k: 3000 },
  { m: 4, n: 3, k: 0 },
];

test('sgemmBatched equals a double-precision reference on edge sizes, every transpose, with and without a bias', { skip }, (t) => {
  const gemm = nativeGemm();
  let seed = 1;
  let worst = 0;
  for (const product of PRODUCTS) {
    for (const [transposeA, transposeB] of [[false, false], [true, false], [false, true], [true, true]]) {
      for (const withBias of [false, true]) {
        const p = { ...product, transposeA, transposeB, withBias };
        const a = seededUniform(p.m * p.k, seed++);
        const b = seededUniform(p.k * p.n, seed++);
        const bias = withBias ? seededUniform(p.n, seed++) : undefined;
        const c = new Float32Array(p.m * p.n).fill(Number.NaN);
        gemm.sgemmBatched(1, p.m, p.n, p.k, a, b, c, { transposeA, transposeB, bias });
        worst = Math.max(worst, assertMatches(c, reference(a, b, bias, p), p.k, JSON.stringify(p)) / Math.max(1, p.k));
      }
    }
  }
  t.diagnostic(`largest error over ${PRODUCTS.length * 8} products: ${worst.toFixed(4)} x k float32 epsilons of the sum of |terms|`);
});

test('sgemm computes row-major a . b, and writes zeros for k = 0', { skip }, () => {
  const gemm = nativeGemm();
  const c = new Float32Array(4).fill(Number.NaN);
  gemm.sgemm(2, 2, 3, Float32Array.of(1, 2, 3, 4, 5, 6), Float32Array.of(1, 0, 0, 1, 1, 1), c);
  assert.deepEqual(Array.from(c), [4, 5, 10, 11]);
  gemm.sgemm(2, 2, 0, new Float32Array(0), new Float32Array(0), c);
  assert.deepEqual(Array.from(c), [0, 0, 0, 0]);
  gemm.sgemm(0, 3, 2, new Float32Array(0), new Float32Array(6), new Float32Array(0));
});

test('sgemmBatched multiplies per batch, broadcasts a single a or b, and folds a shared b into one product', { skip }, () => {
  const gemm = nativeGemm();
  const [batch, m, n, k] = [5, 9, 21, 30];
  for (const [aCount, bCount] of [[batch, batch], [batch, 1], [1, batch], [1, 1]]) {
    for (const transposeA of [false, true]) {
      const a = seededUniform(aCount * m * k, 40 + aCount);
      const b = seededUniform(bCount * k * n, 50 + bCount);
      const c = new Float32Array(batch * m * n);
      gemm.sgemmBatched(batch, m, n, k, a, b, c, { transposeA });
      for (let i = 0; i < batch; i++) {
        const aMatrix = a.subarray((aCount === 1 ? 0 : i) * m * k, ((aCount === 1 ? 0 : i) + 1) * m * k);
        const bMatrix = b.subarray((bCount === 1 ? 0 : i) * k * n, ((bCount === 1 ? 0 : i) + 1) * k * n);
        assertMatches(c.subarray(i * m * n, (i + 1) * m * n), reference(aMatrix, bMatrix, undefined, { m, n, k, transposeA }), k,
          `batch ${i} of a x${aCount}, b x${bCount}, transposeA=${transposeA}`);
      }
    }
  }
});

test('sgemmBatched reads and writes views at odd offsets into one buffer, touching nothing around c', { skip }, () => {
  const gemm = nativeGemm();
  const [m, n, k] = [31, 37, 41];
  const memory = new Float32Array(new SharedArrayBuffer(4 * (3 + m * k + 5 + k * n + 7 + m * n + 11 + n)));
  memory.set(seededUniform(memory.length, 60));
  const guard = 12345.5;
  memory.fill(guard, 3 + m * k + 5 + k * n, 3 + m * k + 5 + k * n + 7);
  memory.fill(guard, 3 + m * k + 5 + k * n + 7 + m * n, 3 + m * k + 5 + k * n + 7 + m * n + 11);
  const a = memory.subarray(3, 3 + m * k);
  const b = memory.subarray(3 + m * k + 5, 3 + m * k + 5 + k * n);
  const c = memory.subarray(3 + m * k + 5 + k * n + 7, 3 + m * k + 5 + k * n + 7 + m * n);
  const bias = memory.subarray(memory.length - n);
  const before = Float32Array.from(memory);
  gemm.sgemmBatched(1, m, n, k, a, b, c, { transposeB: true, bias });
  assertMatches(c, reference(a, b, bias, { m, n, k, transposeB: true }), k, 'views');
  memory.forEach((value, i) => {
    if (i < c.byteOffset / 4 || i >= c.byteOffset / 4 + c.length) assert.equal(value, before[i], `element ${i} outside c changed`);
  });
});

test('sgemm and sgemmBatched refuse wrong sizes and types with a clear error', { skip }, () => {
  const gemm = nativeGemm();
  const f = (size: number) => new Float32Array(size);
  assert.throws(() => gemm.sgemm(2, 3, 4, f(7), f(12), f(6)), /a has 7 elements: expected m \* k = 8/);
  assert.throws(() => gemm.sgemm(2, 3, 4, f(8), f(11), f(6)), /b has 11 elements/);
  assert.throws(() => gemm.sgemm(2, 3, 4, f(8), f(12), f(5)), /c has 5 elements/);
  assert.throws(() => gemm.sgemmBatched(2, 2, 3, 4, f(8), f(12), f(6)), /c has 6 elements: expected batch \* m \* n/);
  assert.throws(() => gemm.sgemmBatched(1, 2, 3, 4, f(8), f(12), f(6), { bias: f(2) }), /bias must have n elements/);
  assert.throws(() => gemm.sgemmBatched(1, 2, 3, 4, f(8), f(12), f(6), { transposeA: 1 as unknown as boolean }), /transposeA must be a boolean/);
  assert.throws(() => gemm.sgemm(2, 3, 4, new Float64Array(8) as unknown as Float32Array, f(12), f(6)), /a must be a Float32Array/);
  assert.throws(() => gemm.sgemm(-1, 3, 4, f(0), f(12), f(0)), /m must be a non-negative integer/);
  assert.throws(() => gemm.sgemm(1.5, 3, 4, f(6), f(12), f(3)), /m must be a non-negative integer/);
});

// Runs in each worker: the same products over and over, each compared bit for bit with what the
// main thread computed alone. The packing buffers are per thread; shared ones would mix up.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const gemm = require(workerData.modulePath);
const { products, inputs, expected, rounds, reverse } = workerData;
const order = reverse ? [...products.keys()].reverse() : [...products.keys()];
let mismatches = 0;
for (let round = 0; round < rounds; round++) {
  for (const i of order) {
    const { m, n, k, aOffset, bOffset, cOffset } = products[i];
    const c = new Float32Array(m * n);
    gemm.sgemm(m, n, k, new Float32Array(inputs, aOffset * 4, m * k), new Float32Array(inputs, bOffset * 4, k * n), c);
    const want = new Float32Array(expected, cOffset * 4, m * n);
    for (let j = 0; j < c.length; j++) if (!Object.is(c[j], want[j])) mismatches++;
  }
}
parentPort.postMessage(mismatches);
`;

test('two worker_threads multiplying at once both get exact results', { skip }, async () => {
  const gemm = nativeGemm();
  // Different sizes, so that the threads' packing buffers differ and grow while the other runs.
  const shapes = [{ m: 300, n: 200, k: 500 }, { m: 20, n: 3100, k: 50 }, { m: 150, n: 40, k: 800 }, { m: 7, n: 9, k: 11 }];
  let inputSize = 1;
  let outputSize = 0;
  const products = shapes.map(({ m, n, k }) => {
    const placed = { m, n, k, aOffset: inputSize, bOffset: inputSize + m * k, cOffset: outputSize };
    inputSize += m * k + k * n + 1;
    outputSize += m * n;
    return placed;
  });
  const inputs = new SharedArrayBuffer(4 * inputSize);
  new Float32Array(inputs).set(seededUniform(inputSize, 70));
  const expected = new SharedArrayBuffer(4 * outputSize);
  for (const { m, n, k, aOffset, bOffset, cOffset } of products) {
    gemm.sgemm(m, n, k, new Float32Array(inputs, aOffset * 4, m * k), new Float32Array(inputs, bOffset * 4, k * n),
      new Float32Array(expected, cOffset * 4, m * n));
  }
  const modulePath = require.resolve('headroom-native-gemm');
  const mismatches = await Promise.all([false, true].map((reverse) => new Promise<number>((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { modulePath, products, inputs, expected, rounds: 40, reverse } });
    worker.once('message', resolve);
    worker.once('error', reject);
  })));
  assert.deepEqual(mismatches, [0, 0]);
});

test('HEADROOM_NATIVE_GEMM=0 turns the native GEMM off; other values than 0 and 1 are refused', () => {
  assert.deepEqual(nativeGemmStatus({ HEADROOM_NATIVE_GEMM: '0' }), { reason: 'turned off by HEADROOM_NATIVE_GEMM=0' });
  assert.equal(nativeGemmStatus({ HEADROOM_NATIVE_GEMM: '1' }), nativeGemmStatus({}));
  assert.throws(() => nativeGemmStatus({ HEADROOM_NATIVE_GEMM: 'yes' }), /invalid HEADROOM_NATIVE_GEMM 'yes': expected 0/);
});

test('selectBackend records in versions whether wasm uses the native GEMM, and logs why not', async () => {
  const lines: string[] = [];
  const info = await selectBackend('wasm', (line) => lines.push(line));
  const inUse = nativeGemmStatus();
  if (inUse.gemm !== undefined) {
    assert.equal(info.versions['native-gemm'], describeNativeGemm(inUse.gemm));
    assert.match(info.versions['native-gemm'], /^\d+\.\d+\.\d+ \(avx2\+fma\)$/);
    assert.deepEqual(lines, []);
  } else {
    assert.equal(info.versions['native-gemm'], 'none');
    assert.deepEqual(lines, [`native GEMM skipped, matMul runs on XNNPACK: ${inUse.reason}`]);
  }
});

test('the wasm matMul kernels hand the native GEMM transposes, batches and a bias, and leave activations to XNNPACK', { skip }, async () => {
  const gemm = nativeGemm();
  const calls: unknown[][] = [];
  const spy: NativeGemm = {
    ...gemm,
    sgemmBatched: (batch, m, n, k, a, b, c, options) => {
      calls.push([batch, m, n, k, a.length, b.length, c.length, { ...options, bias: options?.bias?.length }]);
      gemm.sgemmBatched(batch, m, n, k, a, b, c, options);
    },
  };
  await selectBackend('wasm');
  registerWasmKernels(spy);
  try {
    const dataIdsBefore = tf.engine().backend.numDataIds();
    tf.tidy(() => {
      tf.matMul(tf.ones([3, 4, 5]), tf.ones([5, 6]));
      tf.matMul(tf.ones([2, 5, 4]), tf.ones([2, 6, 5]), true, true);
      tf.matMul(tf.ones([4, 5]), tf.ones([2, 5, 6]));
      tf.fused.matMul({ a: tf.ones([4, 5]), b: tf.ones([5, 6]), bias: tf.ones([6]) });
      tf.fused.matMul({ a: tf.ones([4, 5]), b: tf.ones([5, 6]), bias: tf.ones([6]), activation: 'relu' });
    });
    assert.equal(tf.engine().backend.numDataIds(), dataIdsBefore);
    assert.deepEqual(calls, [
      [3, 4, 6, 5, 60, 30, 72, { transposeA: false, transposeB: false, bias: undefined }],
      [2, 4, 6, 5, 40, 60, 48, { transposeA: true, transposeB: true, bias: undefined }],
      [2, 4, 6, 5, 20, 60, 48, { transposeA: false, transposeB: false, bias: undefined }],
      [1, 4, 6, 5, 20, 30, 24, { transposeA: false, transposeB: false, bias: 6 }],
    ]);
  } finally {
    registerWasmKernels();
  }
});

// (XNNPACK leaves the output uninitialised for k = 0.)
test('matMul with k = 0 gives zeros on the native path', { skip }, async () => {
  await selectBackend('wasm');
  registerWasmKernels(nativeGemm());
  try {
    const products = tf.tidy(() => [tf.matMul(tf.zeros([3, 0]), tf.zeros([0, 2])), tf.matMul(tf.zeros([0, 3]), tf.zeros([0, 2]), true)]
      .map((t) => Array.from(t.dataSync())));
    assert.deepEqual(products, [[0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0]]);
  } finally {
    registerWasmKernels();
  }
});

test('the native AdamW update equals the JavaScript one over many steps, decaying or not', { skip }, async () => {
  await selectBackend('wasm');
  const values = seededUniform(1031, 5);
  const run = (native: NativeGemm | null, decays: boolean) => {
    const variable = tf.variable(tf.tensor1d(values));
    const optimizer = new AdamW([variable], decays ? [variable] : [], 0.01, native);
    for (let step = 0; step < 20; step++) {
      optimizer.apply(1e-3, { [variable.name]: tf.tensor1d(seededUniform(values.length, 100 + step)) });
    }
    const result = variable.dataSync() as Float32Array;
    variable.dispose();
    return result;
  };
  for (const decays of [true, false]) {
    const [fast, plain] = [run(nativeGemm(), decays), run(null, decays)];
    const worst = fast.reduce((max, value, i) => Math.max(max, Math.abs(value - plain[i])), 0);
    assert.ok(worst < 1e-6, `decays ${decays}: max abs difference ${worst}`);
    assert.ok(fast.some((value, i) => value !== values[i]), 'the weights moved');
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/training/backend.js';
import type { NativeGemm } from '../src/training/native-gemm.js';
import { registerWasmKernels } from '../src/training/wasm-kernels.js';
import { MATMUL_ENGINES, maxAbsDiffWasmVsCpu, runOn, seededUniform } from './support/tfjs-compare.js';

// float32 results of sums over up to 768 terms of values in [-1, 1): both backends round
// differently, but not by more than this.
const TOLERANCE = 1e-4;

test('registerWasmKernels wraps the matMul kernels keeping their setup, adds UnsortedSegmentSum, is idempotent, and rewraps for another GEMM', () => {
  // Importing backend.js (through the support module) registered wasm's own kernels; nothing
  // has selected a backend yet in this process.
  const originals = [tf.BatchMatMul, tf._FusedMatMul].map((name) => tf.getKernel(name, 'wasm'));
  assert.equal(tf.getKernel(tf.UnsortedSegmentSum, 'wasm'), undefined);

  registerWasmKernels();
  const wrapped = [tf.BatchMatMul, tf._FusedMatMul].map((name) => tf.getKernel(name, 'wasm'));
  wrapped.forEach((kernel, i) => {
    assert.notEqual(kernel?.kernelFunc, originals[i]?.kernelFunc);
    assert.equal(kernel?.setupFunc, originals[i]?.setupFunc);
  });
  const segmentSum = tf.getKernel(tf.UnsortedSegmentSum, 'wasm');
  assert.ok(segmentSum);

  registerWasmKernels();
  const matMulKernelFuncs = () => [tf.BatchMatMul, tf._FusedMatMul].map((name) => tf.getKernel(name, 'wasm')?.kernelFunc);
  assert.deepEqual(matMulKernelFuncs(), wrapped.map((kernel) => kernel?.kernelFunc));
  assert.equal(tf.getKernel(tf.UnsortedSegmentSum, 'wasm')?.kernelFunc, segmentSum.kernelFunc);

  // Another GEMM rewraps, keeping the setup; the same one again changes nothing.
  const unused = () => assert.fail('no matMul runs here');
  const otherGemm: NativeGemm = { version: '0.0.0', instructions: 'none', available: () => true, sgemm: unused, sgemmBatched: unused, adamw: unused };
  registerWasmKernels(otherGemm);
  const rewrapped = matMulKernelFuncs();
  rewrapped.forEach((kernelFunc, i) => assert.notEqual(kernelFunc, wrapped[i]?.kernelFunc));
  assert.deepEqual([tf.BatchMatMul, tf._FusedMatMul].map((name) => tf.getKernel(name, 'wasm')?.setupFunc),
    originals.map((kernel) => kernel?.setupFunc));
  registerWasmKernels(otherGemm);
  assert.deepEqual(matMulKernelFuncs(), rewrapped);
  registerWasmKernels();
});

interface MatMulCase {
  /** Shapes of a and b as matMul sees them, before any transpose. */
  a: number[];
  b: number[];
}

// 2-D, batched, broadcast (a batch of 1 or a 2-D b against a batched a) and odd sizes; the
// layouts for the transposed variants are derived from these.
const MATMUL_CASES: MatMulCase[] = [
  { a: [1, 1], b: [1, 1] },
  { a: [3, 5], b: [5, 7] },
  { a: [17, 33], b: [33, 9] },
  { a: [64, 768], b: [768, 136] },
  { a: [1, 768], b: [768, 136] },
  { a: [136, 1], b: [1, 768] },
  { a: [2, 5, 7], b: [2, 7, 3] },
  { a: [1, 9, 11], b: [1, 11, 13] },
  { a: [1, 6, 4], b: [3, 4, 5] },
  { a: [3, 6, 4], b: [4, 5] },
  { a: [2, 3, 4, 5], b: [2, 3, 5, 6] },
  { a: [4, 2, 3, 5], b: [5, 6] },
  { a: [2, 1, 7], b: [1, 7, 3] },
];

const batchShape = (shape: number[]) => shape.slice(0, -2);
const batchOf = (shape: number[]) => tf.util.sizeFromShape(batchShape(shape));

const TRANSPOSES = [[false, false], [true, false], [false, true], [true, true]] as const;

function swapLastTwo(shape: number[]): number[] {
  return [...shape.slice(0, -2), shape[shape.length - 1], shape[shape.length - 2]];
}

/** Tensors for a and b laid out so that matMul(a, b, transposeA, transposeB) is valid. */
function operands({ a, b }: MatMulCase, transposeA: boolean, transposeB: boolean, seed: number): [tf.Tensor, tf.Tensor] {
  const aShape = transposeA ? swapLastTwo(a) : a;
  const bShape = transposeB ? swapLastTwo(b) : b;
  return [
    tf.tensor(seededUniform(tf.util.sizeFromShape(aShape), seed), aShape),
    tf.tensor(seededUniform(tf.util.sizeFromShape(bShape), seed + 1), bShape),
  ];
}

function describe({ a, b }: MatMulCase, transposeA: boolean, transposeB: boolean): string {
  return `[${a}] x [${b}] transposeA=${transposeA} transposeB=${transposeB}`;
}

// Each matMul test runs on every engine the wasm kernels can use here (MATMUL_ENGINES): XNNPACK,
// and the native GEMM where it is built (training-native-gemm.test.ts fails on CI without it).
const ENGINE_NAMES = MATMUL_ENGINES.map(({ name }) => name).join(' and ');

test(`matMul on wasm equals cpu for 2-D, batched, broadcast and batch-1 shapes, all transpose combinations, on ${ENGINE_NAMES}`, async (t) => {
  for (const { name, gemm } of MATMUL_ENGINES) {
    let worst = 0;
    for (const [c, matMulCase] of MATMUL_CASES.entries()) {
      for (const [transposeA, transposeB] of TRANSPOSES) {
        const diff = await maxAbsDiffWasmVsCpu(() => {
          const [a, b] = operands(matMulCase, transposeA, transposeB, 10 * c);
          return [tf.matMul(a, b, transposeA, transposeB)];
        }, gemm);
        assert.ok(diff <= TOLERANCE, `${name}: ${describe(matMulCase, transposeA, transposeB)}: max abs diff ${diff}`);
        worst = Math.max(worst, diff);
      }
    }
    t.diagnostic(`${name}: max abs diff wasm vs cpu over ${MATMUL_CASES.length * 4} matMuls: ${worst}`);
  }
});

test(`fused matMul with bias, linear and relu, on wasm equals cpu under all transpose combinations, on ${ENGINE_NAMES}`, async (t) => {
  // The core op hands the kernel 3-D operands; a batched b with a bias is refused (next test).
  const cases = MATMUL_CASES.filter(({ a, b }) => a.length <= 3 && b.length <= 3 && batchOf(b) === 1);
  for (const { name, gemm } of MATMUL_ENGINES) {
    let worst = 0;
    for (const [c, matMulCase] of cases.entries()) {
      for (const [transposeA, transposeB] of TRANSPOSES) {
        for (const activation of ['linear', 'relu'] as const) {
          const diff = await maxAbsDiffWasmVsCpu(() => {
            const [a, b] = operands(matMulCase, transposeA, transposeB, 100 + 10 * c);
            const bias = tf.tensor1d(seededUniform(matMulCase.b[matMulCase.b.length - 1], 7));
            return [tf.fused.matMul({ a, b, transposeA, transposeB, bias, activation })];
          }, gemm);
          assert.ok(diff <= TOLERANCE, `${name}: fused ${activation} ${describe(matMulCase, transposeA, transposeB)}: max abs diff ${diff}`);
          worst = Math.max(worst, diff);
        }
      }
    }
    t.diagnostic(`${name}: max abs diff wasm vs cpu over ${cases.length * 8} fused matMuls: ${worst}`);
  }
});

test(`fused matMul with a batched b: right without a bias, refused with one (wasm would add it wrongly), on ${ENGINE_NAMES}`, async () => {
  const batched = { a: [2, 5, 7], b: [2, 7, 3] };
  for (const { name, gemm } of MATMUL_ENGINES) {
    for (const activation of ['linear', 'relu'] as const) {
      const diff = await maxAbsDiffWasmVsCpu(() => {
        const [a, b] = operands(batched, false, true, 200);
        return [tf.fused.matMul({ a, b, transposeB: true, activation })];
      }, gemm);
      assert.ok(diff <= TOLERANCE, `${name}: fused ${activation} batched without bias: max abs diff ${diff}`);
    }
    await selectBackend('wasm');
    registerWasmKernels(gemm);
    const tensorsBefore = tf.memory().numTensors;
    const dataIdsBefore = tf.engine().backend.numDataIds();
    assert.throws(() => tf.tidy(() => {
      const [a, b] = operands(batched, true, false, 201);
      return tf.fused.matMul({ a, b, transposeA: true, bias: tf.ones([3]) });
    }), /_FusedMatMul with a bias and a batched b/, name);
    assert.equal(tf.memory().numTensors, tensorsBefore, name);
    assert.equal(tf.engine().backend.numDataIds(), dataIdsBefore, `${name}: no explicit transpose was left behind`);
  }
  registerWasmKernels();
});

test(`gradients through matMul on wasm equal cpu, on ${ENGINE_NAMES}`, async (t) => {
  // tfjs's BatchMatMul gradient does not sum over broadcast batch axes, on any backend.
  const cases = MATMUL_CASES.filter(({ a, b }) => batchShape(a).join() === batchShape(b).join());
  for (const { name, gemm } of MATMUL_ENGINES) {
    let worst = 0;
    for (const [c, matMulCase] of cases.entries()) {
      for (const [transposeA, transposeB] of TRANSPOSES) {
        const diff = await maxAbsDiffWasmVsCpu(() => {
          const [a, b] = operands(matMulCase, transposeA, transposeB, 1000 + 10 * c);
          // A weighted sum, so that the upstream gradient is not all ones.
          const loss = (x: tf.Tensor, y: tf.Tensor) => {
            const product = tf.matMul(x, y, transposeA, transposeB);
            return tf.sum(tf.mul(product, tf.tensor(seededUniform(product.size, 3), product.shape)));
          };
          return tf.grads(loss)([a, b]);
        }, gemm);
        assert.ok(diff <= TOLERANCE, `${name}: gradient of ${describe(matMulCase, transposeA, transposeB)}: max abs diff ${diff}`);
        worst = Math.max(worst, diff);
      }
    }
    t.diagnostic(`${name}: max abs diff wasm vs cpu over ${cases.length * 4} matMul gradients: ${worst}`);
  }
});

interface GatherCase {
  params: number[];
  indices: number[];
  indicesShape: number[];
  axis: number;
}

const GATHER_CASES: GatherCase[] = [
  { params: [10, 4], indices: [3, 3, 0, 9, 3, 1], indicesShape: [6], axis: 0 },
  { params: [7, 3, 5], indices: [6, 0, 6, 6, 2], indicesShape: [5], axis: 0 },
  { params: [12, 8], indices: [1, 5, 1, 11, 5, 5, 0, 1], indicesShape: [2, 4], axis: 0 },
  { params: [1, 16], indices: [0, 0, 0], indicesShape: [3], axis: 0 },
  { params: [4, 9, 2], indices: [8, 8, 0, 3], indicesShape: [4], axis: 1 },
];

test('gradient of gather on wasm equals cpu: repeated indices, 2-D and 3-D params, 2-D indices, axis 1', async (t) => {
  let worst = 0;
  for (const [c, { params, indices, indicesShape, axis }] of GATHER_CASES.entries()) {
    const diff = await maxAbsDiffWasmVsCpu(() => {
      const x = tf.tensor(seededUniform(tf.util.sizeFromShape(params), 50 + c), params);
      const ids = tf.tensor(indices, indicesShape, 'int32');
      const loss = (p: tf.Tensor) => {
        const rows = tf.gather(p, ids, axis);
        return tf.sum(tf.mul(rows, tf.tensor(seededUniform(rows.size, 9), rows.shape)));
      };
      return [tf.grad(loss)(x)];
    });
    assert.ok(diff <= TOLERANCE, `gather gradient, params [${params}] axis ${axis}: max abs diff ${diff}`);
    worst = Math.max(worst, diff);
  }
  t.diagnostic(`max abs diff wasm vs cpu over ${GATHER_CASES.length} gather gradients: ${worst}`);
});

test('gather on wasm equals cpu bit for bit, on the project kernel (rows of a matrix) and the stock one (anything else); an id out of range is refused', async () => {
  for (const [c, { params, indices, indicesShape, axis }] of GATHER_CASES.entries()) {
    const diff = await maxAbsDiffWasmVsCpu(() => [tf.gather(tf.tensor(seededUniform(tf.util.sizeFromShape(params), 70 + c), params), tf.tensor(indices, indicesShape, 'int32'), axis)]);
    assert.equal(diff, 0, `gather, params [${params}] axis ${axis}`);
  }
  await selectBackend('wasm');
  const table = tf.tensor2d(seededUniform(12, 3), [4, 3]);
  const dataIds = tf.engine().backend.numDataIds();
  assert.throws(() => tf.gather(table, tf.tensor1d([1, 4], 'int32')), /index value 4 is not in \[0, 3\]/);
  assert.ok(tf.engine().backend.numDataIds() <= dataIds + 1, 'the refused output was not freed');
  table.dispose();
});

test('gradient of a plain sum over gathered rows counts each repeated index', async () => {
  const [grad] = await runOn('wasm', () => {
    const table = tf.zeros([4, 2]);
    const ids = tf.tensor1d([2, 0, 2, 2], 'int32');
    return [tf.grad((p: tf.Tensor) => tf.sum(tf.gather(p, ids)))(table)];
  });
  assert.deepEqual(grad, { shape: [4, 2], values: [1, 1, 0, 0, 3, 3, 0, 0] });
});

test('unsortedSegmentSum on wasm sums rows by id, drops ids out of range, handles int32 values', async () => {
  const [floats, ints] = await runOn('wasm', () => [
    tf.unsortedSegmentSum(tf.tensor2d([[1, 2], [3, 4], [5, 6], [7, 8]]), tf.tensor1d([1, -1, 1, 3], 'int32'), 3),
    tf.unsortedSegmentSum(tf.tensor1d([10, 20, 30], 'int32'), tf.tensor1d([2, 0, 2], 'int32'), 4),
  ]);
  assert.deepEqual(floats, { shape: [3, 2], values: [0, 0, 6, 8, 0, 0] });
  assert.deepEqual(ints, { shape: [4], values: [20, 0, 40, 0] });

  const diff = await maxAbsDiffWasmVsCpu(() => {
    const ids = Int32Array.from(seededUniform(300, 21), (u) => Math.floor((u + 1) * 20));
    return [tf.unsortedSegmentSum(tf.tensor(seededUniform(300 * 6, 22), [300, 2, 3]), tf.tensor1d(ids, 'int32'), 40)];
  });
  assert.ok(diff <= TOLERANCE, `unsortedSegmentSum: max abs diff ${diff}`);
});

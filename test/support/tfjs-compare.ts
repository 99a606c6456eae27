// Runs the same computation on two tfjs backends and compares the results. Tensors of one
// backend are not usable on another, so inputs and outputs cross as plain arrays.
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/training/backend.js';
import { nativeGemmStatus, type NativeGemm } from '../../src/training/native-gemm.js';
import { registerWasmKernels } from '../../src/training/wasm-kernels.js';

export interface Result {
  shape: number[];
  values: number[];
}

/** Uniform values in [-1, 1) from a fixed seed (mulberry32), so failures reproduce. */
export function seededUniform(size: number, seed: number): Float32Array {
  let state = seed >>> 0;
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    values[i] = ((t ^ (t >>> 14)) >>> 0) / 2 ** 31 - 1;
  }
  return values;
}

const nativeGemm = nativeGemmStatus().gemm;
/** What the wasm matMul kernels can run on here: XNNPACK, and the native GEMM where it is usable. */
export const MATMUL_ENGINES: ReadonlyArray<{ name: string; gemm: NativeGemm | null }> = [
  { name: 'xnnpack', gemm: null },
  ...(nativeGemm === undefined ? [] : [{ name: 'native', gemm: nativeGemm }]),
];

/**
 * Runs `compute` on `backend` and returns its outputs as arrays, asserting that it left no
 * tensor and no backend data behind (the project kernels allocate intermediates themselves).
 * On wasm, `gemm` (when given) is what the matMul kernels call during this run.
 */
export async function runOn(backend: 'wasm' | 'cpu', compute: () => tf.Tensor[], gemm?: NativeGemm | null): Promise<Result[]> {
  await selectBackend(backend);
  const engineChosen = backend === 'wasm' && gemm !== undefined;
  if (engineChosen) registerWasmKernels(gemm);
  try {
    const tensorsBefore = tf.memory().numTensors;
    const dataIdsBefore = tf.engine().backend.numDataIds();
    const outputs = tf.tidy(compute);
    const results = outputs.map((t) => ({ shape: t.shape, values: Array.from(t.dataSync()) }));
    tf.dispose(outputs);
    assert.equal(tf.memory().numTensors, tensorsBefore, `tensors leaked on ${backend}`);
    assert.equal(tf.engine().backend.numDataIds(), dataIdsBefore, `backend data leaked on ${backend}`);
    return results;
  } finally {
    if (engineChosen) registerWasmKernels();
  }
}

/**
 * Runs `compute` on wasm (its matMul kernels on `gemm` when given) and on cpu, asserts equal
 * shapes, returns the largest |difference|.
 */
export async function maxAbsDiffWasmVsCpu(compute: () => tf.Tensor[], gemm?: NativeGemm | null): Promise<number> {
  const wasm = await runOn('wasm', compute, gemm);
  const cpu = await runOn('cpu', compute);
  assert.equal(wasm.length, cpu.length);
  let maxDiff = 0;
  wasm.forEach((result, i) => {
    assert.deepEqual(result.shape, cpu[i].shape);
    result.values.forEach((value, j) => {
      maxDiff = Math.max(maxDiff, Math.abs(value - cpu[i].values[j]));
    });
  });
  return maxDiff;
}

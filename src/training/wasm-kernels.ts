// Project-side kernels for the tfjs wasm backend (4.22). Its C++ matMul (shared by BatchMatMul
// and _FusedMatMul) takes the XNNPACK path only when neither transpose flag is set and both
// operands have batch size 1; anything else runs a naive loop at ~2-3 GFLOP/s (against ~30),
// and that loop, in _FusedMatMul, adds the bias wrongly (it indexes the bias by row * n + col,
// clamped to the last element, so every row after the first gets bias[n - 1]).
// Every Dense backward pass asks for a transpose, and tf.matMul(x3d, w2d) has batch > 1.
// - The matMul kernels are wrapped. With the native GEMM (native-gemm.ts), they call it on the
//   operands where they lie in wasm memory: it reads transposed operands and broadcast batches
//   as they are and adds a bias itself (~100 GFLOP/s on AVX2 against XNNPACK's ~30). Without it,
//   or for what it does not do (an activation, a bias that is not one value per column), they
//   transpose operands explicitly (wasm's Transpose kernel) and fold a's batch into its rows
//   when b has batch size 1, so the XNNPACK path runs.
// - UnsortedSegmentSum (the gradient of tf.gather, so of every Embedding) is not registered on
//   wasm at all; it gets a one-pass kernel here. tf.gather of rows gets one too (wasm-gather.ts).
// The kernel registry lives on globalThis, so each worker_thread must call this itself.
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { nativeGemmStatus, type NativeGemm } from './native-gemm.js';
import { registerGatherKernel } from './wasm-gather.js';

const WASM = 'wasm';

/** For each matMul kernel function this module registered: the kernel it wraps and its GEMM. */
const wrappers = new WeakMap<tf.KernelFunc, { original: tf.KernelConfig; gemm: NativeGemm | null }>();

/**
 * Registers the project kernels for the wasm backend in this thread. Needs
 * '@tensorflow/tfjs-backend-wasm' imported (it registers the kernels wrapped here); works
 * before or after `tf.setBackend('wasm')`. The matMul kernels call `gemm`, by default the
 * native GEMM where it can be used; null keeps them on XNNPACK. Registering again with the same
 * `gemm` is a no-op; with another, it rewraps wasm's own kernels.
 */
export function registerWasmKernels(gemm: NativeGemm | null = nativeGemmStatus().gemm ?? null): void {
  replaceWithFastPath(tf.BatchMatMul, gemm);
  replaceWithFastPath(tf._FusedMatMul, gemm);
  if (tf.getKernel(tf.UnsortedSegmentSum, WASM) === undefined) {
    tf.registerKernel({ kernelName: tf.UnsortedSegmentSum, backendName: WASM, kernelFunc: unsortedSegmentSum });
  }
  registerGatherKernel();
}

function replaceWithFastPath(kernelName: string, gemm: NativeGemm | null): void {
  const registered = tf.getKernel(kernelName, WASM);
  if (registered === undefined) {
    throw new Error(`wasm kernel '${kernelName}' is not registered: import '@tensorflow/tfjs-backend-wasm' first`);
  }
  const wrapped = wrappers.get(registered.kernelFunc);
  if (wrapped?.gemm === gemm) return;
  const original = wrapped?.original ?? registered;
  const kernelFunc = onFastPath(original.kernelFunc, gemm);
  wrappers.set(kernelFunc, { original, gemm });
  tf.unregisterKernel(kernelName, WASM);
  // Keeping the original setupFunc matters: the original kernelFunc calls into wasm through a
  // function that setupFunc creates when the backend initializes.
  tf.registerKernel({ ...original, kernelFunc });
}

function onFastPath(original: tf.KernelFunc, gemm: NativeGemm | null): tf.KernelFunc {
  return (args) => {
    if (args.inputs.bias !== undefined && batchSize(required(args.inputs, 'b')) > 1) {
      // Refused on the native path too, so that code does not work only where it is installed.
      throw new Error('_FusedMatMul with a bias and a batched b is computed wrongly by the wasm backend ' +
        '(tfjs 4.22): use tf.matMul and tf.add instead');
    }
    return (gemm === null ? undefined : nativeMatMul(gemm, args)) ?? xnnpackMatMul(original, args);
  };
}

/**
 * The product computed by the native GEMM straight from and into wasm memory, or undefined
 * where it does not apply: an activation, a bias that is not rank 1 with one value per column,
 * batch shapes that broadcast other than one side having a single matrix.
 */
function nativeMatMul(gemm: NativeGemm, { inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo | undefined {
  const a = required(inputs, 'a');
  const b = required(inputs, 'b');
  const bias = inputs.bias;
  const transposeA = attrs?.transposeA === true;
  const transposeB = attrs?.transposeB === true;
  const activation = attrs?.activation;
  if (activation !== undefined && activation !== 'linear') return undefined;
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return undefined;
  const [aRows, aCols] = a.shape.slice(-2);
  const [bRows, bCols] = b.shape.slice(-2);
  const [m, k] = transposeA ? [aCols, aRows] : [aRows, aCols];
  const n = transposeB ? bRows : bCols;
  if (bias !== undefined && (bias.dtype !== 'float32' || bias.shape.length !== 1 || bias.shape[0] !== n)) return undefined;
  const batchShape = tf.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const batch = tf.util.sizeFromShape(batchShape);
  // Equal sizes mean equal layouts: a batch shape that broadcasts to batchShape with the same
  // number of matrices can differ from it only by leading 1s.
  if (![1, batch].includes(batchSize(a)) || ![1, batch].includes(batchSize(b))) return undefined;

  const wasm = backend as BackendWasm;
  const out = wasm.makeOutput([...batchShape, m, n], 'float32');
  // Views are taken after makeOutput, which may grow wasm memory and detach earlier views.
  gemm.sgemmBatched(batch, m, n, k, heapFloats(wasm, a), heapFloats(wasm, b), heapFloats(wasm, out), {
    transposeA,
    transposeB,
    bias: bias === undefined ? undefined : heapFloats(wasm, bias),
  });
  return out;
}

function heapFloats(wasm: BackendWasm, x: tf.TensorInfo): Float32Array {
  return wasm.typedArrayFromHeap(x) as Float32Array;
}

/** The wasm backend's own kernel, given untransposed operands and a folded batch so that XNNPACK runs. */
function xnnpackMatMul(original: tf.KernelFunc, { inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const transposeA = attrs?.transposeA === true;
  const transposeB = attrs?.transposeB === true;
  const a = transposeA ? swapLastTwoAxes(required(inputs, 'a'), backend) : required(inputs, 'a');
  const b = transposeB ? swapLastTwoAxes(required(inputs, 'b'), backend) : required(inputs, 'b');
  try {
    const untransposed = { ...attrs, transposeA: false, transposeB: false };
    const batchA = batchSize(a);
    const batchB = batchSize(b);
    if (batchB === 1 && batchA > 1) {
      // [batch, m, k] x [k, n] is one [batch * m, k] x [k, n] product over the same memory.
      const [m, k] = a.shape.slice(-2);
      const rows: tf.TensorInfo = { dataId: a.dataId, shape: [1, batchA * m, k], dtype: a.dtype };
      const out = original({ inputs: { ...inputs, a: rows, b }, backend, attrs: untransposed }) as tf.TensorInfo;
      const batchShape = tf.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
      out.shape = [...batchShape, m, out.shape[out.shape.length - 1]];
      return out;
    }
    return original({ inputs: { ...inputs, a, b }, backend, attrs: untransposed }) as tf.TensorInfo;
  } finally {
    const wasm = backend as BackendWasm;
    if (transposeA) wasm.disposeData(a.dataId);
    if (transposeB) wasm.disposeData(b.dataId);
  }
}

function batchSize(x: tf.TensorInfo): number {
  return tf.util.sizeFromShape(x.shape.slice(0, -2));
}

function swapLastTwoAxes(x: tf.TensorInfo, backend: {}): tf.TensorInfo {
  const rank = x.shape.length;
  const perm = [...Array(rank).keys()];
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
  const transpose = tf.getKernel(tf.Transpose, WASM);
  if (transpose === undefined) throw new Error(`wasm kernel '${tf.Transpose}' is not registered`);
  return transpose.kernelFunc({ inputs: { x }, backend, attrs: { perm } }) as tf.TensorInfo;
}

function required(inputs: tf.NamedTensorInfoMap, name: string): tf.TensorInfo {
  const input = inputs[name];
  if (input === undefined) throw new Error(`kernel input '${name}' is missing`);
  return input;
}

/**
 * out[s, ...] = sum of x[i, ...] over the i with segmentIds[i] == s, in one pass over x
 * (the cpu backend's version does numSegments passes). Ids outside [0, numSegments) are
 * dropped, as the cpu backend does. segmentIds may have any rank that prefixes x's shape.
 */
function unsortedSegmentSum({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const wasm = backend as BackendWasm;
  const x = required(inputs, 'x');
  const segmentIds = required(inputs, 'segmentIds');
  const numSegments = attrs?.numSegments;
  if (typeof numSegments !== 'number' || !Number.isInteger(numSegments) || numSegments < 0) {
    throw new Error(`UnsortedSegmentSum: numSegments must be a non-negative integer, got ${String(numSegments)}`);
  }
  if (x.dtype !== 'float32' && x.dtype !== 'int32') {
    throw new Error(`UnsortedSegmentSum on wasm supports float32 and int32 values, got ${x.dtype}`);
  }
  if (segmentIds.dtype !== 'int32') {
    throw new Error(`UnsortedSegmentSum: segmentIds must be int32, got ${segmentIds.dtype}`);
  }
  const idsRank = segmentIds.shape.length;
  if (!segmentIds.shape.every((size, axis) => size === x.shape[axis])) {
    throw new Error(
      `UnsortedSegmentSum: segmentIds shape [${segmentIds.shape}] must prefix x shape [${x.shape}]`);
  }
  const rowShape = x.shape.slice(idsRank);
  const rowSize = tf.util.sizeFromShape(rowShape);

  const out = wasm.makeOutput([numSegments, ...rowShape], x.dtype);
  // Views into the heap are taken after makeOutput: an allocation may grow the wasm memory,
  // which detaches every view taken before it.
  const sums = wasm.typedArrayFromHeap(out);
  const values = wasm.typedArrayFromHeap(x);
  const ids = wasm.typedArrayFromHeap(segmentIds);
  sums.fill(0);
  for (let i = 0; i < ids.length; i++) {
    const segment = ids[i];
    if (segment < 0 || segment >= numSegments) continue;
    const from = i * rowSize;
    const to = segment * rowSize;
    for (let j = 0; j < rowSize; j++) sums[to + j] += values[from + j];
  }
  return out;
}

// Project-side kernels for the tfjs wasm backend (4.22). Its C++ matMul (shared by BatchMatMul
// and _FusedMatMul) takes the XNNPACK path only when neither transpose flag is set and both
// operands have batch size 1; anything else runs a naive loop at ~2-3 GFLOP/s (against ~30),
// and that loop, in _FusedMatMul, adds the bias wrongly (it indexes the bias by row * n + col,
// clamped to the last element, so every row after the first gets bias[n - 1]).
// Every Dense backward pass asks for a transpose, and tf.matMul(x3d, w2d) has batch > 1.
// - The matMul kernels are wrapped: transpose operands explicitly (wasm's Transpose kernel),
//   and fold a's batch into its rows when b has batch size 1, so the fast path runs.
// - UnsortedSegmentSum (the gradient of tf.gather, so of every Embedding) is not registered on
//   wasm at all; it gets a one-pass kernel here.
// The kernel registry lives on globalThis, so each worker_thread must call this itself.
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

const WASM = 'wasm';

/** The kernel functions this module registered, so registering twice is a no-op. */
const projectKernelFuncs = new WeakSet<tf.KernelFunc>();

/**
 * Registers the project kernels for the wasm backend in this thread. Idempotent. Needs
 * '@tensorflow/tfjs-backend-wasm' imported (it registers the kernels wrapped here); works
 * before or after `tf.setBackend('wasm')`.
 */
export function registerWasmKernels(): void {
  replaceWithFastPath(tf.BatchMatMul);
  replaceWithFastPath(tf._FusedMatMul);
  if (tf.getKernel(tf.UnsortedSegmentSum, WASM) === undefined) {
    tf.registerKernel({ kernelName: tf.UnsortedSegmentSum, backendName: WASM, kernelFunc: unsortedSegmentSum });
  }
}

function replaceWithFastPath(kernelName: string): void {
  const original = tf.getKernel(kernelName, WASM);
  if (original === undefined) {
    throw new Error(`wasm kernel '${kernelName}' is not registered: import '@tensorflow/tfjs-backend-wasm' first`);
  }
  if (projectKernelFuncs.has(original.kernelFunc)) return;
  const kernelFunc = onFastPath(original.kernelFunc);
  projectKernelFuncs.add(kernelFunc);
  tf.unregisterKernel(kernelName, WASM);
  // Keeping the original setupFunc matters: the original kernelFunc calls into wasm through a
  // function that setupFunc creates when the backend initializes.
  tf.registerKernel({ ...original, kernelFunc });
}

function onFastPath(original: tf.KernelFunc): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
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
      if (batchB > 1 && inputs.bias !== undefined) {
        throw new Error('_FusedMatMul with a bias and a batched b is computed wrongly by the wasm backend ' +
          '(tfjs 4.22): use tf.matMul and tf.add instead');
      }
      return original({ inputs: { ...inputs, a, b }, backend, attrs: untransposed });
    } finally {
      const wasm = backend as BackendWasm;
      if (transposeA) wasm.disposeData(a.dataId);
      if (transposeB) wasm.disposeData(b.dataId);
    }
  };
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

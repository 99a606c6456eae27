// A project kernel for tf.gather on the wasm backend (tfjs 4.22), for its common case: rows of a
// float32 matrix by int32 ids (axis 0, no batch dims), as every Embedding asks. The stock kernel
// checks each id with an assert that builds a closure per id, which costs more than the copy:
// ~2 ms for 544 rows of 128. Here the ids are checked in a plain loop and the rows copied where
// they lie in wasm memory. Anything else goes to the stock kernel.
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

const WASM = 'wasm';
const projectKernels = new WeakSet<tf.KernelFunc>();

export function registerGatherKernel(): void {
  const original = tf.getKernel(tf.GatherV2, WASM);
  if (original === undefined) throw new Error(`wasm kernel '${tf.GatherV2}' is not registered: import '@tensorflow/tfjs-backend-wasm' first`);
  if (projectKernels.has(original.kernelFunc)) return;
  const kernelFunc: tf.KernelFunc = (args) => (isRowGather(args) ? gatherRows(args) : original.kernelFunc(args));
  projectKernels.add(kernelFunc);
  tf.unregisterKernel(tf.GatherV2, WASM);
  tf.registerKernel({ ...original, kernelFunc });
}

function isRowGather({ inputs, attrs }: Parameters<tf.KernelFunc>[0]): boolean {
  const { x, indices } = inputs;
  return (attrs?.axis ?? 0) === 0 && (attrs?.batchDims ?? 0) === 0 && x?.dtype === 'float32' && x.shape.length === 2 && indices?.dtype === 'int32';
}

function gatherRows({ inputs, backend }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const wasm = backend as BackendWasm;
  const x = inputs.x!;
  const indices = inputs.indices!;
  const [rows, width] = x.shape;
  const out = wasm.makeOutput([...indices.shape, width], 'float32');
  // Views after makeOutput: growing wasm memory detaches the ones taken before.
  const table = wasm.typedArrayFromHeap(x) as Float32Array;
  const ids = wasm.typedArrayFromHeap(indices) as Int32Array;
  const values = wasm.typedArrayFromHeap(out) as Float32Array;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (!(id >= 0 && id < rows)) {
      wasm.disposeData(out.dataId);
      throw new Error(`GatherV2: the index value ${id} is not in [0, ${rows - 1}]`);
    }
    values.set(table.subarray(id * width, (id + 1) * width), i * width);
  }
  return out;
}

// Runs in a worker_thread for training-backend.test.ts: selects wasm in the worker's own tfjs
// engine and uses both project kernels there (a gather gradient throws without them).
import { parentPort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/training/backend.js';

async function main(): Promise<void> {
  const info = await selectBackend('wasm');
  const product = tf.matMul(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[5, 6], [7, 8]]), true, false);
  const gatherGradient = tf.grad((p: tf.Tensor) => tf.sum(tf.gather(p, tf.tensor1d([1, 1], 'int32'))))(tf.zeros([2, 2]));
  parentPort?.postMessage({ info, product: Array.from(product.dataSync()), gatherGradient: Array.from(gatherGradient.dataSync()) });
}

main().catch((error: unknown) => parentPort?.postMessage({ error: String(error) }));

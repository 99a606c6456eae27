import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { BACKEND_CHOICES, parseBackendChoice, selectBackend } from '../src/training/backend.js';
import { describeNativeGemm, nativeGemmStatus } from '../src/training/native-gemm.js';

function isInstalled(packageName: string): boolean {
  try {
    require.resolve(packageName);
    return true;
  } catch {
    return false;
  }
}

const nativeInstalled = isInstalled('@tensorflow/tfjs-node') || isInstalled('@tensorflow/tfjs-node-gpu');

test('parseBackendChoice accepts the TFJS_BACKEND values and rejects anything else naming them', () => {
  for (const choice of BACKEND_CHOICES) assert.equal(parseBackendChoice(choice), choice);
  for (const invalid of ['gpu', 'WASM', '', 'webgl']) {
    assert.throws(() => parseBackendChoice(invalid),
      new RegExp(`'${invalid}'.*auto, tensorflow-gpu, tensorflow, wasm, cpu`));
  }
});

test('auto without the native packages ends on wasm and records why each was skipped', { skip: nativeInstalled && 'a native tfjs package is installed here' }, async () => {
  const lines: string[] = [];
  const info = await selectBackend('auto', (line) => lines.push(line));
  assert.equal(info.backend, 'wasm');
  assert.equal(tf.getBackend(), 'wasm');
  assert.deepEqual(info.skipped, [
    { backend: 'tensorflow-gpu', reason: 'module @tensorflow/tfjs-node-gpu is not installed' },
    { backend: 'tensorflow', reason: 'module @tensorflow/tfjs-node is not installed' },
  ]);
  // Without the native GEMM, wasm adds a line saying why (training-native-gemm.test.ts checks it).
  const nativeGemm = nativeGemmStatus().gemm;
  const lineCount = nativeGemm === undefined ? 3 : 2;
  assert.equal(lines.length, lineCount);
  assert.match(lines[0], /tensorflow-gpu.*skipped.*tfjs-node-gpu is not installed/);
  assert.equal(info.tfjsVersion, tf.version.tfjs);
  assert.deepEqual(info.versions, {
    'tfjs-core': tf.version_core,
    'tfjs-backend-wasm': '4.22.0',
    'native-gemm': nativeGemm === undefined ? 'none' : describeNativeGemm(nativeGemm),
  });
  // The project kernels are in place: without them the gather gradient has no wasm kernel.
  const grad = tf.grad((p: tf.Tensor) => tf.sum(tf.gather(p, tf.tensor1d([0, 0], 'int32'))))(tf.zeros([2, 1]));
  assert.deepEqual(Array.from(grad.dataSync()), [2, 0]);
  tf.dispose(grad);

  const again = await selectBackend('auto', (line) => lines.push(line));
  assert.equal(again, info, 'a second call with the same choice returns the recorded result');
  assert.equal(lines.length, lineCount, 'and logs nothing new');
});

test('explicit cpu selects the cpu backend and records its version', async () => {
  const info = await selectBackend('cpu');
  assert.deepEqual(info, {
    backend: 'cpu',
    tfjsVersion: tf.version.tfjs,
    versions: { 'tfjs-core': tf.version_core, 'tfjs-backend-cpu': tf.version['tfjs-backend-cpu'] },
    skipped: [],
  });
  assert.equal(tf.getBackend(), 'cpu');
  const sum = tf.add(tf.scalar(2), tf.scalar(3));
  assert.equal(sum.dataSync()[0], 5);
  tf.dispose(sum);
});

test('explicit tensorflow without tfjs-node fails clearly and leaves the backend as it was', { skip: isInstalled('@tensorflow/tfjs-node') && '@tensorflow/tfjs-node is installed here' }, async () => {
  await selectBackend('wasm');
  await assert.rejects(selectBackend('tensorflow'),
    /^Error: TensorFlow.js backend 'tensorflow' is unavailable: module @tensorflow\/tfjs-node is not installed$/);
  assert.equal(tf.getBackend(), 'wasm');
});

test('selectBackend works inside a worker_thread, with the project kernels registered there', async () => {
  const worker = new Worker(path.join(__dirname, 'support', 'backend-worker.js'));
  const message = await new Promise<Record<string, unknown>>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  assert.equal(message.error, undefined);
  assert.equal((message.info as { backend: string }).backend, 'wasm');
  assert.deepEqual(message.product, [26, 30, 38, 44]);
  assert.deepEqual(message.gatherGradient, [0, 0, 2, 2]);
});

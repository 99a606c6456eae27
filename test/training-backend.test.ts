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

/** The native packages in the order `auto` tries them. Optional: their install downloads libtensorflow, which CI may not reach. */
const NATIVE = [
  { backend: 'tensorflow-gpu', packageName: '@tensorflow/tfjs-node-gpu' },
  { backend: 'tensorflow', packageName: '@tensorflow/tfjs-node' },
] as const;

test('parseBackendChoice accepts the TFJS_BACKEND values and rejects anything else naming them', () => {
  for (const choice of BACKEND_CHOICES) assert.equal(parseBackendChoice(choice), choice);
  for (const invalid of ['gpu', 'WASM', '', 'webgl']) {
    assert.throws(() => parseBackendChoice(invalid),
      new RegExp(`'${invalid}'.*auto, tensorflow-gpu, tensorflow, wasm, cpu`));
  }
});

test('auto takes the first backend that loads (tensorflow-gpu, tensorflow, wasm) and records why it passed over the others', async () => {
  const lines: string[] = [];
  const info = await selectBackend('auto', (line) => lines.push(line));
  for (const { backend, packageName } of NATIVE) {
    if (info.backend === backend) break;
    const skip = info.skipped.find((skipped) => skipped.backend === backend);
    if (!isInstalled(packageName)) {
      assert.deepEqual(skip, { backend, reason: `module ${packageName} is not installed` });
    } else if (backend === 'tensorflow') {
      // Installed, the CPU package must load: passing it over would hide a broken install behind wasm.
      assert.fail(`${packageName} is installed but auto passed it over: ${skip?.reason}`);
    } else {
      assert.ok(skip?.reason, 'the GPU package was passed over without a reason (no GPU device is one)');
    }
  }

  // One line per skip; without the native GEMM, wasm adds one saying why (training-native-gemm.test.ts checks it).
  const nativeGemm = nativeGemmStatus().gemm;
  const lineCount = info.skipped.length + (info.backend === 'wasm' && nativeGemm === undefined ? 1 : 0);
  assert.equal(lines.length, lineCount, lines.join('\n'));
  if (info.backend === 'wasm') {
    assert.equal(tf.getBackend(), 'wasm');
    assert.deepEqual(info.versions, {
      'tfjs-core': tf.version_core,
      'tfjs-backend-wasm': '4.22.0',
      'native-gemm': nativeGemm === undefined ? 'none' : describeNativeGemm(nativeGemm),
    });
    // The project kernels are in place: without them the gather gradient has no wasm kernel.
    const grad = tf.grad((p: tf.Tensor) => tf.sum(tf.gather(p, tf.tensor1d([0, 0], 'int32'))))(tf.zeros([2, 1]));
    assert.deepEqual(Array.from(grad.dataSync()), [2, 0]);
    tf.dispose(grad);
  } else {
    assert.ok(info.backend === 'tensorflow-gpu' || info.backend === 'tensorflow', `auto chose ${info.backend} over wasm`);
    assert.equal(tf.getBackend(), 'tensorflow');
    assert.ok(info.versions['tfjs-node'] ?? info.versions['tfjs-node-gpu'], `no native package version in ${JSON.stringify(info.versions)}`);
    const product = tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]]));
    assert.deepEqual(Array.from(product.dataSync()), [11]);
    tf.dispose(product);
  }
  assert.equal(info.tfjsVersion, tf.version.tfjs);

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

test('explicit tensorflow: tfjs-node where it is installed, else a clear error that leaves the backend as it was', async () => {
  await selectBackend('wasm');
  if (isInstalled('@tensorflow/tfjs-node')) {
    const info = await selectBackend('tensorflow');
    assert.equal(info.backend, 'tensorflow');
    assert.equal(tf.getBackend(), 'tensorflow');
    assert.ok(info.versions['tfjs-node'], JSON.stringify(info.versions));
    await selectBackend('wasm');
  } else {
    await assert.rejects(selectBackend('tensorflow'),
      /^Error: TensorFlow.js backend 'tensorflow' is unavailable: module @tensorflow\/tfjs-node is not installed$/);
    assert.equal(tf.getBackend(), 'wasm');
  }
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

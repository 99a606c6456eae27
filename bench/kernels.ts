// Measures the project's wasm kernels against what tfjs ships:
//   node dist/bench/kernels.js
// 1. Dense(768 -> 136) forward and backward matMuls on wasm, stock kernels then project kernels.
// 2. The gather gradient (UnsortedSegmentSum) for a 2^18 x 128 table and 64 x 100 indices:
//    project wasm kernel against the cpu backend's kernel. The cpu kernel makes one pass over
//    the whole input per segment, so it is timed on a few segments and scaled to 2^18.
// Single-threaded; on a shared machine the numbers move with the load.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmKernels } from '../src/training/wasm-kernels.js';

const IN = 768;
const OUT = 136;
const VOCAB = 2 ** 18;
const DIM = 128;
const LOOKUPS = 64 * 100;

/** Median milliseconds per call of `run`, over at least 5 calls and 1 s, after one warm-up. */
function medianMs(run: () => void): number {
  run();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < 5 || performance.now() - start < 1000) {
    const t = performance.now();
    run();
    times.push(performance.now() - t);
  }
  times.sort((x, y) => x - y);
  return times[Math.floor(times.length / 2)];
}

/** Runs `compute` inside tidy (wasm and cpu kernels are synchronous: done when it returns). */
function timed(compute: () => tf.Tensor | tf.Tensor[]): () => void {
  return () => tf.tidy(() => {
    compute();
  });
}

function report(name: string, flops: number, ms: number): void {
  console.log(`${name.padEnd(58)} ${(flops / ms / 1e6).toFixed(2).padStart(8)} GFLOP/s ${ms.toFixed(2).padStart(10)} ms`);
}

function uniform(shape: number[]): tf.Tensor {
  return tf.randomUniform(shape, -1, 1);
}

function benchDense(label: string): void {
  const w = uniform([IN, OUT]);
  const bias = uniform([OUT]);
  for (const batch of [64, 512]) {
    const x = uniform([batch, IN]);
    const dy = uniform([batch, OUT]);
    const flops = 2 * batch * IN * OUT;
    report(`${label} forward  x[${batch},${IN}] . W (fused, bias)`, flops,
      medianMs(timed(() => tf.fused.matMul({ a: x, b: w, bias }))));
    report(`${label} backward dW = x^T . dy, dx = dy . W^T`, 2 * flops,
      medianMs(timed(() => [tf.matMul(x, dy, true, false), tf.matMul(dy, w, false, true)])));
    tf.dispose([x, dy]);
  }
  const x3 = uniform([8, 64, IN]);
  report(`${label} forward  x[8,64,${IN}] . W (batched a)`, 2 * 8 * 64 * IN * OUT, medianMs(timed(() => tf.matMul(x3, w))));
  tf.dispose([w, bias, x3]);
}

function segmentInputs(numSegments: number): [tf.Tensor2D, tf.Tensor1D] {
  return [tf.randomUniform([LOOKUPS, DIM], -1, 1), tf.randomUniform([LOOKUPS], 0, numSegments, 'int32')];
}

async function main(): Promise<void> {
  tf.enableProdMode();
  await tf.setBackend('wasm');
  console.log(`tfjs ${tf.version.tfjs}, wasm backend, Node ${process.version}`);
  benchDense('wasm stock  ');
  registerWasmKernels();
  benchDense('wasm project');

  // Useful work of the segment sum: one add per looked-up value.
  const adds = LOOKUPS * DIM;
  const [values, ids] = segmentInputs(VOCAB);
  report(`wasm project UnsortedSegmentSum ${LOOKUPS}x${DIM} -> ${VOCAB} rows`, adds,
    medianMs(timed(() => tf.unsortedSegmentSum(values, ids, VOCAB))));
  const table = uniform([VOCAB, DIM]);
  const lookups = ids.reshape([64, 100]);
  const upstream = uniform([64, 100, DIM]);
  const gatherGrad = tf.grad((p: tf.Tensor) => tf.sum(tf.mul(tf.gather(p, lookups), upstream)));
  report(`wasm project tf.grad of gather, table ${VOCAB}x${DIM}, idx 64x100`, adds,
    medianMs(timed(() => gatherGrad(table))));
  tf.dispose([values, ids, table, lookups, upstream]);

  await tf.setBackend('cpu');
  const fewSegments = 8;
  const [cpuValues, cpuIds] = segmentInputs(fewSegments);
  const perSegmentMs = medianMs(timed(() => tf.unsortedSegmentSum(cpuValues, cpuIds, fewSegments))) / fewSegments;
  report(`cpu          UnsortedSegmentSum, ${fewSegments} rows timed, x ${VOCAB / fewSegments}`, adds, perSegmentMs * VOCAB);
  tf.dispose([cpuValues, cpuIds]);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

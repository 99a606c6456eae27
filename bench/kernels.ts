// Measures the project's wasm kernels against what tfjs ships:
//   node dist/bench/kernels.js
// 1. Dense(768 -> 136) forward and backward matMuls on wasm: stock kernels, then the project
//    kernels on XNNPACK, then on the native GEMM (when it is built: native-gemm.ts).
// 2. BERT-base's matMuls for 4 texts of 136 tokens (544 rows), as a table of GFLOP/s on the
//    same three: the Dense layers, their gradients (transposed operands) and attention (a batch
//    of 4 x 12 heads). Stock tfjs runs a naive loop for anything transposed or batched; the
//    project's XNNPACK path still does when both operands are batched (attention).
// 3. The gather gradient (UnsortedSegmentSum) for a 2^18 x 128 table and 64 x 100 indices:
//    project wasm kernel against the cpu backend's kernel. The cpu kernel makes one pass over
//    the whole input per segment, so it is timed on a few segments and scaled to 2^18.
// Single-threaded; on a shared machine the numbers move with the load.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describeNativeGemm, nativeGemmStatus } from '../src/training/native-gemm.js';
import { registerWasmKernels } from '../src/training/wasm-kernels.js';

const IN = 768;
const OUT = 136;
const VOCAB = 2 ** 18;
const DIM = 128;
const LOOKUPS = 64 * 100;

/** Median milliseconds per call of `run`, over at least 5 calls and `minMs`, after one warm-up. */
function medianMs(run: () => void, minMs = 1000): number {
  run();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < 5 || performance.now() - start < minMs) {
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

interface BertMatMul {
  name: string;
  /** Shapes of a and b as stored, and the transposes matMul is asked for. */
  a: number[];
  b: number[];
  transposeA?: boolean;
  transposeB?: boolean;
}

const ROWS = 544;
const BERT_MATMULS: BertMatMul[] = [
  { name: 'query/key/value, attention output', a: [ROWS, 768], b: [768, 768] },
  { name: 'intermediate', a: [ROWS, 768], b: [768, 3072] },
  { name: 'output', a: [ROWS, 3072], b: [3072, 768] },
  { name: 'small Dense', a: [ROWS, 128], b: [128, 128] },
  { name: 'small intermediate', a: [ROWS, 128], b: [128, 512] },
  { name: 'gradient dW = x^T dy', a: [ROWS, 768], b: [ROWS, 768], transposeA: true },
  { name: 'gradient dx = dy W^T', a: [ROWS, 3072], b: [768, 3072], transposeB: true },
  { name: 'attention scores q k^T', a: [4, 12, 136, 64], b: [4, 12, 136, 64], transposeB: true },
  { name: 'attention context p v', a: [4, 12, 136, 136], b: [4, 12, 136, 64] },
];

function flopsOf({ a, b, transposeA, transposeB }: BertMatMul): number {
  const [m, k] = transposeA ? [a[a.length - 1], a[a.length - 2]] : a.slice(-2);
  const n = transposeB ? b[b.length - 2] : b[b.length - 1];
  return 2 * tf.util.sizeFromShape(a.slice(0, -2)) * m * n * k;
}

function describeMatMul({ a, b, transposeA, transposeB }: BertMatMul): string {
  return `[${a}]${transposeA ? '^T' : ''} x [${b}]${transposeB ? '^T' : ''}`;
}

/** GFLOP/s of each BERT matMul with the kernels registered now; each measured for 0.5 s. */
function benchBert(): number[] {
  return BERT_MATMULS.map((matMul) => {
    const a = uniform(matMul.a);
    const b = uniform(matMul.b);
    const ms = medianMs(timed(() => tf.matMul(a, b, matMul.transposeA, matMul.transposeB)), 500);
    tf.dispose([a, b]);
    return flopsOf(matMul) / ms / 1e6;
  });
}

function reportBert(columns: Array<{ label: string; gflops: number[] }>): void {
  console.log(`\nBERT-base matMuls, ${ROWS} rows (4 texts x 136 tokens), GFLOP/s:`);
  console.log(`${'matMul'.padEnd(36)} ${'shape'.padEnd(30)}${columns.map(({ label }) => label.padStart(9)).join('')}`);
  BERT_MATMULS.forEach((matMul, i) => {
    const cells = columns.map(({ gflops }) => gflops[i].toFixed(1).padStart(9)).join('');
    console.log(`${matMul.name.padEnd(36)} ${describeMatMul(matMul).padEnd(30)}${cells}`);
  });
}

function segmentInputs(numSegments: number): [tf.Tensor2D, tf.Tensor1D] {
  return [tf.randomUniform([LOOKUPS, DIM], -1, 1), tf.randomUniform([LOOKUPS], 0, numSegments, 'int32')];
}

async function main(): Promise<void> {
  tf.enableProdMode();
  await tf.setBackend('wasm');
  const native = nativeGemmStatus();
  console.log(`tfjs ${tf.version.tfjs}, wasm backend, Node ${process.version}, native GEMM: ${
    native.gemm === undefined ? `none (${native.reason})` : describeNativeGemm(native.gemm)}`);
  // Stock first: registering the project kernels cannot be undone.
  benchDense('wasm stock  ');
  const bert = [{ label: 'stock', gflops: benchBert() }];
  registerWasmKernels(null);
  benchDense('wasm XNNPACK');
  bert.unshift({ label: 'XNNPACK', gflops: benchBert() });
  if (native.gemm !== undefined) {
    registerWasmKernels(native.gemm);
    benchDense('wasm native ');
    bert.unshift({ label: 'native', gflops: benchBert() });
  }
  reportBert(bert);
  console.log();

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

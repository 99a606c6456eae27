import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { BackendChoice, readHuggingFaceFolder, selectBackend } from '../training/index.js';
import { BertEncoder, inferenceNetwork } from '../training/bert/bert-encoder.js';
import { BertTraining } from '../training/bert/bert-training.js';
import { tokenizeTexts } from '../training/encoders.js';
import { Classifier } from '../training/model.js';
import { encodeTextsInParallel } from '../training/parallel-encoding.js';
import { Random } from '../training/random.js';
import { TrainableModel } from '../training/trainable-model.js';
import { ReferenceScript, requireReferenceScript, runReferenceScript } from './reference-script.js';
import { readReferenceTexts } from './reference-texts.js';

export interface SpeedOptions {
  model: string;
  texts: string;
  batch: number;
  seconds: number;
  backend: BackendChoice;
}

/** One thread's figures, measured as the PyTorch reference's `speed` command measures its own. */
export interface ThreadSpeed {
  examplesPerSecond: number;
  trainStepMs: number;
  meanTokens: number;
}

export interface SpeedResult extends ThreadSpeed {
  threads: number;
  batch: number;
  hidden: number;
  layers: number;
  /** All texts through Headroom's own path (length-sorted batches, every thread): what a run's feature extraction costs. */
  pipelineExamplesPerSecond: number;
}

/**
 * The peer's protocol: batches of `batch` texts in file order (cycling), each padded to its
 * longest; feature extraction counted in examples per second, then one fine-tuning step
 * (forward with dropout, cross-entropy on random labels, backward, AdamW on every weight) in
 * milliseconds, each after one warm-up call and for `seconds`.
 */
export async function measureThread(options: SpeedOptions, part: { index: number; of: number } = { index: 0, of: 1 }): Promise<ThreadSpeed> {
  await selectBackend(options.backend);
  const model = await readHuggingFaceFolder(options.model);
  const all = tokenizeTexts(model.encoder, readReferenceTexts(options.texts));
  const sequences = all.filter((_, i) => i % part.of === part.index);
  const batchOf = (i: number) => Array.from({ length: options.batch }, (_, k) => sequences[(i * options.batch + k) % sequences.length]);
  const timed = (step: (i: number) => number) => {
    step(0);
    const started = performance.now();
    let done = 0;
    for (let i = 1; performance.now() - started < options.seconds * 1000; i++) done += step(i);
    return { done, seconds: (performance.now() - started) / 1000 };
  };
  const network = inferenceNetwork(model.encoder);
  const inference = timed((i) => {
    network.pooled(batchOf(i)).dispose();
    return options.batch;
  });
  const training = timed(trainingStep(model, batchOf));
  return {
    examplesPerSecond: inference.done / inference.seconds,
    trainStepMs: (1000 * training.seconds) / training.done,
    meanTokens: sequences.reduce((sum, ids) => sum + ids.length, 0) / sequences.length,
  };
}

/** A fine-tuning step of the whole classifier at the reference's rate, 1e-5, on random labels. */
function trainingStep(model: Classifier<BertEncoder>, batchOf: (i: number) => Int32Array[]): (i: number) => number {
  const random = new Random(0);
  const encoderTraining = new BertTraining(model.encoder, { learningRate: 1e-5, weightDecay: 0.01, trainableLayers: null, tokenDropout: 0 }, random.fork('dropout'));
  const trainable = new TrainableModel({ encoderTraining, head: model.head, oldLabelCount: model.labels.length, trainOldRows: true, learningRate: 1e-5, distillation: null });
  return (i) => {
    const tokens = batchOf(i);
    const labels = Int32Array.from(tokens, () => random.int(model.labels.length));
    const indices = tokens.map((_, k) => k);
    trainable.step({ labels, tokens }, indices, 1).dispose();
    return 1;
  };
}

/**
 * `threads` threads at once, each on every `threads`-th text, as Headroom uses cores (a training
 * or an extraction per thread): extraction rates add up; step times are each thread's own.
 */
export async function measureEncoderSpeed(options: SpeedOptions & { threads: number }): Promise<SpeedResult> {
  const parts =
    options.threads === 1
      ? [await measureThread(options)]
      : await Promise.all(Array.from({ length: options.threads }, (_, index) => onThread(options, { index, of: options.threads })));
  await selectBackend(options.backend);
  const model = await readHuggingFaceFolder(options.model);
  const texts = readReferenceTexts(options.texts);
  // Warm, as the per-thread figures are: the first batches of each shape cost more.
  await encodeTextsInParallel(model.encoder, texts.slice(0, 256), { threads: 1, backend: options.backend });
  const started = performance.now();
  await encodeTextsInParallel(model.encoder, texts, { threads: options.threads, backend: options.backend });
  const { architecture } = model.encoder.config;
  return {
    threads: options.threads,
    batch: options.batch,
    hidden: architecture.hiddenSize,
    layers: architecture.layers,
    examplesPerSecond: parts.reduce((sum, part) => sum + part.examplesPerSecond, 0),
    trainStepMs: parts.reduce((sum, part) => sum + part.trainStepMs, 0) / parts.length,
    meanTokens: parts.reduce((sum, part) => sum + part.meanTokens, 0) / parts.length,
    pipelineExamplesPerSecond: texts.length / ((performance.now() - started) / 1000),
  };
}

function onThread(options: SpeedOptions, part: { index: number; of: number }): Promise<ThreadSpeed> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(path.join(__dirname, 'encoder-speed-entry.js'), { workerData: { options, part } });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

/**
 * Headroom's figures and, from the same session, the reference's `speed` at the same thread
 * count (OpenBLAS held to it as well: torch.set_num_threads alone leaves OpenBLAS its own threads).
 */
export async function encoderSpeedAgainstReference(
  options: SpeedOptions & { threads: number; reference: ReferenceScript | null },
): Promise<{ headroom: SpeedResult; reference: Record<string, number> | null; ratios: Record<string, number> | null }> {
  // Checked first: a missing script should not be heard of only after Headroom's measurement.
  if (options.reference) requireReferenceScript(options.reference);
  const headroom = await measureEncoderSpeed(options);
  if (!options.reference) return { headroom, reference: null, ratios: null };
  const threads = `${options.threads}`;
  const { stdout } = await runReferenceScript(
    options.reference,
    ['speed', '--model', options.model, '--texts', options.texts, '--threads', threads, '--batch', `${options.batch}`, '--seconds', `${options.seconds}`],
    { ...process.env, OPENBLAS_NUM_THREADS: threads, OMP_NUM_THREADS: threads },
  );
  const reference = JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, number>;
  return {
    headroom,
    reference,
    ratios: {
      /** How many times slower than the reference Headroom extracts features (1 = as fast). */
      extraction: reference.examplesPerSecond / headroom.examplesPerSecond,
      trainStep: headroom.trainStepMs / reference.trainStepMs,
    },
  };
}

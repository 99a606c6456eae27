import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { BackendChoice } from './backend.js';
import { BertEncoder, inferenceBatches, inSequenceOrder } from './bert/bert-encoder.js';
import { encodeTokens, isBert, tokenizeTexts } from './encoders.js';
import { FeatureCache, featureKey } from './features.js';
import type { Encoder } from './model.js';

/**
 * Encodings smaller than this many multiply-adds stay on one thread: a thread's start-up (tfjs,
 * wasm, the weights) costs about as much as a second of work. 5e10 is about 20,000 short texts
 * on a 2-layer BERT of width 128, or 300 on BERT-base.
 */
const WORTH_A_THREAD = 5e10;

export interface ParallelEncoding {
  /** Threads to use at most (the cores, for a whole machine). */
  threads: number;
  /** The backend each thread selects: the caller's own. */
  backend: BackendChoice;
  /** Multiply-adds each thread must have to do for the work to be split (default WORTH_A_THREAD). */
  workPerThread?: number;
}

/**
 * encodeTexts with every core, for BERT: the length-sorted inference batches are dealt out to
 * worker threads in contiguous runs, each encoded by a tfjs engine of its own, and the rows put
 * back in order. The batches are exactly those one thread would run, so the features are too.
 * The embedding bag encodes faster than a thread starts, so it stays on this one.
 */
export async function encodeTextsInParallel(encoder: Encoder, texts: readonly string[], options: ParallelEncoding, cache?: FeatureCache): Promise<Float32Array> {
  const key = cache ? featureKey(encoder, texts) : '';
  const cached = cache?.get(key);
  if (cached) return cached;
  const tokens = tokenizeTexts(encoder, texts);
  const threads = isBert(encoder) ? Math.min(options.threads, Math.floor(multiplyAdds(encoder, tokens) / (options.workPerThread ?? WORTH_A_THREAD))) : 1;
  const features = threads >= 2 && isBert(encoder) ? await encodeOnThreads(encoder, tokens, threads, options.backend) : encodeTokens(encoder, tokens);
  cache?.set(key, features);
  return features;
}

/** The Dense layers' multiply-adds over every token: what the encoding costs, roughly. */
function multiplyAdds(encoder: BertEncoder, tokens: Int32Array[]): number {
  const { hiddenSize: h, intermediateSize, layers } = encoder.config.architecture;
  return tokens.reduce((sum, ids) => sum + ids.length, 0) * layers * (4 * h * h + 2 * h * intermediateSize);
}

async function encodeOnThreads(encoder: BertEncoder, tokens: Int32Array[], threads: number, backend: BackendChoice): Promise<Float32Array> {
  const batches = inferenceBatches(tokens);
  const perThread = Math.ceil(batches.length / threads);
  const runs = Array.from({ length: threads }, (_, i) => batches.slice(i * perThread, (i + 1) * perThread)).filter((run) => run.length > 0);
  const parts = await Promise.all(runs.map((run) => encodeOnThread(encoder, run.map((rows) => rows.map((row) => tokens[row])), backend)));
  const batched = new Float32Array(tokens.length * encoder.config.dim);
  let offset = 0;
  for (const part of parts) {
    batched.set(part, offset);
    offset += part.length;
  }
  return inSequenceOrder(batched, batches, encoder.config.dim);
}

function encodeOnThread(encoder: BertEncoder, batches: Int32Array[][], backend: BackendChoice): Promise<Float32Array> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(path.join(__dirname, 'parallel-encoding-entry.js'), { workerData: { encoder, batches, backend } });
    worker.once('message', (message: { features: Float32Array } | { error: string }) => {
      if ('features' in message) resolve(message.features);
      else reject(new Error(`a feature extraction thread failed: ${message.error}`));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`a feature extraction thread exited with code ${code}`))));
  });
}

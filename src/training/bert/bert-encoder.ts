import type { HuggingFaceOrigin } from '../huggingface/origin.js';
import { BertNetwork } from './bert-network.js';
import { BertArchitecture, BertWeights } from './bert-weights.js';
import { WordPieceConfig, WordPieceTokenizer } from './wordpiece.js';

/** A BERT encoder as the rest of Headroom describes it (stored with checkpoints, shown in the API). */
export interface BertEncoderConfig {
  kind: 'bert';
  /** Width of the features: the pooled output, hidden_size wide. */
  dim: number;
  architecture: BertArchitecture;
  /** Tokens per text, [CLS] and [SEP] included; longer texts are cut, as the tokenizer's truncation does. */
  maxLength: number;
  tokenizer: { source: 'tokenizer.json' | 'vocab.txt'; lowercase: boolean; stripAccents: boolean; vocabularySize: number };
}

/** BERT up to its pooler: a text's features are tanh(dense(h[CLS])), what the classifier reads. */
export interface BertEncoder {
  config: BertEncoderConfig;
  weights: BertWeights;
  tokenizer: WordPieceConfig;
  huggingFace: HuggingFaceOrigin;
}

const tokenizers = new WeakMap<WordPieceConfig, WordPieceTokenizer>();

export function bertTokenizer(encoder: BertEncoder): WordPieceTokenizer {
  let tokenizer = tokenizers.get(encoder.tokenizer);
  if (!tokenizer) {
    tokenizer = new WordPieceTokenizer(encoder.tokenizer);
    tokenizers.set(encoder.tokenizer, tokenizer);
  }
  return tokenizer;
}

export function tokenizeForBert(encoder: BertEncoder, texts: readonly string[]): Int32Array[] {
  return bertTokenizer(encoder).encodeAll(texts, encoder.config.maxLength);
}

/** Texts per forward pass. Larger batches keep matMul efficient; sorting by length keeps padding small. */
const INFERENCE_BATCH = 64;

/**
 * How inference groups sequences: by length, INFERENCE_BATCH at a time, so little is spent on
 * padding. Results do not depend on the grouping (padding is masked out) beyond float rounding;
 * doing the same grouping everywhere (one thread or several) makes them identical.
 */
export function inferenceBatches(sequences: readonly Int32Array[]): number[][] {
  const order = [...sequences.keys()].sort((a, b) => sequences[a].length - sequences[b].length || a - b);
  return Array.from({ length: Math.ceil(order.length / INFERENCE_BATCH) }, (_, i) => order.slice(i * INFERENCE_BATCH, (i + 1) * INFERENCE_BATCH));
}

/** Features of each batch, dropout off, one after the other: [sum of batch sizes, dim]. */
export function encodeBatches(network: BertNetwork, batches: ReadonlyArray<readonly Int32Array[]>): Float32Array {
  const dim = network.architecture.hiddenSize;
  const out = new Float32Array(batches.reduce((sum, batch) => sum + batch.length, 0) * dim);
  let row = 0;
  for (const batch of batches) {
    const pooled = network.pooled(batch);
    out.set(pooled.dataSync() as Float32Array, row * dim);
    pooled.dispose();
    row += batch.length;
  }
  return out;
}

/** Features [sequences, dim] in the sequences' order, from batch-ordered ones. */
export function inSequenceOrder(batched: Float32Array, batches: number[][], dim: number): Float32Array {
  const out = new Float32Array(batched.length);
  batches.flat().forEach((sequence, row) => out.set(batched.subarray(row * dim, (row + 1) * dim), sequence * dim));
  return out;
}

/** Features [sequences, dim] of token sequences, dropout off. */
export function encodeWithBert(network: BertNetwork, sequences: readonly Int32Array[]): Float32Array {
  const batches = inferenceBatches(sequences);
  const batched = encodeBatches(network, batches.map((rows) => rows.map((row) => sequences[row])));
  return inSequenceOrder(batched, batches, network.architecture.hiddenSize);
}

/**
 * Inference networks of the last few encoders used: putting BERT-base's weights into tfjs costs
 * about as much as encoding a few hundred texts, so it is done once per encoder, not per call.
 */
const NETWORKS_KEPT = 2;
const networks = new Map<BertWeights, BertNetwork>();

export function inferenceNetwork(encoder: BertEncoder): BertNetwork {
  let network = networks.get(encoder.weights);
  if (network) {
    networks.delete(encoder.weights);
  } else {
    network = new BertNetwork(encoder.config.architecture, encoder.weights, 0, bertTokenizer(encoder).padId);
  }
  networks.set(encoder.weights, network);
  for (const [weights, oldest] of networks) {
    if (networks.size <= NETWORKS_KEPT) break;
    networks.delete(weights);
    oldest.dispose();
  }
  return network;
}

/** Frees the inference networks' weights in tfjs (they are made again when next needed). */
export function releaseInferenceNetworks(): void {
  for (const network of networks.values()) network.dispose();
  networks.clear();
}

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
 * Features [texts, dim] of token sequences, dropout off. Sequences of similar length are run
 * together, so little is spent on padding; results do not depend on the grouping (padding is
 * masked out), only the work does.
 */
export function encodeWithBert(network: BertNetwork, sequences: readonly Int32Array[]): Float32Array {
  const dim = network.architecture.hiddenSize;
  const out = new Float32Array(sequences.length * dim);
  const order = [...sequences.keys()].sort((a, b) => sequences[a].length - sequences[b].length);
  for (let start = 0; start < order.length; start += INFERENCE_BATCH) {
    const rows = order.slice(start, start + INFERENCE_BATCH);
    const pooled = network.pooled(rows.map((row) => sequences[row]));
    const values = pooled.dataSync() as Float32Array;
    pooled.dispose();
    rows.forEach((row, i) => out.set(values.subarray(i * dim, (i + 1) * dim), row * dim));
  }
  return out;
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

/**
 * The classifier the training engine trains and the rest of Headroom stores: a text encoder and a
 * linear head over its features, bound to an ordered list of labels (label i = head row i).
 * Plain typed arrays, not tensors, so a model crosses worker_threads, files and processes as is.
 *
 * Two kinds of encoder make the features: the embedding bag Headroom trains itself, and BERT
 * imported from Hugging Face. Head expansion, strategies and metrics read features only;
 * `encoders.ts` is where the kinds differ.
 */
import type { BertEncoder } from './bert/bert-encoder.js';

/** How text becomes bucket ids: normalised words and character n-grams, hashed into a fixed space. */
export interface TokenizerConfig {
  /** Size of the hashed id space (rows of the embedding table). */
  buckets: number;
  /** Word n-grams up to this length (1 = words only, 2 = words and bigrams). */
  wordNgrams: number;
  /** Character n-grams of each word (with boundary marks), from min to max length; 0 and 0 for none. */
  charNgramMin: number;
  charNgramMax: number;
  /** Seed of the hash, so two tokenizers can be made to disagree on purpose. */
  hashSeed: number;
}

/**
 * A fastText-style encoder: the mean of the embedding rows of a text's bucket ids, then (with
 * layerNorm) each feature vector standardised to zero mean and unit variance over its dims, as a
 * transformer's final LayerNorm (without the affine part) does.
 */
export interface EmbeddingBagConfig {
  kind: 'embedding-bag';
  dim: number;
  layerNorm: boolean;
  tokenizer: TokenizerConfig;
}

export interface EmbeddingBagEncoder {
  config: EmbeddingBagConfig;
  /** [tokenizer.buckets, dim], row-major. */
  table: Float32Array;
}

export type Encoder = EmbeddingBagEncoder | BertEncoder;
/** What an encoder's config says about it; `kind` tells the encoders apart, `dim` is the features' width. */
export type EncoderConfig = Encoder['config'];

/** logits = features . weight^T + bias, stored in PyTorch's layout: one row per label. */
export interface LinearHead {
  dim: number;
  /** [labels, dim], row-major: row i scores label i. */
  weight: Float32Array;
  /** [labels] */
  bias: Float32Array;
}

export interface Classifier<E extends Encoder = Encoder> {
  labels: string[];
  encoder: E;
  head: LinearHead;
}

export function labelCount(head: LinearHead): number {
  return head.bias.length;
}

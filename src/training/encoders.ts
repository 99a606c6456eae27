/**
 * Where the two kinds of encoder differ, and nowhere else: how texts become token ids, how token
 * ids become features, how an encoder is fingerprinted and trained. Everything downstream (head
 * expansion, strategies, metrics, the loop) sees features and token ids only.
 */
import { BertEncoder, encodeWithBert, inferenceNetwork, tokenizeForBert } from './bert/bert-encoder.js';
import { BertTraining } from './bert/bert-training.js';
import { weightArrays } from './bert/bert-weights.js';
import { EmbeddingBagTraining } from './embedding-bag-training.js';
import { encodeBags } from './encoder.js';
import { EncoderTraining, EncoderTrainingOptions } from './encoder-training.js';
import { Encoder } from './model.js';
import type { Random } from './random.js';
import { tokenizeAll } from './tokenizer.js';

/** Token ids of each text: hashed n-gram buckets for the embedding bag, WordPiece ids for BERT. */
export function tokenizeTexts(encoder: Encoder, texts: readonly string[]): Int32Array[] {
  return isBert(encoder) ? tokenizeForBert(encoder, texts) : tokenizeAll(texts, encoder.config.tokenizer);
}

/** Features [tokens.length, dim] of the frozen encoder. */
export function encodeTokens(encoder: Encoder, tokens: readonly Int32Array[]): Float32Array {
  return isBert(encoder) ? encodeWithBert(inferenceNetwork(encoder), tokens) : encodeBags(encoder, tokens);
}

export function startEncoderTraining(encoder: Encoder, options: EncoderTrainingOptions, random: Random): EncoderTraining {
  return isBert(encoder) ? new BertTraining(encoder, options, random) : new EmbeddingBagTraining(encoder, options, random);
}

/** Every weight array of the encoder, in a fixed order. */
export function encoderArrays(encoder: Encoder): Float32Array[] {
  return isBert(encoder) ? weightArrays(encoder.weights) : [encoder.table];
}

export function isBert(encoder: Encoder): encoder is BertEncoder {
  return encoder.config.kind === 'bert';
}

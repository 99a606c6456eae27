import type * as tf from '@tensorflow/tfjs';
import type { Encoder } from './model.js';

/**
 * An encoder being trained along with the head (FULL_MODEL, base training). The head's loop asks
 * it for one batch's features inside the gradient tape, then hands back the gradients of the
 * variables it named; how the encoder turns those into updates is its own business (sparse rows
 * for the embedding bag, AdamW for BERT).
 */
export interface EncoderTraining {
  /**
   * How many tokens (padded) one gradient pass may hold: the tape keeps every layer's activations
   * until backward, and the wasm heap is 4 GiB at most. A larger batch is split into passes whose
   * gradients are summed and applied once, the same step in smaller pieces.
   */
  readonly tokensPerPass: number;
  /** One pass of the current step over these sequences. */
  pass(tokens: readonly Int32Array[]): EncoderPass;
  /** Ends the step: applies the gradients of the passes' variables (summed over them) at `rateScale` times the set rate. */
  apply(gradients: tf.NamedTensorMap, rateScale: number): void;
  /** Features of token sequences under the encoder as it is now, as evaluation sees them (no dropout). */
  encode(tokens: readonly Int32Array[]): Float32Array;
  /** The trained encoder; the one training started from is left as it was. */
  export(): Encoder;
  /** A copy of everything training changed, for early stopping to go back to the best epoch. */
  snapshot(): unknown;
  restore(snapshot: unknown): void;
  dispose(): void;
}

export interface EncoderPass {
  /** The sequences' features, [sequences, dim], computed inside the gradient tape. */
  features(): tf.Tensor2D;
  /** Whose gradients the step needs. */
  variables: tf.Variable[];
}

/** How an encoder trains; a setting that does not apply to an encoder's kind is refused by it. */
export interface EncoderTrainingOptions {
  learningRate: number;
  /** Decoupled weight decay (AdamW) where the encoder's optimiser has one. */
  weightDecay: number;
  /** Train only this many of the top layers (null: all of them, and the embeddings). */
  trainableLayers: number | null;
  /** Dropout as the encoder defines it; the embedding bag drops input ids at this rate. */
  tokenDropout: number;
}

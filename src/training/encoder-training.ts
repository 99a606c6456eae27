import type * as tf from '@tensorflow/tfjs';
import type { Encoder } from './model.js';

/**
 * An encoder being trained along with the head (FULL_MODEL, base training). The head's loop asks
 * it for one batch's features inside the gradient tape, then hands back the gradients of the
 * variables it named; how the encoder turns those into updates is its own business (sparse rows
 * for the embedding bag, AdamW for BERT).
 */
export interface EncoderTraining {
  step(tokens: readonly Int32Array[]): EncoderStep;
  /** Features of token sequences under the encoder as it is now, as evaluation sees them (no dropout). */
  encode(tokens: readonly Int32Array[]): Float32Array;
  /** The trained encoder; the one training started from is left as it was. */
  export(): Encoder;
  /** A copy of everything training changed, for early stopping to go back to the best epoch. */
  snapshot(): unknown;
  restore(snapshot: unknown): void;
  dispose(): void;
}

export interface EncoderStep {
  /** The batch's features, [batch, dim], computed inside the gradient tape. */
  features(): tf.Tensor2D;
  /** Whose gradients the step needs. */
  variables: tf.Variable[];
  /** Applies the gradients of `variables` at `rateScale` times the set learning rate, and frees what the step made. */
  apply(gradients: tf.NamedTensorMap, rateScale: number): void;
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

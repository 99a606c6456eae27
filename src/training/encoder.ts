import { embedBags } from './embedding-bag.js';
import { EmbeddingBagEncoder } from './model.js';

/** Added to the variance before the square root, as tf.layers.layerNormalization does by default. */
export const LAYER_NORM_EPSILON = 1e-3;

/** Features of tokenized texts: [bags.length, dim]. */
export function encodeBags(encoder: EmbeddingBagEncoder, bags: readonly Int32Array[]): Float32Array {
  const features = embedBags(encoder.table, encoder.config.dim, bags);
  if (encoder.config.layerNorm) layerNormRows(features, encoder.config.dim);
  return features;
}

/** In place: each row minus its mean, divided by its standard deviation (population, plus epsilon). */
export function layerNormRows(features: Float32Array, dim: number): void {
  for (let start = 0; start < features.length; start += dim) {
    let mean = 0;
    for (let d = 0; d < dim; d++) mean += features[start + d];
    mean /= dim;
    let variance = 0;
    for (let d = 0; d < dim; d++) variance += (features[start + d] - mean) ** 2;
    const scale = 1 / Math.sqrt(variance / dim + LAYER_NORM_EPSILON);
    for (let d = 0; d < dim; d++) features[start + d] = (features[start + d] - mean) * scale;
  }
}

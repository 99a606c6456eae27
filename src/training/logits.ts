import * as tf from '@tensorflow/tfjs';
import { LinearHead, labelCount } from './model.js';

/** Small enough to stay in cache: wasm's matMul runs about twice as fast on 512-row chunks as on 4096. */
const ROWS_PER_CHUNK = 512;

/**
 * features . weight + bias for every row, chunked so memory stays bounded however many rows.
 * (tf.tidy must not return the typed arrays: it walks a returned value element by element
 * looking for tensors, which costs more than the matMul.)
 * `weight` is in tfjs's [dim, labels] layout. One matMul over all labels: its column j depends
 * only on row j of the head, so appending rows leaves the old logits bit-identical.
 */
export function logitsOf(features: Float32Array, dim: number, weight: tf.Tensor2D, bias: tf.Tensor1D): Float32Array {
  const rows = features.length / dim;
  const labels = weight.shape[1];
  const out = new Float32Array(rows * labels);
  for (let start = 0; start < rows; start += ROWS_PER_CHUNK) {
    const count = Math.min(ROWS_PER_CHUNK, rows - start);
    const logits = tf.tidy(() => {
      const x = tf.tensor2d(features.subarray(start * dim, (start + count) * dim), [count, dim]);
      return tf.add(tf.matMul(x, weight), bias);
    });
    out.set(logits.dataSync(), start * labels);
    logits.dispose();
  }
  return out;
}

/** logitsOf for a head held as plain arrays (PyTorch layout). */
export function headLogits(features: Float32Array, head: LinearHead): Float32Array {
  const weight = tf.tidy(() => tf.tensor2d(head.weight, [labelCount(head), head.dim]).transpose() as tf.Tensor2D);
  const bias = tf.tensor1d(head.bias);
  try {
    return logitsOf(features, head.dim, weight, bias);
  } finally {
    tf.dispose([weight, bias]);
  }
}

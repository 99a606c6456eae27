import * as tf from '@tensorflow/tfjs';
import { dropIds, EmbeddingBagBackward, embedBags } from './embedding-bag.js';
import { encodeBags, LAYER_NORM_EPSILON } from './encoder.js';
import { EncoderPass, EncoderTraining, EncoderTrainingOptions } from './encoder-training.js';
import { EmbeddingBagEncoder } from './model.js';
import type { Random } from './random.js';
import { checkEncoderLayers } from './setting-checks.js';
import { SparseAdam } from './sparse-adam.js';

/**
 * The embedding table trains in JavaScript memory, next to tfjs: a batch's bag means enter the
 * tape as a variable, and their gradient is spread back over the rows the batch used and applied
 * by a sparse Adam: a dense step over the table's 33M parameters would cost more than the whole batch.
 * Training works on a copy of the table; the encoder it came from stays as it was.
 */
export class EmbeddingBagTraining implements EncoderTraining {
  private readonly table: Float32Array;
  private readonly optimizer: SparseAdam;
  private readonly backward: EmbeddingBagBackward;

  constructor(
    private readonly encoder: EmbeddingBagEncoder,
    private readonly options: EncoderTrainingOptions,
    private readonly random: Random,
  ) {
    if (options.trainableLayers !== null) checkEncoderLayers(options.trainableLayers, encoder.config);
    this.table = encoder.table.slice();
    this.optimizer = new SparseAdam(this.table.length);
    this.backward = new EmbeddingBagBackward(encoder.config.tokenizer.buckets, encoder.config.dim);
  }

  /** A batch's bag means are small, whatever the batch: one pass always. */
  readonly tokensPerPass = Infinity;
  private current: { bags: readonly Int32Array[]; means: tf.Variable } | null = null;

  pass(tokens: readonly Int32Array[]): EncoderPass {
    const { dim, layerNorm: normalised } = this.encoder.config;
    const rate = this.options.tokenDropout;
    const bags = rate > 0 ? tokens.map((bag) => dropIds(bag, rate, this.random)) : tokens;
    const values = tf.tensor2d(embedBags(this.table, dim, bags), [bags.length, dim]);
    const means = tf.variable(values, true);
    values.dispose();
    this.current = { bags, means };
    return { features: () => (normalised ? layerNorm(means) : means), variables: [means] };
  }

  apply(gradients: tf.NamedTensorMap, rateScale: number): void {
    const { bags, means } = this.current!;
    const dMeans = gradients[means.name].dataSync() as Float32Array;
    this.optimizer.step(this.table, this.backward.backward(bags, dMeans), this.options.learningRate * rateScale);
    means.dispose();
    this.current = null;
  }

  encode(tokens: readonly Int32Array[]): Float32Array {
    return encodeBags({ config: this.encoder.config, table: this.table }, tokens);
  }

  /** The trained table itself, not a copy (it is 134 MB by default): call once training is over. */
  export(): EmbeddingBagEncoder {
    return { config: this.encoder.config, table: this.table };
  }

  snapshot(): Float32Array {
    return this.table.slice();
  }

  restore(snapshot: unknown): void {
    this.table.set(snapshot as Float32Array);
  }

  dispose(): void {}
}

/** encoder.ts's layerNormRows in tfjs, so gradients reach the bag means. */
function layerNorm(x: tf.Tensor2D): tf.Tensor2D {
  const { mean, variance } = tf.moments(x, 1, true);
  return tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, LAYER_NORM_EPSILON)));
}

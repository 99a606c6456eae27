import * as tf from '@tensorflow/tfjs';
import type { Random } from '../random.js';
import { BertArchitecture, BertLayerWeights, BertWeights, DenseWeights, LayerNormWeights } from './bert-weights.js';

/** Added to the attention scores of padding, so softmax gives them no weight. */
const MASKED_SCORE = -1e9;

/** Dropout while training: rates from the config, a fresh seed per call so every step draws new masks. */
export interface DropoutSource {
  random: Random;
}

interface Dense {
  /** [in, out]: the transpose of PyTorch's layout, so a layer is x . kernel + bias. */
  kernel: tf.Tensor2D;
  bias: tf.Tensor1D;
}
interface Norm {
  gamma: tf.Tensor1D;
  beta: tf.Tensor1D;
}
interface Layer {
  query: Dense;
  key: Dense;
  value: Dense;
  attentionOutput: Dense;
  attentionNorm: Norm;
  intermediate: Dense;
  output: Dense;
  outputNorm: Norm;
}

/**
 * BERT's encoder and pooler in TensorFlow.js, as BertForSequenceClassification computes them up to
 * its classifier: embeddings (word + position + token type 0), LayerNorm; per layer self-attention
 * and a GELU feed-forward block, each with a residual and LayerNorm; then tanh(dense(h[CLS])).
 *
 * `trainableLayers` of the top layers (and the pooler) are tf.Variables; with all of them the
 * embeddings train too. The rest are constants, so gradients never reach them.
 */
export class BertNetwork {
  private readonly embeddings: { word: tf.Tensor2D; position: tf.Tensor2D; tokenType: tf.Tensor1D; norm: Norm };
  private readonly layers: Layer[];
  private readonly pooler: Dense;
  private readonly variables: tf.Variable[] = [];
  /** The trainable weights AdamW decays: all but biases and LayerNorm parameters. */
  private readonly decayed: tf.Variable[] = [];

  constructor(
    readonly architecture: BertArchitecture,
    private readonly source: BertWeights,
    readonly trainableLayers: number,
    private readonly padId: number,
  ) {
    const { hiddenSize: h, layers: count } = architecture;
    const trainsEmbeddings = trainableLayers >= count;
    this.embeddings = {
      word: this.tensor(source.wordEmbeddings, [architecture.vocabSize, h], trainsEmbeddings, true) as tf.Tensor2D,
      position: this.tensor(source.positionEmbeddings, [architecture.maxPositions, h], trainsEmbeddings, true) as tf.Tensor2D,
      // Headroom classifies single texts: every token has type 0, so only that row is used.
      tokenType: this.tensor(source.tokenTypeEmbeddings.subarray(0, h), [h], trainsEmbeddings, true) as tf.Tensor1D,
      norm: this.norm(source.embeddingNorm, trainsEmbeddings),
    };
    this.layers = source.layers.map((layer, i) => this.layer(layer, i >= count - trainableLayers));
    this.pooler = this.dense(source.pooler, trainableLayers > 0);
  }

  /** What an optimiser updates: empty when nothing trains. */
  trainable(): tf.Variable[] {
    return this.variables;
  }

  decayedVariables(): tf.Variable[] {
    return this.decayed;
  }

  /**
   * Pooled features [batch, hidden] of token id sequences (each [CLS] ... [SEP]), padded to the
   * longest. With `dropout`, dropout is on, as in training; without, the network is deterministic.
   */
  pooled(sequences: readonly Int32Array[], dropout: DropoutSource | null = null): tf.Tensor2D {
    const { hiddenSize: h, layerNormEps: eps } = this.architecture;
    const batch = sequences.length;
    const length = Math.max(...sequences.map((ids) => ids.length));
    const ids = new Int32Array(batch * length).fill(this.padId);
    const mask = new Float32Array(batch * length);
    sequences.forEach((sequence, row) => {
      ids.set(sequence, row * length);
      mask.fill(1, row * length, row * length + sequence.length);
    });
    const drop = (x: tf.Tensor, rate: number) => (dropout && rate > 0 ? tf.dropout(x, rate, undefined, seedOf(dropout)) : x);
    const shape = { batch, length, drop };

    // Rows of x are (text, position) pairs: [batch * length, hidden], so every Dense is one 2-D matMul.
    let x = tf.tidy(() => {
      const words = tf.reshape(tf.gather(this.embeddings.word, tf.tensor1d(ids, 'int32')), [batch, length, h]);
      // Positions broadcast over the texts: wasm's Tile would cost more than the whole layer.
      const positioned = tf.add(words, this.embeddings.position.slice([0, 0], [length, h]));
      const embedded = tf.reshape(tf.add(positioned, this.embeddings.tokenType), [batch * length, h]) as tf.Tensor2D;
      return drop(layerNorm(embedded, this.embeddings.norm, eps), this.architecture.hiddenDropout) as tf.Tensor2D;
    });
    const scoreBias = tf.tidy(() => tf.mul(tf.sub(1, tf.tensor4d(mask, [batch, 1, 1, length])), MASKED_SCORE) as tf.Tensor4D);
    try {
      // A tidy per layer: its intermediates go when it ends, so inference holds one layer's
      // activations at a time (under a gradient tape, tfjs keeps what the backward pass needs).
      this.layers.forEach((layer, i) => {
        const next = tf.tidy(() => this.layerForward(layer, x, scoreBias, shape, i === this.layers.length - 1));
        x.dispose();
        x = next;
      });
      return tf.tidy(() => tf.tanh(linear(x, this.pooler)) as tf.Tensor2D);
    } finally {
      x.dispose();
      scoreBias.dispose();
    }
  }

  /** One encoder layer: self-attention and the feed-forward block, each with a residual and LayerNorm. */
  private layerForward(
    layer: Layer,
    x: tf.Tensor2D,
    scoreBias: tf.Tensor4D,
    { batch, length, drop }: { batch: number; length: number; drop: (x: tf.Tensor, rate: number) => tf.Tensor },
    last: boolean,
  ): tf.Tensor2D {
    const { hiddenSize: h, heads, layerNormEps: eps, hiddenDropout, attentionDropout } = this.architecture;
    // Only [CLS]'s state leaves the last layer, so its queries and feed-forward run on that row alone.
    const queryRows = last ? clsRows(x, batch, length) : x;
    const queryLength = last ? 1 : length;
    const split = (t: tf.Tensor2D, rows: number) => tf.transpose(tf.reshape(t, [batch, rows, heads, h / heads]), [0, 2, 1, 3]);
    const q = split(linear(queryRows, layer.query), queryLength);
    const k = split(linear(x, layer.key), length);
    const v = split(linear(x, layer.value), length);
    const scores = tf.add(tf.div(tf.matMul(q, k, false, true), Math.sqrt(h / heads)), scoreBias);
    const attention = drop(tf.softmax(scores), attentionDropout) as tf.Tensor4D;
    const context = tf.reshape(tf.transpose(tf.matMul(attention, v), [0, 2, 1, 3]), [batch * queryLength, h]) as tf.Tensor2D;
    const attended = layerNorm(tf.add(drop(linear(context, layer.attentionOutput), hiddenDropout), queryRows) as tf.Tensor2D, layer.attentionNorm, eps);
    const expanded = gelu(linear(attended, layer.intermediate));
    return layerNorm(tf.add(drop(linear(expanded, layer.output), hiddenDropout), attended) as tf.Tensor2D, layer.outputNorm, eps);
  }

  /** The weights as they are now: trained arrays read back, the frozen ones as they came. */
  export(): BertWeights {
    const read = (tensor: tf.Tensor, original: Float32Array) => (tensor instanceof tf.Variable ? (tensor.dataSync() as Float32Array).slice() : original);
    const readDense = (d: Dense, original: DenseWeights) =>
      d.kernel instanceof tf.Variable
        ? { weight: tf.tidy(() => d.kernel.transpose().dataSync() as Float32Array).slice(), bias: read(d.bias, original.bias) }
        : original;
    const readNorm = (n: Norm, original: LayerNormWeights) => ({ weight: read(n.gamma, original.weight), bias: read(n.beta, original.bias) });
    const tokenType = this.source.tokenTypeEmbeddings.slice();
    tokenType.set(read(this.embeddings.tokenType, this.source.tokenTypeEmbeddings.subarray(0, this.architecture.hiddenSize)));
    return {
      wordEmbeddings: read(this.embeddings.word, this.source.wordEmbeddings),
      positionEmbeddings: read(this.embeddings.position, this.source.positionEmbeddings),
      tokenTypeEmbeddings: tokenType,
      embeddingNorm: readNorm(this.embeddings.norm, this.source.embeddingNorm),
      layers: this.layers.map((layer, i) => {
        const original = this.source.layers[i];
        return {
          query: readDense(layer.query, original.query),
          key: readDense(layer.key, original.key),
          value: readDense(layer.value, original.value),
          attentionOutput: readDense(layer.attentionOutput, original.attentionOutput),
          attentionNorm: readNorm(layer.attentionNorm, original.attentionNorm),
          intermediate: readDense(layer.intermediate, original.intermediate),
          output: readDense(layer.output, original.output),
          outputNorm: readNorm(layer.outputNorm, original.outputNorm),
        };
      }),
      pooler: readDense(this.pooler, this.source.pooler),
    };
  }

  dispose(): void {
    const dense = (d: Dense) => [d.kernel, d.bias];
    const norm = (n: Norm) => [n.gamma, n.beta];
    tf.dispose([
      this.embeddings.word,
      this.embeddings.position,
      this.embeddings.tokenType,
      ...norm(this.embeddings.norm),
      ...this.layers.flatMap((l) => [...dense(l.query), ...dense(l.key), ...dense(l.value), ...dense(l.attentionOutput), ...norm(l.attentionNorm), ...dense(l.intermediate), ...dense(l.output), ...norm(l.outputNorm)]),
      ...dense(this.pooler),
    ]);
  }

  private tensor(values: Float32Array, shape: number[], trainable: boolean, decays = false): tf.Tensor {
    const tensor = tf.tensor(values, shape, 'float32');
    return trainable ? this.keep(tensor, decays) : tensor;
  }

  private dense(weights: DenseWeights, trainable: boolean): Dense {
    const [out, input] = [weights.bias.length, weights.weight.length / weights.bias.length];
    const kernel = tf.tidy(() => tf.transpose(tf.tensor2d(weights.weight, [out, input])));
    return {
      kernel: (trainable ? this.keep(kernel, true) : kernel) as tf.Tensor2D,
      bias: this.tensor(weights.bias, [out], trainable) as tf.Tensor1D,
    };
  }

  /** The tensor as a trainable variable (it is disposed). */
  private keep(tensor: tf.Tensor, decays: boolean): tf.Variable {
    const variable = tf.variable(tensor, true);
    tensor.dispose();
    this.variables.push(variable);
    if (decays) this.decayed.push(variable);
    return variable;
  }

  private norm(weights: LayerNormWeights, trainable: boolean): Norm {
    const size = weights.weight.length;
    return { gamma: this.tensor(weights.weight, [size], trainable) as tf.Tensor1D, beta: this.tensor(weights.bias, [size], trainable) as tf.Tensor1D };
  }

  private layer(weights: BertLayerWeights, trainable: boolean): Layer {
    return {
      query: this.dense(weights.query, trainable),
      key: this.dense(weights.key, trainable),
      value: this.dense(weights.value, trainable),
      attentionOutput: this.dense(weights.attentionOutput, trainable),
      attentionNorm: this.norm(weights.attentionNorm, trainable),
      intermediate: this.dense(weights.intermediate, trainable),
      output: this.dense(weights.output, trainable),
      outputNorm: this.norm(weights.outputNorm, trainable),
    };
  }
}

function linear(x: tf.Tensor2D, layer: Dense): tf.Tensor2D {
  return tf.add(tf.matMul(x, layer.kernel), layer.bias);
}

/** PyTorch's LayerNorm over the last axis: population variance, epsilon inside the square root. */
function layerNorm(x: tf.Tensor2D, norm: Norm, eps: number): tf.Tensor2D {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps))), norm.gamma), norm.beta);
}

/** hidden_act "gelu": the exact form with erf, not the tanh approximation. */
function gelu(x: tf.Tensor2D): tf.Tensor2D {
  return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
}

/** Row 0 ([CLS]) of every text: [batch, hidden]. */
function clsRows(x: tf.Tensor2D, batch: number, length: number): tf.Tensor2D {
  return tf.reshape(tf.slice(tf.reshape(x, [batch, length, -1]), [0, 0, 0], [batch, 1, -1]), [batch, -1]);
}

function seedOf(dropout: DropoutSource): number {
  return Math.floor(dropout.random.next() * 2 ** 31);
}

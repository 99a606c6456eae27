import * as tf from '@tensorflow/tfjs';
import { dropIds, EmbeddingBagBackward, embedBags } from './embedding-bag.js';
import { encodeBags, LAYER_NORM_EPSILON } from './encoder.js';
import { Scorer } from './evaluation.js';
import { logitsOf } from './logits.js';
import { EmbeddingBagConfig, Encoder, LinearHead, labelCount } from './model.js';
import type { Random } from './random.js';
import { SparseAdam } from './sparse-adam.js';

/** The examples a model trains on, in the form its encoder needs. */
export interface TrainingExamples {
  labels: Int32Array;
  /** [n, dim] features of a frozen encoder. */
  features?: Float32Array;
  /** Token ids of each example, when the encoder trains. */
  bags?: Int32Array[];
  /**
   * [n, oldLabelCount] the base model's old-label logits: the distillation targets and, when old
   * rows and encoder are frozen, the old logits themselves (they cannot change, so they are not
   * recomputed: a step then costs O(batch x dim x new labels)).
   */
  baseOldLogits?: Float32Array;
}

export interface TrainableModelOptions {
  /** The encoder to train along with the head (a copy of its table trains); null when it is frozen and examples come as features. */
  trainedEncoder: Encoder | null;
  head: LinearHead;
  /** Rows 0..oldLabelCount-1 are old; base training calls every row old and trains them all. */
  oldLabelCount: number;
  trainOldRows: boolean;
  learningRate: number;
  encoderLearningRate: number;
  distillation: { temperature: number; weight: number } | null;
  /**
   * L2 penalty on the trained head weights (not biases), as PyTorch Adam's `weight_decay`: the
   * loss gains headWeightDecay / 2 x their sum of squares. None when absent.
   */
  headWeightDecay?: number;
  /** When the encoder trains: each id of a training example's bag is left out of a step with this probability. None when absent. */
  tokenDropout?: { rate: number; random: Random };
}

/** tfjs's Adam with a rate that can change between steps (its `learningRate` is protected). */
class ScheduledAdam extends tf.AdamOptimizer {
  applyGradientsAt(learningRate: number, gradients: tf.NamedTensorMap): void {
    this.learningRate = learningRate;
    this.applyGradients(Object.entries(gradients).map(([name, tensor]) => ({ name, tensor })));
  }
}

/**
 * A classifier as tfjs trains it. With old rows frozen, the old columns are constants and only the
 * new ones are a variable, concatenated in the forward pass: no optimizer state or gradient can
 * ever touch the old rows, so they stay bit-identical by construction. Otherwise all columns are
 * one variable. The embedding table stays in JavaScript memory and is updated sparsely next to
 * tfjs (DESIGN.md, "Speed").
 */
export class TrainableModel implements Scorer {
  readonly dim: number;
  readonly oldLabelCount: number;
  readonly labelCount: number;
  /** Old columns of the head in tfjs's [dim, labels] layout, when they do not train. */
  private readonly frozenOld: { weight: tf.Tensor2D; bias: tf.Tensor1D } | null;
  /** The columns that train: the new ones when old rows are frozen, else all of them. */
  private readonly weight: tf.Variable<tf.Rank.R2>;
  private readonly bias: tf.Variable<tf.Rank.R1>;
  private readonly optimizer: ScheduledAdam;
  /** What training the encoder needs; null for a frozen one. */
  private readonly encoder: { config: EmbeddingBagConfig; table: Float32Array; optimizer: SparseAdam; backward: EmbeddingBagBackward } | null;

  constructor(private readonly options: TrainableModelOptions) {
    const { head, oldLabelCount, trainOldRows } = options;
    this.dim = head.dim;
    this.oldLabelCount = oldLabelCount;
    this.labelCount = labelCount(head);
    const firstTrained = trainOldRows ? 0 : oldLabelCount;
    this.frozenOld = trainOldRows ? null : tf.tidy(() => ({ weight: columns(head, 0, oldLabelCount), bias: tf.tensor1d(head.bias.subarray(0, oldLabelCount)) }));
    this.weight = tf.tidy(() => tf.variable(columns(head, firstTrained, this.labelCount)));
    this.bias = tf.tidy(() => tf.variable(tf.tensor1d(head.bias.subarray(firstTrained))));
    // tf.train.adam's defaults.
    this.optimizer = new ScheduledAdam(options.learningRate, 0.9, 0.999);
    const trained = options.trainedEncoder;
    // Training the encoder changes its table: work on a copy, the base model stays as it was.
    this.encoder = trained && {
      config: trained.config,
      table: trained.table.slice(),
      optimizer: new SparseAdam(trained.table.length),
      backward: new EmbeddingBagBackward(trained.config.tokenizer.buckets, this.dim),
    };
  }

  /**
   * One optimisation step on the examples at `batch`, at `rateScale` times the set learning rates;
   * returns the batch's mean loss as a scalar tensor.
   */
  step(examples: TrainingExamples, batch: ArrayLike<number>, rateScale: number): tf.Scalar {
    const bags = this.encoder ? Array.from(batch, (i) => this.trainingBag(examples.bags![i])) : null;
    const inputs = this.batchInputs(examples, batch, bags);
    const xVariable = bags ? tf.variable(inputs.x, true) : null;
    const variables = [this.weight, this.bias];
    const { value, grads } = tf.variableGrads(
      () => this.loss(xVariable ?? inputs.x, inputs.labels, inputs.baseOld),
      xVariable ? [...variables, xVariable] : variables,
    );
    if (xVariable) {
      const dFeatures = grads[xVariable.name].dataSync() as Float32Array;
      tf.dispose(grads[xVariable.name]);
      delete grads[xVariable.name];
      const { table, optimizer, backward } = this.encoder!;
      optimizer.step(table, backward.backward(bags!, dFeatures), this.options.encoderLearningRate * rateScale);
    }
    this.optimizer.applyGradientsAt(this.options.learningRate * rateScale, grads);
    tf.dispose([inputs.x, inputs.labels, inputs.baseOld, xVariable, ...Object.values(grads)].filter((t) => t !== null));
    return value;
  }

  private trainingBag(bag: Int32Array): Int32Array {
    const dropout = this.options.tokenDropout;
    return dropout && dropout.rate > 0 ? dropIds(bag, dropout.rate, dropout.random) : bag;
  }

  /** Mean loss over all examples without changing anything: the loss reported for epoch 0. */
  meanLoss(examples: TrainingExamples, batchSize: number): number {
    const count = examples.labels.length;
    let total = 0;
    for (let start = 0; start < count; start += batchSize) {
      const batch = Array.from({ length: Math.min(batchSize, count - start) }, (_, i) => start + i);
      const bags = this.encoder ? batch.map((i) => examples.bags![i]) : null;
      total += tf.tidy(() => {
        const inputs = this.batchInputs(examples, batch, bags);
        return this.loss(inputs.x, inputs.labels, inputs.baseOld).dataSync()[0] * batch.length;
      });
    }
    return count === 0 ? 0 : total / count;
  }

  logits(features: Float32Array, baseOldLogits?: Float32Array): Float32Array {
    if (baseOldLogits && this.oldPartFrozen()) return this.withNewColumns(features, baseOldLogits);
    const { weight, bias } = this.wholeHead();
    try {
      return logitsOf(features, this.dim, weight, bias);
    } finally {
      if (this.frozenOld) tf.dispose([weight, bias]);
    }
  }

  private batchInputs(examples: TrainingExamples, batch: ArrayLike<number>, bags: Int32Array[] | null) {
    const size = batch.length;
    const features = bags ? embedBags(this.encoder!.table, this.dim, bags) : gatherRows(examples.features!, this.dim, batch);
    return {
      x: tf.tensor2d(features, [size, this.dim]),
      labels: tf.tensor1d(Int32Array.from(batch, (i) => examples.labels[i]), 'int32'),
      baseOld: examples.baseOldLogits
        ? tf.tensor2d(gatherRows(examples.baseOldLogits, this.oldLabelCount, batch), [size, this.oldLabelCount])
        : null,
    };
  }

  /** Cross-entropy over all labels, plus the distillation and weight-decay terms when the settings ask for them. */
  private loss(input: tf.Tensor2D, labels: tf.Tensor1D, baseOld: tf.Tensor2D | null): tf.Scalar {
    // A training encoder hands over raw bag means; a frozen one's cached features are normalised already.
    const x = this.encoder?.config.layerNorm ? layerNorm(input) : input;
    const trained = tf.add(tf.matMul(x, this.weight), this.bias) as tf.Tensor2D;
    let logits = trained;
    let oldLogits: tf.Tensor2D;
    if (this.frozenOld) {
      // With the encoder frozen too, the old logits are the base model's: cached, not recomputed.
      oldLogits = this.oldPartFrozen() && baseOld ? baseOld : (tf.add(tf.matMul(x, this.frozenOld.weight), this.frozenOld.bias) as tf.Tensor2D);
      logits = tf.concat([oldLogits, trained], 1);
    } else {
      oldLogits = trained.slice([0, 0], [-1, this.oldLabelCount]);
    }
    let loss = tf.losses.softmaxCrossEntropy(tf.oneHot(labels, this.labelCount), logits) as tf.Scalar;
    const distillation = this.options.distillation;
    // Frozen old rows over a frozen encoder cannot move the old outputs: nothing to distil.
    if (distillation && baseOld && !this.oldPartFrozen()) {
      loss = tf.add(loss, distillationLoss(oldLogits, baseOld, distillation.temperature, distillation.weight));
    }
    const decay = this.options.headWeightDecay ?? 0;
    if (decay > 0) loss = tf.add(loss, tf.mul(tf.sum(tf.square(this.weight)), decay / 2));
    return loss;
  }

  /** Features of texts under the encoder as it is now; only for a model whose encoder trains. */
  encode(bags: Int32Array[]): Float32Array {
    return encodeBags(this.encoder!, bags);
  }

  /** The head in PyTorch layout, and the trained embedding table (null when the encoder was frozen). */
  export(): { encoderTable: Float32Array | null; head: LinearHead } {
    const { weight, bias } = this.wholeHead();
    const rows = weight.transpose();
    const head = { dim: this.dim, weight: rows.dataSync().slice() as Float32Array, bias: bias.dataSync().slice() as Float32Array };
    tf.dispose(this.frozenOld ? [rows, weight, bias] : [rows]);
    return { encoderTable: this.encoder?.table ?? null, head };
  }

  /** Old rows and encoder frozen: the old logits are the base model's, whatever the step. */
  private oldPartFrozen(): boolean {
    return this.frozenOld !== null && !this.encoder;
  }

  /** The base model's old logits, as they are, with this model's new columns beside them. */
  private withNewColumns(features: Float32Array, baseOldLogits: Float32Array): Float32Array {
    const rows = features.length / this.dim;
    const newCount = this.labelCount - this.oldLabelCount;
    const fresh = logitsOf(features, this.dim, this.weight, this.bias);
    const out = new Float32Array(rows * this.labelCount);
    for (let row = 0; row < rows; row++) {
      out.set(baseOldLogits.subarray(row * this.oldLabelCount, (row + 1) * this.oldLabelCount), row * this.labelCount);
      out.set(fresh.subarray(row * newCount, (row + 1) * newCount), row * this.labelCount + this.oldLabelCount);
    }
    return out;
  }

  /** All columns as one [dim, labels] weight and one bias: new tensors when old rows are frozen. */
  private wholeHead(): { weight: tf.Tensor2D; bias: tf.Tensor1D } {
    if (!this.frozenOld) return { weight: this.weight, bias: this.bias };
    return { weight: tf.concat([this.frozenOld.weight, this.weight], 1), bias: tf.concat([this.frozenOld.bias, this.bias]) };
  }

  /** A copy of everything training changes, for early stopping to go back to the best epoch. */
  snapshot(): Snapshot {
    return {
      values: [this.weight, this.bias].map((variable) => variable.dataSync().slice() as Float32Array),
      table: this.encoder ? this.encoder.table.slice() : null,
    };
  }

  restore(snapshot: Snapshot): void {
    const variables: tf.Variable[] = [this.weight, this.bias];
    variables.forEach((variable, i) => variable.assign(tf.tensor(snapshot.values[i], variable.shape)));
    if (snapshot.table) this.encoder!.table.set(snapshot.table);
  }

  dispose(): void {
    tf.dispose([this.weight, this.bias, ...(this.frozenOld ? [this.frozenOld.weight, this.frozenOld.bias] : [])]);
    this.optimizer.dispose();
  }
}

export interface Snapshot {
  values: Float32Array[];
  table: Float32Array | null;
}

/** encoder.ts's layerNormRows in tfjs, so gradients reach the bag means. */
function layerNorm(x: tf.Tensor2D): tf.Tensor2D {
  const { mean, variance } = tf.moments(x, 1, true);
  return tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, LAYER_NORM_EPSILON)));
}

/** LwF's term: KL(base || current) of the old-label distributions at temperature T, scaled by T^2 and the weight. */
function distillationLoss(oldLogits: tf.Tensor2D, baseOldLogits: tf.Tensor2D, temperature: number, weight: number): tf.Scalar {
  const target = tf.softmax(tf.div(baseOldLogits, temperature));
  const logCurrent = tf.logSoftmax(tf.div(oldLogits, temperature));
  const logTarget = tf.log(tf.add(target, 1e-12));
  const kl = tf.mean(tf.sum(tf.mul(target, tf.sub(logTarget, logCurrent)), 1));
  return tf.mul(kl, weight * temperature * temperature) as tf.Scalar;
}

/** Head rows from..to-1 as columns of tfjs's [dim, labels] layout. */
function columns(head: LinearHead, from: number, to: number): tf.Tensor2D {
  return tf.tensor2d(head.weight.subarray(from * head.dim, to * head.dim), [to - from, head.dim]).transpose();
}

export function gatherRows(matrix: Float32Array, width: number, rows: ArrayLike<number>): Float32Array {
  const out = new Float32Array(rows.length * width);
  for (let i = 0; i < rows.length; i++) out.set(matrix.subarray(rows[i] * width, (rows[i] + 1) * width), i * width);
  return out;
}


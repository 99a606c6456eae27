import * as tf from '@tensorflow/tfjs';
import { EncoderTraining } from './encoder-training.js';
import { Scorer } from './evaluation.js';
import { logitsOf } from './logits.js';
import { Encoder, LinearHead, labelCount } from './model.js';
import { ScheduledAdam } from './optimizers.js';

/** The examples a model trains on, in the form its encoder needs. */
export interface TrainingExamples {
  labels: Int32Array;
  /** [n, dim] features of a frozen encoder. */
  features?: Float32Array;
  /** Token ids of each example, when the encoder trains. */
  tokens?: Int32Array[];
  /**
   * [n, oldLabelCount] the base model's old-label logits: the distillation targets and, when old
   * rows and encoder are frozen, the old logits themselves (they cannot change, so they are not
   * recomputed: a step then costs O(batch x dim x new labels)).
   */
  baseOldLogits?: Float32Array;
}

export interface TrainableModelOptions {
  /** The encoder training along with the head (it is disposed with the model); null when it is frozen and examples come as features. */
  encoderTraining: EncoderTraining | null;
  head: LinearHead;
  /** Rows 0..oldLabelCount-1 are old; base training calls every row old and trains them all. */
  oldLabelCount: number;
  trainOldRows: boolean;
  learningRate: number;
  distillation: { temperature: number; weight: number } | null;
  /**
   * L2 penalty on the trained head weights (not biases), as PyTorch Adam's `weight_decay`: the
   * loss gains headWeightDecay / 2 x their sum of squares. None when absent.
   */
  headWeightDecay?: number;
}

/**
 * A classifier as tfjs trains it. With old rows frozen, the old columns are constants and only the
 * new ones are a variable, concatenated in the forward pass: no optimizer state or gradient can
 * ever touch the old rows, so they stay bit-identical by construction. Otherwise all columns are
 * one variable. A training encoder supplies each batch's features inside the gradient tape and
 * applies its own gradients (encoder-training.ts).
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
  private readonly encoder: EncoderTraining | null;

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
    this.encoder = options.encoderTraining;
  }

  /**
   * One optimisation step on the examples at `batch`, at `rateScale` times the set learning rates;
   * returns the batch's mean loss as a scalar tensor.
   */
  step(examples: TrainingExamples, batch: ArrayLike<number>, rateScale: number): tf.Scalar {
    const parts = this.encoder ? splitByTokens(Array.from(batch), examples.tokens!, this.encoder.tokensPerPass) : [Array.from(batch)];
    let gradients: tf.NamedTensorMap = {};
    let loss = tf.scalar(0);
    let encoderVariables: tf.Variable[] = [];
    for (const part of parts) {
      const pass = this.encoder?.pass(part.map((i) => examples.tokens![i])) ?? null;
      encoderVariables = pass?.variables ?? [];
      const inputs = this.batchInputs(examples, part, pass ? null : gatherRows(examples.features!, this.dim, part));
      // Each part's mean loss, weighted by its share of the batch: the parts' gradients sum to the batch's.
      const share = part.length / batch.length;
      const { value, grads } = tf.variableGrads(
        () => tf.mul(this.loss(pass ? pass.features() : inputs.x!, inputs.labels, inputs.baseOld), share) as tf.Scalar,
        [this.weight, this.bias, ...encoderVariables],
      );
      tf.dispose([inputs.x, inputs.labels, inputs.baseOld].filter((t) => t !== null));
      gradients = sumInto(gradients, grads);
      loss = sumInto({ loss }, { loss: value }).loss as tf.Scalar;
    }
    if (this.encoder) this.encoder.apply(Object.fromEntries(encoderVariables.map((variable) => [variable.name, gradients[variable.name]])), rateScale);
    this.optimizer.applyGradientsAt(this.options.learningRate * rateScale, { [this.weight.name]: gradients[this.weight.name], [this.bias.name]: gradients[this.bias.name] });
    tf.dispose(Object.values(gradients));
    return loss;
  }

  /** Mean loss over all examples without changing anything: the loss reported for epoch 0. */
  meanLoss(examples: TrainingExamples, batchSize: number): number {
    const count = examples.labels.length;
    let total = 0;
    for (let start = 0; start < count; start += batchSize) {
      const batch = Array.from({ length: Math.min(batchSize, count - start) }, (_, i) => start + i);
      const features = this.encoder ? this.encoder.encode(batch.map((i) => examples.tokens![i])) : gatherRows(examples.features!, this.dim, batch);
      total += tf.tidy(() => {
        const inputs = this.batchInputs(examples, batch, features);
        return this.loss(inputs.x!, inputs.labels, inputs.baseOld).dataSync()[0] * batch.length;
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

  /** The batch's labels and old logits, and its features as a tensor when they are given ([batch, dim]). */
  private batchInputs(examples: TrainingExamples, batch: ArrayLike<number>, features: Float32Array | null) {
    const size = batch.length;
    return {
      x: features ? tf.tensor2d(features, [size, this.dim]) : null,
      labels: tf.tensor1d(Int32Array.from(batch, (i) => examples.labels[i]), 'int32'),
      baseOld: examples.baseOldLogits
        ? tf.tensor2d(gatherRows(examples.baseOldLogits, this.oldLabelCount, batch), [size, this.oldLabelCount])
        : null,
    };
  }

  /** Cross-entropy over all labels, plus the distillation and weight-decay terms when the settings ask for them. */
  private loss(x: tf.Tensor2D, labels: tf.Tensor1D, baseOld: tf.Tensor2D | null): tf.Scalar {
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

  /** Features of token sequences under the encoder as it is now; only for a model whose encoder trains. */
  encode(tokens: readonly Int32Array[]): Float32Array {
    return this.encoder!.encode(tokens);
  }

  /** The head in PyTorch layout, and the trained encoder (null when the encoder was frozen). */
  export(): { encoder: Encoder | null; head: LinearHead } {
    return { encoder: this.encoder?.export() ?? null, head: this.exportHead() };
  }

  /** The head alone in PyTorch layout, as it is now. */
  exportHead(): LinearHead {
    const { weight, bias } = this.wholeHead();
    const rows = weight.transpose();
    const head = { dim: this.dim, weight: rows.dataSync().slice() as Float32Array, bias: bias.dataSync().slice() as Float32Array };
    tf.dispose(this.frozenOld ? [rows, weight, bias] : [rows]);
    return head;
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
      encoder: this.encoder?.snapshot() ?? null,
    };
  }

  restore(snapshot: Snapshot): void {
    const variables: tf.Variable[] = [this.weight, this.bias];
    variables.forEach((variable, i) => tf.tidy(() => variable.assign(tf.tensor(snapshot.values[i], variable.shape))));
    if (snapshot.encoder !== null) this.encoder!.restore(snapshot.encoder);
  }

  dispose(): void {
    tf.dispose([this.weight, this.bias, ...(this.frozenOld ? [this.frozenOld.weight, this.frozenOld.bias] : [])]);
    this.optimizer.dispose();
    this.encoder?.dispose();
  }
}

export interface Snapshot {
  values: Float32Array[];
  encoder: unknown;
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

/**
 * `batch` in consecutive parts, each holding at most `tokensPerPass` tokens once padded to its
 * longest sequence (a single sequence, however long, is a part of its own).
 */
export function splitByTokens(batch: number[], tokens: readonly Int32Array[], tokensPerPass: number): number[][] {
  const parts: number[][] = [];
  let part: number[] = [];
  let longest = 0;
  for (const index of batch) {
    const length = Math.max(longest, tokens[index].length);
    if (part.length > 0 && (part.length + 1) * length > tokensPerPass) {
      parts.push(part);
      part = [];
      longest = 0;
    }
    part.push(index);
    longest = Math.max(longest, tokens[index].length);
  }
  if (part.length > 0) parts.push(part);
  return parts;
}

/** `sums` plus `more`, key by key; both maps' tensors are disposed (the result is new). */
function sumInto(sums: tf.NamedTensorMap, more: tf.NamedTensorMap): tf.NamedTensorMap {
  const result: tf.NamedTensorMap = { ...sums };
  for (const [name, tensor] of Object.entries(more)) {
    if (result[name] === undefined) {
      result[name] = tensor;
    } else {
      const previous = result[name];
      result[name] = tf.add(previous, tensor);
      tf.dispose([previous, tensor]);
    }
  }
  return result;
}

export function gatherRows(matrix: Float32Array, width: number, rows: ArrayLike<number>): Float32Array {
  const out = new Float32Array(rows.length * width);
  for (let i = 0; i < rows.length; i++) out.set(matrix.subarray(rows[i] * width, (rows[i] + 1) * width), i * width);
  return out;
}


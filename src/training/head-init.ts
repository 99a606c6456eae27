import { LinearHead, labelCount } from './model.js';
import { Random } from './random.js';
import { HeadInit } from './settings.js';

/**
 * The head with `newFeatures.length` rows appended, initialised as `init` says. Old rows and biases
 * are copied bit for bit, so old logits are unchanged for every input.
 * newFeatures[k] holds the training features ([examples, dim]) of new label k, which IMPRINT uses.
 */
export function appendRows(head: LinearHead, init: HeadInit, newFeatures: Float32Array[], random: Random): LinearHead {
  const { dim } = head;
  const oldCount = labelCount(head);
  const total = oldCount + newFeatures.length;
  const weight = new Float32Array(total * dim);
  const bias = new Float32Array(total);
  weight.set(head.weight);
  bias.set(head.bias);
  const oldNorm = meanRowNorm(head.weight, dim, oldCount);
  const oldBias = oldCount === 0 ? 0 : head.bias.reduce((sum, value) => sum + value, 0) / oldCount;

  newFeatures.forEach((features, k) => {
    const row = weight.subarray((oldCount + k) * dim, (oldCount + k + 1) * dim);
    switch (init) {
      case 'RANDOM_NORMAL': // torch.randn for the row and for its bias, as the well-known answer does
        for (let d = 0; d < dim; d++) row[d] = random.normal();
        bias[oldCount + k] = random.normal();
        break;
      case 'XAVIER': {
        const limit = Math.sqrt(6 / (dim + total));
        for (let d = 0; d < dim; d++) row[d] = (2 * random.next() - 1) * limit;
        break;
      }
      case 'ZEROS':
        break;
      case 'IMPRINT':
        imprint(row, features, dim, oldNorm);
        bias[oldCount + k] = oldBias;
        break;
    }
  });
  return { dim, weight, bias };
}

/** Mean of the L2-normalised examples, normalised again, then scaled to the old rows' mean norm. */
function imprint(row: Float32Array, features: Float32Array, dim: number, norm: number): void {
  const count = features.length / dim;
  const mean = new Float64Array(dim);
  for (let i = 0; i < count; i++) {
    const example = features.subarray(i * dim, (i + 1) * dim);
    const length = l2Norm(example) || 1;
    for (let d = 0; d < dim; d++) mean[d] += example[d] / length;
  }
  const length = l2Norm(mean) || 1;
  for (let d = 0; d < dim; d++) row[d] = (mean[d] / length) * norm;
}

export function meanRowNorm(weight: Float32Array, dim: number, rows: number, firstRow = 0): number {
  if (rows === 0) return 1;
  let total = 0;
  for (let r = firstRow; r < firstRow + rows; r++) total += l2Norm(weight.subarray(r * dim, (r + 1) * dim));
  return total / rows;
}

/**
 * Weight aligning (Zhao et al., 2020): new rows scaled so their mean norm equals the old rows',
 * undoing the larger norms that training on mostly-new data gives them. Biases are left as trained.
 */
export function alignNewRows(head: LinearHead, oldCount: number): LinearHead {
  const newCount = labelCount(head) - oldCount;
  const gamma = meanRowNorm(head.weight, head.dim, oldCount) / meanRowNorm(head.weight, head.dim, newCount, oldCount);
  const weight = head.weight.slice();
  for (let i = oldCount * head.dim; i < weight.length; i++) weight[i] *= gamma;
  return { dim: head.dim, weight, bias: head.bias.slice() };
}

export function l2Norm(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] * values[i];
  return Math.sqrt(sum);
}

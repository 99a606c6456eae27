/**
 * Lazy Adam for the embedding table, with PyTorch `SparseAdam`'s semantics: a step updates the
 * moments and parameters of the rows present in the gradient only; the step count (and so the
 * bias correction) is global. A row a batch does not use keeps its moments as they were, which
 * is what lets a step cost O(touched rows x dim) instead of O(table).
 */
import type { SparseRowGradient } from './embedding-bag.js';

export interface SparseAdamOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

export class SparseAdam {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** First and second moments, the table's size and layout. */
  readonly m: Float32Array;
  readonly v: Float32Array;
  /** Steps taken so far, whatever rows each touched. */
  stepCount = 0;

  constructor(size: number, options: SparseAdamOptions = {}) {
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    if (!(this.beta1 >= 0 && this.beta1 < 1 && this.beta2 >= 0 && this.beta2 < 1)) {
      throw new RangeError(`Adam betas must be in [0, 1), got ${this.beta1} and ${this.beta2}`);
    }
    if (!(this.epsilon > 0)) throw new RangeError(`Adam epsilon must be positive, got ${this.epsilon}`);
    this.m = new Float32Array(size);
    this.v = new Float32Array(size);
  }

  /**
   * table[row] -= lr * sqrt(1 - beta2^t) / (1 - beta1^t) * m / (sqrt(v) + epsilon) for each row
   * of the gradient, with epsilon outside the bias correction as in PyTorch's SparseAdam (and
   * the efficient form in Kingma and Ba's paper).
   */
  step(table: Float32Array, gradient: SparseRowGradient, learningRate: number): void {
    if (table.length !== this.m.length) throw new RangeError(`SparseAdam holds state for ${this.m.length} values, the table has ${table.length}`);
    const { dim, rows, values } = gradient;
    if (values.length !== rows.length * dim) throw new RangeError(`Gradient values hold ${values.length} numbers for ${rows.length} rows of ${dim}`);
    // Checked before anything changes, so a bad gradient leaves the table and moments as they were.
    for (let k = 0; k < rows.length; k++) {
      if (!(rows[k] >= 0 && (rows[k] + 1) * dim <= table.length)) throw new RangeError(`Gradient row ${rows[k]} is outside the table`);
    }
    const { beta1, beta2, epsilon, m, v } = this;
    this.stepCount++;
    const stepSize = learningRate * Math.sqrt(1 - beta2 ** this.stepCount) / (1 - beta1 ** this.stepCount);
    const gradientWeight1 = 1 - beta1;
    const gradientWeight2 = 1 - beta2;
    for (let k = 0; k < rows.length; k++) {
      const base = rows[k] * dim;
      const source = k * dim;
      for (let d = 0; d < dim; d++) {
        const g = values[source + d];
        const i = base + d;
        // PyTorch's update order: m += (g - m)(1 - beta1), v += (g^2 - v)(1 - beta2).
        const mi = m[i] + (g - m[i]) * gradientWeight1;
        const vi = v[i] + (g * g - v[i]) * gradientWeight2;
        m[i] = mi;
        v[i] = vi;
        table[i] -= stepSize * mi / (Math.sqrt(vi) + epsilon);
      }
    }
  }
}

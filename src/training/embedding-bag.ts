/**
 * The embedding bag next to tfjs: a text's features are the mean of its ids' table rows. Forward
 * and backward are plain loops over typed arrays because a batch touches a few thousand of the
 * table's rows, and anything dense over the whole table (tfjs gradients, a dense optimizer) costs
 * 33M parameters' worth of work per step.
 */
import type { EmbeddingBagConfig } from './model.js';
import type { Random } from './random.js';

/**
 * The gradient of a loss with respect to the rows of a table that a batch touched: row `rows[k]`
 * has gradient `values[k * dim, (k + 1) * dim)`. Each row appears once.
 */
export interface SparseRowGradient {
  dim: number;
  rows: Int32Array;
  /** [rows.length, dim], row-major. */
  values: Float32Array;
}

/**
 * A new table, uniform in [-1/dim, 1/dim] as fastText initialises its input vectors. Measured on
 * CLINC150 (sparse Adam, 5 epochs) the init hardly matters: this, zeros and PyTorch's normal(0, 1)
 * all end at 0.925-0.926. This one is kept for parity with fastText and because rows start
 * small: the first features are near zero whatever a text's length, so the head starts from
 * near-even scores and Adam's first steps decide.
 */
export function initialiseTable(config: EmbeddingBagConfig, random: Random): Float32Array {
  const { dim, tokenizer } = config;
  if (!Number.isInteger(dim) || dim < 1) throw new RangeError(`Embedding dim must be a positive integer, got ${dim}`);
  const table = new Float32Array(tokenizer.buckets * dim);
  const scale = 2 / dim;
  for (let i = 0; i < table.length; i++) table[i] = (random.next() - 0.5) * scale;
  return table;
}

/** [bags.length, dim]: row b is the mean of the table rows of bags[b], repeated ids counted. */
export function embedBags(table: Float32Array, dim: number, bags: readonly Int32Array[], out?: Float32Array): Float32Array {
  const rowCount = table.length / dim;
  const size = bags.length * dim;
  if (out === undefined) out = new Float32Array(size);
  else if (out.length < size) throw new RangeError(`embedBags output holds ${out.length} values, needs ${size}`);
  // Summing in float64 is both faster in V8 (no rounding to float32 on each store) and rounds once.
  const sum = new Float64Array(dim);
  for (let b = 0; b < bags.length; b++) {
    const bag = bags[b];
    if (bag.length === 0) throw new RangeError(`Bag ${b} is empty: the tokenizer gives empty texts the empty id`);
    sum.fill(0);
    for (let i = 0; i < bag.length; i++) {
      const id = bag[i];
      if (!(id >= 0 && id < rowCount)) throw new RangeError(`Bag ${b} holds id ${id}, outside the table's ${rowCount} rows`);
      const row = id * dim;
      for (let d = 0; d < dim; d++) sum[d] += table[row + d];
    }
    const scale = 1 / bag.length;
    const base = b * dim;
    for (let d = 0; d < dim; d++) out[base + d] = sum[d] * scale;
  }
  return out;
}

/**
 * A training-time copy of `bag` with each id left out with probability `rate` (dropout on the
 * input ids): a text then teaches the head and its rows without any one n-gram. Never empty: if
 * every id drops, one of them, drawn uniformly, stays. No rescaling, as the bag is averaged.
 */
export function dropIds(bag: Int32Array, rate: number, random: Random): Int32Array {
  if (!(rate >= 0 && rate < 1)) throw new RangeError(`Dropout rate must be in [0, 1), got ${rate}`);
  const kept = new Int32Array(bag.length);
  let count = 0;
  for (let i = 0; i < bag.length; i++) if (random.next() >= rate) kept[count++] = bag[i];
  if (count === 0) return Int32Array.of(bag[random.int(bag.length)]);
  return kept.slice(0, count);
}

/**
 * The backward pass of embedBags, with buffers kept across batches: a slot per table row (which
 * gradient row holds it, or -1) and a growing gradient buffer, so a step allocates nothing once
 * the largest batch has been seen.
 */
export class EmbeddingBagBackward {
  private readonly slots: Int32Array;
  private rows = new Int32Array(1024);
  private values: Float32Array;
  private readonly share: Float32Array;

  constructor(readonly buckets: number, readonly dim: number) {
    this.slots = new Int32Array(buckets).fill(-1);
    this.values = new Float32Array(this.rows.length * dim);
    this.share = new Float32Array(dim);
  }

  /**
   * dLoss/dTable from dLoss/dFeatures ([bags.length, dim]): each bag adds dFeature / bag length to
   * each of its ids, once per occurrence. The result's arrays are views into buffers this
   * instance reuses: consume them before the next call.
   */
  backward(bags: readonly Int32Array[], dFeatures: Float32Array): SparseRowGradient {
    const { dim, slots } = this;
    if (dFeatures.length < bags.length * dim) {
      throw new RangeError(`dFeatures holds ${dFeatures.length} values, needs ${bags.length} x ${dim}`);
    }
    // What each id of the current bag receives: its dFeature row over the bag's length.
    const share = this.share;
    let count = 0;
    for (let b = 0; b < bags.length; b++) {
      const bag = bags[b];
      const scale = 1 / bag.length;
      const source = b * dim;
      for (let d = 0; d < dim; d++) share[d] = dFeatures[source + d] * scale;
      for (let i = 0; i < bag.length; i++) {
        const id = bag[i];
        if (!(id >= 0 && id < this.buckets)) throw new RangeError(`Bag ${b} holds id ${id}, outside the table's ${this.buckets} rows`);
        const slot = slots[id];
        if (slot < 0) {
          if (count === this.rows.length) this.grow();
          slots[id] = count;
          this.rows[count] = id;
          this.values.set(share, count * dim);
          count++;
        } else {
          const values = this.values;
          const target = slot * dim;
          for (let d = 0; d < dim; d++) values[target + d] += share[d];
        }
      }
    }
    const rows = this.rows.subarray(0, count);
    for (let k = 0; k < count; k++) slots[rows[k]] = -1;
    return { dim, rows, values: this.values.subarray(0, count * dim) };
  }

  private grow(): void {
    const rows = new Int32Array(this.rows.length * 2);
    rows.set(this.rows);
    const values = new Float32Array(rows.length * this.dim);
    values.set(this.values);
    this.rows = rows;
    this.values = values;
  }
}

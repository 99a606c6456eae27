/**
 * Seeded randomness for training: xoshiro128** seeded through splitmix32. Only 32-bit integer
 * operations (Math.imul, shifts), so a seed gives the same sequence on every machine and Node
 * version; Math.random and tf.util.shuffle cannot be seeded and must not be used in training.
 */

/** Anything indexable and writable: plain arrays and typed arrays alike. */
export interface MutableIndexed<T> {
  readonly length: number;
  [index: number]: T;
}

const TWO_TO_MINUS_32 = 2 ** -32;

/** splitmix32: spreads a seed over the 128-bit state so nearby seeds give unrelated streams. */
function splitmix32(state: number): [next: number, output: number] {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [next, (z ^ (z >>> 16)) >>> 0];
}

/** FNV-1a over a label's UTF-16 code units, so fork labels map to seeds the same way everywhere. */
function hashLabel(label: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) hash = Math.imul(hash ^ label.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

export class Random {
  /** The seed this stream was made from (a uint32); forks derive from it, not from the state. */
  readonly seed: number;
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  /** Box-Muller makes normals in pairs: the second waits here. */
  private spareNormal: number | null = null;

  constructor(seed: number) {
    if (!Number.isInteger(seed)) throw new RangeError(`Random seed must be an integer, got ${seed}`);
    this.seed = seed >>> 0;
    let state = this.seed;
    const words: number[] = [];
    for (let i = 0; i < 4; i++) {
      const [next, output] = splitmix32(state);
      state = next;
      words.push(output);
    }
    [this.s0, this.s1, this.s2, this.s3] = words;
    // The all-zero state is the one xoshiro cannot leave; splitmix32 makes it practically
    // impossible, but guard it anyway.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** A uniform uint32. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1), 32 bits of resolution. */
  next(): number {
    return this.nextUint32() * TWO_TO_MINUS_32;
  }

  /** Uniform integer in [0, n), without modulo bias; n in 1..2^32. */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 2 ** 32) throw new RangeError(`Random.int needs an integer in 1..2^32, got ${n}`);
    // Reject the top partial copy of [0, n) in the uint32 range so every value is equally likely.
    const limit = 2 ** 32 - (2 ** 32 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  /** Standard normal (mean 0, variance 1), Box-Muller. */
  normal(): number {
    if (this.spareNormal !== null) {
      const spare = this.spareNormal;
      this.spareNormal = null;
      return spare;
    }
    // 1 - next() is in (0, 1], so the logarithm is finite.
    const radius = Math.sqrt(-2 * Math.log(1 - this.next()));
    const angle = 2 * Math.PI * this.next();
    this.spareNormal = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }

  /** Fisher-Yates in place; returns the same array. */
  shuffle<A extends MutableIndexed<unknown>>(array: A): A {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const held = array[i];
      array[i] = array[j];
      array[j] = held;
    }
    return array;
  }

  /**
   * An independent stream named by `label`, derived from this stream's seed only: the same label
   * gives the same stream however much of this one has been drawn, so adding a draw in one part
   * of training does not shift the randomness of another.
   */
  fork(label: string): Random {
    const [, mixed] = splitmix32(this.seed ^ hashLabel(label));
    return new Random(mixed);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

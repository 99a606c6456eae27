import { Random } from './random.js';

/**
 * Draws from the distributions the bootstrap needs, exactly rather than by approximation:
 * resampling n examples that fall into a few kinds is a multinomial draw, which costs a few
 * dozen random numbers instead of n.
 */

/** Below this many trials a binomial is drawn trial by trial. */
const DIRECT_TRIALS = 16;

/**
 * Binomial(n, p) by Knuth's reduction (TAOCP 3.4.1 F): the a-th smallest of n uniforms is
 * Beta(a, n + 1 - a); whether it falls above or below p says which of the two halves holds the
 * successes, and the search continues in that half until few trials are left.
 */
export function binomial(random: Random, n: number, p: number): number {
  let trials = n;
  let chance = p;
  let successes = 0;
  while (trials > DIRECT_TRIALS && chance > 0 && chance < 1) {
    const a = 1 + (trials >> 1);
    const b = trials + 1 - a;
    const x = beta(random, a, b);
    if (x >= chance) {
      trials = a - 1;
      chance /= x;
    } else {
      successes += a;
      trials = b - 1;
      chance = (chance - x) / (1 - x);
    }
  }
  if (chance <= 0) return successes;
  if (chance >= 1) return successes + trials;
  for (let i = 0; i < trials; i++) if (random.next() < chance) successes++;
  return successes;
}

/**
 * How many of `n` draws with replacement land in each bucket, bucket k having weight
 * `weights[k]` (counts, say): binomials conditioned one bucket after another. Writes `into`.
 */
export function multinomial(random: Random, n: number, weights: ArrayLike<number>, into: Float64Array): void {
  let left = n;
  let rest = 0;
  for (let k = 0; k < weights.length; k++) rest += weights[k];
  for (let k = 0; k < weights.length; k++) {
    const drawn = left === 0 || weights[k] === 0 ? 0 : weights[k] >= rest ? left : binomial(random, left, weights[k] / rest);
    into[k] = drawn;
    left -= drawn;
    rest -= weights[k];
  }
}

/** Beta(a, b) for a, b >= 1, as a ratio of gammas. */
function beta(random: Random, a: number, b: number): number {
  const x = gamma(random, a);
  return x / (x + gamma(random, b));
}

/** Gamma(shape, 1) for shape >= 1: Marsaglia and Tsang's squeeze method. */
function gamma(random: Random, shape: number): number {
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = random.normal();
    const v = (1 + c * x) ** 3;
    if (v <= 0) continue;
    const u = 1 - random.next();
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

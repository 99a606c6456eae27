import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BASE_CORRECT, CORRECT, fromCodes, IS_NEW, outcomeCodes, PREDICTED_NEW } from '../src/training/outcomes.js';
import { Random } from '../src/training/random.js';
import { binomial, multinomial } from '../src/training/sampling.js';
import { bootstrapIntervals, mean, OutcomeRun, outcomeMeans, pairedComparison, percentileInterval, spread } from '../src/training/statistics.js';

/**
 * A run's outcomes with chosen accuracies: `old` old-label examples of which a share `oldRight`
 * is right (the base model got `baseRight` of them), `fresh` new-label examples with `newRight` right.
 */
function run(unit: string, shape: { old: number; fresh: number; oldRight: number; baseRight: number; newRight: number }, seed = 0): OutcomeRun {
  const random = new Random(seed).fork(unit);
  // Which examples are new depends on the unit only: every strategy's run of a unit holds the same examples.
  const order = new Random(0).fork(unit);
  const codes: number[] = [];
  for (let i = 0; i < shape.old; i++) {
    const right = random.next() < shape.oldRight;
    codes.push((right ? CORRECT : random.next() < 0.5 ? PREDICTED_NEW : 0) | (random.next() < shape.baseRight ? BASE_CORRECT : 0));
  }
  for (let i = 0; i < shape.fresh; i++) codes.push(IS_NEW | (random.next() < shape.newRight ? CORRECT | PREDICTED_NEW : 0));
  return { unit, outcomes: fromCodes(order.shuffle(Uint8Array.from(codes))) };
}

const SHAPE = { old: 300, fresh: 40, oldRight: 0.9, baseRight: 0.93, newRight: 0.8 };
const width = (interval: { low: number; high: number } | null) => interval!.high - interval!.low;

test('mean and spread: one definition, null where there is nothing to say', () => {
  assert.equal(mean([]), null);
  assert.equal(mean([0.5]), 0.5);
  assert.equal(spread([0.5]), null, 'one seed says nothing about spread');
  assert.equal(spread([]), null);
  assert.ok(Math.abs(spread([1, 2, 3, 4])! - Math.sqrt(5 / 3)) < 1e-15, 'sample standard deviation, n - 1');
});

test('bootstrap intervals are deterministic, ordered, hold the mean, and narrow with more seeds and more examples', () => {
  const three = ['0', '1', '2'].map((seed) => run(seed, SHAPE));
  const intervals = bootstrapIntervals(three);
  assert.deepEqual(bootstrapIntervals(three), intervals, 'same runs, same interval');
  const means = outcomeMeans(three);
  for (const metric of ['newAccuracy', 'oldAccuracy', 'forgetting'] as const) {
    const interval = intervals[metric]!;
    assert.ok(interval.low < means[metric]! && means[metric]! < interval.high, `${metric}: ${means[metric]} in [${interval.low}, ${interval.high}]`);
  }
  const twelve = Array.from({ length: 12 }, (_, seed) => run(String(seed), SHAPE));
  const larger = ['0', '1', '2'].map((seed) => run(seed, { ...SHAPE, old: 3000, fresh: 400 }));
  for (const metric of ['newAccuracy', 'oldAccuracy', 'forgetting'] as const) {
    assert.ok(width(bootstrapIntervals(twelve)[metric]) < width(intervals[metric]), `${metric}: twelve seeds narrower than three`);
    assert.ok(width(bootstrapIntervals(larger)[metric]) < width(intervals[metric]) / 2, `${metric}: ten times the examples, under half the width`);
  }
  assert.notDeepEqual(bootstrapIntervals(three, { seed: 1 }), intervals, 'the resampling seed is what fixes it');
});

test('a single run still gets intervals (over its examples); a metric without examples gets none', () => {
  const [single] = [run('0', SHAPE)];
  assert.ok(width(bootstrapIntervals([single]).newAccuracy) > 0);
  const noNew = run('0', { ...SHAPE, fresh: 0 });
  assert.equal(bootstrapIntervals([noNew]).newAccuracy, null);
  assert.notEqual(bootstrapIntervals([noNew]).oldAccuracy, null);
});

test('paired comparison: a strategy against itself differs by exactly 0; a clearly better one excludes 0', () => {
  const a = ['0', '1', '2'].map((seed) => run(seed, SHAPE));
  const same = pairedComparison(a, a).differences.newAccuracy!;
  assert.deepEqual(same, { difference: 0, interval: { low: 0, high: 0 }, excludesZero: false });

  const better = ['0', '1', '2'].map((seed) => run(seed, { ...SHAPE, newRight: 0.97 }, 1));
  const comparison = pairedComparison(better, a);
  assert.deepEqual(comparison.units, ['0', '1', '2']);
  const difference = comparison.differences.newAccuracy!;
  assert.ok(difference.difference > 0.1 && difference.excludesZero, JSON.stringify(difference));
  assert.ok(difference.interval.low <= difference.difference && difference.difference <= difference.interval.high);

  // The same runs with one more new example right per seed (of 40): too little to tell apart.
  const close = a.map(({ unit, outcomes }) => {
    const codes = outcomeCodes(outcomes);
    const wrong = codes.findIndex((code) => code === IS_NEW);
    codes[wrong] |= CORRECT | PREDICTED_NEW;
    return { unit, outcomes: fromCodes(codes) };
  });
  const slight = pairedComparison(close, a).differences.newAccuracy!;
  assert.ok(Math.abs(slight.difference - 1 / 40) < 1e-12, `difference ${slight.difference}`);
  assert.equal(slight.excludesZero, false, JSON.stringify(slight));
});

test('paired comparison is over the seeds both have, and refuses runs measured on different examples', () => {
  const a = ['0', '1', '2'].map((seed) => run(seed, SHAPE));
  const b = ['1', '2', '3'].map((seed) => run(seed, SHAPE, 5));
  assert.deepEqual(pairedComparison(a, b).units, ['1', '2']);
  assert.deepEqual(pairedComparison(a, [run('7', SHAPE)]).differences, { newAccuracy: null, oldAccuracy: null, forgetting: null });
  assert.throws(() => pairedComparison(a, [run('0', { ...SHAPE, fresh: 41 })]), /different examples/);
});

test('percentile intervals interpolate as numpy does', () => {
  const values = Array.from({ length: 101 }, (_, i) => i);
  assert.deepEqual(percentileInterval(values), { low: 2.5, high: 97.5 });
  assert.equal(percentileInterval([]), null);
});

test('binomial and multinomial draws have the right mean and variance', () => {
  const random = new Random(3);
  for (const [n, p] of [[5, 0.3], [40, 0.5], [4500, 0.02], [4500, 0.9], [100_000, 0.37]] as const) {
    const draws = Array.from({ length: 4000 }, () => binomial(random, n, p));
    assert.ok(draws.every((x) => Number.isInteger(x) && x >= 0 && x <= n));
    const average = mean(draws)!;
    const variance = spread(draws)! ** 2;
    const sd = Math.sqrt(n * p * (1 - p));
    assert.ok(Math.abs(average - n * p) < (5 * sd) / Math.sqrt(4000), `Binomial(${n}, ${p}) mean ${average}, expected ${n * p}`);
    assert.ok(Math.abs(variance / (n * p * (1 - p)) - 1) < 0.12, `Binomial(${n}, ${p}) variance ${variance}, expected ${n * p * (1 - p)}`);
  }
  const counts = new Float64Array(4);
  const totals = new Float64Array(4);
  for (let i = 0; i < 2000; i++) {
    multinomial(random, 300, [10, 0, 30, 60], counts);
    assert.equal(counts.reduce((sum, c) => sum + c, 0), 300);
    assert.equal(counts[1], 0, 'an empty bucket is never drawn');
    counts.forEach((c, k) => (totals[k] += c));
  }
  assert.deepEqual(Array.from(totals, (t) => Math.round(t / 2000 / 3)), [10, 0, 30, 60]);
});

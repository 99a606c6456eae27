import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Random } from '../src/training/random.js';

function draws(random: Random, count: number): number[] {
  return Array.from({ length: count }, () => random.nextUint32());
}

test('a seed gives the xoshiro128** sequence an independent implementation computes', () => {
  // From a Python transcription of splitmix32 seeding + xoshiro128** (whose own implementation
  // reproduces the reference outputs 11520, 0, 5927040, 70819200 from state [1, 2, 3, 4]).
  assert.deepEqual(draws(new Random(0), 5), [3809008728, 1133695204, 53579671, 2891528803, 139681546]);
  assert.deepEqual(draws(new Random(42), 5), [2837322924, 544945897, 479756282, 3500138142, 339756180]);
  assert.deepEqual(draws(new Random(2 ** 32 - 1), 5), [835879718, 1921286648, 2356205009, 1885780724, 980451116]);
  assert.deepEqual(draws(new Random(-1), 5), draws(new Random(2 ** 32 - 1), 5), 'seeds are taken as uint32');
});

test('the same seed repeats every kind of draw; another seed does not', () => {
  const sample = (random: Random) => [random.next(), random.int(7), random.normal(), random.normal(), random.shuffle([1, 2, 3, 4, 5, 6])];
  assert.deepEqual(sample(new Random(9)), sample(new Random(9)));
  assert.notDeepEqual(sample(new Random(9)), sample(new Random(10)));
  assert.throws(() => new Random(1.5), /integer/);
});

test('next is in [0, 1) and int(n) is in [0, n) and even across values', () => {
  const random = new Random(3);
  for (let i = 0; i < 10_000; i++) {
    const x = random.next();
    assert.ok(x >= 0 && x < 1);
  }
  const counts = new Array(10).fill(0);
  const draws = 50_000;
  for (let i = 0; i < draws; i++) counts[random.int(10)]++;
  // Chi-square with 9 degrees of freedom: 27.9 is its 0.999 quantile.
  const expected = draws / 10;
  const chiSquare = counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
  assert.ok(chiSquare < 27.9, `chi-square ${chiSquare} for ${counts}`);
  assert.equal(random.int(1), 0);
  const big = random.int(2 ** 32);
  assert.ok(Number.isInteger(big) && big >= 0 && big < 2 ** 32);
  for (const bad of [0, -1, 2.5, 2 ** 32 + 1]) assert.throws(() => random.int(bad), /1\.\.2\^32/);
});

test('normal has mean 0 and variance 1', () => {
  const random = new Random(5);
  const n = 40_000;
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const x = random.normal();
    assert.ok(Number.isFinite(x));
    sum += x;
    squares += x * x;
  }
  const mean = sum / n;
  const variance = squares / n - mean * mean;
  // Standard errors: 0.005 for the mean, about 0.007 for the variance.
  assert.ok(Math.abs(mean) < 0.025, `mean ${mean}`);
  assert.ok(Math.abs(variance - 1) < 0.035, `variance ${variance}`);
});

test('shuffle permutes in place, typed arrays too, each order equally often', () => {
  const random = new Random(11);
  const typed = Int32Array.from({ length: 100 }, (_, i) => i);
  assert.equal(random.shuffle(typed), typed);
  assert.notDeepEqual(Array.from(typed), Array.from({ length: 100 }, (_, i) => i));
  assert.deepEqual(Array.from(typed).sort((a, b) => a - b), Array.from({ length: 100 }, (_, i) => i));

  const counts = new Map<string, number>();
  const rounds = 60_000;
  for (let i = 0; i < rounds; i++) {
    const key = random.shuffle(['a', 'b', 'c']).join('');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  assert.equal(counts.size, 6);
  for (const [order, count] of counts) assert.ok(Math.abs(count - rounds / 6) < 500, `${order} came ${count} times`);
  assert.deepEqual(random.shuffle([]), []);
});

test('fork depends on the seed and the label only, and differs from its parent and siblings', () => {
  const fresh = new Random(42);
  const drawn = new Random(42);
  draws(drawn, 17);
  drawn.normal();
  assert.deepEqual(draws(fresh.fork('table'), 8), draws(drawn.fork('table'), 8));
  // Pinned like the parent sequence, so a change to how forks derive seeds shows here.
  assert.deepEqual(draws(new Random(42).fork('table'), 3), [2326486751, 2036779122, 2792910127]);
  const parent = draws(new Random(42), 8);
  const table = draws(fresh.fork('table'), 8);
  const shuffle = draws(fresh.fork('shuffle'), 8);
  assert.notDeepEqual(table, parent);
  assert.notDeepEqual(table, shuffle);
  assert.notDeepEqual(draws(fresh.fork('table').fork('x'), 8), draws(fresh.fork('x').fork('table'), 8));
});

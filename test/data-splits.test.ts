import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assignSplits, carveValidation, parseSplitName, type Split } from '../src/data/splits.js';

interface Row {
  text: string;
  label: string;
}

function countsByLabel(rows: readonly Row[], splits: readonly Split[]): Map<string, [number, number, number]> {
  const counts = new Map<string, [number, number, number]>();
  rows.forEach((row, i) => {
    const c = counts.get(row.label) ?? [0, 0, 0];
    c[['train', 'validation', 'test'].indexOf(splits[i])]++;
    counts.set(row.label, c);
  });
  return counts;
}

function grid(labels: number, perLabel: number): Row[] {
  const rows: Row[] = [];
  for (let l = 0; l < labels; l++) {
    for (let i = 0; i < perLabel; i++) rows.push({ text: `example ${i} of label ${l}`, label: `label-${l}` });
  }
  return rows;
}

/** A seeded Fisher-Yates shuffle (mulberry32), so the test itself is reproducible. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  const random = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function assignedMultiset(rows: readonly Row[], seed = 0): string[] {
  const splits = assignSplits(rows, seed);
  return rows.map((row, i) => `${row.label}|${row.text}|${splits[i]}`).sort();
}

test('20 labels x 50 rows: every label is exactly 40/5/5', () => {
  const rows = grid(20, 50);
  const counts = countsByLabel(rows, assignSplits(rows));
  assert.equal(counts.size, 20);
  for (const c of counts.values()) assert.deepEqual(c, [40, 5, 5]);
});

test('stratified: a large and a small label each get their own 80/10/10', () => {
  const rows = [...grid(1, 1000), ...grid(1, 10).map((r) => ({ ...r, label: 'small' }))];
  const counts = countsByLabel(rows, assignSplits(rows, 7));
  assert.deepEqual(counts.get('label-0'), [800, 100, 100]);
  assert.deepEqual(counts.get('small'), [8, 1, 1]);
});

test('per-label counts by size: small labels fill train first', () => {
  const expected: Record<number, [number, number, number]> = {
    1: [1, 0, 0],
    2: [2, 0, 0],
    3: [3, 0, 0],
    4: [3, 1, 0],
    5: [4, 1, 0],
    9: [7, 1, 1],
    10: [8, 1, 1],
    11: [9, 1, 1],
    15: [12, 2, 1],
    19: [15, 2, 2],
  };
  for (const [size, counts] of Object.entries(expected)) {
    const rows = grid(1, Number(size));
    assert.deepEqual(countsByLabel(rows, assignSplits(rows)).get('label-0'), counts, `size ${size}`);
  }
});

test('the assignment depends on the multiset of rows, not their order', () => {
  const rows = [...grid(5, 37), ...Array.from({ length: 12 }, () => ({ text: 'same text', label: 'label-1' }))];
  const reference = assignedMultiset(rows);
  for (const seed of [1, 2, 3]) assert.deepEqual(assignedMultiset(shuffled(rows, seed)), reference);
});

test('identical rows are spread like distinct ones', () => {
  const rows = Array.from({ length: 20 }, () => ({ text: 'hello', label: 'greet' }));
  assert.deepEqual(countsByLabel(rows, assignSplits(rows)).get('greet'), [16, 2, 2]);
});

test('stable across runs and machines: a fixed input has a fixed assignment', () => {
  // Pinned output, also computed by an independent Python version of the same hash: if this
  // changes, every dataset imported without splits gets different splits.
  const rows = grid(1, 10);
  assert.deepEqual(assignSplits(rows), [
    'train', 'train', 'train', 'train', 'train', 'validation', 'train', 'train', 'train', 'test',
  ]);
});

test('the seed changes which rows go where, not how many', () => {
  const rows = grid(3, 100);
  const a = assignSplits(rows, 0);
  const b = assignSplits(rows, 1);
  assert.notDeepEqual(a, b);
  assert.deepEqual(countsByLabel(rows, a), countsByLabel(rows, b));
});

test('split names: aliases, case and spaces; empty means unassigned', () => {
  assert.equal(parseSplitName(' Train '), 'train');
  for (const name of ['validation', 'VALID', 'val', 'Dev']) assert.equal(parseSplitName(name), 'validation');
  assert.equal(parseSplitName('test'), 'test');
  assert.equal(parseSplitName('  '), null);
  assert.equal(parseSplitName('holdout'), undefined);
});

test('carveValidation gives a tenth of train (rounded down) to validation for labels without one, the same for any row order', () => {
  const rows = [
    ...grid(1, 25).map((row) => ({ ...row, split: 'train' as Split })),
    ...grid(2, 4).slice(4).map((row) => ({ ...row, split: 'test' as Split })),
    ...Array.from({ length: 30 }, (_, i) => ({ text: `kept ${i}`, label: 'has-validation', split: (i < 28 ? 'train' : 'validation') as Split })),
    ...Array.from({ length: 9 }, (_, i) => ({ text: `few ${i}`, label: 'few', split: 'train' as Split })),
  ];
  const carved = carveValidation(rows, 0);
  const counts = countsByLabel(rows, carved);
  assert.deepEqual(counts.get('label-0'), [23, 2, 0]);
  assert.deepEqual(counts.get('label-1'), [0, 0, 4], 'no train rows: nothing to carve');
  assert.deepEqual(counts.get('has-validation'), [28, 2, 0], 'a label with validation rows keeps its splits');
  assert.deepEqual(counts.get('few'), [9, 0, 0], 'fewer than ten train rows are all kept for training');
  rows.forEach((row, i) => assert.ok(carved[i] === row.split || (row.split === 'train' && carved[i] === 'validation')));

  const order = shuffled(rows.map((_, i) => i), 7);
  const reordered = carveValidation(order.map((i) => rows[i]), 0);
  const validation = (splits: Split[], indices: number[]) => new Set(indices.filter((_, k) => splits[k] === 'validation').map((i) => rows[i].text));
  assert.deepEqual(validation(reordered, order), validation(carved, rows.map((_, i) => i)));
  assert.notDeepEqual(validation(carveValidation(rows, 1), rows.map((_, i) => i)), validation(carved, rows.map((_, i) => i)), 'the seed chooses which rows');
});

export type Split = 'train' | 'validation' | 'test';

/** Tenths of each label's unsplit rows per split, in the order remainders are handed out. */
const TENTHS: readonly [Split, number][] = [
  ['train', 8],
  ['validation', 1],
  ['test', 1],
];

const SPLIT_NAMES: ReadonlyMap<string, Split> = new Map([
  ['train', 'train'],
  ['validation', 'validation'],
  ['valid', 'validation'],
  ['val', 'validation'],
  ['dev', 'validation'],
  ['test', 'test'],
]);

/** The accepted split names as shown to users; keep in step with SPLIT_NAMES. */
export const SPLIT_NAMES_HINT = 'train, validation (or valid, val, dev) or test';

/** Reads a split cell: a Split, null for an empty cell (meaning "assign one"), undefined if unknown. */
export function parseSplitName(cell: string): Split | null | undefined {
  const name = cell.trim().toLowerCase();
  return name === '' ? null : SPLIT_NAMES.get(name);
}

/**
 * Assigns train/validation/test 80/10/10 within each label. A row's place is decided by a seeded
 * hash of (text, how many identical rows of its label came before it), so the assignment depends
 * only on the multiset of rows: reordering the file or running on another machine changes nothing.
 * Each label's counts are 80/10/10 of its size by largest remainder, ties going to train first,
 * so a label with 1 to 3 rows is all train and one with 10 rows is 8/1/1.
 */
export function assignSplits(rows: ReadonlyArray<{ text: string; label: string }>, seed = 0): Split[] {
  const result = new Array<Split>(rows.length);
  for (const group of hashOrderByLabel(rows, seed, () => true)) {
    let next = 0;
    for (const [split, count] of splitCounts(group.length)) {
      for (const end = next + count; next < end; next++) result[group[next].index] = split;
    }
  }
  return result;
}

/** Share of a label's train rows that carveValidation moves, in tenths, rounded down. */
const CARVED_TENTHS = 1;

/**
 * Gives a validation split to every label that has train rows and no validation row (a file split
 * into train and test only): a tenth of its train rows, rounded down, chosen by the same seeded
 * hash as assignSplits. Choosing among strategies, or calibrating one, needs examples that are
 * neither trained on nor the test; a label with fewer than ten train rows keeps them all.
 * Returns every row's split, changed or not.
 */
export function carveValidation(rows: ReadonlyArray<{ text: string; label: string; split: Split }>, seed = 0): Split[] {
  const hasValidation = new Set(rows.filter((row) => row.split === 'validation').map((row) => row.label));
  const result = rows.map((row) => row.split);
  for (const group of hashOrderByLabel(rows, seed, (row) => row.split === 'train' && !hasValidation.has(row.label))) {
    for (const { index } of group.slice(0, Math.floor((group.length * CARVED_TENTHS) / 10))) result[index] = 'validation';
  }
  return result;
}

/**
 * The rows `include` accepts, grouped by label, each group in the order of a seeded hash of
 * (text, how many identical rows of its label came before it): an order that depends only on
 * the multiset of rows, not on the file's order.
 */
function hashOrderByLabel<R extends { text: string; label: string }>(rows: readonly R[], seed: number, include: (row: R) => boolean): Keyed[][] {
  const byLabel = new Map<string, Keyed[]>();
  const seen = new Map<string, number>();
  rows.forEach((row, index) => {
    if (!include(row)) return;
    const identity = `${row.label}\u0000${row.text}`;
    const occurrence = seen.get(identity) ?? 0;
    seen.set(identity, occurrence + 1);
    let group = byLabel.get(row.label);
    if (group === undefined) byLabel.set(row.label, (group = []));
    group.push({ index, text: row.text, occurrence, hash: hashRow(seed, row.text, occurrence) });
  });
  return [...byLabel.values()].map((group) => group.sort(compareKeyed));
}

interface Keyed {
  index: number;
  text: string;
  occurrence: number;
  hash: number;
}

/** Total order on (hash, text, occurrence): hash collisions must not fall back to file order. */
function compareKeyed(a: Keyed, b: Keyed): number {
  if (a.hash !== b.hash) return a.hash - b.hash;
  if (a.text !== b.text) return a.text < b.text ? -1 : 1;
  return a.occurrence - b.occurrence;
}

/** Largest-remainder apportionment of `size` rows over TENTHS, in integers so ties are exact. */
function splitCounts(size: number): [Split, number][] {
  const counts = TENTHS.map(([split, tenths]) => ({ split, count: Math.floor((size * tenths) / 10), rest: (size * tenths) % 10 }));
  let left = size - counts.reduce((sum, c) => sum + c.count, 0);
  // A stable sort keeps TENTHS order (train first) among equal remainders.
  for (const c of [...counts].sort((a, b) => b.rest - a.rest)) {
    if (left === 0) break;
    c.count++;
    left--;
  }
  return counts.map((c) => [c.split, c.count]);
}

/**
 * 32-bit FNV-1a over the UTF-16 code units of seed, text and occurrence, then murmur3's
 * finaliser so nearby inputs spread over the whole range. Math.imul keeps it exact in every engine.
 */
function hashRow(seed: number, text: string, occurrence: number): number {
  let h = 0x811c9dc5;
  const key = `${seed}\u0000${text}\u0000${occurrence}`;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

import { SplitData } from '../../src/training/data.js';
import { Random } from '../../src/training/random.js';

/**
 * Generated intent data: every label has its own ten made-up keywords; a text is two to four of
 * them with up to two shared filler words mixed in. Learnable, deterministic per seed, and small.
 */
export function syntheticIntents(options: { labels: number; train: number; validation: number; test: number; seed: number }): {
  labels: string[];
  data: SplitData;
} {
  const random = new Random(options.seed).fork('synthetic intents');
  const syllables = ['ka', 'lo', 'mi', 'ne', 'ru', 'ta', 'vo', 'zi', 'pe', 'do', 'si', 'gu', 'ba', 'fe', 'ho', 'ja', 'wu', 'xe', 'qi', 'yo'];
  const word = () => Array.from({ length: 2 + random.int(2) }, () => syllables[random.int(syllables.length)]).join('');
  const filler = Array.from({ length: 20 }, word);
  const keywords = Array.from({ length: options.labels }, () => Array.from({ length: 10 }, word));
  const text = (label: number) => {
    const words: string[] = [];
    for (let k = 2 + random.int(3); k > 0; k--) words.push(keywords[label][random.int(10)]);
    for (let k = random.int(3); k > 0; k--) words.splice(random.int(words.length + 1), 0, filler[random.int(filler.length)]);
    return words.join(' ');
  };
  const split = (perLabel: number) => {
    const labels = Int32Array.from({ length: options.labels * perLabel }, (_, i) => Math.floor(i / perLabel));
    return { texts: Array.from(labels, text), labels };
  };
  return {
    labels: Array.from({ length: options.labels }, (_, i) => `intent_${i}`),
    data: { train: split(options.train), validation: split(options.validation), test: split(options.test) },
  };
}

/** The rows of a split that `keep` accepts, given each row's label and how many rows of that label came before it. */
export function filterSplit(split: SplitData['train'], keep: (label: number, nth: number) => boolean): SplitData['train'] {
  const seen = new Map<number, number>();
  const rows: number[] = [];
  split.labels.forEach((label, row) => {
    const nth = seen.get(label) ?? 0;
    seen.set(label, nth + 1);
    if (keep(label, nth)) rows.push(row);
  });
  return { texts: rows.map((row) => split.texts[row]), labels: Int32Array.from(rows, (row) => split.labels[row]) };
}

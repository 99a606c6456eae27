import { LabeledTexts, SplitData } from '../training/data.js';
import { Random } from '../training/random.js';
import { BenchDataset } from './load-dataset.js';

/**
 * The benchmark scenarios (S1, S2, S3 in BENCHMARKS.md), for any labelled CSV: which labels are
 * held out, in which order they arrive, and which examples each training sees. Every choice is
 * seeded, so a scenario is the same on every machine.
 */

/** A dataset's examples of `labels`, with label indices in that order; `keep` can drop train examples. */
export function restrictTo(dataset: BenchDataset, labels: readonly string[], keepTrain: (label: number, nth: number) => boolean = () => true): SplitData {
  const index = new Map(labels.map((label, i) => [dataset.labels.indexOf(label), i]));
  const pick = (split: LabeledTexts, keep: (label: number, nth: number) => boolean): LabeledTexts => {
    const texts: string[] = [];
    const picked: number[] = [];
    const seen = new Map<number, number>();
    split.labels.forEach((original, row) => {
      const label = index.get(original);
      if (label === undefined) return;
      const nth = seen.get(label) ?? 0;
      seen.set(label, nth + 1);
      if (!keep(label, nth)) return;
      texts.push(split.texts[row]);
      picked.push(label);
    });
    return { texts, labels: Int32Array.from(picked) };
  };
  return { train: pick(dataset.splits.train, keepTrain), validation: pick(dataset.splits.validation, () => true), test: pick(dataset.splits.test, () => true) };
}

/** `count` labels drawn by a seeded shuffle; the rest, in dataset order, are the old ones. */
export function holdOut(dataset: BenchDataset, count: number, seed: number): { oldLabels: string[]; newLabels: string[] } {
  const newLabels = new Random(seed).fork('held-out labels').shuffle(dataset.labels.slice()).slice(0, count);
  return { oldLabels: dataset.labels.filter((label) => !newLabels.includes(label)), newLabels };
}

/**
 * S1: all old training examples, plus `examples` training examples of the one new label, drawn by
 * the seed (the original question: "I have ten examples").
 */
export function s1Data(dataset: BenchDataset, oldLabels: string[], newLabel: string, examples: number, seed: number): SplitData {
  const labels = [...oldLabels, newLabel];
  const newIndex = labels.length - 1;
  const available = restrictTo(dataset, [newLabel]).train.labels.length;
  const chosen = new Set(new Random(seed).fork('new examples').shuffle(Array.from({ length: available }, (_, i) => i)).slice(0, examples));
  return restrictTo(dataset, labels, (label, nth) => label !== newIndex || chosen.has(nth));
}

/** Default number of labels S2 adds: ten, or a third of a small label set (SNIPS' 7 intents give 2). */
export function defaultS2NewLabels(labelCount: number): number {
  return Math.min(10, Math.max(1, Math.floor(labelCount / 3)));
}

/**
 * S3's steps: the labels in a seeded order, cut into `steps` groups as even as possible (15 x 10
 * on CLINC150's 150 intents). The first group, which the base model learns, has at least 2.
 */
export function incrementalSteps(dataset: BenchDataset, steps: number, seed: number): string[][] {
  const order = new Random(seed).fork('label order').shuffle(dataset.labels.slice());
  const count = Math.max(1, Math.min(steps, order.length - 1));
  const groups: string[][] = [];
  let start = 0;
  for (let step = 0; step < count; step++) {
    const size = Math.floor(order.length / count) + (step < order.length % count ? 1 : 0);
    groups.push(order.slice(start, start + size));
    start += size;
  }
  if (groups[0].length < 2 && groups.length > 1) groups[0].push(...groups.splice(1, 1)[0]);
  return groups;
}

/** Default S3 step count: CLINC150's 15 steps of 10, or 7 for other sizes (7 of 11 on a 77-intent set). */
export function defaultS3Steps(labelCount: number): number {
  return labelCount % 10 === 0 && labelCount >= 50 ? labelCount / 10 : Math.min(7, labelCount - 1);
}

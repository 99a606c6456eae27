import { resolveBaseSettings, trainBase } from '../../src/training/base-training.js';
import { SplitData } from '../../src/training/data.js';
import { Classifier, EmbeddingBagEncoder } from '../../src/training/model.js';
import { filterSplit, syntheticIntents } from './synthetic-intents.js';

/** Small enough to train in well under a second on wasm. */
export const SMALL_BASE = resolveBaseSettings({ dim: 32, buckets: 4096, epochs: 10 });

export interface S1Scenario {
  base: Classifier<EmbeddingBagEncoder>;
  /** Old labels, then the one new label. */
  labels: string[];
  /** Train: every old example plus `newExamples` of the new label; validation and test: every label. */
  data: SplitData;
}

/** The original question in miniature: a base model on all labels but the last, then ten examples of it. */
export async function s1Scenario(seed: number, options: { labels?: number; newExamples?: number } = {}): Promise<S1Scenario> {
  const count = options.labels ?? 12;
  const newLabel = count - 1;
  const newExamples = options.newExamples ?? 10;
  const { labels, data } = syntheticIntents({ labels: count, train: 40, validation: 6, test: 10, seed });
  const old = (label: number) => label !== newLabel;
  const base = await trainBase(
    { labels: labels.slice(0, -1), settings: SMALL_BASE, seed },
    { train: filterSplit(data.train, old), validation: filterSplit(data.validation, old), test: filterSplit(data.test, old) },
  );
  return {
    base: base.model,
    labels,
    data: { ...data, train: filterSplit(data.train, (label, nth) => old(label) || nth < newExamples) },
  };
}

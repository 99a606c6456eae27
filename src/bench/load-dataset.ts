import fs from 'node:fs';
import path from 'node:path';
import { parseDatasetFile } from '../data/dataset-file.js';
import { LabeledTexts, SplitData } from '../training/data.js';

/** A labelled CSV split three ways, with label names in first-seen order. */
export interface BenchDataset {
  name: string;
  labels: string[];
  splits: SplitData;
  /** Train rows moved to validation for labels the file gave no validation rows (SNIPS: all of them), as an import does. */
  carvedValidation: number;
}

/**
 * Reads any `text,label[,split]` CSV, leaving out the rows of `excludeLabels` (CLINC150's `oos`).
 * Splits are assigned as an import assigns them, validation carved from train included.
 */
export function loadBenchDataset(file: string, excludeLabels: readonly string[] = []): BenchDataset {
  const { rows, carvedValidation } = parseDatasetFile({ format: 'CSV', content: fs.readFileSync(file), maxBytes: Number.MAX_SAFE_INTEGER });
  const excluded = new Set(excludeLabels);
  const labels: string[] = [];
  const indexOf = new Map<string, number>();
  const parts = { train: [] as Array<[string, number]>, validation: [] as Array<[string, number]>, test: [] as Array<[string, number]> };
  for (const row of rows) {
    if (excluded.has(row.label)) continue;
    let index = indexOf.get(row.label);
    if (index === undefined) {
      index = labels.length;
      indexOf.set(row.label, index);
      labels.push(row.label);
    }
    parts[row.split].push([row.text, index]);
  }
  const split = (pairs: Array<[string, number]>): LabeledTexts => ({
    texts: pairs.map(([text]) => text),
    labels: Int32Array.from(pairs, ([, label]) => label),
  });
  return {
    name: path.basename(file, path.extname(file)),
    labels,
    splits: { train: split(parts.train), validation: split(parts.validation), test: split(parts.test) },
    carvedValidation,
  };
}

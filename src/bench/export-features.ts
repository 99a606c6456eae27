import fs from 'node:fs';
import path from 'node:path';
import { encodeTexts, resolveBaseSettings, SplitData, trainBase, TrainingResult } from '../training/index.js';
import { BenchDataset } from './load-dataset.js';
import { writeNpy } from './npy.js';
import { holdOut, restrictTo, s1Data } from './scenarios.js';

export interface FeatureExport {
  scenario: 's1' | 's2';
  oldLabels: string[];
  newLabels: string[];
  /** What the base model trains on: the old labels' examples. */
  baseData: SplitData;
  /** What the expansion sees. */
  data: SplitData;
}

/** S1 instance `heldOutIndex` (of the five held-out intents) with seed `seed`, or S2, as export-features writes it. */
export function exportScenario(dataset: BenchDataset, scenario: 's1' | 's2', options: { heldOutIndex: number; seed: number; examples: number; newLabels: number }): FeatureExport {
  if (scenario === 's2') {
    const { oldLabels, newLabels } = holdOut(dataset, options.newLabels, 0);
    return { scenario, oldLabels, newLabels, baseData: restrictTo(dataset, oldLabels), data: restrictTo(dataset, [...oldLabels, ...newLabels]) };
  }
  const newLabel = holdOut(dataset, options.heldOutIndex + 1, 0).newLabels[options.heldOutIndex];
  const oldLabels = dataset.labels.filter((label) => label !== newLabel);
  return {
    scenario,
    oldLabels,
    newLabels: [newLabel],
    baseData: restrictTo(dataset, oldLabels),
    data: s1Data(dataset, oldLabels, newLabel, options.examples, options.seed),
  };
}

/**
 * Writes the folder the PyTorch head reference (torch_head_reference.py) reads: the base model's
 * features of every example of the scenario (train rows of a new label: only those the scenario
 * lets it see), labels in the expanded label set, splits, the base head in PyTorch layout, and
 * meta.json.
 */
export async function exportFeatures(spec: FeatureExport, folder: string, log: (line: string) => void, trained?: TrainingResult): Promise<void> {
  const { oldLabels, newLabels, data } = spec;
  if (!trained) log(`training the base model on ${oldLabels.length} labels`);
  const base = trained ?? (await trainBaseModelFor(spec));
  const splits = [data.train, data.validation, data.test];
  const features = splits.map((split) => encodeTexts(base.model.encoder, split.texts));
  const rows = splits.reduce((total, split) => total + split.labels.length, 0);
  const dim = base.model.head.dim;
  const allFeatures = new Float32Array(rows * dim);
  const labels = new Int32Array(rows);
  const splitCodes = new Uint8Array(rows);
  let offset = 0;
  splits.forEach((split, code) => {
    allFeatures.set(features[code], offset * dim);
    labels.set(split.labels, offset);
    splitCodes.fill(code, offset, offset + split.labels.length);
    offset += split.labels.length;
  });
  fs.mkdirSync(folder, { recursive: true });
  writeNpy(path.join(folder, 'features.npy'), allFeatures, [rows, dim]);
  writeNpy(path.join(folder, 'labels.npy'), labels, [rows]);
  writeNpy(path.join(folder, 'split.npy'), splitCodes, [rows]);
  writeNpy(path.join(folder, 'head_w.npy'), base.model.head.weight, [oldLabels.length, dim]);
  writeNpy(path.join(folder, 'head_b.npy'), base.model.head.bias, [oldLabels.length]);
  const meta = { old_labels: oldLabels.length, new_labels: newLabels.length, scenario: spec.scenario, labels: [...oldLabels, ...newLabels], baseTestAccuracy: base.final.overallAccuracy };
  fs.writeFileSync(path.join(folder, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
  log(`wrote ${rows} examples x ${dim} features to ${folder}`);
}

/** The base model a scenario starts from: its old labels, the benchmarks' base settings, seed 0. */
export function trainBaseModelFor(spec: FeatureExport): Promise<TrainingResult> {
  return trainBase({ labels: spec.oldLabels, settings: resolveBaseSettings(), seed: 0 }, spec.baseData);
}

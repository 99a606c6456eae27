import fs from 'node:fs';
import path from 'node:path';
import { LinearHead } from '../training/index.js';
import { readNpy } from './npy.js';

/** What export-features wrote, read back: the same arrays the PyTorch reference trains on. */
export interface FeatureFolder {
  oldLabels: number;
  newLabels: number;
  dim: number;
  baseHead: LinearHead;
  splits: Record<'train' | 'validation' | 'test', { features: Float32Array; labels: Int32Array }>;
}

export function readFeatureFolder(folder: string): FeatureFolder {
  const meta = JSON.parse(fs.readFileSync(path.join(folder, 'meta.json'), 'utf8')) as { old_labels: number; new_labels: number };
  const features = readNpy(path.join(folder, 'features.npy'));
  const labels = readNpy(path.join(folder, 'labels.npy')).data as Int32Array;
  const split = readNpy(path.join(folder, 'split.npy')).data as Uint8Array;
  const dim = features.shape[1];
  const rowsOf = (code: number) => Array.from(split.keys()).filter((row) => split[row] === code);
  const take = (rows: number[]) => {
    const data = new Float32Array(rows.length * dim);
    rows.forEach((row, i) => data.set((features.data as Float32Array).subarray(row * dim, (row + 1) * dim), i * dim));
    return { features: data, labels: Int32Array.from(rows, (row) => labels[row]) };
  };
  return {
    oldLabels: meta.old_labels,
    newLabels: meta.new_labels,
    dim,
    baseHead: {
      dim,
      weight: readNpy(path.join(folder, 'head_w.npy')).data as Float32Array,
      bias: readNpy(path.join(folder, 'head_b.npy')).data as Float32Array,
    },
    splits: { train: take(rowsOf(0)), validation: take(rowsOf(1)), test: take(rowsOf(2)) },
  };
}

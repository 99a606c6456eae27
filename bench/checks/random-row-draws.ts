/**
 * How much a RANDOM_NORMAL row steals before any training, over many seeds (the Headroom side of
 * bench/checks/random-row-draws.py): 300 rows drawn as head expansion draws them, and the share
 * of old-label test examples each takes at once.
 * Usage: node dist/bench/checks/random-row-draws.js <export-features folder>
 */
import { readFeatureFolder } from '../../src/bench/feature-folder.js';
import { selectBackend } from '../../src/training/backend.js';
import { appendRows } from '../../src/training/head-init.js';
import { headLogits } from '../../src/training/logits.js';
import { Random } from '../../src/training/random.js';

async function main(folder: string): Promise<void> {
  await selectBackend('wasm');
  const data = readFeatureFolder(folder);
  const { features, labels } = data.splits.test;
  const oldCount = data.oldLabels;
  const baseLogits = headLogits(features, data.baseHead);
  const shares: number[] = [];
  for (let seed = 0; seed < 300; seed++) {
    const head = appendRows(data.baseHead, 'RANDOM_NORMAL', [new Float32Array(data.dim)], new Random(seed).fork('new rows'));
    const newLogits = headLogits(features, { dim: data.dim, weight: head.weight.subarray(oldCount * data.dim), bias: head.bias.subarray(oldCount) });
    let taken = 0;
    let old = 0;
    labels.forEach((label, row) => {
      if (label >= oldCount) return;
      old++;
      if (newLogits[row] > Math.max(...baseLogits.subarray(row * oldCount, (row + 1) * oldCount))) taken++;
    });
    shares.push(taken / old);
  }
  const mean = shares.reduce((sum, share) => sum + share, 0) / shares.length;
  const sd = Math.sqrt(shares.reduce((sum, share) => sum + (share - mean) ** 2, 0) / (shares.length - 1));
  console.log(`headroom random rows, share of old test examples taken at init: mean ${mean.toFixed(4)} sd ${sd.toFixed(4)} (300 seeds)`);
}

void main(process.argv[2]);

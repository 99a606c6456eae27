// Save and load times of a full-size checkpoint (2^18 x 128 embedding table, 150 labels):
//   node dist/bench/checkpoint.js [folder]
// The folder (default: under the OS temp dir) is removed afterwards. Each save includes an fsync
// of every file, so its time depends on the disk; loads read from the page cache after the save.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadCheckpoint, saveCheckpoint } from '../src/training/checkpoint.js';
import { Classifier } from '../src/training/model.js';

const BUCKETS = 2 ** 18;
const DIM = 128;
const LABELS = Array.from({ length: 150 }, (_, i) => `intent_${i}`);
const RUNS = 3;

function model(): Classifier {
  const table = new Float32Array(BUCKETS * DIM);
  for (let i = 0; i < table.length; i++) table[i] = Math.sin(i);
  return {
    labels: LABELS,
    encoder: { config: { kind: 'embedding-bag',
    layerNorm: false, dim: DIM, tokenizer: { buckets: BUCKETS, wordNgrams: 2, charNgramMin: 3, charNgramMax: 5, hashSeed: 0 } }, table },
    head: { dim: DIM, weight: table.slice(0, LABELS.length * DIM), bias: new Float32Array(LABELS.length) },
  };
}

async function main(): Promise<void> {
  const root = await fs.mkdtemp(path.join(process.argv[2] ?? os.tmpdir(), 'headroom-bench-checkpoint-'));
  try {
    const classifier = model();
    for (let run = 0; run < RUNS; run++) {
      const folder = path.join(root, `run-${run}`);
      let start = performance.now();
      const saved = await saveCheckpoint(classifier, folder);
      const saveMs = performance.now() - start;
      start = performance.now();
      await loadCheckpoint(folder);
      const loadMs = performance.now() - start;
      console.log(`run ${run}: ${saved.files.length} files, ${(saved.sizeBytes / 2 ** 20).toFixed(2)} MiB (${saved.sizeBytes} bytes); save ${saveMs.toFixed(0)} ms, load ${loadMs.toFixed(0)} ms`);
      await fs.rm(folder, { recursive: true });
    }
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

import fs from 'node:fs';
import { BackendChoice, selectBackend } from '../training/backend.js';
import { resolveBaseSettings, trainBase } from '../training/base-training.js';
import { loadBenchDataset } from './load-dataset.js';

export interface BaseBenchOptions {
  data: string;
  excludeLabels: string[];
  json: string | null;
  seed: number;
  backend: BackendChoice;
  epochs?: number;
}

/** `headroom bench base`: trains a base classifier from scratch and reports test accuracy. */
export async function benchBase(options: BaseBenchOptions): Promise<void> {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const backend = await selectBackend(options.backend, log);
  const dataset = loadBenchDataset(options.data, options.excludeLabels);
  const settings = resolveBaseSettings({ epochs: options.epochs });
  log(
    `${dataset.name}: ${dataset.labels.length} labels, ${dataset.splits.train.texts.length} train / ` +
      `${dataset.splits.test.texts.length} test examples, backend ${backend.backend}`,
  );
  const started = performance.now();
  const result = await trainBase({ labels: dataset.labels, settings, seed: options.seed }, dataset.splits, {
    onEpoch: (m) => void log(`epoch ${m.epoch}: loss ${m.loss.toFixed(4)} test accuracy ${m.overallAccuracy.toFixed(4)} macro-F1 ${m.macroF1.toFixed(4)} (${m.seconds.toFixed(1)} s)`),
    log,
  });
  const record = {
    scenario: 'base',
    dataset: dataset.name,
    backend: backend.backend,
    labels: dataset.labels.length,
    trainExamples: dataset.splits.train.texts.length,
    testAccuracy: result.final.overallAccuracy,
    macroF1: result.final.macroF1,
    trainSeconds: result.final.trainSeconds,
    wallSeconds: (performance.now() - started) / 1000,
    epochs: result.epochs.length - 1,
    seed: options.seed,
    settings,
    versions: backend.versions,
  };
  console.log(JSON.stringify(record, null, 2));
  if (options.json) fs.writeFileSync(options.json, `${JSON.stringify(record, null, 2)}\n`);
}

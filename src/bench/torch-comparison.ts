import fs from 'node:fs';
import path from 'node:path';
import { BackendInfo, expandHeadOnFeatures, mean, PresetName, resolveExpansionSettings } from '../training/index.js';
import { exportFeatures, exportScenario, trainBaseModelFor } from './export-features.js';
import { readFeatureFolder } from './feature-folder.js';
import { runReferenceScript } from './reference-script.js';
import { BenchDataset } from './load-dataset.js';

/** The reference's strategies and the presets that do the same thing. */
export const REFERENCE_STRATEGIES: Record<string, PresetName> = { seed: 'ORIGINAL_RECIPE', frozen: 'FROZEN_OLD_ROWS', imprint: 'IMPRINT_FROZEN' };

export interface ComparisonOptions {
  dataset: BenchDataset;
  out: string;
  heldOut: number;
  seeds: number[];
  examples: number;
  epochs: number;
  learningRate: number;
  batchSize: number;
  python: string;
  reference: string;
  backend: BackendInfo;
  log: (line: string) => void;
}

export interface SideResult {
  medianEpochSeconds: number;
  oldAccuracy: number;
  newAccuracy: number;
  intrusion: number;
  /** Wall clock of the whole run: for the reference a process, start to exit; for Headroom the call, in one process. */
  wallSeconds: number;
}

export interface ComparisonRecord {
  folder: string;
  strategy: string;
  seed: number;
  torch: SideResult;
  headroom: SideResult;
}

/**
 * S1 on exported features, run by the PyTorch reference (one process per run, as its header
 * describes) and by Headroom (one process for the sweep), with the same strategies, epochs,
 * learning rate and batch size. The export is prepared before either side is timed.
 */
export async function compareWithTorch(options: ComparisonOptions): Promise<{ records: ComparisonRecord[]; torchSweepSeconds: number; headroomSweepSeconds: number }> {
  const folders: Array<{ folder: string; seed: number }> = [];
  for (let index = 0; index < options.heldOut; index++) {
    const first = exportScenario(options.dataset, 's1', { heldOutIndex: index, seed: options.seeds[0], examples: options.examples, newLabels: 1 });
    options.log(`base model without ${first.newLabels[0]}`);
    const base = await trainBaseModelFor(first);
    for (const seed of options.seeds) {
      const spec = exportScenario(options.dataset, 's1', { heldOutIndex: index, seed, examples: options.examples, newLabels: 1 });
      const folder = path.join(options.out, `${options.dataset.name}-s1-h${index}-s${seed}`);
      fs.rmSync(folder, { recursive: true, force: true });
      await exportFeatures(spec, folder, options.log, base);
      folders.push({ folder, seed });
    }
  }

  const torch = new Map<string, SideResult>();
  let torchSweepSeconds = 0;
  for (const { folder, seed } of folders) {
    for (const strategy of Object.keys(REFERENCE_STRATEGIES)) {
      const result = await runReference(options, folder, strategy, seed);
      torch.set(`${folder}:${strategy}`, result);
      torchSweepSeconds += result.wallSeconds;
      options.log(`torch ${strategy} ${path.basename(folder)}: median epoch ${(result.medianEpochSeconds * 1000).toFixed(2)} ms`);
    }
  }

  const started = performance.now();
  const records: ComparisonRecord[] = [];
  for (const { folder, seed } of folders) {
    const data = readFeatureFolder(folder);
    for (const [strategy, preset] of Object.entries(REFERENCE_STRATEGIES)) {
      const runStarted = performance.now();
      const settings = resolveExpansionSettings(preset, { epochs: options.epochs, learningRate: options.learningRate, batchSize: options.batchSize });
      const result = await expandHeadOnFeatures({ labelCount: data.oldLabels + data.newLabels, settings, seed }, data.baseHead, data.splits);
      const headroom = {
        medianEpochSeconds: median(result.epochs.slice(1).map((epoch: { seconds: number }) => epoch.seconds)),
        oldAccuracy: result.final.oldAccuracy!,
        newAccuracy: result.final.newAccuracy!,
        intrusion: result.final.intrusion!,
        wallSeconds: (performance.now() - runStarted) / 1000,
      };
      records.push({ folder: path.basename(folder), strategy, seed, torch: torch.get(`${folder}:${strategy}`)!, headroom });
    }
  }
  return { records, torchSweepSeconds, headroomSweepSeconds: (performance.now() - started) / 1000 };
}

async function runReference(options: ComparisonOptions, folder: string, strategy: string, seed: number): Promise<SideResult> {
  const args = [folder, '--strategy', strategy, '--epochs', `${options.epochs}`, '--lr', `${options.learningRate}`, '--batch', `${options.batchSize}`, '--seed', `${seed}`, '--threads', '1'];
  const { stdout, stderr, wallSeconds } = await runReferenceScript({ python: options.python, script: options.reference }, args);
  const output = stdout + stderr;
  const last = [...output.matchAll(/old_acc=([\d.]+) new_acc=([\d.nan]+) old_predicted_as_new=([\d.]+)/g)].at(-1);
  const medianEpoch = /median_epoch_s=([\d.]+)/.exec(output);
  if (!last || !medianEpoch) throw new Error(`${options.reference} ${args.join(' ')} printed no result:\n${output}`);
  return { medianEpochSeconds: Number(medianEpoch[1]), oldAccuracy: Number(last[1]), newAccuracy: Number(last[2]), intrusion: Number(last[3]), wallSeconds };
}

export function median(values: number[]): number {
  const sorted = values.slice().sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Per strategy: median epoch times and their ratio, mean accuracies of both sides; then the sweep wall times. */
export function torchComparisonTable(result: { records: ComparisonRecord[]; torchSweepSeconds: number; headroomSweepSeconds: number }): string {
  const lines = ['strategy  torch ms/epoch  headroom ms/epoch  ratio  old acc (torch / headroom)  new acc (torch / headroom)  intrusion (torch / headroom)'];
  for (const strategy of Object.keys(REFERENCE_STRATEGIES)) {
    const runs = result.records.filter((record) => record.strategy === strategy);
    const torchEpoch = median(runs.map((run) => run.torch.medianEpochSeconds)) * 1000;
    const ownEpoch = median(runs.map((run) => run.headroom.medianEpochSeconds)) * 1000;
    const pair = (key: 'oldAccuracy' | 'newAccuracy' | 'intrusion') =>
      `${mean(runs.map((run) => run.torch[key]))!.toFixed(3)} / ${mean(runs.map((run) => run.headroom[key]))!.toFixed(3)}`;
    lines.push(
      `${strategy.padEnd(8)}  ${torchEpoch.toFixed(3).padStart(14)}  ${ownEpoch.toFixed(3).padStart(17)}  ${(ownEpoch / torchEpoch).toFixed(2).padStart(5)}  ${pair('oldAccuracy').padEnd(26)}  ${pair('newAccuracy').padEnd(26)}  ${pair('intrusion')}`,
    );
  }
  lines.push(`sweep of ${result.records.length} runs: torch ${result.torchSweepSeconds.toFixed(1)} s (one process per run), headroom ${result.headroomSweepSeconds.toFixed(1)} s (one process)`);
  return lines.join('\n');
}

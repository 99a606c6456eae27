import os from 'node:os';
import {
  BackendInfo,
  Classifier,
  encodeOutcomes,
  expandHead,
  mean,
  MemoryFeatureCache,
  PresetName,
  resolveBaseSettings,
  resolveExpansionSettings,
  SplitData,
  trainBase,
  TrainingResult,
} from '../training/index.js';
import { Random } from '../training/random.js';
import { BenchDataset } from './load-dataset.js';
import { Progress, RunRecord } from './report.js';
import { holdOut, incrementalSteps, restrictTo, s1Data } from './scenarios.js';

export interface ExpansionBenchOptions {
  dataset: BenchDataset;
  strategies: PresetName[];
  seeds: number[];
  backend: BackendInfo;
  log: (line: string) => void;
}

/** Base models are trained once per label set, with seed 0: the seeds vary the expansion. */
const BASE_SEED = 0;

/**
 * S1, the original question: for each of `heldOut` intents, a base model on all the others, then
 * the intent added from `examples` of its training examples, by every strategy and seed. With a
 * `model` (a user's classifier, e.g. imported from Hugging Face), that model is the base every
 * time, and the held-out intents are drawn from the dataset's labels it does not know.
 */
export async function runS1(options: ExpansionBenchOptions & { heldOut: number; examples: number; model: Classifier | null }): Promise<RunRecord[]> {
  const { dataset, strategies, seeds, model } = options;
  const progress = new Progress(options.heldOut * ((model ? 0 : 1) + seeds.length * strategies.length));
  const records: RunRecord[] = [];
  const newLabels = model ? unknownTo(model, dataset, options.heldOut) : holdOut(dataset, options.heldOut, BASE_SEED).newLabels;
  for (const newLabel of newLabels) {
    const oldLabels = model ? model.labels : dataset.labels.filter((label) => label !== newLabel);
    const base = model ? { model } : await trainBaseOn(dataset, oldLabels);
    if (!model) progress.step(`s1 base without ${newLabel}`);
    const cache = new MemoryFeatureCache();
    for (const seed of seeds) {
      const data = s1Data(dataset, oldLabels, newLabel, options.examples, seed);
      for (const strategy of strategies) {
        records.push(await expansionRecord('s1', options, base.model, [newLabel], data, strategy, seed, cache));
        progress.step(`s1 ${strategy} +${newLabel} seed ${seed}`);
      }
    }
  }
  return records;
}

/** S2, a batch add: a base model on all but `newLabels` intents, then all of them at once, with all their examples. */
export async function runS2(options: ExpansionBenchOptions & { newLabels: number }): Promise<RunRecord[]> {
  const { dataset, strategies, seeds } = options;
  const progress = new Progress(1 + seeds.length * strategies.length);
  const { oldLabels, newLabels } = holdOut(dataset, options.newLabels, BASE_SEED);
  const base = await trainBaseOn(dataset, oldLabels);
  progress.step(`s2 base on ${oldLabels.length} labels`);
  const data = restrictTo(dataset, [...oldLabels, ...newLabels]);
  const cache = new MemoryFeatureCache();
  const records: RunRecord[] = [];
  for (const seed of seeds) {
    for (const strategy of strategies) {
      records.push(await expansionRecord('s2', options, base.model, newLabels, data, strategy, seed, cache));
      progress.step(`s2 ${strategy} seed ${seed}`);
    }
  }
  return records;
}

/**
 * S3, an incremental sequence: the base model learns the first group of labels; each strategy
 * then adds the next groups one step at a time, always from its own previous model. After every
 * step: accuracy on every label seen so far.
 */
export async function runS3(options: ExpansionBenchOptions & { steps: number }): Promise<RunRecord[]> {
  const { dataset, strategies, seeds } = options;
  const groups = incrementalSteps(dataset, options.steps, BASE_SEED);
  const progress = new Progress(seeds.length * (1 + strategies.length * (groups.length - 1)));
  const records: RunRecord[] = [];
  for (const seed of seeds) {
    const base = await trainBaseOn(dataset, groups[0], seed);
    progress.step(`s3 base on ${groups[0].length} labels, seed ${seed}`);
    for (const strategy of strategies) {
      const cache = new MemoryFeatureCache();
      let model = base.model;
      const steps = [{ step: 1, labels: groups[0].length, accuracy: base.final.overallAccuracy }];
      let last: TrainingResult = base;
      let seconds = 0;
      for (let step = 1; step < groups.length; step++) {
        const labels = [...model.labels, ...groups[step]];
        const started = performance.now();
        last = await expandHead({ labels, settings: resolveExpansionSettings(strategy), seed }, model, restrictTo(dataset, labels), { featureCache: cache });
        seconds += (performance.now() - started) / 1000;
        model = last.model;
        steps.push({ step: step + 1, labels: labels.length, accuracy: last.final.overallAccuracy });
        progress.step(`s3 ${strategy} seed ${seed} step ${step + 1}/${groups.length}`);
      }
      const record = toRecord('s3', options, strategy, seed, groups.slice(1).flat(), last, seconds);
      record.steps = steps;
      record.finalAccuracy = steps[steps.length - 1].accuracy;
      record.averageIncrementalAccuracy = mean(steps.map((step) => step.accuracy))!;
      records.push(record);
    }
  }
  return records;
}

/** `count` of the dataset's labels the model does not know, drawn by a seeded shuffle; all its own labels must be in the dataset. */
function unknownTo(model: Classifier, dataset: BenchDataset, count: number): string[] {
  const missing = model.labels.filter((label) => !dataset.labels.includes(label));
  if (missing.length > 0) throw new Error(`the dataset has no examples of ${missing.length} of the model's labels (${missing.slice(0, 5).join(', ')}...): give the dataset the model was trained on`);
  const candidates = dataset.labels.filter((label) => !model.labels.includes(label));
  if (candidates.length === 0) throw new Error('every label of the dataset is one the model knows already: there is nothing to add');
  return new Random(BASE_SEED).fork('held-out labels').shuffle(candidates).slice(0, count);
}

async function trainBaseOn(dataset: BenchDataset, labels: string[], seed = BASE_SEED): Promise<TrainingResult> {
  return trainBase({ labels, settings: resolveBaseSettings(), seed }, restrictTo(dataset, labels));
}

async function expansionRecord(
  scenario: string,
  options: ExpansionBenchOptions,
  base: Classifier,
  newLabels: string[],
  data: SplitData,
  strategy: PresetName,
  seed: number,
  cache: MemoryFeatureCache,
): Promise<RunRecord> {
  const started = performance.now();
  const settings = resolveExpansionSettings(strategy, {}, base.encoder.config);
  const result = await expandHead({ labels: [...base.labels, ...newLabels], settings, seed }, base, data, {
    featureCache: cache,
    parallelEncoding: { threads: os.availableParallelism(), backend: options.backend.backend },
  });
  return toRecord(scenario, options, strategy, seed, newLabels, result, (performance.now() - started) / 1000);
}

function toRecord(
  scenario: string,
  options: ExpansionBenchOptions,
  strategy: string,
  seed: number,
  newLabels: string[],
  result: TrainingResult,
  seconds: number,
): RunRecord {
  const { oldAccuracy, newAccuracy, overallAccuracy, forgetting, intrusion, trainSeconds } = result.final;
  if (!result.outcomes) throw new Error(`${scenario} ${strategy} seed ${seed}: an expansion returned no outcomes`);
  return {
    scenario,
    dataset: options.dataset.name,
    strategy,
    seed,
    newLabels,
    oldAccuracy,
    newAccuracy,
    overallAccuracy,
    forgetting,
    intrusion,
    seconds,
    trainSeconds,
    backend: options.backend.backend,
    outcomes: encodeOutcomes(result.outcomes),
  };
}

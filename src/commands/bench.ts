import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { measureApiLoad } from '../bench/api-load.js';
import { benchBase } from '../bench/base.js';
import { measureDashboardLoad } from '../bench/dashboard-load.js';
import { bertParity } from '../bench/bert-parity.js';
import { encoderSpeedAgainstReference } from '../bench/encoder-speed.js';
import { requireReferenceScript } from '../bench/reference-script.js';
import { ablationStrategies, presetStrategies } from '../bench/bench-strategies.js';
import { runS1, runS2, runS3 } from '../bench/expansion-bench.js';
import { loadBenchDataset } from '../bench/load-dataset.js';
import { benchRecommendations, recommendationText } from '../bench/recommendation-report.js';
import { RunRecord, summarise, summaryTable } from '../bench/report.js';
import { defaultS2NewLabels, defaultS3Steps } from '../bench/scenarios.js';
import { compareWithTorch, torchComparisonTable } from '../bench/torch-comparison.js';
import { parseBackendChoice, PRESET_NAMES, readHuggingFaceFolder, selectBackend } from '../training/index.js';

const USAGE = `Usage: headroom bench <scenario> --data <csv> [options]

Scenarios (BENCHMARKS.md says what each measures):
  base    train a classifier from scratch on the train split, report test accuracy
  s1      add 1 label from 10 examples: --held-out intents (default 5) x seeds, every strategy;
          with --model <Hugging Face folder>, that classifier is the base and the held-out intents
          are drawn from the dataset's labels it does not know
  s2      add --new-labels intents at once (default 10, or a third of a small label set)
  s3      --steps incremental steps (default 15 for 150 labels, else 7), accuracy after each step
  torch   S1 on exported features, by the PyTorch reference (--python, --reference) and by Headroom:
          median epoch time, accuracy and sweep wall time side by side (--out: where features go)
  parity  a Hugging Face BERT folder (--model) through the PyTorch reference and through Headroom on
          --texts (one per line): token ids, pooled features and logits compared, by each tokenizer route
  encoder BERT speed on --model and --texts: extraction examples/s and fine-tuning ms per step
          (--batch, default 32) with --threads threads (default 1), and the PyTorch reference's
          figures at the same thread count (its speed command; skip with --no-reference)
  api     query latency of a running server (--url, default http://127.0.0.1:4000) for --seconds
          (default 30) with --concurrency clients (default 4); no --data needed
  dashboard the dashboard's first load from a running server (--url, default http://127.0.0.1:4000/,
          any page such as .../#/experiments/<id>) in Chromium: bytes it downloads, and
          navigation to load event over --loads visits with an empty cache (default 20)

Options:
  --data <csv>             a text,label,split CSV (required)
  --exclude-label <label>  leave out this label's rows (repeatable), e.g. oos for CLINC150
  --strategies A,B,...     presets to run (default all: ${PRESET_NAMES.join(', ')})
  --ablate <preset>        s1, s2, s3: instead of --strategies, the preset and the preset without each of its
                           parts in turn (encoder training, calibration, balancing, distillation, ...)
  --seeds <n>              seeds 0..n-1 (default 3)
  --json <file>            also write every run and a summary as JSON
  --max-forgetting <share> s1, s2: the forgetting budget the recommendation section decides for, as a
                           share of old-label accuracy from 0 to 1 (default 0.01, one point)
  --epochs <n>             base scenario only: override the epochs
  --backend <name>         auto, tensorflow-gpu, tensorflow, wasm or cpu (default: TFJS_BACKEND or auto)
  --python <path>          the Python with torch for reference scripts (default /usr/bin/python3)
  --reference <path>       the reference script (torch: torch_head_reference.py, parity and encoder:
                           torch_bert_reference.py); required by those scenarios`;

export async function benchCommand(args: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      data: { type: 'string' },
      'exclude-label': { type: 'string', multiple: true },
      strategies: { type: 'string' },
      ablate: { type: 'string' },
      seeds: { type: 'string' },
      json: { type: 'string' },
      seed: { type: 'string' },
      epochs: { type: 'string' },
      backend: { type: 'string' },
      'held-out': { type: 'string' },
      examples: { type: 'string' },
      'new-labels': { type: 'string' },
      steps: { type: 'string' },
      url: { type: 'string' },
      seconds: { type: 'string' },
      concurrency: { type: 'string' },
      loads: { type: 'string' },
      python: { type: 'string' },
      reference: { type: 'string' },
      out: { type: 'string' },
      lr: { type: 'string' },
      batch: { type: 'string' },
      model: { type: 'string' },
      texts: { type: 'string' },
      threads: { type: 'string' },
      'no-reference': { type: 'boolean' },
      'max-forgetting': { type: 'string' },
    },
  });
  const [scenario] = positionals;
  if (scenario === 'api') {
    const result = await measureApiLoad(values.url ?? 'http://127.0.0.1:4000', integer(values.seconds, 30, '--seconds'), integer(values.concurrency, 4, '--concurrency'));
    console.log(JSON.stringify(result, null, 2));
    if (values.json) fs.writeFileSync(values.json, `${JSON.stringify({ scenario, command: `headroom bench ${args.join(' ')}`, ...result }, null, 2)}\n`);
    return;
  }
  if (scenario === 'dashboard') {
    const result = await measureDashboardLoad(values.url ?? 'http://127.0.0.1:4000/', integer(values.loads, 20, '--loads'));
    console.log(JSON.stringify(result, null, 2));
    if (values.json) fs.writeFileSync(values.json, `${JSON.stringify({ scenario, command: `headroom bench ${args.join(' ')}`, ...result }, null, 2)}\n`);
    return;
  }
  const python = values.python ?? '/usr/bin/python3';
  if (scenario === 'parity' || scenario === 'encoder') {
    if (!values.model || !values.texts) {
      console.error(USAGE);
      process.exitCode = 2;
      return;
    }
    const reference = { python, script: values.reference ?? '' };
    const backend = parseBackendChoice(values.backend ?? process.env.TFJS_BACKEND ?? 'auto');
    await selectBackend(backend, (line) => process.stderr.write(`${line}\n`));
    const result =
      scenario === 'parity'
        ? { routes: await bertParity({ model: values.model, texts: values.texts, reference }) }
        : await encoderSpeedAgainstReference({
            model: values.model,
            texts: values.texts,
            batch: integer(values.batch, 32, '--batch'),
            seconds: integer(values.seconds, 20, '--seconds'),
            threads: integer(values.threads, 1, '--threads'),
            backend,
            reference: values['no-reference'] ? null : reference,
          });
    console.log(JSON.stringify(result, null, 2));
    if (values.json) fs.writeFileSync(values.json, `${JSON.stringify({ scenario, command: `headroom bench ${args.join(' ')}`, ...result }, null, 2)}\n`);
    return;
  }
  if (!['base', 's1', 's2', 's3', 'torch'].includes(scenario) || !values.data) {
    console.error(USAGE);
    process.exitCode = 2;
    return;
  }
  const backendChoice = parseBackendChoice(values.backend ?? process.env.TFJS_BACKEND ?? 'auto');
  const excludeLabels = values['exclude-label'] ?? [];
  if (scenario === 'base') {
    await benchBase({
      data: values.data,
      excludeLabels,
      json: values.json ?? null,
      seed: integer(values.seed, 0, '--seed'),
      epochs: values.epochs === undefined ? undefined : integer(values.epochs, 0, '--epochs'),
      backend: backendChoice,
    });
    return;
  }

  const log = (line: string) => process.stderr.write(`${line}\n`);
  const backend = await selectBackend(backendChoice, log);
  const dataset = loadBenchDataset(values.data, excludeLabels);
  if (scenario === 'torch') {
    const options = {
      dataset,
      out: values.out ?? 'bench/out/features',
      heldOut: integer(values['held-out'], 5, '--held-out'),
      seeds: Array.from({ length: integer(values.seeds, 3, '--seeds') }, (_, i) => i),
      examples: integer(values.examples, 10, '--examples'),
      epochs: integer(values.epochs, 10, '--epochs'),
      learningRate: Number(values.lr ?? 0.01),
      batchSize: integer(values.batch, 32, '--batch'),
      python,
      reference: values.reference ?? '',
      backend,
      log,
    };
    requireReferenceScript({ python, script: options.reference });
    const result = await compareWithTorch(options);
    console.log(torchComparisonTable(result));
    if (values.json) {
      const { log: _log, dataset: _dataset, backend: _backend, ...settings } = options;
      const output = { scenario, dataset: dataset.name, backend: backend.backend, versions: backend.versions, command: `headroom bench ${args.join(' ')}`, settings, ...result };
      fs.writeFileSync(values.json, `${JSON.stringify(output, null, 2)}\n`);
    }
    return;
  }
  if (values.ablate && values.strategies) throw new Error('give --strategies or --ablate, not both');
  const strategies = values.ablate ? ablationStrategies(values.ablate) : presetStrategies(values.strategies?.split(','));
  const seeds = Array.from({ length: integer(values.seeds, 3, '--seeds') }, (_, i) => i);
  const maxForgetting = share(values['max-forgetting'], 0.01, '--max-forgetting');
  const common = { dataset, strategies, seeds, backend, log };
  log(`${scenario} on ${dataset.name}: ${dataset.labels.length} labels, ${strategies.length} strategies, ${seeds.length} seeds, backend ${backend.backend}`);
  if (dataset.carvedValidation > 0) log(`the file gives some labels no validation rows: ${dataset.carvedValidation} of their train rows (a tenth of each) are validation`);
  const started = performance.now();
  let records: RunRecord[];
  if (scenario === 's1') {
    const model = values.model ? await readHuggingFaceFolder(values.model) : null;
    records = await runS1({ ...common, heldOut: integer(values['held-out'], 5, '--held-out'), examples: integer(values.examples, 10, '--examples'), model });
  } else if (scenario === 's2') {
    records = await runS2({ ...common, newLabels: integer(values['new-labels'], defaultS2NewLabels(dataset.labels.length), '--new-labels') });
  } else {
    records = await runS3({ ...common, steps: integer(values.steps, defaultS3Steps(dataset.labels.length), '--steps') });
  }
  const wallSeconds = (performance.now() - started) / 1000;
  const summary = summarise(records);
  const metrics = scenario === 's3'
    ? (['finalAccuracy', 'averageIncrementalAccuracy', 'forgetting', 'seconds'] as const)
    : (['oldAccuracy', 'newAccuracy', 'overallAccuracy', 'forgetting', 'intrusion', 'seconds'] as const);
  console.log(summaryTable(summary, metrics));
  const recommendations = scenario === 's3' ? [] : benchRecommendations(records, maxForgetting);
  if (recommendations.length > 0) console.log(`\n${recommendationText(recommendations)}`);
  console.log(`\n${records.length} runs in ${wallSeconds.toFixed(1)} s`);
  if (values.json) {
    const output = {
      scenario,
      dataset: dataset.name,
      carvedValidation: dataset.carvedValidation,
      backend: backend.backend,
      versions: backend.versions,
      wallSeconds,
      command: `headroom bench ${args.join(' ')}`,
      records,
      summary,
      recommendations,
    };
    fs.writeFileSync(values.json, `${JSON.stringify(output, null, 2)}\n`);
  }
}

function share(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!(value.trim() !== '' && parsed >= 0 && parsed <= 1)) throw new Error(`${name} must be a share from 0 to 1 (0.01 is one point of accuracy), got ${value}`);
  return parsed;
}

function integer(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new Error(`${name} must be a whole number, got ${value}`);
  return parsed;
}

import { parseArgs } from 'node:util';
import { exportFeatures, exportScenario } from '../bench/export-features.js';
import { loadBenchDataset } from '../bench/load-dataset.js';
import { defaultS2NewLabels } from '../bench/scenarios.js';
import { parseBackendChoice, selectBackend } from '../training/index.js';

const USAGE = `Usage: headroom export-features --data <csv> --scenario s1|s2 --out <dir> [options]

Writes the folder the PyTorch head reference (torch_head_reference.py) reads: the base model's
features of one scenario instance, its labels and splits, and the base head.

Options:
  --exclude-label <label>  leave out this label's rows (repeatable)
  --held-out-index <i>     s1: which of the five held-out intents (default 0)
  --seed <n>               s1: which ten examples of it (default 0)
  --examples <n>           s1: how many examples of the new intent (default 10)
  --new-labels <n>         s2: how many intents are added (default 10, or a third of a small label set)`;

export async function exportFeaturesCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      data: { type: 'string' },
      scenario: { type: 'string' },
      out: { type: 'string' },
      'exclude-label': { type: 'string', multiple: true },
      'held-out-index': { type: 'string' },
      seed: { type: 'string' },
      examples: { type: 'string' },
      'new-labels': { type: 'string' },
      backend: { type: 'string' },
    },
  });
  if (!values.data || !values.out || (values.scenario !== 's1' && values.scenario !== 's2')) {
    console.error(USAGE);
    process.exitCode = 2;
    return;
  }
  const log = (line: string) => process.stderr.write(`${line}\n`);
  await selectBackend(parseBackendChoice(values.backend ?? process.env.TFJS_BACKEND ?? 'auto'), log);
  const dataset = loadBenchDataset(values.data, values['exclude-label'] ?? []);
  const spec = exportScenario(dataset, values.scenario, {
    heldOutIndex: Number(values['held-out-index'] ?? 0),
    seed: Number(values.seed ?? 0),
    examples: Number(values.examples ?? 10),
    newLabels: Number(values['new-labels'] ?? defaultS2NewLabels(dataset.labels.length)),
  });
  await exportFeatures(spec, values.out, log);
}

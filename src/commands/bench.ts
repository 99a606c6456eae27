import { parseArgs } from 'node:util';
import { benchBase } from '../bench/base.js';
import { parseBackendChoice } from '../training/backend.js';

const USAGE = `Usage: headroom bench <scenario> --data <csv> [options]

Scenarios:
  base    train a classifier from scratch on the train split, report test accuracy

Options:
  --data <csv>             a text,label,split CSV (required)
  --exclude-label <label>  leave out this label's rows (repeatable), e.g. oos for CLINC150
  --json <file>            also write the result as JSON
  --seed <n>               seed of every random choice (default 0)
  --epochs <n>             override the scenario's epochs
  --backend <name>         auto, tensorflow-gpu, tensorflow, wasm or cpu (default: TFJS_BACKEND or auto)`;

export async function benchCommand(args: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      data: { type: 'string' },
      'exclude-label': { type: 'string', multiple: true },
      json: { type: 'string' },
      seed: { type: 'string' },
      epochs: { type: 'string' },
      backend: { type: 'string' },
    },
  });
  const [scenario] = positionals;
  if (scenario !== 'base' || !values.data) {
    console.error(USAGE);
    process.exitCode = 2;
    return;
  }
  await benchBase({
    data: values.data,
    excludeLabels: values['exclude-label'] ?? [],
    json: values.json ?? null,
    seed: integer(values.seed, 0, '--seed'),
    epochs: values.epochs === undefined ? undefined : integer(values.epochs, 0, '--epochs'),
    backend: parseBackendChoice(values.backend ?? process.env.TFJS_BACKEND ?? 'auto'),
  });
}

function integer(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed)) throw new Error(`${name} must be a whole number, got ${value}`);
  return parsed;
}

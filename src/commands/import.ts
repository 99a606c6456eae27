import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const USAGE = `Usage: headroom import <file> [--name <name>] [--format CSV|JSONL] [--text-column C] [--label-column C] [--split-column C] [--url <graphql url>]

Sends a dataset file to a running Headroom (importDataset) and prints the new dataset's id and
per-label counts. --url defaults to HEADROOM_URL or http://127.0.0.1:4000/graphql.`;

const IMPORT = `mutation Import($input: ImportDatasetInput!) {
  importDataset(input: $input) { id name exampleCount labels { label train validation test } }
}`;

/** `headroom import`: the API's importDataset for a file on disk, since pasting 20 MB into an IDE is no fun. */
export async function importCommand(args: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      format: { type: 'string' },
      'text-column': { type: 'string' },
      'label-column': { type: 'string' },
      'split-column': { type: 'string' },
      url: { type: 'string' },
    },
  });
  const [file] = positionals;
  if (!file) {
    console.error(USAGE);
    process.exitCode = 2;
    return;
  }
  const format = (values.format ?? (file.endsWith('.jsonl') ? 'JSONL' : 'CSV')).toUpperCase();
  const input = {
    name: values.name ?? path.basename(file, path.extname(file)),
    format,
    content: fs.readFileSync(file, 'utf8'),
    textColumn: values['text-column'],
    labelColumn: values['label-column'],
    splitColumn: values['split-column'],
  };
  const url = values.url ?? process.env.HEADROOM_URL ?? 'http://127.0.0.1:4000/graphql';
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: IMPORT, variables: { input } }),
  });
  const result = (await response.json()) as { data?: { importDataset: unknown }; errors?: Array<{ message: string; extensions?: unknown }> };
  if (result.errors?.length) {
    for (const error of result.errors) console.error(`${error.message} ${JSON.stringify(error.extensions)}`);
    process.exitCode = 1;
    return;
  }
  console.log(JSON.stringify(result.data!.importDataset, null, 2));
}

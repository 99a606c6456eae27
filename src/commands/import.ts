import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { reportCommandErrors, serverClient } from './server-client.js';

const USAGE = `Usage: headroom import <file> [--name <name>] [--format CSV|JSONL] [--text-column C] [--label-column C] [--split-column C] [--url <graphql url>]

Sends a dataset file to a running Headroom (importDataset) and prints the new dataset's id and
per-label counts. --url defaults to HEADROOM_URL or http://127.0.0.1:4000/graphql; HEADROOM_API_KEY
is sent when set.`;

const IMPORT = `mutation Import($input: ImportDatasetInput!) {
  importDataset(input: $input) { id name exampleCount labels { label train validation test } }
}`;

const FORMATS = ['CSV', 'JSONL'];

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
  if (!FORMATS.includes(format)) {
    console.error(`--format must be ${FORMATS.join(' or ')}, got ${values.format}`);
    process.exitCode = 2;
    return;
  }
  const input = {
    name: values.name ?? path.basename(file, path.extname(file)),
    format,
    content: fs.readFileSync(file, 'utf8'),
    textColumn: values['text-column'],
    labelColumn: values['label-column'],
    splitColumn: values['split-column'],
  };
  const flags = {
    'input.name': '--name',
    'input.format': '--format',
    'input.content': file,
    'input.textColumn': '--text-column',
    'input.labelColumn': '--label-column',
    'input.splitColumn': '--split-column',
  };
  await reportCommandErrors(async () => {
    const { importDataset } = await serverClient(values.url, flags).graphql<{ importDataset: unknown }>(IMPORT, { input });
    console.log(JSON.stringify(importDataset, null, 2));
  });
}

import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { checkFolderFileNames, HUGGING_FACE_FILE, ModelImportError } from '../training/index.js';
import { CommandError, inCommandTerms, reportCommandErrors, serverClient } from './server-client.js';

const USAGE = `Usage: headroom import-model <folder> --name <name> [--url <graphql url>]

Sends a Hugging Face model folder (save_pretrained output: config.json, model.safetensors or its
shards, tokenizer.json or vocab.txt) to a running Headroom and prints the new checkpoint's id, its
label set's id and the number of labels. --url defaults to HEADROOM_URL or
http://127.0.0.1:4000/graphql; HEADROOM_API_KEY is sent when set.`;

/** `headroom import-model`: POST /models with the folder's files, streamed from disk. */
export async function importModelCommand(args: string[]): Promise<void> {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { name: { type: 'string' }, url: { type: 'string' } } });
  const [folder] = positionals;
  if (!folder || !values.name) {
    console.error(USAGE);
    process.exitCode = 2;
    return;
  }
  await reportCommandErrors(async () => {
    if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) throw new CommandError(`${folder} is not a folder: give the folder save_pretrained wrote`);
    const names = fs.readdirSync(folder);
    try {
      // The same check the server makes, before gigabytes are sent to hear it.
      checkFolderFileNames(names);
    } catch (error) {
      if (error instanceof ModelImportError) throw new CommandError(error.message, { code: 'BAD_USER_INPUT', reason: error.reason, field: error.file });
      throw error;
    }
    const form = new FormData();
    form.append('name', values.name!);
    for (const name of names.filter(HUGGING_FACE_FILE).sort()) form.append('files', await fs.openAsBlob(path.join(folder, name)), name);
    const client = serverClient(values.url);
    const response = await client.fetch(client.resolve('/models'), { method: 'POST', body: form });
    const result = (await response.json()) as { data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
    if (result.errors?.length) throw inCommandTerms(result.errors[0], { name: '--name' });
    console.log(JSON.stringify(result.data, null, 2));
  });
}

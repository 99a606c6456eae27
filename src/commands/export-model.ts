import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { CommandError, reportCommandErrors, serverClient } from './server-client.js';

const USAGE = `Usage: headroom export-model <checkpointId> <folder> [--url <graphql url>]

Writes a BERT checkpoint of a running Headroom as a Hugging Face folder, which
BertForSequenceClassification.from_pretrained(<folder>) loads: config.json with the checkpoint's
labels, model.safetensors, the tokenizer files. The folder must not exist yet.`;

const FILES = `query Files($id: ID!) { checkpoint(id: $id) { huggingFaceFiles { name url sizeBytes } } }`;

/** `headroom export-model`: the checkpoint's Hugging Face files, downloaded into a new folder all or nothing. */
export async function exportModelCommand(args: string[]): Promise<void> {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { url: { type: 'string' } } });
  const [checkpointId, folder] = positionals;
  if (!checkpointId || !folder) {
    console.error(USAGE);
    process.exitCode = 2;
    return;
  }
  await reportCommandErrors(async () => {
    if (fs.existsSync(folder)) throw new CommandError(`${folder} already exists: give a folder to create, so no file of another model is mixed in`);
    const client = serverClient(values.url, { id: '<checkpointId>' });
    const { checkpoint } = await client.graphql<{ checkpoint: { huggingFaceFiles: Array<{ name: string; url: string; sizeBytes: number }> | null } }>(FILES, { id: checkpointId });
    if (checkpoint.huggingFaceFiles === null) {
      throw new CommandError(`checkpoint ${checkpointId} is an embedding-bag model, which has no Hugging Face form; download its tfjs files from checkpoint { files { url } }`);
    }
    const partial = path.join(path.dirname(path.resolve(folder)), `.${path.basename(folder)}.partial-${randomUUID()}`);
    fs.mkdirSync(partial, { recursive: true });
    try {
      for (const file of checkpoint.huggingFaceFiles) {
        const response = await client.fetch(client.resolve(file.url));
        if (!response.ok || !response.body) throw new CommandError(`downloading ${file.name} failed: HTTP ${response.status} ${await response.text()}`);
        await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), fs.createWriteStream(path.join(partial, file.name)));
      }
      fs.renameSync(partial, folder);
    } catch (error) {
      fs.rmSync(partial, { recursive: true, force: true });
      throw error;
    }
    console.log(JSON.stringify({ folder: path.resolve(folder), files: checkpoint.huggingFaceFiles.map(({ name, sizeBytes }) => ({ name, sizeBytes })) }, null, 2));
  });
}

import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { BertEncoder } from '../src/training/bert/bert-encoder.js';
import { unsharedBytes } from '../src/training/blob-store.js';
import { loadCheckpoint, saveCheckpoint } from '../src/training/checkpoint.js';
import { BERT_CHECKPOINT_JSON, bertCheckpointTensors } from '../src/training/huggingface/bert-checkpoint.js';
import { SAFETENSORS_METADATA } from '../src/training/huggingface/checkpoint-shards.js';
import { readHuggingFaceFolder } from '../src/training/huggingface/hf-folder.js';
import { INDEX_FILE, SINGLE_FILE, writeSafetensorsFile } from '../src/training/huggingface/safetensors-files.js';
import { assembledSafetensors, huggingFaceExportFiles } from '../src/training/huggingface/single-file-export.js';
import type { Classifier } from '../src/training/model.js';
import { BERT_FIXTURES } from './support/bert-fixtures.js';
import { diskUsage } from './support/disk-usage.js';

let root: string;
before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'headroom-bert-export-'));
});
after(() => fs.rm(root, { recursive: true, force: true }));

const TOKENIZER = ['special_tokens_map.json', 'tokenizer.json', 'tokenizer_config.json', 'vocab.txt'];

/** The model with one more head row (the imprint of nothing in particular): what a head-only expansion writes. */
function withNewLabel(model: Classifier<BertEncoder>): Classifier<BertEncoder> {
  const { dim, weight, bias } = model.head;
  const grownWeight = new Float32Array(weight.length + dim);
  grownWeight.set(weight);
  grownWeight.fill(0.25, weight.length);
  return { labels: [...model.labels, 'new_intent'], encoder: model.encoder, head: { dim, weight: grownWeight, bias: Float32Array.from([...bias, -1]) } };
}

async function readAllChunks(chunks: AsyncIterable<Uint8Array>): Promise<{ bytes: Buffer; largest: number }> {
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return { bytes: Buffer.concat(parts), largest: Math.max(...parts.map((part) => part.length)) };
}

describe('BERT checkpoints in shards', () => {
  const family = () => path.join(root, 'family');
  let base: Classifier<BertEncoder>;
  let child: Classifier<BertEncoder>;
  let addedOnDisk: number;

  before(async () => {
    base = await readHuggingFaceFolder(path.join(BERT_FIXTURES, 'tiny'));
    child = withNewLabel(base);
    await saveCheckpoint(base, path.join(family(), 'base'));
    const usage = await diskUsage(family());
    await saveCheckpoint(child, path.join(family(), 'child'));
    addedOnDisk = (await diskUsage(family())) - usage;
  });

  test('a head-only expansion shares every shard but the classifier\'s, and the tokenizer files, with its parent', async () => {
    const names = (await fs.readdir(path.join(family(), 'child'))).sort();
    const shards = names.filter((name) => /^model-\d{5}-of-\d{5}\.safetensors$/.test(name));
    // Embeddings, two layers, pooler, classifier.
    assert.equal(shards.length, base.encoder.config.architecture.layers + 3);
    const inode = async (folder: string, name: string) => (await fs.stat(path.join(family(), folder, name))).ino;
    const shared = [...shards.slice(0, -1), ...TOKENIZER];
    for (const name of shared) assert.equal(await inode('child', name), await inode('base', name), `${name} is the parent's`);
    const own = ['config.json', shards.at(-1)!, INDEX_FILE, BERT_CHECKPOINT_JSON];
    for (const name of own) assert.notEqual(await inode('child', name), await inode('base', name), `${name} is the child's own`);
    assert.deepEqual(names, [...shared, ...own].sort());

    const ownBytes = (await Promise.all(own.map(async (name) => (await fs.stat(path.join(family(), 'child', name))).size))).reduce((a, b) => a + b, 0);
    assert.equal(await unsharedBytes(path.join(family(), 'child')), ownBytes);
    const encoderBytes = (await Promise.all(shards.slice(0, -1).map(async (name) => (await fs.stat(path.join(family(), 'child', name))).size))).reduce((a, b) => a + b, 0);
    assert.ok(addedOnDisk < encoderBytes / 4, `the child took ${addedOnDisk} bytes of disk; its encoder alone is ${encoderBytes}`);
  });

  test('it loads back bit for bit', async () => {
    const { model } = await loadCheckpoint(path.join(family(), 'child'));
    const bytes = (tensors: ReturnType<typeof bertCheckpointTensors>) => Buffer.concat(tensors.map((tensor) => tensor.data));
    assert.deepEqual(model.labels, child.labels);
    assert.ok(bytes(bertCheckpointTensors(model as Classifier<BertEncoder>)).equals(bytes(bertCheckpointTensors(child))));
  });

  test('its export is one model.safetensors, byte for byte what a full write gives, read from the shards in chunks of at most 1 MiB', async () => {
    const folder = path.join(family(), 'child');
    const full = path.join(root, 'full.safetensors');
    await writeSafetensorsFile(full, bertCheckpointTensors(child), SAFETENSORS_METADATA);
    const expected = await fs.readFile(full);
    const assembled = (await assembledSafetensors(folder))!;
    assert.equal(assembled.sizeBytes, expected.length);
    const { bytes, largest } = await readAllChunks(assembled.chunks());
    assert.ok(bytes.equals(expected), 'the assembled file differs from a full write');
    assert.ok(largest <= 2 ** 20, `a chunk of ${largest} bytes`);

    const sizeOf = async (name: string) => (await fs.stat(path.join(folder, name))).size;
    assert.deepEqual(await huggingFaceExportFiles(folder), [
      { name: 'config.json', sizeBytes: await sizeOf('config.json') },
      { name: SINGLE_FILE, sizeBytes: expected.length },
      ...await Promise.all(TOKENIZER.map(async (name) => ({ name, sizeBytes: await sizeOf(name) }))),
    ]);
  });

  test('a checkpoint written before the shards, with model.safetensors itself, loads and exports as it is', async () => {
    const folder = path.join(root, 'single-file');
    await fs.mkdir(folder);
    for (const name of ['config.json', BERT_CHECKPOINT_JSON, ...TOKENIZER]) await fs.copyFile(path.join(family(), 'child', name), path.join(folder, name));
    await writeSafetensorsFile(path.join(folder, SINGLE_FILE), bertCheckpointTensors(child), SAFETENSORS_METADATA);
    assert.equal(await assembledSafetensors(folder), null);
    assert.deepEqual((await huggingFaceExportFiles(folder)).map((file) => file.name), ['config.json', SINGLE_FILE, ...TOKENIZER]);
    const { model } = await loadCheckpoint(folder);
    assert.ok(Buffer.from(model.head.weight.buffer).equals(Buffer.from(child.head.weight.buffer)));
  });
});

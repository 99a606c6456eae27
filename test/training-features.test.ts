import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { selectBackend } from '../src/training/backend.js';
import { encodeTexts, FileFeatureCache, MemoryFeatureCache, TieredFeatureCache, textsFingerprint } from '../src/training/features.js';
import { readHuggingFaceFolder } from '../src/training/huggingface/hf-folder.js';
import { encodeTextsInParallel } from '../src/training/parallel-encoding.js';
import { BERT_FIXTURES, readTexts } from './support/bert-fixtures.js';

let root: string;
before(async () => {
  await selectBackend('wasm');
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'headroom-features-'));
});
after(() => fs.rmSync(root, { recursive: true, force: true }));

const values = (count: number, start: number) => Float32Array.from({ length: count }, (_, i) => start + i / 7);

test('FileFeatureCache: another instance on the same folder (another thread or process) finds the features, bit for bit', () => {
  const folder = path.join(root, 'shared');
  const features = values(33, -1.5);
  new FileFeatureCache(folder).set('model-texts', features);
  const found = new FileFeatureCache(folder).get('model-texts');
  assert.deepEqual(found, features);
  assert.equal(new FileFeatureCache(folder).get('other'), undefined);
  assert.deepEqual(fs.readdirSync(folder), ['model-texts.f32'], 'no temporary file is left');
});

test('FileFeatureCache keeps under its byte bound by dropping the least recently used', () => {
  const folder = path.join(root, 'bounded');
  const cache = new FileFeatureCache(folder, 2 * 400);
  cache.set('a', values(100, 0));
  cache.set('b', values(100, 1));
  fs.utimesSync(path.join(folder, 'a.f32'), new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
  assert.ok(cache.get('b'));
  cache.set('c', values(100, 2));
  assert.equal(cache.get('a'), undefined);
  assert.ok(cache.get('b') && cache.get('c'));
});

test('TieredFeatureCache answers from memory first and keeps what the files give', () => {
  const memory = new MemoryFeatureCache();
  const files = new FileFeatureCache(path.join(root, 'tiered'));
  files.set('k', values(4, 3));
  const tiered = new TieredFeatureCache(memory, files);
  assert.deepEqual(tiered.get('k'), values(4, 3));
  assert.deepEqual(memory.get('k'), values(4, 3));
});

test('textsFingerprint tells apart texts that concatenate alike, and order', () => {
  const prints = [['ab', 'c'], ['a', 'bc'], ['c', 'ab'], ['abc']].map(textsFingerprint);
  assert.equal(new Set(prints).size, prints.length);
  assert.equal(textsFingerprint(['ab', 'c']), textsFingerprint(['ab', 'c']));
});

test('BERT features from several threads equal one thread\'s, bit for bit, and fill the cache once', async () => {
  const model = await readHuggingFaceFolder(path.join(BERT_FIXTURES, 'tiny'));
  const texts = [...readTexts(), ...readTexts().map((text) => `${text} again`)];
  const cache = new MemoryFeatureCache();
  // A tiny model is not worth a thread by the default measure: split the work anyway.
  const options = { threads: 2, backend: 'wasm' as const, workPerThread: 1 };
  const parallel = await encodeTextsInParallel(model.encoder, texts, options, cache);
  assert.deepEqual(parallel, encodeTexts(model.encoder, texts));
  assert.equal(await encodeTextsInParallel(model.encoder, texts, options, cache), parallel);
});

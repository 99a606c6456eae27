import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadEmbeddingBagCheckpoint as loadCheckpoint, MODEL_JSON, saveEmbeddingBagCheckpoint as saveCheckpoint } from '../src/training/embedding-bag-checkpoint.js';
import { Classifier, EmbeddingBagEncoder } from '../src/training/model.js';
import { encodeTexts } from '../src/training/features.js';
import { headLogits } from '../src/training/logits.js';
import { BLOBS_FOLDER } from '../src/training/blob-store.js';
import { makeClassifier } from './support/classifier-fixture.js';
import { assertBlobsComplete, diskUsage } from './support/disk-usage.js';

let root: string;
before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'headroom-checkpoint-'));
  await tf.setBackend('cpu');
});
after(() => fs.rm(root, { recursive: true, force: true }));

const bytes = (array: Float32Array) => Buffer.from(array.buffer, array.byteOffset, array.byteLength);

function assertSameModel(actual: Classifier<EmbeddingBagEncoder>, expected: Classifier<EmbeddingBagEncoder>): void {
  assert.deepEqual(actual.labels, expected.labels);
  assert.deepEqual(actual.encoder.config, expected.encoder.config);
  assert.equal(actual.head.dim, expected.head.dim);
  // Byte comparison: NaN payloads and -0 must survive, which value comparison cannot see.
  assert.ok(bytes(actual.encoder.table).equals(bytes(expected.encoder.table)), 'embedding table differs');
  assert.ok(bytes(actual.head.weight).equals(bytes(expected.head.weight)), 'head weight differs');
  assert.ok(bytes(actual.head.bias).equals(bytes(expected.head.bias)), 'head bias differs');
}

/** Names in `root` of unfinished saves (the hidden `.name.partial-*` folders). */
async function partials(): Promise<string[]> {
  return (await fs.readdir(root)).filter((name) => name.includes('.partial-'));
}

test('a 2^16 x 64 table round-trips bit for bit through shards cut in the middle of floats', async () => {
  const labels = ['greeting', 'refund', 'café ☕', 'new label'];
  const model = makeClassifier({ buckets: 2 ** 16, dim: 64, labels, seed: 42, fill: 'bits' });
  const bits = new Uint32Array(model.encoder.table.buffer);
  bits[0] = 0x80000000; // -0
  bits[1] = 0x7fc00000; // the canonical quiet NaN
  bits[2] = 0x7f800001; // a signalling NaN, which a float copy through JS numbers may quieten
  bits[3] = 0xffffffff; // a negative NaN with a full payload
  model.head.bias[1] = -0;
  // The kernel is stored transposed: the transpose must move bits, not floats.
  new Uint32Array(model.head.weight.buffer).set([0x7f800001, 0x80000000, 0xffc12345], 70);
  const metadata = { runId: 'r-1', epoch: 5, strategy: { init: 'IMPRINT' }, note: null };
  const folder = path.join(root, 'nested', 'big');
  const shardBytes = 3 * 2 ** 20 + 2;
  const saved = await saveCheckpoint(model, folder, metadata, { shardBytes });

  const tableBytes = 2 ** 16 * 64 * 4;
  const weightBytes = tableBytes + (4 * 64 + 4) * 4;
  const shardCount = Math.ceil(tableBytes / shardBytes);
  assert.equal(shardCount, 6);
  // The table in shards of its own (group 1), the head in group 2.
  assert.deepEqual(saved.files, [MODEL_JSON, ...Array.from({ length: shardCount }, (_, i) => `group1-shard${i + 1}of${shardCount}.bin`), 'group2-shard1of1.bin']);
  assert.deepEqual((await fs.readdir(folder)).sort(), [...saved.files].sort());
  const sizes = await Promise.all(saved.files.map(async (file) => (await fs.stat(path.join(folder, file))).size));
  assert.equal(saved.sizeBytes, sizes.reduce((a, b) => a + b, 0));
  assert.equal(saved.sizeBytes - sizes[0], weightBytes);

  const loaded = await loadCheckpoint(folder);
  assertSameModel(loaded.model, model);
  assert.deepEqual(loaded.metadata, metadata);
  assert.deepEqual(await partials(), []);
});

test('with the default shard size a small model is one shard per group, and loading twice gives independent arrays', async () => {
  const model = makeClassifier({ buckets: 100, dim: 4, labels: ['a'], seed: 3, fill: 'bits' });
  const folder = path.join(root, 'small');
  const saved = await saveCheckpoint(model, folder);
  assert.deepEqual(saved.files, [MODEL_JSON, 'group1-shard1of1.bin', 'group2-shard1of1.bin']);
  const first = await loadCheckpoint(folder);
  assertSameModel(first.model, model);
  assert.deepEqual(first.metadata, {});
  first.model.encoder.table.fill(0);
  assertSameModel((await loadCheckpoint(folder)).model, model);
});

test('model.json is tfjs model JSON, and tfjs\'s own loaders read the weights for a Dense layer', async () => {
  const labels = ['x', 'y', 'z'];
  const model = makeClassifier({ buckets: 50, dim: 8, labels, seed: 9, fill: 'uniform' });
  const folder = path.join(root, 'tfjs');
  await saveCheckpoint(model, folder, { purpose: 'tfjs' }, { shardBytes: 301 });
  const modelJson = JSON.parse(await fs.readFile(path.join(folder, MODEL_JSON), 'utf8')) as tf.io.ModelJSON;
  assert.equal(modelJson.format, 'headroom-embedding-bag');
  assert.match(modelJson.generatedBy!, /^Headroom \(TensorFlow\.js 4\.22\.0\)$/);
  assert.equal(modelJson.convertedBy, null);
  assert.deepEqual(modelJson.modelTopology, { version: 1, encoder: model.encoder.config, labels, head: { dim: 8, labelCount: 3 } });
  assert.deepEqual(modelJson.userDefinedMetadata, { purpose: 'tfjs' });
  assert.deepEqual(modelJson.weightsManifest.map((group) => group.weights), [
    [{ name: 'encoder/embeddings', shape: [50, 8], dtype: 'float32' }],
    [{ name: 'head/kernel', shape: [8, 3], dtype: 'float32' }, { name: 'head/bias', shape: [3], dtype: 'float32' }],
  ]);

  const readFiles = async (paths: string[]) => Promise.all(paths.map(async (file) => {
    const data = await fs.readFile(file);
    return data.buffer.slice(data.byteOffset, data.byteOffset + data.length) as ArrayBuffer;
  }));
  const weights = await tf.io.weightsLoaderFactory(readFiles)(modelJson.weightsManifest, folder);
  const embeddings = weights['encoder/embeddings'];
  assert.ok(bytes(embeddings.dataSync() as Float32Array).equals(bytes(model.encoder.table)));
  assert.deepEqual(weights['head/kernel'].shape, [8, 3]);

  // The same through getModelArtifactsForJSON + decodeWeights, the path tfjs's model loaders take.
  const artifacts = await tf.io.getModelArtifactsForJSON(modelJson, async (manifest) =>
    [manifest.flatMap((group) => group.weights), await readFiles(manifest.flatMap((group) => group.paths.map((file) => path.join(folder, file))))]);
  assert.equal(tf.io.getModelArtifactsInfoForJSON(artifacts).weightDataBytes, (50 * 8 + 8 * 3 + 3) * 4);
  const decoded = tf.io.decodeWeights(artifacts.weightData!, artifacts.weightSpecs!);
  assert.ok(bytes(decoded['head/bias'].dataSync() as Float32Array).equals(bytes(model.head.bias)));

  // head/kernel is Dense's [inputs, units] kernel: the layer computes the head's logits.
  const dense = tf.layers.dense({ units: 3, inputShape: [8] });
  dense.build([null, 8]);
  dense.setWeights([weights['head/kernel'], weights['head/bias']]);
  const features = tf.tensor2d(model.encoder.table.slice(0, 2 * 8), [2, 8]);
  const logits = (dense.apply(features) as tf.Tensor).dataSync();
  for (let row = 0; row < 2; row++) {
    for (let label = 0; label < 3; label++) {
      let expected = model.head.bias[label];
      for (let d = 0; d < 8; d++) expected += features.dataSync()[row * 8 + d] * model.head.weight[label * 8 + d];
      assert.ok(Math.abs(logits[row * 3 + label] - expected) < 1e-5, `logit ${row},${label}: ${logits[row * 3 + label]} vs ${expected}`);
    }
  }
  tf.dispose([...Object.values(weights), ...Object.values(decoded), features, dense.getWeights()]);
});

test('a checkpoint whose run changed only the head shares the 2^18 x 128 table with its parent: under 1 MB more on disk, and it loads back bit for bit', async () => {
  const family = path.join(root, 'family');
  const labels = ['a', 'b', 'c', 'd', 'e', 'f'];
  const parent = makeClassifier({ buckets: 2 ** 18, dim: 128, labels, seed: 11, fill: 'uniform' });
  await saveCheckpoint(parent, path.join(family, 'parent'));
  const before = await diskUsage(family);
  // A head-only expansion: the parent's encoder as it is, a head with a seventh row.
  const grown = makeClassifier({ buckets: 1, dim: 128, labels: [...labels, 'g'], seed: 12, fill: 'uniform' });
  const child: Classifier<EmbeddingBagEncoder> = { labels: grown.labels, encoder: parent.encoder, head: grown.head };
  const saved = await saveCheckpoint(child, path.join(family, 'child'));
  const added = await diskUsage(family) - before;
  assert.ok(added < 2 ** 20, `the child added ${added} bytes on disk`);
  assert.ok(saved.sizeBytes > 2 ** 18 * 128 * 4, 'it still holds the whole model');
  for (const shard of saved.files.filter((file) => file.startsWith('group1-'))) {
    assert.equal((await fs.stat(path.join(family, 'child', shard))).ino, (await fs.stat(path.join(family, 'parent', shard))).ino, `${shard} is the parent's`);
  }

  const loaded = (await loadCheckpoint(path.join(family, 'child'))).model;
  assertSameModel(loaded, child);
  const texts = ['book a table for two', 'play some jazz', 'what is the weather in paris'];
  const logits = (model: Classifier<EmbeddingBagEncoder>) => bytes(headLogits(encodeTexts(model.encoder, texts), model.head));
  assert.ok(logits(loaded).equals(logits(child)), 'logits differ');
});

/** A fresh copy of a small saved checkpoint, to damage in one way. */
async function damagedCopy(name: string): Promise<string> {
  const pristine = path.join(root, 'pristine');
  if (!fsSync.existsSync(pristine)) {
    await saveCheckpoint(makeClassifier({ buckets: 64, dim: 4, labels: ['a', 'b', 'c'], seed: 5, fill: 'uniform' }), pristine, {}, { shardBytes: 400 });
  }
  const copy = path.join(root, name);
  await fs.cp(pristine, copy, { recursive: true });
  return copy;
}

async function editModelJson(folder: string, edit: (json: Record<string, any>) => void): Promise<void> {
  const file = path.join(folder, MODEL_JSON);
  const json = JSON.parse(await fs.readFile(file, 'utf8'));
  edit(json);
  // A new file, not the old one rewritten: checkpoint files may be links to blobs other folders share.
  await fs.rm(file);
  await fs.writeFile(file, JSON.stringify(json));
}

test('loading names what is wrong with a damaged checkpoint', async () => {
  // The pristine copy's table has 64*4 floats = 1024 bytes: shards of 400, 400 and 224; its head 60 bytes, one shard.
  const missingShard = await damagedCopy('missing-shard');
  await fs.rm(path.join(missingShard, 'group1-shard2of3.bin'));
  await assert.rejects(loadCheckpoint(missingShard), /checkpoint .*missing-shard: weight file group1-shard2of3\.bin is missing/);

  const truncated = await damagedCopy('truncated');
  await fs.truncate(path.join(truncated, 'group1-shard3of3.bin'), 220);
  await assert.rejects(loadCheckpoint(truncated), /weight file group1-shard3of3\.bin is 220 bytes, model\.json records 224/);

  const corrupted = await damagedCopy('corrupted');
  const shard = path.join(corrupted, 'group1-shard1of3.bin');
  const data = await fs.readFile(shard);
  data[123] ^= 0x01;
  await fs.writeFile(shard, data);
  await assert.rejects(loadCheckpoint(corrupted), /weight file group1-shard1of3\.bin is corrupted \(sha256 [0-9a-f]{64}, model\.json records [0-9a-f]{64}\)/);

  const noModelJson = await damagedCopy('no-model-json');
  await fs.rm(path.join(noModelJson, MODEL_JSON));
  await assert.rejects(loadCheckpoint(noModelJson), /no model\.json \(not a checkpoint folder, or not written completely\)/);
  await assert.rejects(loadCheckpoint(path.join(root, 'does-not-exist')), /no model\.json/);

  const notJson = await damagedCopy('not-json');
  await fs.writeFile(path.join(notJson, MODEL_JSON), '{"format":');
  await assert.rejects(loadCheckpoint(notJson), /model\.json is not JSON/);
});

test('loading checks model.json\'s topology against itself and the manifest', async () => {
  const cases: Array<[string, (json: Record<string, any>) => void, RegExp]> = [
    ['format', (json) => { json.format = 'layers-model'; }, /has format "layers-model", expected 'headroom-embedding-bag'/],
    ['version', (json) => { json.modelTopology.version = 2; }, /checkpoint version 2 is not supported/],
    ['extra-label', (json) => { json.modelTopology.labels.push('d'); }, /modelTopology\.head \{"dim":4,"labelCount":3\} must have dim 4 .* and labelCount 4/],
    ['repeated-label', (json) => { json.modelTopology.labels[2] = 'a'; }, /label 'a' appears more than once/],
    ['label-rows', (json) => { json.modelTopology.labels.push('d'); json.modelTopology.head.labelCount = 4; },
      /weight head\/kernel has shape \[4,3\], but the topology implies \[4, 4\]/],
    ['buckets', (json) => { json.modelTopology.encoder.tokenizer.buckets = 65; }, /weight encoder\/embeddings has shape \[64,4\], but the topology implies \[65, 4\]/],
    ['tokenizer', (json) => { json.modelTopology.encoder.tokenizer.hashSeed = 'x'; }, /tokenizer hashSeed must be an integer, got "x"/],
    ['encoder-kind', (json) => { json.modelTopology.encoder.kind = 'bert'; }, /modelTopology\.encoder must be an embedding-bag config/],
    ['dtype', (json) => { json.weightsManifest[1].weights[1].dtype = 'int32'; }, /weight head\/bias has dtype "int32", expected float32/],
    ['unknown-weight', (json) => { json.weightsManifest[1].weights[0].name = 'dense/kernel'; }, /unexpected weight "dense\/kernel" in weightsManifest/],
    ['missing-weight', (json) => { json.weightsManifest[1].weights.pop(); }, /weightsManifest must list the weights encoder\/embeddings, head\/kernel, head\/bias/],
    ['no-groups', (json) => { json.weightsManifest = []; }, /weightsManifest must be a list of weight groups/],
    ['digests', (json) => { delete json.weightFiles; }, /weightFiles must give the size and sha256 of each path/],
    ['sizes', (json) => { json.weightFiles[2].bytes = 220; }, /the weight files of group 1 hold 1020 bytes, its weights need 1024/],
    ['group-sizes', (json) => { json.weightsManifest[0].weights.push(json.weightsManifest[1].weights.shift()); }, /the weight files of group 1 hold 1024 bytes, its weights need 1072/],
    ['path', (json) => { json.weightsManifest[0].paths[0] = json.weightFiles[0].path = '../elsewhere.bin'; }, /weight file "\.\.\/elsewhere\.bin" is not a plain file name/],
  ];
  for (const [name, edit, message] of cases) {
    const folder = await damagedCopy(`topology-${name}`);
    await editModelJson(folder, edit);
    await assert.rejects(loadCheckpoint(folder), message, name);
  }
});

test('a folder of one weight group, as Headroom wrote them before the table had shards of its own, loads the same', async () => {
  const model = makeClassifier({ buckets: 64, dim: 4, labels: ['a', 'b', 'c'], seed: 5, fill: 'bits' });
  const folder = path.join(root, 'one-group');
  await saveCheckpoint(model, folder, {}, { shardBytes: 400 });
  // Each group's shards end where its weights end, so the two groups read back to back are one group.
  await editModelJson(folder, (json) => {
    const groups = json.weightsManifest as tf.io.WeightsManifestConfig;
    json.weightsManifest = [{ paths: groups.flatMap((group) => group.paths), weights: groups.flatMap((group) => group.weights) }];
  });
  assertSameModel((await loadCheckpoint(folder)).model, model);
});

test('saving refuses an existing folder, an inconsistent model and metadata that is not JSON, writing nothing', async () => {
  const model = makeClassifier({ buckets: 16, dim: 4, labels: ['a', 'b'], seed: 1, fill: 'uniform' });
  const existing = path.join(root, 'existing');
  await fs.mkdir(existing);
  await fs.writeFile(path.join(existing, 'keep.txt'), 'mine');
  await assert.rejects(saveCheckpoint(model, existing), /checkpoint folder .*existing already exists; checkpoints are written once/);
  assert.deepEqual(await fs.readdir(existing), ['keep.txt']);

  const folder = path.join(root, 'refused');
  const shortTable = { ...model, encoder: { ...model.encoder, table: model.encoder.table.subarray(1) } };
  await assert.rejects(saveCheckpoint(shortTable, folder), /embedding table has 63 values, expected 16 buckets x 4 dims = 64/);
  await assert.rejects(saveCheckpoint({ ...model, labels: ['a'] }, folder), /head weight has 8 values, expected 1 labels x 4 dims = 4/);
  await assert.rejects(saveCheckpoint({ ...model, head: { ...model.head, dim: 3 } }, folder), /head dim 3 differs from encoder dim 4/);
  await assert.rejects(saveCheckpoint(model, folder, { big: 1n }), /BigInt/);
  await assert.rejects(saveCheckpoint(model, folder, {}, { shardBytes: 0 }), /shardBytes must be a positive integer/);
  assert.equal(fsSync.existsSync(folder), false);
  assert.deepEqual(await partials(), []);
});

test('a save that fails midway (file size limit) leaves no checkpoint folder and no partial one', { skip: process.platform !== 'linux' && 'uses bash ulimit' }, async () => {
  const folder = path.join(root, 'interrupted');
  const child = path.join(__dirname, 'support', 'save-checkpoint-child.js');
  // 4096 x 64 floats = 1 MiB in shards of 256 KiB; no file may exceed 100 KiB, so writing the
  // first shard stops partway with EFBIG (Node ignores SIGXFSZ).
  const result = spawnSync('bash', ['-c', `ulimit -f 100 && exec "${process.execPath}" "${child}" "${folder}" ${256 * 1024}`], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  const outcome = JSON.parse(result.stdout) as { error?: string };
  assert.match(outcome.error ?? 'saved', /EFBIG|file too large/i);
  assert.equal(fsSync.existsSync(folder), false);
  assert.deepEqual(await partials(), []);
  await assert.rejects(loadCheckpoint(folder), /no model\.json/);
  await assertBlobsComplete(path.join(root, BLOBS_FOLDER));

  // The same save without the limit succeeds, so it was the limit that stopped it.
  const unlimited = spawnSync(process.execPath, [child, folder, String(256 * 1024)], { encoding: 'utf8' });
  assert.deepEqual(JSON.parse(unlimited.stdout).saved.files.length, 6);
  assert.equal((await loadCheckpoint(folder)).model.labels.length, 2);
  await assertBlobsComplete(path.join(root, BLOBS_FOLDER));
});

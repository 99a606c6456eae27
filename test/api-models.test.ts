import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { selectBackend } from '../src/training/backend.js';
import { encodeTexts } from '../src/training/features.js';
import { readHuggingFaceFolder } from '../src/training/huggingface/hf-folder.js';
import { headLogits } from '../src/training/logits.js';
import { F32Tensor, readSafetensors, writeSafetensors } from '../src/training/safetensors.js';
import { BERT_FIXTURES } from './support/bert-fixtures.js';
import { runCli } from './support/cli-process.js';
import { createLabelSet } from './support/fixtures.js';
import { writeCsv } from './support/csv-writer.js';
import { uploadFolder } from './support/model-upload.js';
import { RUN_SETTINGS } from './support/settings-selection.js';
import { syntheticIntents } from './support/synthetic-intents.js';
import { startTestServer, TestServer } from './support/test-server.js';
import { waitForRun } from './support/training-fixtures.js';
import { PRESET_NAMES } from '../src/training/settings.js';

const TINY = path.join(BERT_FIXTURES, 'tiny');
const NEW_LABEL = 'new_intent';
const TOKENIZER_FILES = ['tokenizer.json', 'vocab.txt', 'tokenizer_config.json', 'special_tokens_map.json'];

let scratch: string;
before(async () => {
  await selectBackend('wasm');
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'headroom-models-'));
});
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** A copy of the tiny fixture, changed by `edit` (which gets the copy's folder). */
function variant(name: string, edit: (folder: string) => void): string {
  const folder = path.join(scratch, name);
  fs.cpSync(TINY, folder, { recursive: true });
  edit(folder);
  return folder;
}

function editConfig(folder: string, change: (config: Record<string, any>) => void): void {
  const file = path.join(folder, 'config.json');
  const config = JSON.parse(fs.readFileSync(file, 'utf8'));
  change(config);
  fs.writeFileSync(file, JSON.stringify(config));
}

function editTensors(folder: string, change: (tensors: Map<string, F32Tensor>) => void): void {
  const file = path.join(folder, 'model.safetensors');
  const { tensors } = readSafetensors(fs.readFileSync(file));
  change(tensors);
  fs.writeFileSync(file, writeSafetensors(Object.fromEntries(tensors)));
}

const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe('importing a Hugging Face folder: every bad folder gets a coded error and leaves nothing behind', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ config: { limits: { ...(await import('../src/config.js')).readConfig({}).limits, maxModelBytes: 200_000 } } });
  });
  after(() => server.stop());

  const rowsLeft = async () => {
    const [row] = await server.sql<{ checkpoints: string; labelSets: string }>(
      'SELECT (SELECT count(*) FROM checkpoint) AS "checkpoints", (SELECT count(*) FROM label_set) AS "labelSets"',
    );
    const artifacts = path.join(server.home, 'artifacts');
    const files = ['checkpoints', 'uploads'].flatMap((part) => (fs.existsSync(path.join(artifacts, part)) ? fs.readdirSync(path.join(artifacts, part)) : []));
    return { checkpoints: Number(row.checkpoints), labelSets: Number(row.labelSets), files };
  };

  const cases: Array<{ name: string; folder: () => string; reason: string; message: RegExp; field?: string }> = [
    {
      name: 'pytorch_model.bin only',
      folder: () => variant('pickle', (f) => { fs.rmSync(path.join(f, 'model.safetensors')); fs.writeFileSync(path.join(f, 'pytorch_model.bin'), Buffer.alloc(64, 7)); }),
      reason: 'PICKLE_NOT_SUPPORTED',
      message: /pickle files can run code.*safe_serialization=True/,
      field: 'pytorch_model.bin',
    },
    {
      name: 'a model_type other than bert',
      folder: () => variant('roberta', (f) => editConfig(f, (c) => (c.model_type = 'roberta'))),
      reason: 'UNSUPPORTED_MODEL',
      message: /roberta.*model_type "bert"/,
      field: 'config.json',
    },
    {
      name: 'a missing tensor',
      folder: () => variant('missing', (f) => editTensors(f, (t) => t.delete('bert.encoder.layer.1.output.dense.weight'))),
      reason: 'MISSING_TENSOR',
      message: /bert\.encoder\.layer\.1\.output\.dense\.weight/,
    },
    {
      name: 'a wrongly shaped tensor',
      folder: () => variant('shape', (f) => editTensors(f, (t) => (t.get('bert.pooler.dense.weight')!.shape = [16, 64]))),
      reason: 'TENSOR_SHAPE',
      message: /bert\.pooler\.dense\.weight.*\[16, 64\].*\[32, 32\]/,
    },
    {
      name: 'no tokenizer',
      folder: () => variant('no-tokenizer', (f) => ['tokenizer.json', 'vocab.txt'].forEach((name) => fs.rmSync(path.join(f, name)))),
      reason: 'NO_TOKENIZER',
      message: /tokenizer\.json, or vocab\.txt/,
    },
    {
      name: 'a truncated safetensors file',
      folder: () => variant('truncated', (f) => fs.truncateSync(path.join(f, 'model.safetensors'), fs.statSync(path.join(f, 'model.safetensors')).size - 100)),
      reason: 'MALFORMED_SAFETENSORS',
      message: /model\.safetensors/,
    },
    {
      name: 'a malformed safetensors header',
      folder: () => variant('header', (f) => {
        const file = path.join(f, 'model.safetensors');
        const bytes = fs.readFileSync(file);
        bytes.write('[', 8, 'utf8');
        fs.writeFileSync(file, bytes);
      }),
      reason: 'MALFORMED_SAFETENSORS',
      message: /model\.safetensors/,
    },
    {
      name: 'id2label with a gap',
      folder: () => variant('gap', (f) => editConfig(f, (c) => { c.id2label = { 0: 'a', 1: 'b', 2: 'c', 3: 'd', 5: 'e' }; delete c.label2id; delete c.num_labels; })),
      reason: 'BAD_LABELS',
      message: /id2label/,
      field: 'config.json',
    },
    {
      name: 'id2label with a duplicate',
      folder: () => variant('duplicate', (f) => editConfig(f, (c) => { c.id2label = { 0: 'a', 1: 'b', 2: 'a', 3: 'd', 4: 'e' }; delete c.label2id; })),
      reason: 'BAD_LABELS',
      message: /"a"|'a'/,
      field: 'config.json',
    },
  ];
  for (const { name, folder, reason, message, field } of cases) {
    test(name, async () => {
      const before = await rowsLeft();
      const { status, body } = await uploadFolder(server, folder(), 'bad');
      assert.equal(status, 400, JSON.stringify(body));
      const [error] = body.errors!;
      assert.equal(error.extensions.code, 'BAD_USER_INPUT');
      assert.equal(error.extensions.reason, reason, error.message);
      assert.match(error.message, message);
      if (field) assert.equal(error.extensions.field, field);
      assert.deepEqual(await rowsLeft(), before);
    });
  }

  test('an upload over HEADROOM_MAX_MODEL_MB is refused with 413 while it streams', async () => {
    const big = variant('big', (f) => fs.writeFileSync(path.join(f, 'model-00001-of-00002.safetensors'), Buffer.alloc(300_000)));
    const { status, body } = await uploadFolder(server, big, 'big');
    assert.equal(status, 413);
    assert.equal(body.errors![0].extensions.code, 'PAYLOAD_TOO_LARGE');
    assert.equal(body.errors![0].extensions.reason, 'TOO_LARGE');
    assert.match(body.errors![0].message, /HEADROOM_MAX_MODEL_MB/);
    assert.deepEqual((await rowsLeft()).files, []);
  });

  test('an upload without a name, or not multipart, is refused', async () => {
    assert.equal((await uploadFolder(server, TINY, null)).body.errors![0].extensions.field, 'name');
    const response = await fetch(`${server.url}/models`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0].extensions.code, 'BAD_REQUEST');
    assert.deepEqual((await rowsLeft()).checkpoints, 0);
  });

  test('the CLI makes the same check before sending anything', async () => {
    const folder = path.join(scratch, 'pickle');
    const { status, stderr } = await runCli(['import-model', folder, '--name', 'x', '--url', server.graphqlUrl]);
    assert.equal(status, 1);
    assert.match(stderr, /PICKLE_NOT_SUPPORTED/);
  });
});

test('importing a model needs the RESEARCHER role', async () => {
  const server = await startTestServer({ config: { requireApiKeys: true } });
  try {
    const viewer = (await server.headroom.services.apiKeys.create({ name: 'viewer', role: 'VIEWER' as never })).key;
    const refused = await uploadFolder(server, TINY, 'tiny', { authorization: `Bearer ${viewer}` });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.errors![0].extensions.code, 'FORBIDDEN');
    assert.equal((await uploadFolder(server, TINY, 'tiny')).status, 401);
    const researcher = (await server.headroom.services.apiKeys.create({ name: 'researcher', role: 'RESEARCHER' as never })).key;
    assert.equal((await uploadFolder(server, TINY, 'tiny', { authorization: `Bearer ${researcher}` })).status, 201);
  } finally {
    await server.stop();
  }
});

describe('a user\'s BERT classifier: imported, expanded by every strategy, exported for from_pretrained', { timeout: 300_000 }, () => {
  let server: TestServer;
  let imported: { checkpointId: string; labelSetId: string; labels: number };
  let runs: Array<{ id: string; preset: string; variant: string; settings: Record<string, unknown> }>;
  const outputs = new Map<string, string>();

  before(async () => {
    server = await startTestServer({ workers: 2 });
  });
  after(() => server.stop());

  test('import-model sends the folder and prints the checkpoint, its label set and the label count', async () => {
    const { status, stdout, stderr } = await runCli(['import-model', TINY, '--name', 'tiny bert', '--url', server.graphqlUrl]);
    assert.equal(status, 0, stderr);
    imported = JSON.parse(stdout);
    assert.equal(imported.labels, 5);
    const { checkpoint } = await server.ok(
      `query($id: ID!) { checkpoint(id: $id) {
        name imported parent { id } producedByRun { id }
        architecture { kind hiddenSize layers attentionHeads intermediateSize vocabularySize maxLength }
        sourceFiles { name sizeBytes sha256 } labelSet { id labels { index name } }
      } }`,
      { id: imported.checkpointId },
    );
    const config = JSON.parse(fs.readFileSync(path.join(TINY, 'config.json'), 'utf8'));
    assert.deepEqual(checkpoint.labelSet.labels, Object.entries(config.id2label).map(([index, name]) => ({ index: Number(index), name })));
    assert.equal(checkpoint.labelSet.id, imported.labelSetId);
    assert.equal(checkpoint.name, 'tiny bert');
    assert.equal(checkpoint.imported, true);
    assert.equal(checkpoint.parent, null);
    assert.deepEqual(checkpoint.architecture, { kind: 'BERT', hiddenSize: 32, layers: 2, attentionHeads: 4, intermediateSize: 64, vocabularySize: 400, maxLength: 24 });
    const source = new Map(checkpoint.sourceFiles.map((file: { name: string; sha256: string }) => [file.name, file.sha256]));
    for (const name of ['config.json', 'model.safetensors', ...TOKENIZER_FILES]) assert.equal(source.get(name), sha256(path.join(TINY, name)), name);
  });

  test('every preset runs on the imported model', async () => {
    const { labels, data } = syntheticIntents({ labels: 6, train: 20, validation: 4, test: 6, seed: 2 });
    const names = [...(Object.values(JSON.parse(fs.readFileSync(path.join(TINY, 'config.json'), 'utf8')).id2label) as string[]), NEW_LABEL];
    assert.equal(labels.length, names.length);
    const rows = Object.entries(data).flatMap(([split, part]) => part.texts.map((text: string, i: number) => [text, names[part.labels[i]], split]));
    const { importDataset } = await server.ok(`mutation($input: ImportDatasetInput!) { importDataset(input: $input) { id } }`, {
      input: { name: 'intents', format: 'CSV', content: writeCsv([['text', 'label', 'split'], ...rows]) },
    });
    const { extendLabelSet } = await server.ok(`mutation($id: ID!) { extendLabelSet(input: { parentId: $id, addLabels: ["${NEW_LABEL}"] }) { id } }`, { id: imported.labelSetId });
    const { createExperiment } = await server.ok(
      `mutation($input: CreateExperimentInput!) { createExperiment(input: $input) { id } }`,
      { input: { name: 'add new_intent to tiny bert', datasetId: importDataset.id, targetLabelSetId: extendLabelSet.id, baseCheckpointId: imported.checkpointId } },
    );
    const strategies = PRESET_NAMES.map((preset) => `{ preset: ${preset}${preset === 'IMPRINT_ONLY' ? '' : ', epochs: 2'} }`).join(', ');
    const { launchHeadExpansion } = await server.ok(
      `mutation($id: ID!) { launchHeadExpansion(input: { experimentId: $id, strategies: [${strategies}, { preset: FULL_FINE_TUNE, epochs: 2, encoderLayers: 1, encoderLearningRate: 0.01 }] }) { id preset variant ${RUN_SETTINGS} } }`,
      { id: createExperiment.id },
    );
    runs = launchHeadExpansion;
    for (const run of runs) {
      const finished = await waitForRun(server, run.id, ['SUCCEEDED', 'FAILED'], 120_000);
      assert.equal(finished.status, 'SUCCEEDED', `${run.preset}: ${finished.error}`);
      outputs.set(run.id, finished.outputCheckpoint.id);
    }
    const fine = runs.find((run) => run.preset === 'FULL_FINE_TUNE')!.settings;
    assert.deepEqual([fine.encoderLearningRate, fine.learningRateSchedule, fine.warmupFraction, fine.weightDecay], [5e-5, 'LINEAR_DECAY', 0.06, 0.01]);
    assert.equal(runs.find((run) => run.preset === 'JOINT_RETRAIN')!.settings.trainable, 'FULL_MODEL');
    // BERT's fine-tuning rates are what FULL_FINE_TUNE means on BERT, not a departure from it; the asked-for changes are.
    assert.deepEqual(runs.filter((run) => run.preset === 'FULL_FINE_TUNE').map((run) => run.variant), ['FULL_FINE_TUNE (epochs 2)', 'FULL_FINE_TUNE (encoderLayers 1, encoderLearningRate 0.01, epochs 2)']);
  });

  /** The output checkpoint of a preset's run, as Hugging Face files downloaded over HTTP. */
  async function download(preset: string, index = 0): Promise<{ checkpointId: string; files: Map<string, Buffer> }> {
    const run = runs.filter((r) => r.preset === preset)[index];
    const checkpointId = outputs.get(run.id)!;
    const { checkpoint } = await server.ok(`query($id: ID!) { checkpoint(id: $id) { imported parent { id } huggingFaceFiles { name url sizeBytes } } }`, { id: checkpointId });
    assert.equal(checkpoint.imported, false);
    assert.equal(checkpoint.parent.id, imported.checkpointId);
    const files = new Map<string, Buffer>();
    for (const file of checkpoint.huggingFaceFiles) {
      assert.ok(file.url.startsWith(`${server.url}/checkpoints/${checkpointId}/huggingface/`), file.url);
      const response = await fetch(file.url);
      assert.equal(response.status, 200, file.url);
      files.set(file.name, Buffer.from(await response.arrayBuffer()));
      assert.equal(files.get(file.name)!.length, file.sizeBytes);
    }
    return { checkpointId, files };
  }

  test('with old rows frozen, rows 0..4 of classifier.weight and bias and every encoder tensor are bit-identical to the imported ones', async () => {
    const original = readSafetensors(fs.readFileSync(path.join(TINY, 'model.safetensors'))).tensors;
    const bytes = (tensor: F32Tensor, count = tensor.data.length) => Buffer.from(tensor.data.buffer, tensor.data.byteOffset, count * 4);
    for (const preset of ['FROZEN_OLD_ROWS', 'IMPRINT_ONLY', 'IMPRINT_FROZEN']) {
      const { files } = await download(preset);
      const exported = readSafetensors(files.get('model.safetensors')!).tensors;
      assert.deepEqual([...exported.keys()].sort(), [...original.keys()].sort());
      for (const [name, tensor] of original) {
        if (name.startsWith('classifier.')) continue;
        assert.ok(bytes(exported.get(name)!).equals(bytes(tensor)), `${preset}: ${name} changed`);
      }
      assert.deepEqual(exported.get('classifier.weight')!.shape, [6, 32]);
      assert.ok(bytes(exported.get('classifier.weight')!, 5 * 32).equals(bytes(original.get('classifier.weight')!)), `${preset}: old rows changed`);
      assert.ok(bytes(exported.get('classifier.bias')!, 5).equals(bytes(original.get('classifier.bias')!)), `${preset}: old bias changed`);
      const config = JSON.parse(files.get('config.json')!.toString('utf8'));
      assert.equal(config.num_labels, 6);
      assert.equal(config.id2label['5'], NEW_LABEL);
      assert.equal(config.label2id[NEW_LABEL], 5);
      assert.equal(config.hidden_size, 32);
      for (const name of TOKENIZER_FILES) assert.ok(files.get(name)!.equals(fs.readFileSync(path.join(TINY, name))), `${preset}: ${name} changed`);
      assert.ok(!files.has('headroom.json'));
    }
  });

  test('FULL_FINE_TUNE with encoderLayers: 1 changes the top layer only', async () => {
    const original = readSafetensors(fs.readFileSync(path.join(TINY, 'model.safetensors'))).tensors;
    const { files } = await download('FULL_FINE_TUNE', 1);
    const exported = readSafetensors(files.get('model.safetensors')!).tensors;
    const same = (name: string) => Buffer.from(exported.get(name)!.data.buffer).equals(Buffer.from(original.get(name)!.data.buffer));
    assert.ok(same('bert.embeddings.word_embeddings.weight'));
    assert.ok(same('bert.encoder.layer.0.attention.self.query.weight'));
    assert.ok(!same('bert.encoder.layer.1.attention.self.query.weight'));
    assert.ok(!same('bert.pooler.dense.weight'));
  });

  test('expanded checkpoints share with the imported one what their runs did not change', async () => {
    const sizes = async (id: string) => (await server.ok(`query($id: ID!) { checkpoint(id: $id) { sizeBytes unsharedBytes } }`, { id })).checkpoint;
    const outputOf = (preset: string, index = 0) => outputs.get(runs.filter((run) => run.preset === preset)[index].id)!;
    const headOnly = await sizes(outputOf('IMPRINT_FROZEN'));
    const topLayer = await sizes(outputOf('FULL_FINE_TUNE', 1));
    const encoder = await sizes(outputOf('JOINT_RETRAIN'));
    // The head-only run shares every encoder shard and the tokenizer files; the encoderLayers: 1 run
    // shares the embeddings and the lower layer; a run that trains the whole encoder shares the tokenizer files alone.
    assert.ok(headOnly.unsharedBytes < headOnly.sizeBytes / 10, JSON.stringify(headOnly));
    assert.ok(topLayer.unsharedBytes < topLayer.sizeBytes / 2, JSON.stringify(topLayer));
    assert.ok(headOnly.unsharedBytes < topLayer.unsharedBytes && topLayer.unsharedBytes < encoder.unsharedBytes);
    assert.ok(encoder.unsharedBytes > encoder.sizeBytes * 0.8, JSON.stringify(encoder));
  });

  test('predict works on the imported and on the expanded checkpoints', async () => {
    const expanded = outputs.get(runs.find((run) => run.preset === 'IMPRINT_FROZEN')!.id)!;
    for (const [id, count] of [[imported.checkpointId, 5], [expanded, 6]] as const) {
      const { predict } = await server.ok(`query($id: ID!) { predict(checkpointId: $id, texts: ["book a hotel in paris", ""], topK: ${count}) { labels { label probability } } }`, { id });
      assert.equal(predict.length, 2);
      const total = predict[0].labels.reduce((sum: number, label: { probability: number }) => sum + label.probability, 0);
      assert.ok(Math.abs(total - 1) < 1e-5);
      if (count === 6) assert.ok(predict[0].labels.some((label: { label: string }) => label.label === NEW_LABEL));
    }
  });

  test('export-model writes a folder that loads as a Hugging Face classifier with the new label, and imports again', async () => {
    const { checkpointId, files } = await download('IMPRINT_FROZEN');
    const folder = path.join(scratch, 'exported');
    const exported = await runCli(['export-model', checkpointId, folder, '--url', server.graphqlUrl]);
    assert.equal(exported.status, 0, exported.stderr);
    assert.deepEqual(fs.readdirSync(folder).sort(), [...files.keys()].sort());
    for (const [name, bytes] of files) assert.ok(fs.readFileSync(path.join(folder, name)).equals(bytes), name);
    assert.equal((await runCli(['export-model', checkpointId, folder, '--url', server.graphqlUrl])).status, 1, 'an existing folder is refused');

    const model = await readHuggingFaceFolder(folder);
    assert.deepEqual(model.labels.at(-1), NEW_LABEL);
    const { predict } = await server.ok(`query($id: ID!) { predict(checkpointId: $id, texts: ["book a hotel in paris"], topK: 6) { labels { index probability } } }`, { id: checkpointId });
    const logits = headLogits(encodeTexts(model.encoder, ['book a hotel in paris']), model.head);
    const best = logits.indexOf(Math.max(...logits));
    assert.equal(predict[0].labels[0].index, best);

    const again = await runCli(['import-model', folder, '--name', 'exported', '--url', server.graphqlUrl]);
    assert.equal(again.status, 0, again.stderr);
    assert.equal(JSON.parse(again.stdout).labels, 6);
  });

  test('an embedding-bag checkpoint has no Hugging Face form, and export-model says so', async () => {
    const labelSetId = await createLabelSet(server, 'bag', ['a', 'b']);
    const [{ id }] = await server.sql<{ id: string }>(
      `INSERT INTO checkpoint (label_set_id, encoder, artifact_path, size_bytes) VALUES ($1, '{"kind": "embedding-bag"}', 'none', 0) RETURNING id`,
      [labelSetId],
    );
    const { checkpoint } = await server.ok(`query($id: ID!) { checkpoint(id: $id) { imported huggingFaceFiles { name } } }`, { id });
    assert.deepEqual(checkpoint, { imported: false, huggingFaceFiles: null });
    const { status, stderr } = await runCli(['export-model', id, path.join(scratch, 'bag'), '--url', server.graphqlUrl]);
    assert.equal(status, 1);
    assert.match(stderr, /embedding-bag model, which has no Hugging Face form/);
    assert.ok(!fs.existsSync(path.join(scratch, 'bag')));
  });
});

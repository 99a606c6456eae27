import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/training/backend.js';
import { BLOBS_FOLDER } from '../src/training/blob-store.js';
import { loadCheckpoint } from '../src/training/checkpoint.js';
import { encodeTexts } from '../src/training/features.js';
import { headLogits } from '../src/training/logits.js';
import { diskUsage } from './support/disk-usage.js';
import { startTestServer, TestServer } from './support/test-server.js';
import { importSyntheticDataset, SMALL_MODEL, trainBaseModel, waitForRun } from './support/training-fixtures.js';

const TABLE_BYTES = SMALL_MODEL.encoder.buckets * SMALL_MODEL.encoder.dim * 4;
const CHECKPOINT = `query($id: ID!) { checkpoint(id: $id) { id sizeBytes unsharedBytes files { name url sizeBytes } } }`;

interface CheckpointInfo {
  id: string;
  sizeBytes: number;
  unsharedBytes: number;
  files: Array<{ name: string; url: string; sizeBytes: number }>;
}

describe('checkpoints share what their runs did not change, and deleting an experiment frees what nothing else uses', { timeout: 240_000 }, () => {
  let server: TestServer;
  let scratch: string;
  let datasetId: string;
  let labels: string[];
  let baseCheckpoint: CheckpointInfo;
  let experimentId: string;
  let beforeExperiment: number;
  const outputs = new Map<string, CheckpointInfo>();
  const checkpointsDisk = () => diskUsage(path.join(server.home, 'artifacts', 'checkpoints'));
  const checkpoint = async (id: string) => (await server.ok<{ checkpoint: CheckpointInfo }>(CHECKPOINT, { id })).checkpoint;

  before(async () => {
    server = await startTestServer({ workers: 2 });
    scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'headroom-storage-'));
    await selectBackend('wasm');
    ({ datasetId, labels } = await importSyntheticDataset(server, 'intents', { labels: 4 }));
    const { createLabelSet } = await server.ok(`mutation($input: CreateLabelSetInput!) { createLabelSet(input: $input) { id } }`, {
      input: { name: 'three', labels: labels.slice(0, -1) },
    });
    const baseRun = await waitForRun(server, await trainBaseModel(server, { datasetId, labelSetId: createLabelSet.id, seed: 1, ...SMALL_MODEL }), ['SUCCEEDED', 'FAILED']);
    assert.equal(baseRun.status, 'SUCCEEDED', baseRun.error);
    baseCheckpoint = await checkpoint(baseRun.outputCheckpoint.id);
    beforeExperiment = await checkpointsDisk();

    const { extendLabelSet } = await server.ok(`mutation($id: ID!) { extendLabelSet(input: { parentId: $id, addLabels: ["${labels.at(-1)}"] }) { id } }`, { id: createLabelSet.id });
    const { createExperiment } = await server.ok(`mutation($input: CreateExperimentInput!) { createExperiment(input: $input) { id } }`, {
      input: { name: 'add one', datasetId, targetLabelSetId: extendLabelSet.id, baseCheckpointId: baseCheckpoint.id },
    });
    experimentId = createExperiment.id;
    const { launchHeadExpansion } = await server.ok(
      `mutation($id: ID!) { launchHeadExpansion(input: { experimentId: $id, strategies: [{ preset: IMPRINT_FROZEN, epochs: 2 }, { preset: JOINT_RETRAIN, epochs: 2 }] }) { id preset } }`,
      { id: experimentId },
    );
    for (const run of launchHeadExpansion as Array<{ id: string; preset: string }>) {
      const finished = await waitForRun(server, run.id, ['SUCCEEDED', 'FAILED'], 120_000);
      assert.equal(finished.status, 'SUCCEEDED', `${run.preset}: ${finished.error}`);
      outputs.set(run.preset, await checkpoint(finished.outputCheckpoint.id));
    }
  });
  after(async () => {
    await server.stop();
    await fs.rm(scratch, { recursive: true, force: true });
  });

  test('a head-only expansion adds its head, not a copy of the table; one that trains the encoder stores its own', async () => {
    const headOnly = outputs.get('IMPRINT_FROZEN')!;
    const joint = outputs.get('JOINT_RETRAIN')!;
    for (const holds of [headOnly, joint]) assert.ok(holds.sizeBytes > TABLE_BYTES, 'each holds the whole model');
    assert.ok(headOnly.unsharedBytes < TABLE_BYTES / 20, `the head-only checkpoint alone takes ${headOnly.unsharedBytes} bytes`);
    assert.ok(joint.unsharedBytes > TABLE_BYTES, `the retrained one alone takes ${joint.unsharedBytes} bytes`);
    const { checkpoint: base } = await server.ok<{ checkpoint: CheckpointInfo }>(CHECKPOINT, { id: baseCheckpoint.id });
    assert.ok(base.unsharedBytes < TABLE_BYTES / 20, 'the base now shares its table with the head-only expansion');
    const added = (await checkpointsDisk()) - beforeExperiment;
    assert.ok(added < TABLE_BYTES * 1.2, `the experiment's two checkpoints took ${added} bytes of disk; one table is ${TABLE_BYTES}`);
  });

  test('the head-only checkpoint still downloads as the complete model: the same logits, bit for bit, and tfjs reads it', async () => {
    const headOnly = outputs.get('IMPRINT_FROZEN')!;
    const folder = path.join(scratch, 'downloaded');
    await fs.mkdir(folder);
    for (const file of headOnly.files) {
      const response = await fetch(file.url);
      assert.equal(response.status, 200, file.url);
      await fs.writeFile(path.join(folder, file.name), Buffer.from(await response.arrayBuffer()));
    }
    const [{ artifact_path: stored }] = await server.sql<{ artifact_path: string }>('SELECT artifact_path FROM checkpoint WHERE id = $1', [headOnly.id]);
    const downloaded = (await loadCheckpoint(folder)).model;
    const original = (await loadCheckpoint(server.headroom.artifacts.absolute(stored))).model;
    const texts = ['book a table', 'play something', 'what is the weather'];
    const logits = (model: typeof original) => Buffer.from(headLogits(encodeTexts(model.encoder, texts), model.head).buffer);
    assert.ok(logits(downloaded).equals(logits(original)));
    assert.equal(downloaded.labels.length, labels.length);

    const manifest = JSON.parse(await fs.readFile(path.join(folder, 'model.json'), 'utf8')) as { weightsManifest: tf.io.WeightsManifestConfig };
    const weights = await tf.io.loadWeights(manifest.weightsManifest, `${server.url}/checkpoints/${headOnly.id}/files`);
    assert.deepEqual(weights['encoder/embeddings'].shape, [SMALL_MODEL.encoder.buckets, SMALL_MODEL.encoder.dim]);
    assert.deepEqual(weights['head/bias'].shape, [labels.length]);
    tf.dispose(Object.values(weights));
  });

  test('deleting the experiment gives its disk back and keeps the base\'s shared table', async () => {
    await server.ok(`mutation($id: ID!) { deleteExperiment(id: $id) { id } }`, { id: experimentId });
    assert.equal(await checkpointsDisk(), beforeExperiment);
    const blobs = await fs.readdir(path.join(server.home, 'artifacts', 'checkpoints', BLOBS_FOLDER));
    assert.equal(blobs.length, baseCheckpoint.files.length, 'the base\'s files alone are left');
    const { predict } = await server.ok(`query($id: ID!) { predict(checkpointId: $id, texts: ["book a table"], topK: 1) { labels { label } } }`, { id: baseCheckpoint.id });
    assert.equal(predict[0].labels.length, 1);
    const [{ artifact_path: stored }] = await server.sql<{ artifact_path: string }>('SELECT artifact_path FROM checkpoint WHERE id = $1', [baseCheckpoint.id]);
    assert.equal((await loadCheckpoint(server.headroom.artifacts.absolute(stored))).model.labels.length, labels.length - 1);
  });
});

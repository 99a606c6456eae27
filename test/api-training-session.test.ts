import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { Client } from 'graphql-ws';
import { RunStatus } from '../src/entities/index.js';
import { selectBackend } from '../src/training/backend.js';
import { importHeadSafetensors } from '../src/training/safetensors.js';
import { untilListening } from './support/progress-probe.js';
import { RUN_SETTINGS } from './support/settings-selection.js';
import { startTestServer, TestServer } from './support/test-server.js';
import { importSyntheticDataset, SMALL_MODEL, trainBaseModel, waitForRun } from './support/training-fixtures.js';
import { collect, connectWs } from './support/ws-client.js';

const PROGRESS = `subscription($runId: ID, $experimentId: ID) {
  runProgress(runId: $runId, experimentId: $experimentId) { runId status final epoch { epoch loss overallAccuracy newAccuracy oldLogitDrift } }
}`;
type Progress = { runProgress: { runId: string; status: string; final: boolean; epoch: { epoch: number; oldLogitDrift: number | null } | null } };

describe('a whole session: dataset, base model, expansion, live progress, leaderboard, prediction', { timeout: 240_000 }, () => {
  let server: TestServer;
  let client: Client;
  let datasetId: string;
  let labels: string[];
  let baseRunId: string;
  let checkpointId: string;
  let baseLabelSetId: string;
  let experimentId: string;
  let runIds: string[];

  before(async () => {
    server = await startTestServer({ workers: 2 });
    client = connectWs(server.wsUrl);
    ({ datasetId, labels } = await importSyntheticDataset(server, 'intents', { labels: 7 }));
  });
  after(async () => {
    await client.dispose();
    await server.stop();
  });

  test('trains a base model on the old labels, reporting every epoch live and then SUCCEEDED', async () => {
    const { createLabelSet } = await server.ok(`mutation($input: CreateLabelSetInput!) { createLabelSet(input: $input) { id } }`, {
      input: { name: 'intents', labels: labels.slice(0, -1) },
    });
    baseLabelSetId = createLabelSet.id;
    baseRunId = await trainBaseModel(server, { datasetId, labelSetId: baseLabelSetId, seed: 3, ...SMALL_MODEL });
    const { results, done } = collect<Progress>(client, PROGRESS, { runId: baseRunId });
    await done;
    const reports = results.map((r) => r.data!.runProgress);
    const epochs = reports.filter((r) => r.epoch).map((r) => r.epoch!.epoch);
    assert.deepEqual(epochs, [0, 1, 2, 3, 4, 5]);
    assert.deepEqual(reports.at(-1), { runId: baseRunId, status: 'SUCCEEDED', final: true, epoch: null });

    const { run } = await server.ok(
      `query($id: ID!) { run(id: $id) {
        kind status seed backend versions { name version } attempts durationSeconds preset variant ${RUN_SETTINGS} keptEpoch labelSet { id } dataset { id }
        finalMetrics { overallAccuracy newAccuracy forgetting trainSeconds }
        outputCheckpoint { id parent { id } producedByRun { id } labelSet { id } encoder files { name url sizeBytes } headSafetensorsUrl }
      } }`,
      { id: baseRunId },
    );
    assert.equal(run.kind, 'BASE_TRAINING');
    assert.equal(run.backend, 'wasm');
    assert.deepEqual(run.versions.find((v: { name: string }) => v.name === 'tfjs-core'), { name: 'tfjs-core', version: tf.version_core });
    assert.deepEqual(run.versions.find((v: { name: string }) => v.name === 'node'), { name: 'node', version: process.versions.node });
    assert.equal(run.attempts, 1);
    assert.equal(run.keptEpoch, 5, 'without early stopping the last epoch is kept');
    assert.equal(run.preset, null);
    assert.equal(run.variant, null);
    assert.equal(run.settings.__typename, 'BaseTrainingSettings');
    assert.equal(run.settings.dim, 32);
    assert.ok(run.durationSeconds > 0);
    assert.ok(run.finalMetrics.overallAccuracy > 0.8, `base accuracy ${run.finalMetrics.overallAccuracy}`);
    assert.equal(run.finalMetrics.newAccuracy, null);
    const checkpoint = run.outputCheckpoint;
    assert.deepEqual(checkpoint.producedByRun, { id: baseRunId });
    assert.equal(checkpoint.parent, null);
    assert.deepEqual(checkpoint.labelSet, { id: baseLabelSetId });
    assert.equal(checkpoint.encoder.dim, 32);
    checkpointId = checkpoint.id;
  });

  test('the checkpoint downloads as a tfjs model folder and its head as safetensors', async () => {
    const { checkpoint } = await server.ok(`query($id: ID!) { checkpoint(id: $id) { files { name url sizeBytes } headSafetensorsUrl } }`, { id: checkpointId });
    // Absolute, on the host the request was sent to (no HEADROOM_PUBLIC_URL here): usable as they come.
    for (const file of checkpoint.files) assert.equal(file.url, `${server.url}/checkpoints/${checkpointId}/files/${file.name}`);
    assert.equal(checkpoint.headSafetensorsUrl, `${server.url}/checkpoints/${checkpointId}/head.safetensors`);
    const modelJson = checkpoint.files.find((file: { name: string }) => file.name === 'model.json');
    const manifest = (await (await fetch(modelJson.url)).json()) as { format: string; weightsManifest: tf.io.WeightsManifestConfig };
    assert.equal(manifest.format, 'headroom-embedding-bag');
    // tfjs's own HTTP loader reads the weights straight from the API, next to model.json.
    await selectBackend('wasm');
    const weights = await tf.io.loadWeights(manifest.weightsManifest, modelJson.url.replace(/\/model\.json$/, ''));
    assert.deepEqual(weights['head/bias'].shape, [labels.length - 1]);

    const response = await fetch(checkpoint.headSafetensorsUrl);
    const { head, labels: headLabels } = importHeadSafetensors(new Uint8Array(await response.arrayBuffer()));
    assert.deepEqual(headLabels, labels.slice(0, -1));
    assert.deepEqual(Array.from(head.bias), Array.from(weights['head/bias'].dataSync()));
    assert.equal((await fetch(`${server.url}/checkpoints/${checkpointId}/files/secret.txt`)).status, 404);
    assert.equal((await fetch(`${server.url}/checkpoints/not-an-id/head.safetensors`)).status, 400);
  });

  test('launches three strategies on an experiment and follows them all over one subscription', async () => {
    const { extendLabelSet } = await server.ok(`mutation($input: ExtendLabelSetInput!) { extendLabelSet(input: $input) { id } }`, {
      input: { parentId: baseLabelSetId, addLabels: [labels.at(-1)] },
    });
    const { createExperiment } = await server.ok(`mutation($input: CreateExperimentInput!) { createExperiment(input: $input) { id } }`, {
      input: { name: 'add one intent', datasetId, targetLabelSetId: extendLabelSet.id, baseCheckpointId: checkpointId },
    });
    experimentId = createExperiment.id;
    const finals = new Set<string>();
    const { results, done } = collect<Progress>(client, PROGRESS, { experimentId }, (all) => {
      for (const r of all) if (r.data?.runProgress.final) finals.add(r.data.runProgress.runId);
      return finals.size === 4;
    });
    const probeRunId = randomUUID();
    await untilListening(server, { runId: probeRunId, experimentId, status: RunStatus.RUNNING, epoch: null }, () => results.some((r) => r.data?.runProgress.runId === probeRunId));
    const { launchHeadExpansion } = await server.ok(
      `mutation($input: LaunchHeadExpansionInput!) { launchHeadExpansion(input: $input) { id status preset ${RUN_SETTINGS} } }`,
      {
        input: {
          experimentId,
          strategies: [
            { preset: 'ORIGINAL_RECIPE', epochs: 4 },
            { preset: 'IMPRINT_FROZEN', epochs: 4 },
            { preset: 'REHEARSAL_HEAD', epochs: 4, rehearsalPerLabel: 3 },
            // A second setting of one preset: the leaderboard must tell the two apart.
            { preset: 'IMPRINT_FROZEN', epochs: 2 },
          ],
        },
      },
    );
    runIds = launchHeadExpansion.map((run: { id: string }) => run.id);
    assert.deepEqual(launchHeadExpansion.map((run: { preset: string }) => run.preset), ['ORIGINAL_RECIPE', 'IMPRINT_FROZEN', 'REHEARSAL_HEAD', 'IMPRINT_FROZEN']);
    assert.deepEqual(launchHeadExpansion[2].settings, {
      __typename: 'StrategySettings', preset: 'REHEARSAL_HEAD', init: 'IMPRINT', trainable: 'HEAD', rehearsal: { perLabel: 3, allOldData: false }, exemplarSelection: 'RANDOM', distillation: null,
      weightAligning: false, epochs: 4, minimumSteps: 0, learningRate: 0.01, encoderLearningRate: 0.01, scaleEncoderRateBySteps: false, learningRateSchedule: 'CONSTANT', warmupFraction: 0, weightDecay: 0, encoderLayers: null, tokenDropout: 0, headWeightDecay: 0, biasCalibration: null, balanceNewLabels: false, batchSize: 32, earlyStoppingPatience: null, epochSelection: 'LAST',
    });
    await done;

    runIds.forEach((runId, i) => {
      const reports = results.map((r) => r.data!.runProgress).filter((r) => r.runId === runId);
      assert.deepEqual(reports.filter((r) => r.epoch).map((r) => r.epoch!.epoch), i === 3 ? [0, 1, 2] : [0, 1, 2, 3, 4], `epochs of ${runId}`);
      assert.equal(reports.at(-1)!.status, 'SUCCEEDED');
    });
    const imprintDrift = results.map((r) => r.data!.runProgress).filter((r) => r.runId === runIds[1] && r.epoch).map((r) => r.epoch!.oldLogitDrift);
    assert.deepEqual(imprintDrift, [0, 0, 0, 0, 0], 'frozen old rows must leave old logits untouched');
  });

  test('the leaderboard ranks the strategies and compareRuns lines them up', async () => {
    const { experiment } = await server.ok(
      `query($id: ID!) { experiment(id: $id) {
        newLabels { name }
        leaderboard(metric: OLD_ACCURACY) { rank preset variant settings { preset epochs rehearsal { perLabel allOldData } } seeds value std means { oldAccuracy newAccuracy intrusion } runs { id variant } }
      } }`,
      { id: experimentId },
    );
    assert.deepEqual(experiment.newLabels, [{ name: labels.at(-1) }]);
    const board = experiment.leaderboard;
    assert.equal(board.length, 4);
    assert.deepEqual(board.map((entry: { rank: number }) => entry.rank), [1, 2, 3, 4]);
    for (let i = 1; i < board.length; i++) assert.ok(board[i - 1].value >= board[i].value);
    assert.ok(board.every((entry: { std: number | null; seeds: number[] }) => entry.std === null && entry.seeds.length === 1));
    // Every preset here defaults to 10 epochs; REHEARSAL_HEAD to 5 examples per old label.
    const variantOfRun = new Map(board.map((entry: { variant: string; runs: Array<{ id: string }> }) => [entry.runs[0].id, entry.variant]));
    assert.deepEqual(runIds.map((id) => variantOfRun.get(id)), [
      'ORIGINAL_RECIPE (epochs 4)',
      'IMPRINT_FROZEN (epochs 4)',
      'REHEARSAL_HEAD (epochs 4, rehearsal 3 per label)',
      'IMPRINT_FROZEN (epochs 2)',
    ]);
    for (const entry of board) {
      assert.equal(entry.settings.preset, entry.preset);
      assert.deepEqual(entry.runs.map((run: { variant: string }) => run.variant), [entry.variant], 'a run is named as its entry');
    }

    const { compareRuns } = await server.ok(
      `query($ids: [ID!]!) { compareRuns(ids: $ids) { runs { id } differingSettings { setting values } series { run { id } epochs overallAccuracy oldLogitDrift } } }`,
      { ids: runIds },
    );
    assert.deepEqual(compareRuns.runs.map((run: { id: string }) => run.id), runIds);
    assert.deepEqual(compareRuns.differingSettings, [
      { setting: 'epochs', values: ['4', '4', '4', '2'] },
      { setting: 'init', values: ['RANDOM_NORMAL', 'IMPRINT', 'IMPRINT', 'IMPRINT'] },
      { setting: 'preset', values: ['ORIGINAL_RECIPE', 'IMPRINT_FROZEN', 'REHEARSAL_HEAD', 'IMPRINT_FROZEN'] },
      { setting: 'rehearsal', values: ['0 per label', '0 per label', '3 per label', '0 per label'] },
      { setting: 'trainable', values: ['HEAD', 'NEW_ROWS', 'HEAD', 'NEW_ROWS'] },
    ]);
    assert.deepEqual(compareRuns.series[0].epochs, [0, 1, 2, 3, 4]);
    assert.deepEqual(compareRuns.series[3].epochs, [0, 1, 2]);
  });

  test('predicts with the expanded model, new label included', async () => {
    const { run } = await server.ok(`query($id: ID!) { run(id: $id) { outputCheckpoint { id parent { id } labelSet { labelCount } } } }`, { id: runIds[1] });
    assert.deepEqual(run.outputCheckpoint.parent, { id: checkpointId });
    assert.equal(run.outputCheckpoint.labelSet.labelCount, labels.length);
    const { dataset } = await server.ok(`query($id: ID!) { dataset(id: $id) { examples(filter: { split: TEST }, first: 100) { nodes { text label } } } }`, { id: datasetId });
    const examples = dataset.examples.nodes as Array<{ text: string; label: string }>;
    const { predict } = await server.ok(`query($id: ID!, $texts: [String!]!) { predict(checkpointId: $id, texts: $texts, topK: 2) { text labels { label index probability } } }`, {
      id: run.outputCheckpoint.id,
      texts: examples.map((example) => example.text),
    });
    assert.equal(predict.length, examples.length);
    for (const prediction of predict) {
      assert.equal(prediction.labels.length, 2);
      assert.ok(prediction.labels[0].probability >= prediction.labels[1].probability);
      assert.equal(labels[prediction.labels[0].index], prediction.labels[0].label);
    }
    const correct = predict.filter((p: { labels: Array<{ label: string }> }, i: number) => p.labels[0].label === examples[i].label).length;
    assert.ok(correct / examples.length > 0.6, `accuracy through predict ${correct / examples.length}`);
    const bad = await server.graphql(`query($id: ID!) { predict(checkpointId: $id, texts: ["x"], topK: 99) { text } }`, { id: run.outputCheckpoint.id });
    assert.equal(bad.errors?.[0].extensions?.field, 'topK');
  });

  /** Launches one run of `strategy` on the experiment and waits until it has ended. */
  async function runToEnd(strategy: Record<string, unknown>): Promise<string> {
    const { launchHeadExpansion } = await server.ok(`mutation($input: LaunchHeadExpansionInput!) { launchHeadExpansion(input: $input) { id } }`, {
      input: { experimentId, strategies: [strategy] },
    });
    const runId = launchHeadExpansion[0].id as string;
    await waitForRun(server, runId, ['SUCCEEDED', 'FAILED']);
    return runId;
  }

  /** The checkpoint's accuracy on the dataset's test split, from the API's own predictions. */
  async function testAccuracyThroughPredict(checkpointId: string): Promise<number> {
    const { dataset } = await server.ok(`query($id: ID!) { dataset(id: $id) { examples(filter: { split: TEST }, first: 100) { totalCount nodes { text label } } } }`, { id: datasetId });
    assert.equal(dataset.examples.nodes.length, dataset.examples.totalCount);
    const examples = dataset.examples.nodes as Array<{ text: string; label: string }>;
    const { predict } = await server.ok(`query($id: ID!, $texts: [String!]!) { predict(checkpointId: $id, texts: $texts, topK: 1) { labels { label } } }`, {
      id: checkpointId,
      texts: examples.map((example) => example.text),
    });
    return predict.filter((p: { labels: Array<{ label: string }> }, i: number) => p.labels[0].label === examples[i].label).length / examples.length;
  }

  test('an early-stopped run says which epoch it kept, and its stored checkpoint predicts as that epoch measured', async () => {
    const runId = await runToEnd({ preset: 'ORIGINAL_RECIPE', epochs: 40, earlyStoppingPatience: 2 });
    const { run } = await server.ok(`query($id: ID!) { run(id: $id) { status keptEpoch trainingNotes epochs { epoch overallAccuracy } outputCheckpoint { id } } }`, { id: runId });
    assert.equal(run.status, 'SUCCEEDED');
    const last = run.epochs.length - 1;
    assert.ok(last < 40, 'it never stopped early');
    assert.equal(run.keptEpoch, last - 2, 'the kept epoch is the last improvement, two epochs of patience before the end');
    assert.deepEqual(run.trainingNotes, [`early stopping after epoch ${last}: validation accuracy last improved at epoch ${last - 2}`]);

    const accuracy = await testAccuracyThroughPredict(run.outputCheckpoint.id);
    assert.ok(Math.abs(accuracy - run.epochs[run.keptEpoch].overallAccuracy) < 1e-9, `the checkpoint scores ${accuracy}; epochs: ${JSON.stringify(run.epochs)}`);
  });

  test('a CALIBRATED_REHEARSAL run trains every epoch, keeps one, and its stored checkpoint predicts as its final metrics say', async () => {
    const runId = await runToEnd({ preset: 'CALIBRATED_REHEARSAL', epochs: 4, minimumSteps: 0 });
    const { run } = await server.ok(
      `query($id: ID!) { run(id: $id) { status keptEpoch trainingNotes epochs { epoch } settings { ... on StrategySettings { epochSelection } } finalMetrics { overallAccuracy } outputCheckpoint { id } } }`,
      { id: runId },
    );
    assert.equal(run.status, 'SUCCEEDED');
    assert.equal(run.settings.epochSelection, 'BEST_NEW_WITHIN_BUDGET');
    assert.deepEqual(run.epochs.map((epoch: { epoch: number }) => epoch.epoch), [0, 1, 2, 3, 4], 'selection does not stop early');
    assert.ok(Number.isInteger(run.keptEpoch) && run.keptEpoch >= 0 && run.keptEpoch <= 4, `kept epoch ${run.keptEpoch}`);
    assert.deepEqual(run.trainingNotes, [], 'the validation split has enough examples of the new label to select by');

    const accuracy = await testAccuracyThroughPredict(run.outputCheckpoint.id);
    assert.ok(Math.abs(accuracy - run.finalMetrics.overallAccuracy) < 1e-9, `the checkpoint scores ${accuracy}, finalMetrics ${run.finalMetrics.overallAccuracy}`);
  });
});

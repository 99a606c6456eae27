import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client } from 'graphql-ws';
import { RunStatus } from '../src/entities/index.js';
import { createLabelSet, currentClaim, extendLabelSet, importTinyDataset, insertCheckpointRow, insertRunRow } from './support/fixtures.js';
import { PROBE, untilListening } from './support/progress-probe.js';
import { startTestServer, TestServer } from './support/test-server.js';
import { collect, connectWs } from './support/ws-client.js';

const PROGRESS = `subscription($runId: ID, $experimentId: ID) {
  runProgress(runId: $runId, experimentId: $experimentId) { runId experimentId status final error epoch { epoch loss overallAccuracy oldAccuracy newAccuracy } }
}`;

function epoch(n: number) {
  return {
    epoch: n, loss: 1 / n, oldAccuracy: 0.9, newAccuracy: 0.1 * n, overallAccuracy: 0.5, macroF1: 0.4,
    forgetting: 0.01, intrusion: 0.02, oldLogitDrift: 0, seconds: 0.5,
  };
}

describe('runs and live progress over graphql-ws', () => {
  let server: TestServer;
  let client: Client;
  let datasetId: string;
  let labelSetId: string;
  let experimentId: string;
  before(async () => {
    server = await startTestServer();
    client = connectWs(server.wsUrl);
    datasetId = await importTinyDataset(server, 'intents', ['a', 'b', 'c']);
    const base = await createLabelSet(server, 'ab', ['a', 'b']);
    labelSetId = await extendLabelSet(server, base, ['c']);
    const checkpointId = await insertCheckpointRow(server, base);
    const { createExperiment } = await server.ok(
      `mutation($input: CreateExperimentInput!) { createExperiment(input: $input) { id } }`,
      { input: { name: 'progress', datasetId, targetLabelSetId: labelSetId, baseCheckpointId: checkpointId } },
    );
    experimentId = createExperiment.id;
  });
  after(async () => {
    await client.dispose();
    await server.stop();
  });

  test('delivers each recorded epoch to a subscriber of the run and of its experiment', async () => {
    const runId = await insertRunRow(server, { datasetId, labelSetId, experimentId, status: 'RUNNING' });
    const epochsOf = (results: Array<{ data?: Record<string, any> | null }>) => results.filter((r) => r.data?.runProgress.error !== PROBE);
    const byRun = collect(client, PROGRESS, { runId }, (results) => epochsOf(results).length === 2);
    const byExperiment = collect(client, PROGRESS, { experimentId }, (results) => epochsOf(results).length === 2);
    await untilListening(server, { runId, experimentId, status: RunStatus.RUNNING, epoch: null }, () => byRun.results.length > 0 && byExperiment.results.length > 0);

    const claim = await currentClaim(server, runId);
    await server.headroom.lifecycle.recordEpoch(claim, epoch(1));
    await server.headroom.lifecycle.recordEpoch(claim, epoch(2));
    await Promise.all([byRun.done, byExperiment.done]);

    for (const { results } of [byRun, byExperiment]) {
      assert.deepEqual(
        epochsOf(results).map((r) => [r.data?.runProgress.runId, r.data?.runProgress.experimentId, r.data?.runProgress.epoch.epoch, r.data?.runProgress.final]),
        [[runId, experimentId, 1, false], [runId, experimentId, 2, false]],
      );
    }
  });

  test('recording an epoch twice keeps one row with the latest values', async () => {
    const runId = await insertRunRow(server, { datasetId, labelSetId, experimentId, status: 'RUNNING' });
    const claim = await currentClaim(server, runId);
    await server.headroom.lifecycle.recordEpoch(claim, epoch(1));
    await server.headroom.lifecycle.recordEpoch(claim, { ...epoch(1), loss: 0.25 });
    await server.headroom.lifecycle.recordEpoch(claim, epoch(2));
    const { run } = await server.ok(`query($id: ID!) { run(id: $id) { status epochs { epoch loss oldLogitDrift } } }`, { id: runId });
    assert.deepEqual(run.epochs, [
      { epoch: 1, loss: 0.25, oldLogitDrift: 0 },
      { epoch: 2, loss: 0.5, oldLogitDrift: 0 },
    ]);
  });

  test('a subscriber to a run that has ended gets its final status at once, then completion', async () => {
    const runId = await insertRunRow(server, { datasetId, labelSetId, experimentId, status: 'FAILED', error: 'out of memory' });
    const { results, done } = collect(client, PROGRESS, { runId });
    await done;
    assert.deepEqual(results.map((r) => r.data?.runProgress), [
      { runId, experimentId, status: 'FAILED', final: true, error: 'out of memory', epoch: null },
    ]);
  });

  test('a subscription with neither runId nor experimentId is refused with BAD_USER_INPUT', async () => {
    const { results, done } = collect(client, PROGRESS, {});
    await done;
    const [error] = results[0].errors as Array<{ extensions?: Record<string, unknown> }>;
    assert.equal(error.extensions?.code, 'BAD_USER_INPUT');
    assert.equal(error.extensions?.field, 'runId');
  });

  test('a subscription sent by HTTP POST is refused with a message pointing to graphql-ws', async () => {
    const result = await server.graphql(PROGRESS, { runId: '00000000-0000-0000-0000-000000000000' });
    assert.equal(result.errors?.[0].extensions?.code, 'BAD_REQUEST');
    assert.match(result.errors![0].message, /graphql-ws/);
  });

  test('runs are listed newest first and filtered by experiment, status and kind', async () => {
    const base = await insertRunRow(server, { datasetId, labelSetId, status: 'SUCCEEDED' });
    const list = async (filter: Record<string, unknown>) =>
      (await server.ok(`query($filter: RunFilter) { runs(filter: $filter, first: 100) { nodes { id kind status } } }`, { filter })).runs.nodes;
    assert.deepEqual((await list({ kind: 'BASE_TRAINING' })).map((r: { id: string }) => r.id), [base]);
    assert.ok((await list({ experimentId })).every((r: { kind: string }) => r.kind === 'HEAD_EXPANSION'));
    assert.ok((await list({ status: 'FAILED' })).every((r: { status: string }) => r.status === 'FAILED'));
    const { experiment } = await server.ok(`query($id: ID!) { experiment(id: $id) { runs(status: FAILED) { totalCount } } }`, { id: experimentId });
    assert.equal(experiment.runs.totalCount, 1);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createLabelSet, extendLabelSet, insertCheckpointRow } from './support/fixtures.js';
import { startTestServer, TestServer } from './support/test-server.js';
import { importSyntheticDataset } from './support/training-fixtures.js';

const LAUNCH = `mutation($input: LaunchHeadExpansionInput!) { launchHeadExpansion(input: $input) { id } }`;
const TRAIN = `mutation($input: TrainBaseModelInput!) { trainBaseModel(input: $input) { id } }`;

describe('launching runs rejects bad input with a code, the field, and nothing written', () => {
  let server: TestServer;
  let datasetId: string;
  let labels: string[];
  let experimentId: string;
  let experimentWithoutBase: string;
  let experimentMissingExamples: string;

  before(async () => {
    server = await startTestServer();
    ({ datasetId, labels } = await importSyntheticDataset(server, 'intents', { labels: 4 }));
    const base = await createLabelSet(server, 'base', labels.slice(0, 3));
    const target = await extendLabelSet(server, base, [labels[3]]);
    const targetWithoutData = await extendLabelSet(server, base, ['never_seen']);
    const checkpointId = await insertCheckpointRow(server, base);
    const create = async (input: Record<string, unknown>) =>
      (await server.ok(`mutation($input: CreateExperimentInput!) { createExperiment(input: $input) { id } }`, { input: { name: 'x', datasetId, ...input } }))
        .createExperiment.id as string;
    experimentId = await create({ targetLabelSetId: target, baseCheckpointId: checkpointId });
    experimentWithoutBase = await create({ targetLabelSetId: target });
    experimentMissingExamples = await create({ targetLabelSetId: targetWithoutData, baseCheckpointId: checkpointId });
  });
  after(() => server.stop());

  const strategyCases: Array<[string, Record<string, unknown>, string]> = [
    ['epochs 0', { epochs: 0 }, 'input.strategies[0].epochs'],
    ['epochs 1001', { epochs: 1001 }, 'input.strategies[0].epochs'],
    ['a learning rate of 0', { learningRate: 0 }, 'input.strategies[0].learningRate'],
    ['a negative learning rate', { learningRate: -0.1 }, 'input.strategies[0].learningRate'],
    ['a huge learning rate', { learningRate: 1e300 }, 'input.strategies[0].learningRate'],
    ['batch size 0', { batchSize: 0 }, 'input.strategies[0].batchSize'],
    ['negative rehearsal', { rehearsalPerLabel: -1 }, 'input.strategies[0].rehearsal'],
    ['a zero distillation temperature', { distillation: { temperature: 0, weight: 1 } }, 'input.strategies[0].distillation.temperature'],
    ['early stopping patience 0', { earlyStoppingPatience: 0 }, 'input.strategies[0].earlyStoppingPatience'],
    ['epoch selection by the calibrated score but no calibration', { preset: 'IMPRINT_FROZEN', epochSelection: 'BEST_NEW_WITHIN_BUDGET' }, 'input.strategies[0].epochSelection'],
    ["CALIBRATED_REHEARSAL's calibration turned off and its epoch selection kept", { preset: 'CALIBRATED_REHEARSAL', biasCalibration: null }, 'input.strategies[0].epochSelection'],
  ];
  for (const [name, strategy, field] of strategyCases) {
    test(`a strategy with ${name}`, async () => {
      await expectRejected(server, LAUNCH, { input: { experimentId, strategies: [strategy] } }, 'BAD_USER_INPUT', field);
    });
  }

  test('an infinite learning rate written as a literal', async () => {
    const before = await rowCounts(server);
    const result = await server.graphql(`mutation { launchHeadExpansion(input: { experimentId: "${experimentId}", strategies: [{ learningRate: 1e999 }] }) { id } }`);
    assert.ok(result.errors?.length, 'accepted an infinite learning rate');
    assert.equal(result.errors![0].extensions?.code, 'BAD_USER_INPUT');
    assert.deepEqual(await rowCounts(server), before);
  });

  test('the second strategy is named when it is the bad one, and the first is not queued either', async () => {
    await expectRejected(server, LAUNCH, { input: { experimentId, strategies: [{ preset: 'LWF' }, { epochs: -3 }] } }, 'BAD_USER_INPUT', 'input.strategies[1].epochs');
  });

  test('seeds that are negative or repeated, and no strategies at all', async () => {
    await expectRejected(server, LAUNCH, { input: { experimentId, strategies: [{}], seeds: [1, -1] } }, 'BAD_USER_INPUT', 'input.seeds[1]');
    await expectRejected(server, LAUNCH, { input: { experimentId, strategies: [{}], seeds: [4, 4] } }, 'BAD_USER_INPUT', 'input.seeds');
    await expectRejected(server, LAUNCH, { input: { experimentId, strategies: [] } }, 'BAD_USER_INPUT', 'input.strategies');
  });

  test('an experiment without a base checkpoint, one whose new label has no examples, and one that does not exist', async () => {
    await expectRejected(server, LAUNCH, { input: { experimentId: experimentWithoutBase, strategies: [{}] } }, 'BAD_USER_INPUT', 'input.experimentId');
    const missing = await expectRejected(server, LAUNCH, { input: { experimentId: experimentMissingExamples, strategies: [{}] } }, 'BAD_USER_INPUT', 'input.experimentId');
    assert.deepEqual(missing.extensions?.labels, ['never_seen']);
    await expectRejected(server, LAUNCH, { input: { experimentId: '00000000-0000-0000-0000-000000000000', strategies: [{}] } }, 'NOT_FOUND', 'input.experimentId');
    await expectRejected(server, LAUNCH, { input: { experimentId: 'nope', strategies: [{}] } }, 'BAD_USER_INPUT', 'input.experimentId');
  });

  test('trainBaseModel rejects bad settings and labels without examples', async () => {
    await expectRejected(server, TRAIN, { input: { datasetId, epochs: 0 } }, 'BAD_USER_INPUT', 'input.epochs');
    await expectRejected(server, TRAIN, { input: { datasetId, encoder: { dim: 0 } } }, 'BAD_USER_INPUT', 'input.encoder.dim');
    await expectRejected(server, TRAIN, { input: { datasetId, seed: -5 } }, 'BAD_USER_INPUT', 'input.seed');
    const unknownLabels = await createLabelSet(server, 'unknown', ['nothing_like_this']);
    await expectRejected(server, TRAIN, { input: { datasetId, labelSetId: unknownLabels } }, 'BAD_USER_INPUT', 'input.datasetId');
  });

  test('cancelling or retrying a run in the wrong state is a CONFLICT', async () => {
    const { launchHeadExpansion } = await server.ok(LAUNCH, { input: { experimentId, strategies: [{ preset: 'IMPRINT_ONLY' }] } });
    const runId = launchHeadExpansion[0].id;
    await expectRejected(server, `mutation($id: ID!) { retryRun(id: $id) { id } }`, { id: runId }, 'CONFLICT', 'id');
    const { cancelRun } = await server.ok(`mutation($id: ID!) { cancelRun(id: $id) { status cancelRequested } }`, { id: runId });
    assert.deepEqual(cancelRun, { status: 'CANCELLED', cancelRequested: true });
    await expectRejected(server, `mutation($id: ID!) { cancelRun(id: $id) { id } }`, { id: runId }, 'CONFLICT', 'id');
    const [job] = await server.sql(`SELECT j.state FROM pgboss.job j JOIN run r ON r.job_id = j.id WHERE r.id = $1`, [runId]);
    assert.equal(job.state, 'cancelled');
  });
});

async function rowCounts(server: TestServer) {
  const [row] = await server.sql(
    `SELECT (SELECT count(*) FROM run) AS runs, (SELECT count(*) FROM label_set) AS label_sets, (SELECT count(*) FROM pgboss.job) AS jobs`,
  );
  return row;
}

async function expectRejected(server: TestServer, query: string, variables: Record<string, unknown>, code: string, field: string) {
  const before = await rowCounts(server);
  const result = await server.graphql(query, variables);
  assert.ok(result.errors?.length, `accepted: ${JSON.stringify(variables)}`);
  const [error] = result.errors!;
  assert.equal(error.extensions?.code, code, error.message);
  assert.equal(error.extensions?.field, field, error.message);
  assert.deepEqual(await rowCounts(server), before, 'a rejected request wrote rows');
  return error;
}

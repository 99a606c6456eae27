import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LOCAL_USER } from '../src/auth/roles.js';
import { POOL_SIZE } from '../src/db/data-source.js';
import { HeadroomError } from '../src/services/errors.js';
import { createLabelSet, extendLabelSet, importTinyDataset, insertCheckpointRow } from './support/fixtures.js';
import { eventually, lockWaiters, openSession } from './support/pg-session.js';
import { startTestServer, TestServer } from './support/test-server.js';

describe('launches read what they check in their own transaction', () => {
  let server: TestServer;
  let createExperiment: (name: string) => Promise<string>;
  const launch = (experimentId: string, seed: number) =>
    server.headroom.services.launches.launchHeadExpansion({ experimentId, strategies: [{ preset: 'IMPRINT_ONLY', overrides: {} }], seeds: [seed] }, LOCAL_USER);
  before(async () => {
    server = await startTestServer({ heartbeatSeconds: 60 });
    const datasetId = await importTinyDataset(server, 'intents', ['a', 'b', 'c']);
    const base = await createLabelSet(server, 'ab', ['a', 'b']);
    const target = await extendLabelSet(server, base, ['c']);
    const checkpointId = await insertCheckpointRow(server, base);
    createExperiment = async (name) => {
      const { createExperiment } = await server.ok(`mutation($input: CreateExperimentInput!) { createExperiment(input: $input) { id } }`, {
        input: { name, datasetId, targetLabelSetId: target, baseCheckpointId: checkpointId },
      });
      return createExperiment.id;
    };
  });
  // A failed first test leaves transactions waiting for connections that never come back.
  after(() => server.stop(), { timeout: 20_000 });

  test('as many launches at once as the pool has connections all finish', { timeout: 30_000 }, async () => {
    assert.equal((server.headroom.database.dataSource.options.extra as { max: number }).max, POOL_SIZE);
    assert.equal(POOL_SIZE, 10);
    const experimentId = await createExperiment('busy');
    const launched = await Promise.all(Array.from({ length: POOL_SIZE }, (_, seed) => launch(experimentId, seed)));
    assert.deepEqual(launched.map((runs) => runs.length), Array(POOL_SIZE).fill(1));
    const [{ count }] = await server.sql('SELECT count(*)::int AS count FROM run WHERE experiment_id = $1', [experimentId]);
    assert.equal(count, POOL_SIZE);
  });

  test('a launch waits for a deletion that holds the experiment, then finds it gone: NOT_FOUND, no run', async () => {
    const experimentId = await createExperiment('deleted meanwhile');
    const [deletion, observer] = await Promise.all([openSession(server.database.url), openSession(server.database.url)]);
    try {
      await deletion.query('BEGIN');
      await deletion.query('SELECT 1 FROM experiment WHERE id = $1 FOR UPDATE', [experimentId]);
      const outcome = launch(experimentId, 0).then(
        () => null,
        (error: Error) => error,
      );
      await eventually(async () => (await lockWaiters(observer, 'experiment')) > 0, 'waiting for the deletion');
      await deletion.query('DELETE FROM experiment WHERE id = $1', [experimentId]);
      await deletion.query('COMMIT');
      const error = await outcome;
      assert.ok(error instanceof HeadroomError, `expected NOT_FOUND, got ${error?.message ?? 'a launch'}`);
      assert.equal(error.code, 'NOT_FOUND');
    } finally {
      await Promise.all([deletion.end(), observer.end()]);
    }
    const [{ count }] = await server.sql('SELECT count(*)::int AS count FROM run WHERE experiment_id = $1', [experimentId]);
    assert.equal(count, 0);
  });
});

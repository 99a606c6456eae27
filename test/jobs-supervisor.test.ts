import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLabelSet, importTinyDataset, insertRunRow } from './support/fixtures.js';
import { eventually, openSession, tableLockWaiters } from './support/pg-session.js';
import { startTestServer, TestServer } from './support/test-server.js';

const HEARTBEAT_SECONDS = 0.1;

describe('the supervisor', () => {
  let server: TestServer;
  before(async () => (server = await startTestServer({ heartbeatSeconds: HEARTBEAT_SECONDS })));
  after(() => server.stop());

  test('starts no sweep while one is still running, and sweeps again once it ends', async () => {
    const datasetId = await importTinyDataset(server, 'intents', ['a', 'b']);
    const labelSetId = await createLabelSet(server, 'ab', ['a', 'b']);
    const [blocker, observer] = await Promise.all([openSession(server.database.url), openSession(server.database.url)]);
    try {
      // A sweep that cannot read the run table stays running for as long as this transaction lasts.
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE run IN ACCESS EXCLUSIVE MODE');
      // Nothing but the supervisor's sweeps reads the run table in this test.
      await eventually(async () => (await tableLockWaiters(observer, 'run')) > 0, 'sweeping');
      // Proving that nothing more starts takes time: ten heartbeats, each of which used to start another sweep.
      await sleep(10 * HEARTBEAT_SECONDS * 1000);
      assert.equal(await tableLockWaiters(observer, 'run'), 1);
      await blocker.query('COMMIT');
    } finally {
      await Promise.all([blocker.end(), observer.end()]);
    }
    const runId = await insertRunRow(server, { datasetId, labelSetId, status: 'RUNNING' });
    await server.sql(`UPDATE run SET heartbeat_at = now() - interval '1 minute' WHERE id = $1`, [runId]);
    await eventually(async () => (await server.sql('SELECT status FROM run WHERE id = $1', [runId]))[0].status === 'QUEUED', 'reclaimed');
  });
});

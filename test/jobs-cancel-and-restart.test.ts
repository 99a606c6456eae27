import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { logLines } from './support/log-lines.js';
import { startTestServer, TestServer } from './support/test-server.js';
import { importSyntheticDataset, trainBaseModel, waitForEpoch, waitForRun } from './support/training-fixtures.js';
import { collect, connectWs } from './support/ws-client.js';

/** A base training that takes many seconds: one example per step. */
const SLOW = { epochs: 300, batchSize: 1, encoder: { dim: 16, buckets: 1024 } };
const QUICK = { epochs: 2, encoder: { dim: 16, buckets: 1024 } };

describe('cancelling, retrying and restarting', { timeout: 180_000 }, () => {
  test('a running run stops within a few seconds of cancelRun, keeps its finished epochs, and can be retried', async () => {
    const logged = logLines();
    const server = await startTestServer({ workers: 1, log: logged.log });
    const client = connectWs(server.wsUrl);
    try {
      const { datasetId } = await importSyntheticDataset(server, 'intents', { labels: 5 });
      const runId = await trainBaseModel(server, { datasetId, ...SLOW });
      const progress = collect(client, `subscription($id: ID!) { runProgress(runId: $id) { status final } }`, { id: runId });
      await waitForEpoch(server, runId, 1);

      const asked = Date.now();
      const { cancelRun } = await server.ok(`mutation($id: ID!) { cancelRun(id: $id) { status cancelRequested } }`, { id: runId });
      assert.deepEqual(cancelRun, { status: 'RUNNING', cancelRequested: true });
      const cancelled = await waitForRun(server, runId, ['CANCELLED', 'SUCCEEDED', 'FAILED'], 10_000);
      assert.equal(cancelled.status, 'CANCELLED');
      assert.ok(Date.now() - asked < 5_000, `took ${Date.now() - asked} ms to stop`);
      assert.ok(cancelled.epochs.length >= 2 && cancelled.epochs.length < SLOW.epochs, `kept ${cancelled.epochs.length} epochs`);
      await progress.done;
      assert.deepEqual(progress.results.at(-1)?.data, { runProgress: { status: 'CANCELLED', final: true } });
      const [{ count }] = await server.sql(`SELECT count(*)::int AS count FROM checkpoint`);
      assert.equal(count, 0, 'a cancelled run wrote a checkpoint');
      const escaped = runId.replace(/-/g, '\\-');
      await logged.waitFor(new RegExp(`^run ${escaped}: cancel requested by the local user; its worker stops it at the next batch$`));
      await logged.waitFor(new RegExp(`^run ${escaped}: attempt 1 stopped; CANCELLED as asked$`));

      const { retryRun } = await server.ok(`mutation($id: ID!) { retryRun(id: $id) { status epochs { epoch } } }`, { id: runId });
      assert.deepEqual(retryRun, { status: 'QUEUED', epochs: [] });
      await waitForEpoch(server, runId, 1);
      await server.ok(`mutation($id: ID!) { cancelRun(id: $id) { id } }`, { id: runId });
      assert.equal((await waitForRun(server, runId, ['CANCELLED'], 10_000)).status, 'CANCELLED');
    } finally {
      await client.dispose();
      await server.stop();
    }
  });

  test('a queued run cancelled while the only worker is busy never starts', async () => {
    const logged = logLines();
    const server = await startTestServer({ workers: 1, log: logged.log });
    try {
      const { datasetId } = await importSyntheticDataset(server, 'intents', { labels: 5 });
      const busy = await trainBaseModel(server, { datasetId, ...SLOW });
      await waitForRun(server, busy, ['RUNNING']);
      const queued = await trainBaseModel(server, { datasetId, ...QUICK });
      const { cancelRun } = await server.ok(`mutation($id: ID!) { cancelRun(id: $id) { status } }`, { id: queued });
      assert.equal(cancelRun.status, 'CANCELLED');
      assert.ok(logged.lines.includes(`run ${queued}: cancel requested by the local user; it had not started and is CANCELLED`), logged.lines.join('\n'));
      await server.ok(`mutation($id: ID!) { cancelRun(id: $id) { id } }`, { id: busy });
      await waitForRun(server, busy, ['CANCELLED']);
      // The worker takes jobs oldest first: once a run queued after the cancelled one has finished,
      // the worker has passed the cancelled one by.
      const later = await trainBaseModel(server, { datasetId, ...QUICK });
      assert.equal((await waitForRun(server, later, ['SUCCEEDED', 'FAILED'])).status, 'SUCCEEDED');
      const run = await waitForRun(server, queued, ['CANCELLED']);
      assert.equal(run.attempts, 0, 'the cancelled run was started');
      assert.ok(!logged.lines.some((line) => line.startsWith(`run ${queued}: attempt`)), logged.lines.join('\n'));
    } finally {
      await server.stop();
    }
  });

  test('a restart loses nothing: queued runs wait for it, and a run interrupted by the shutdown starts again', async () => {
    const first = await startTestServer({ workers: 1 });
    let second: TestServer | null = null;
    try {
      const { datasetId } = await importSyntheticDataset(first, 'intents', { labels: 5 });
      const interrupted = await trainBaseModel(first, { datasetId, ...SLOW, epochs: 8 });
      await waitForEpoch(first, interrupted, 1);
      const waiting = await trainBaseModel(first, { datasetId, ...QUICK });
      await first.stop({ keepData: true });

      second = await startTestServer({ workers: 1, reuse: { database: first.database, home: first.home } });
      const done = await waitForRun(second, interrupted, ['SUCCEEDED', 'FAILED'], 120_000);
      assert.equal(done.status, 'SUCCEEDED', done.error);
      assert.equal(done.attempts, 1, 'a shutdown must not use up an attempt');
      assert.deepEqual(done.epochs.map((e: { epoch: number }) => e.epoch), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
      assert.equal((await waitForRun(second, waiting, ['SUCCEEDED', 'FAILED'])).status, 'SUCCEEDED');
    } finally {
      await (second ?? first).stop().catch(() => undefined);
    }
  });
});

import assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestServer, TestServer } from './support/test-server.js';
import { importSyntheticDataset, trainBaseModel, waitForEpoch, waitForRun } from './support/training-fixtures.js';
import { collect, connectWs } from './support/ws-client.js';

const CLI = path.join(__dirname, '..', 'src', 'cli.js');

/** `headroom worker` as its own process, on the test server's database and artifact folder. */
function startWorker(server: TestServer): Promise<{ child: ChildProcess; exited: Promise<number | null> }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: server.database.url,
    HEADROOM_HOME: server.home,
    HEADROOM_WORKERS: '1',
    HEADROOM_HEARTBEAT_SECONDS: '0.5',
    TFJS_BACKEND: 'wasm',
  };
  const child = spawn(process.execPath, [CLI, 'worker'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk;
      if (output.includes('waiting for training jobs')) resolve({ child, exited });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => reject(new Error(`the worker exited with ${code} before it was ready:\n${output}`)));
  });
}

describe('a worker process killed mid-run', { timeout: 180_000 }, () => {
  let server: TestServer;
  const workers: ChildProcess[] = [];
  before(async () => {
    // The API trains nothing itself: every run goes to the worker processes.
    server = await startTestServer({ workers: 0, heartbeatSeconds: 0.5 });
  });
  after(async () => {
    for (const child of workers) child.kill('SIGKILL');
    await server.stop();
  });

  test('its run is picked up by another worker and succeeds, with every epoch exactly once', async () => {
    const { datasetId } = await importSyntheticDataset(server, 'intents', { labels: 5 });
    const first = await startWorker(server);
    workers.push(first.child);
    const epochs = 12;
    const runId = await trainBaseModel(server, { datasetId, epochs, batchSize: 1, encoder: { dim: 16, buckets: 1024 } });
    // Epochs are written by the worker processes and reach this API's subscribers through PostgreSQL.
    const client = connectWs(server.wsUrl);
    const progress = collect<{ runProgress: { status: string; epoch: { epoch: number } | null } }>(
      client,
      `subscription($id: ID!) { runProgress(runId: $id) { status epoch { epoch } } }`,
      { id: runId },
    );
    await waitForEpoch(server, runId, 2);
    first.child.kill('SIGKILL');
    await first.exited;

    const second = await startWorker(server);
    workers.push(second.child);
    const done = await waitForRun(server, runId, ['SUCCEEDED', 'FAILED'], 120_000);
    assert.equal(done.status, 'SUCCEEDED', done.error);
    assert.equal(done.attempts, 2);
    assert.equal(done.error, null);
    assert.deepEqual(done.epochs.map((e: { epoch: number }) => e.epoch), Array.from({ length: epochs + 1 }, (_, i) => i));
    const [{ count }] = await server.sql(`SELECT count(*)::int AS count FROM checkpoint WHERE produced_by_run_id = $1`, [runId]);
    assert.equal(count, 1);
    await progress.done;
    await client.dispose();
    const reports = progress.results.map((r) => r.data!.runProgress);
    assert.ok(reports.filter((r) => r.epoch).length >= epochs + 1, 'the subscriber missed epochs written by the workers');
    assert.deepEqual(reports.filter((r) => !r.epoch).map((r) => r.status).slice(-3), ['QUEUED', 'RUNNING', 'SUCCEEDED']);

    second.child.kill('SIGTERM');
    assert.equal(await second.exited, 0, 'the worker did not shut down cleanly on SIGTERM');
  });

  test('a run whose workers keep dying fails with the reason after its last attempt, never stuck RUNNING', async () => {
    const { datasetId } = await importSyntheticDataset(server, 'more intents', { labels: 4, seed: 2 });
    const runId = await trainBaseModel(server, { datasetId, epochs: 1 });
    // What three killed workers leave behind: RUNNING, the last attempt used, no heartbeat for a while.
    await server.sql(`UPDATE run SET status = 'RUNNING', attempts = 3, heartbeat_at = now() - interval '1 minute' WHERE id = $1`, [runId]);
    const failed = await waitForRun(server, runId, ['FAILED', 'SUCCEEDED'], 20_000);
    assert.equal(failed.status, 'FAILED');
    assert.match(failed.error, /stopped responding; gave up after 3 attempts/);
  });
});

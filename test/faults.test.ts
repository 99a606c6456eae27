import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres.js';
import { embeddedEnv, startServeProcess } from './support/cli-process.js';
import { createTestDatabase } from './support/database.js';
import { startTestServer } from './support/test-server.js';
import { logLines } from './support/log-lines.js';
import { eventually } from './support/pg-session.js';
import { importSyntheticDataset, trainBaseModel, waitForEpoch, waitForRun } from './support/training-fixtures.js';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function tempHome(prefix: string): string {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(home, 0o755);
  return home;
}

describe('faults', { timeout: 240_000 }, () => {
  test('PostgreSQL restarted during a run: the run still ends SUCCEEDED, with every epoch once', async () => {
    // A server of its own: the shared test server must not be restarted under other test files.
    const pgHome = tempHome('headroom-pg-restart-');
    const port = await freePort();
    let postgres = await startEmbeddedPostgres(pgHome, () => undefined, port);
    const url = new URL(postgres.url);
    url.pathname = '/postgres';
    const sharedServer = process.env.HEADROOM_TEST_DATABASE_URL;
    process.env.HEADROOM_TEST_DATABASE_URL = url.toString();
    const database = await createTestDatabase();
    process.env.HEADROOM_TEST_DATABASE_URL = sharedServer;
    const logged = logLines();
    const server = await startTestServer({ workers: 1, heartbeatSeconds: 0.5, log: logged.log, reuse: { database, home: tempHome('headroom-home-') } });
    try {
      const { datasetId } = await importSyntheticDataset(server, 'intents', { labels: 5 });
      const epochs = 12;
      const runId = await trainBaseModel(server, { datasetId, epochs, batchSize: 1, encoder: { dim: 16, buckets: 1024 } });
      await waitForEpoch(server, runId, 2);

      await postgres.stop();
      // Down until the run's worker has felt it: a heartbeat or an epoch of the run that could not be written.
      await logged.waitFor(new RegExp(`^(heartbeat of run ${runId} failed|run ${runId}: attempt \\d+ failed|run ${runId}: could not record)`), 30_000);
      postgres = await startEmbeddedPostgres(pgHome, () => undefined, port);

      const done = await waitForRun(server, runId, ['SUCCEEDED', 'FAILED'], 180_000);
      assert.equal(done.status, 'SUCCEEDED', done.error);
      assert.deepEqual(done.epochs.map((e: { epoch: number }) => e.epoch), Array.from({ length: epochs + 1 }, (_, i) => i));
      // The API answers queries again: its pool and its LISTEN connection came back.
      assert.equal((await server.graphql('{ runs { totalCount } }')).errors, undefined);
    } finally {
      await server.stop().catch(() => undefined);
      await postgres.stop();
      fs.rmSync(pgHome, { recursive: true, force: true });
    }
  });

  test('an artifact folder that cannot be written fails the run with a clear error and leaves no checkpoint row', async () => {
    const server = await startTestServer({ workers: 1 });
    try {
      // A file where the checkpoints folder should be: writing fails even for root, unlike chmod.
      fs.mkdirSync(path.join(server.home, 'artifacts'), { recursive: true });
      fs.writeFileSync(path.join(server.home, 'artifacts', 'checkpoints'), 'not a folder');
      const { datasetId } = await importSyntheticDataset(server, 'intents', { labels: 3 });
      const runId = await trainBaseModel(server, { datasetId, epochs: 1, encoder: { dim: 16, buckets: 1024 } });
      const run = await waitForRun(server, runId, ['SUCCEEDED', 'FAILED']);
      assert.equal(run.status, 'FAILED');
      assert.match(run.error, /could not write the checkpoint to .*artifacts.*check that the artifact folder/);
      assert.equal(run.attempts, 1, 'a disk problem is not retried');
      const [{ count }] = await server.sql(`SELECT count(*)::int AS count FROM checkpoint`);
      assert.equal(count, 0);
    } finally {
      await server.stop();
    }
  });

  test('SIGTERM while runs are active: queued work survives, the running run is retried after the restart', async () => {
    const home = tempHome('headroom-sigterm-');
    const env = { ...embeddedEnv(home), HEADROOM_WORKERS: '1', TFJS_BACKEND: 'wasm', HEADROOM_HEARTBEAT_SECONDS: '0.5' };
    let serve = await startServeProcess(env);
    const graphql = async (query: string, variables?: Record<string, unknown>) => {
      const response = await fetch(`${serve.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
      const body = (await response.json()) as { data?: any; errors?: unknown[] };
      assert.equal(body.errors, undefined, JSON.stringify(body.errors));
      return body.data;
    };
    try {
      const rows = Array.from({ length: 5 * 30 }, (_, i) => `word${i % 5} filler${i % 7} text ${i},intent_${i % 5},${i % 10 === 0 ? 'test' : 'train'}`);
      const { importDataset } = await graphql(`mutation($c: String!) { importDataset(input: { name: "d", format: CSV, content: $c }) { id } }`, {
        c: ['text,label,split', ...rows].join('\n'),
      });
      const train = async (epochs: number) =>
        (await graphql(`mutation($d: ID!, $e: Int!) { trainBaseModel(input: { datasetId: $d, epochs: $e, batchSize: 1, encoder: { dim: 16, buckets: 1024 } }) { id } }`, { d: importDataset.id, e: epochs })).trainBaseModel.id;
      const running = await train(10);
      const queued = await train(2);
      const runState = async (id: string) => (await graphql(`query($id: ID!) { run(id: $id) { status error attempts epochs { epoch } } }`, { id })).run;
      await eventually(async () => {
        const run = await runState(running);
        assert.ok(['QUEUED', 'RUNNING'].includes(run.status), `the run ended before the SIGTERM: ${JSON.stringify(run)}`);
        return run.status === 'RUNNING' && run.epochs.length >= 2;
      }, 'running with 2 epochs recorded', 60_000);
      serve.child.kill('SIGTERM');
      assert.equal(await serve.exited, 0, serve.output());

      serve = await startServeProcess(env);
      for (const id of [running, queued]) {
        await eventually(async () => {
          const run = await runState(id);
          assert.ok(['QUEUED', 'RUNNING', 'SUCCEEDED'].includes(run.status), `run ${id} did not survive the restart: ${JSON.stringify(run)}`);
          return run.status === 'SUCCEEDED';
        }, `SUCCEEDED after the restart (run ${id})`, 120_000);
      }
      const { run } = await graphql(`query($id: ID!) { run(id: $id) { attempts epochs { epoch } } }`, { id: running });
      assert.equal(run.attempts, 1, 'the shutdown used up an attempt');
      assert.equal(run.epochs.length, 11);
    } finally {
      serve.child.kill('SIGTERM');
      await serve.exited;
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});

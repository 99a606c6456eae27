import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { embeddedEnv, ServeProcess, startServeProcess } from './support/cli-process.js';

async function graphql(server: ServeProcess, query: string, variables?: Record<string, unknown>) {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: any; errors?: unknown[] };
}

const DATASET_NAMES = '{ datasets { nodes { name exampleCount } } }';

function postmasterPid(home: string): number | null {
  const file = path.join(home, 'postgres', 'postmaster.pid');
  return fs.existsSync(file) ? Number(fs.readFileSync(file, 'utf8').split('\n')[0]) : null;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('headroom serve with its embedded PostgreSQL', { timeout: 120_000 }, () => {
  let home: string;
  let server: ServeProcess | null = null;
  before(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'headroom-serve-'));
    fs.chmodSync(home, 0o755);
  });
  after(async () => {
    if (server && server.child.exitCode === null) {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    fs.rmSync(home, { recursive: true, force: true });
  });

  test('keeps data across a Ctrl-C restart, and Ctrl-C stops PostgreSQL too', async () => {
    server = await startServeProcess(embeddedEnv(home));
    const imported = await graphql(server, 'mutation($c: String!) { importDataset(input: { name: "kept", format: CSV, content: $c }) { id } }', {
      c: 'sentence,label\nhello,greet\nbye now,bye\n',
    });
    assert.equal(imported.errors, undefined);
    const pid = postmasterPid(home)!;
    assert.ok(isRunning(pid));

    server.child.kill('SIGINT');
    assert.equal(await server.exited, 0, server.output());
    assert.equal(isRunning(pid), false, 'PostgreSQL still runs after Ctrl-C');
    assert.equal(postmasterPid(home), null);

    server = await startServeProcess(embeddedEnv(home));
    assert.deepEqual((await graphql(server, DATASET_NAMES)).data, { datasets: { nodes: [{ name: 'kept', exampleCount: 2 }] } });
  });

  test('starts again after being SIGKILLed, stopping the PostgreSQL it left running', async () => {
    const orphan = postmasterPid(home)!;
    server!.child.kill('SIGKILL');
    await server!.exited;
    assert.ok(isRunning(orphan), 'PostgreSQL died with the SIGKILLed process: nothing to recover from');

    server = await startServeProcess(embeddedEnv(home));
    assert.match(server.output(), /left running by a Headroom process that did not shut down/);
    assert.equal(isRunning(orphan), false);
    assert.deepEqual((await graphql(server, DATASET_NAMES)).data, { datasets: { nodes: [{ name: 'kept', exampleCount: 2 }] } });

    server.child.kill('SIGTERM');
    assert.equal(await server.exited, 0, server.output());
    assert.equal(postmasterPid(home), null);
  });

  test('refuses to share the folder with another running Headroom', async () => {
    server = await startServeProcess(embeddedEnv(home));
    await assert.rejects(startServeProcess(embeddedEnv(home)), /Another Headroom process \(pid \d+\) is using the embedded PostgreSQL/);
    assert.equal((await graphql(server, DATASET_NAMES)).errors, undefined, 'the first server was disturbed');
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startHeadroom } from '../src/app.js';
import { Role } from '../src/auth/roles.js';
import { readConfig } from '../src/config.js';
import { createTestDatabase } from './support/database.js';
import { createLabelSet, currentClaim, extendLabelSet, importTinyDataset, insertCheckpointRow, insertRunRow } from './support/fixtures.js';
import { logLines } from './support/log-lines.js';
import { startTestServer, TestServer } from './support/test-server.js';
import { collect, connectWs } from './support/ws-client.js';

async function as(server: TestServer, key: string | null, query: string, variables?: Record<string, unknown>) {
  const response = await fetch(server.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as { data?: any; errors?: Array<{ message: string; extensions?: any }> } };
}

const IMPORT = `mutation($name: String!) { importDataset(input: { name: $name, format: CSV, content: "text,label\\nhi,greet\\n" }) { id } }`;

describe('API keys and roles', () => {
  let server: TestServer;
  const keys: Record<string, string> = {};
  const keyIds: Record<string, string> = {};
  const logged = logLines();
  before(async () => {
    server = await startTestServer({ config: { requireApiKeys: true }, log: logged.log });
    for (const role of [Role.VIEWER, Role.RESEARCHER, Role.ADMIN]) {
      const { key, apiKey } = await server.headroom.services.apiKeys.create({ name: `test ${role}`, role });
      keys[role] = key;
      keyIds[role] = apiKey.id;
    }
  });
  after(() => server.stop());

  test('without a key, or with a wrong one, every request is UNAUTHENTICATED (401)', async () => {
    for (const key of [null, 'not-a-key', `hr_aaaaaaaaaaaa_${'b'.repeat(43)}`, keys.VIEWER.slice(0, -1) + (keys.VIEWER.endsWith('A') ? 'B' : 'A')]) {
      const { status, body } = await as(server, key, '{ datasets { totalCount } }');
      assert.equal(status, 401, String(key));
      assert.equal(body.errors?.[0].extensions?.code, 'UNAUTHENTICATED');
    }
    const download = await fetch(`${server.url}/checkpoints/00000000-0000-0000-0000-000000000000/head.safetensors`);
    assert.equal(download.status, 401);
  });

  test('a viewer reads but may not write', async () => {
    assert.equal((await as(server, keys.VIEWER, '{ datasets { totalCount } }')).body.errors, undefined);
    const { body } = await as(server, keys.VIEWER, IMPORT, { name: 'by viewer' });
    assert.equal(body.errors?.[0].extensions?.code, 'FORBIDDEN');
    assert.match(body.errors![0].message, /importDataset needs the RESEARCHER role/);
    const [{ count }] = await server.sql(`SELECT count(*)::int AS count FROM dataset`);
    assert.equal(count, 0);
  });

  test('a researcher imports, creates and launches, but may not manage keys or delete', async () => {
    assert.equal((await as(server, keys.RESEARCHER, IMPORT, { name: 'by researcher' })).body.errors, undefined);
    for (const query of [`{ apiKeys { id } }`, `mutation { createApiKey(input: { name: "x", role: ADMIN }) { key } }`]) {
      assert.equal((await as(server, keys.RESEARCHER, query)).body.errors?.[0].extensions?.code, 'FORBIDDEN');
    }
  });

  test('a cancel is logged with the key that asked for it', async () => {
    const imported = await as(server, keys.RESEARCHER, IMPORT, { name: 'to cancel' });
    const labels = await as(server, keys.RESEARCHER, `mutation { createLabelSet(input: { name: "greetings", labels: ["greet"] }) { id } }`);
    const runId = await insertRunRow(server, { datasetId: imported.body.data.importDataset.id, labelSetId: labels.body.data.createLabelSet.id, status: 'QUEUED' });
    const cancelled = await as(server, keys.RESEARCHER, `mutation($id: ID!) { cancelRun(id: $id) { status } }`, { id: runId });
    assert.deepEqual(cancelled.body.data, { cancelRun: { status: 'CANCELLED' } });
    assert.ok(
      logged.lines.includes(`run ${runId}: cancel requested by API key ${keyIds.RESEARCHER} (RESEARCHER); it had not started and is CANCELLED`),
      logged.lines.join('\n'),
    );
  });

  test('an admin creates a key that works at once and revokes it; keys are stored only as hashes', async () => {
    const created = await as(server, keys.ADMIN, `mutation { createApiKey(input: { name: "ci", role: VIEWER }) { key apiKey { id prefix role } } }`);
    const { key, apiKey } = created.body.data.createApiKey;
    assert.match(key, /^hr_[a-z0-9]{12}_/);
    assert.equal((await as(server, key, '{ datasets { totalCount } }')).status, 200);
    const stored = await server.sql(`SELECT * FROM api_key`);
    // The whole secret: it is base64url, so it may itself contain '_' and cannot be split off at one.
    const secret = /^hr_[a-z0-9]{12}_(.{43})$/.exec(key)![1];
    assert.ok(!JSON.stringify(stored).includes(secret), 'a secret is stored in clear');
    await as(server, keys.ADMIN, `mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }`, { id: apiKey.prefix });
    assert.equal((await as(server, key, '{ datasets { totalCount } }')).status, 401);
    const listed = await as(server, keys.ADMIN, `{ apiKeys { prefix revokedAt lastUsedAt } }`);
    assert.ok(listed.body.data.apiKeys.find((k: { prefix: string }) => k.prefix === apiKey.prefix).revokedAt);
  });

  test('graphql-ws takes the key in connection_init and refuses a socket without it', async () => {
    const dataset = (await as(server, keys.RESEARCHER, IMPORT, { name: 'for a run' })).body.data.importDataset.id;
    const labelSetId = (await as(server, keys.RESEARCHER, `mutation { createLabelSet(input: { name: "s", labels: ["greet"] }) { id } }`)).body.data.createLabelSet.id;
    const [{ id: runId }] = await server.sql(
      `INSERT INTO run (kind, status, dataset_id, label_set_id, seed, settings) VALUES ('BASE_TRAINING', 'SUCCEEDED', $1, $2, 0, '{}') RETURNING id`,
      [dataset, labelSetId],
    );
    const subscription = `subscription($id: ID!) { runProgress(runId: $id) { status final } }`;
    const viewer = connectWs(server.wsUrl, { Authorization: `Bearer ${keys.VIEWER}` });
    const allowed = collect(viewer, subscription, { id: runId });
    await allowed.done;
    assert.deepEqual(allowed.results[0].data, { runProgress: { status: 'SUCCEEDED', final: true } });
    await viewer.dispose();

    const anonymous = connectWs(server.wsUrl);
    await assert.rejects(collect(anonymous, subscription, { id: runId }).done, (error: { code?: number }) => error.code === 4403);
    await anonymous.dispose();
  });

  test('only an admin resets the health metrics, and only by POST; anyone reads them', async () => {
    const samples = async () => ((await (await fetch(`${server.url}/health`)).json()) as { eventLoopDelay: { samples: number } }).eventLoopDelay.samples;
    const reset = (key: string | null) => fetch(`${server.url}/health/reset`, { method: 'POST', headers: key ? { authorization: `Bearer ${key}` } : {} });
    // The server has been up through the tests above: the histogram holds a sample per 5 ms of it.
    const before = await samples();
    assert.ok(before > 1, `${before} samples`);
    assert.equal((await reset(null)).status, 401);
    for (const role of [Role.VIEWER, Role.RESEARCHER]) {
      const refused = await reset(keys[role]);
      assert.equal(refused.status, 403, role);
      assert.equal(((await refused.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0].extensions.code, 'FORBIDDEN');
    }
    await fetch(`${server.url}/health?reset=1`);
    assert.ok((await samples()) >= before, 'a refused or read-only request reset the metrics');
    const answer = await reset(keys.ADMIN);
    assert.equal(answer.status, 200);
    assert.ok(((await answer.json()) as { eventLoopDelay: { samples: number } }).eventLoopDelay.samples < before);
  });
});

describe('admin deletions', () => {
  let server: TestServer;
  before(async () => (server = await startTestServer()));
  after(() => server.stop());

  test('an experiment with runs goes with its runs and epochs; not while a run is active; a used dataset stays', async () => {
    const datasetId = await importTinyDataset(server, 'd', ['a', 'b', 'c']);
    const base = await createLabelSet(server, 'ab', ['a', 'b']);
    const target = await extendLabelSet(server, base, ['c']);
    const checkpointId = await insertCheckpointRow(server, base);
    const { createExperiment } = await server.ok(`mutation($input: CreateExperimentInput!) { createExperiment(input: $input) { id } }`, {
      input: { name: 'e', datasetId, targetLabelSetId: target, baseCheckpointId: checkpointId },
    });
    const experimentId = createExperiment.id;
    const runId = await insertRunRow(server, { datasetId, labelSetId: target, experimentId, status: 'RUNNING' });
    await server.headroom.lifecycle.recordEpoch(await currentClaim(server, runId), { epoch: 0, loss: 1, oldAccuracy: 1, newAccuracy: 0, overallAccuracy: 0.5, macroF1: 0.5, forgetting: 0, intrusion: 0, oldLogitDrift: 0, seconds: 0 });

    const busy = await server.graphql(`mutation($id: ID!) { deleteExperiment(id: $id) { id } }`, { id: experimentId });
    assert.equal(busy.errors?.[0].extensions?.code, 'CONFLICT');
    const usedDataset = await server.graphql(`mutation($id: ID!) { deleteDataset(id: $id) { id } }`, { id: datasetId });
    assert.equal(usedDataset.errors?.[0].extensions?.code, 'CONFLICT');

    await server.sql(`UPDATE run SET status = 'SUCCEEDED' WHERE id = $1`, [runId]);
    await server.ok(`mutation($id: ID!) { deleteExperiment(id: $id) { id } }`, { id: experimentId });
    const [counts] = await server.sql(`SELECT (SELECT count(*)::int FROM run) AS runs, (SELECT count(*)::int FROM epoch_metric) AS epochs, (SELECT count(*)::int FROM checkpoint) AS checkpoints`);
    assert.deepEqual(counts, { runs: 0, epochs: 0, checkpoints: 1 }, 'the base checkpoint, which the experiment did not write, stays');
    await server.ok(`mutation($id: ID!) { deleteDataset(id: $id) { id } }`, { id: datasetId });
    const [{ examples }] = await server.sql(`SELECT count(*)::int AS examples FROM example`);
    assert.equal(examples, 0);
  });
});

test('the server refuses to listen beyond loopback without API keys, and does with them', async () => {
  const database = await createTestDatabase();
  try {
    const config = { ...readConfig({}), host: '0.0.0.0', port: 0, databaseUrl: database.url, workers: 0, home: '/tmp' };
    await assert.rejects(startHeadroom(config, () => undefined), /Refusing to listen on 0\.0\.0\.0 without API keys/);
    const headroom = await startHeadroom({ ...config, requireApiKeys: true }, () => undefined);
    const response = await fetch(`${headroom.url.replace('0.0.0.0', '127.0.0.1')}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ datasets { totalCount } }' }),
    });
    assert.equal(response.status, 401);
    await headroom.close();
  } finally {
    await database.drop();
  }
});

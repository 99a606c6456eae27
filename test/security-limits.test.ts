import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { getIntrospectionQuery } from 'graphql';
import { readConfig } from '../src/config.js';
import { createLabelSet, extendLabelSet, insertCheckpointRow } from './support/fixtures.js';
import { startTestServer, TestServer } from './support/test-server.js';
import { importSyntheticDataset } from './support/training-fixtures.js';

const limits = { ...readConfig({}).limits, maxUploadBytes: 1024 * 1024, maxExamplesPerDataset: 500, maxActiveRunsPerKey: 2, maxQueryCost: 2000, requestTimeoutSeconds: 1 };

describe('limits', () => {
  let server: TestServer;
  before(async () => (server = await startTestServer({ config: { limits } })));
  after(() => server.stop());

  test('a query nested too deep is QUERY_TOO_DEEP, before anything runs', async () => {
    let nested = 'id';
    for (let i = 0; i < 14; i++) nested = `parent { ${nested} }`;
    const result = await server.graphql(`{ labelSets { nodes { ${nested} } } }`);
    assert.equal(result.errors?.[0].extensions?.code, 'QUERY_TOO_DEEP');
  });

  test('a query that could fan out too far is QUERY_TOO_COMPLEX; a narrower one and the IDE\'s introspection pass', async () => {
    const wide = await server.graphql(`{ experiments(first: 100) { nodes { runs(first: 100) { nodes { id status } } } } }`);
    assert.equal(wide.errors?.[0].extensions?.code, 'QUERY_TOO_COMPLEX');
    const viaVariables = await server.graphql(`query($n: Int) { experiments(first: $n) { nodes { runs(first: $n) { nodes { id } } } } }`, { n: 100 });
    assert.equal(viaVariables.errors?.[0].extensions?.code, 'QUERY_TOO_COMPLEX');
    assert.equal((await server.graphql(`{ experiments(first: 10) { nodes { runs(first: 10) { nodes { id status } } } } }`)).errors, undefined);
    assert.equal((await server.graphql(getIntrospectionQuery())).errors, undefined);
  });

  test('lists without `first` count by their real bound: epochs, compared runs, a default page', async () => {
    // Each of these cost well under the limit while such lists counted as one item.
    const ids = Array.from({ length: 50 }, (_, i) => `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`);
    const refused = [
      [`{ runs(first: 10) { nodes { epochs { epoch loss } } } }`, {}],
      [`query($ids: [ID!]!) { compareRuns(ids: $ids) { runs { experiment { runs(first: 20) { nodes { id status } } } } } }`, { ids }],
      [`{ experiments { nodes { runs { nodes { id status seed kind attempts } } } } }`, {}],
    ] as const;
    for (const [query, variables] of refused) {
      const result = await server.graphql(query, variables);
      assert.equal(result.errors?.[0].extensions?.code, 'QUERY_TOO_COMPLEX', query);
    }
    const fewer = await server.graphql(`query($ids: [ID!]!) { compareRuns(ids: $ids) { runs { id } } }`, { ids: ids.slice(0, 2) });
    assert.notEqual(fewer.errors?.[0].extensions?.code, 'QUERY_TOO_COMPLEX');
  });

  test('a dataset over the upload limit, or with too many examples, is refused and writes nothing', async () => {
    const big = `text,label\n${'some words here,label\n'.repeat(60_000)}`;
    const tooLarge = await server.graphql(`mutation($c: String!) { importDataset(input: { name: "big", format: CSV, content: $c }) { id } }`, { c: big });
    assert.equal(tooLarge.errors?.[0].extensions?.reason, 'TOO_LARGE');
    const many = `text,label\n${Array.from({ length: 501 }, (_, i) => `row ${i},l${i % 3}`).join('\n')}`;
    const tooMany = await server.graphql(`mutation($c: String!) { importDataset(input: { name: "many", format: CSV, content: $c }) { id } }`, { c: many });
    assert.equal(tooMany.errors?.[0].extensions?.code, 'LIMIT_EXCEEDED');
    assert.equal(tooMany.errors?.[0].extensions?.reason, 'TOO_MANY_EXAMPLES');
    const [{ count }] = await server.sql(`SELECT count(*)::int AS count FROM dataset`);
    assert.equal(count, 0);
  });

  test('a request body over the limit gets PAYLOAD_TOO_LARGE (413)', async () => {
    const response = await fetch(server.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ datasets { totalCount } }', variables: { padding: 'x'.repeat(3 * 1024 * 1024) } }),
    });
    assert.equal(response.status, 413);
    assert.equal(((await response.json()) as any).errors[0].extensions.code, 'PAYLOAD_TOO_LARGE');
  });

  test('one caller may not have more queued and running runs than the limit', async () => {
    const { datasetId, labels } = await importSyntheticDataset(server, 'intents', { labels: 3, train: 5 });
    const base = await createLabelSet(server, 'base', labels.slice(0, 2));
    const target = await extendLabelSet(server, base, [labels[2]]);
    const { createExperiment } = await server.ok(`mutation($input: CreateExperimentInput!) { createExperiment(input: $input) { id } }`, {
      input: { name: 'e', datasetId, targetLabelSetId: target, baseCheckpointId: await insertCheckpointRow(server, base) },
    });
    const launch = (strategies: number) =>
      server.graphql(`mutation($input: LaunchHeadExpansionInput!) { launchHeadExpansion(input: $input) { id } }`, {
        input: { experimentId: createExperiment.id, strategies: Array.from({ length: strategies }, () => ({ preset: 'IMPRINT_ONLY' })) },
      });
    assert.equal((await launch(3)).errors?.[0].extensions?.reason, 'TOO_MANY_ACTIVE_RUNS');
    assert.equal((await launch(2)).errors, undefined);
    const third = await launch(1);
    assert.equal(third.errors?.[0].extensions?.code, 'LIMIT_EXCEEDED');
    assert.match(third.errors![0].message, /limit is 2/);
  });

  test('a request not answered within the timeout gets TIMEOUT (here: a body that trickles in)', async () => {
    const url = new URL(server.graphqlUrl);
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': 1000 } }, (response) => {
        let text = '';
        response.on('data', (chunk) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode!, body: text }));
      });
      request.on('error', reject);
      request.write('{"query": "{ datasets { totalCount } }"');
      // ...and the rest never comes.
    });
    assert.equal(status, 503);
    assert.equal(JSON.parse(body).errors[0].extensions.code, 'TIMEOUT');
  });
});

describe('production mode', () => {
  let server: TestServer;
  before(async () => (server = await startTestServer({ config: { production: true } })));
  after(() => server.stop());

  test('turns introspection and the IDE off', async () => {
    const introspection = await server.graphql(getIntrospectionQuery());
    assert.ok(introspection.errors?.length);
    assert.match(introspection.errors![0].message, /introspection/i);
    assert.equal((await server.graphql('{ datasets { totalCount } }')).errors, undefined);
    assert.equal((await fetch(`${server.url}/graphiql`)).status, 404);
  });
});

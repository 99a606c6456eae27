import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client } from 'graphql-ws';
import { startTestServer, TestServer } from './support/test-server.js';
import { connectWs } from './support/ws-client.js';

interface Refusal {
  name: string;
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
  code: string;
}

/** The same mistakes, each with the code the README's error table gives it. */
const REFUSALS: Refusal[] = [
  { name: 'a string for an Int, as a variable', query: 'query($first: Int) { runs(first: $first) { totalCount } }', variables: { first: 'ten' }, code: 'BAD_USER_INPUT' },
  { name: 'a string for an Int, inline', query: '{ runs(first: "ten") { totalCount } }', code: 'BAD_USER_INPUT' },
  { name: 'an unknown enum value, as a variable', query: 'query($f: RunFilter) { runs(filter: $f) { totalCount } }', variables: { f: { status: 'NOPE' } }, code: 'BAD_USER_INPUT' },
  { name: 'an unknown enum value, inline', query: '{ runs(filter: { status: NOPE }) { totalCount } }', code: 'BAD_USER_INPUT' },
  { name: 'an unknown input field, inline', query: '{ runs(filter: { colour: "red" }) { totalCount } }', code: 'BAD_USER_INPUT' },
  { name: 'a required variable left out', query: 'query($id: ID!) { run(id: $id) { id } }', variables: {}, code: 'BAD_USER_INPUT' },
  { name: 'null for a required argument, inline', query: '{ run(id: null) { id } }', code: 'BAD_USER_INPUT' },
  { name: 'a field the schema does not have', query: '{ runs { colour } }', code: 'GRAPHQL_VALIDATION_FAILED' },
  { name: 'a required argument left out', query: '{ run { id } }', code: 'GRAPHQL_VALIDATION_FAILED' },
  { name: 'a variable declared and not used', query: 'query($unused: Int) { runs { totalCount } }', variables: { unused: 1 }, code: 'GRAPHQL_VALIDATION_FAILED' },
  { name: 'a variable of the wrong type for its position', query: 'query($id: String!) { run(id: $id) { id } }', variables: { id: 'x' }, code: 'GRAPHQL_VALIDATION_FAILED' },
  { name: 'text that is not GraphQL', query: '{ runs(first: ', code: 'GRAPHQL_PARSE_FAILED' },
  { name: 'an operationName the document does not hold', query: 'query A { runs { totalCount } }', operationName: 'B', code: 'BAD_REQUEST' },
];

type Errors = Array<{ message: string; extensions?: Record<string, unknown> }>;

/** Sends one operation over graphql-ws and returns the errors it was refused with, whichever message carried them. */
function errorsOverWebSocket(client: Client, refusal: Refusal): Promise<Errors> {
  return new Promise((resolve, reject) => {
    const dispose = client.subscribe(
      { query: refusal.query, variables: refusal.variables, operationName: refusal.operationName },
      {
        next: (result) => {
          dispose();
          resolve((result.errors ?? []) as Errors);
        },
        error: (error) => (Array.isArray(error) ? resolve(error as Errors) : reject(error)),
        complete: () => resolve([]),
      },
    );
  });
}

async function errorsOverHttp(server: TestServer, refusal: Refusal): Promise<Errors> {
  const response = await fetch(server.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: refusal.query, variables: refusal.variables, operationName: refusal.operationName }),
  });
  return ((await response.json()) as { errors?: Errors }).errors ?? [];
}

describe('an operation refused over HTTP is refused with the same code over graphql-ws', () => {
  let server: TestServer;
  let client: Client;
  let closes = 0;
  before(async () => {
    server = await startTestServer();
    client = connectWs(server.wsUrl);
    client.on('closed', () => closes++);
  });
  after(async () => {
    await client.dispose();
    await server.stop();
  });

  for (const refusal of REFUSALS) {
    test(`${refusal.name}: ${refusal.code} on both`, async () => {
      const http = await errorsOverHttp(server, refusal);
      const ws = await errorsOverWebSocket(client, refusal);
      assert.ok(http.length > 0, 'HTTP accepted it');
      assert.ok(ws.length > 0, 'graphql-ws accepted it');
      assert.deepEqual(http.map((error) => error.extensions?.code), http.map(() => refusal.code), `HTTP: ${JSON.stringify(http)}`);
      assert.deepEqual(ws.map((error) => error.extensions?.code), http.map(() => refusal.code), `graphql-ws: ${JSON.stringify(ws)}`);
      assert.deepEqual(ws.map((error) => error.message), http.map((error) => error.message));
    });
  }

  test('a subscription, which only graphql-ws carries, gets the same codes for the same mistakes', async () => {
    const SUBSCRIBE = 'subscription($id: ID) { runProgress(runId: $id) { runId } }';
    const cases: Refusal[] = [
      { name: 'an object for an ID, as a variable', query: SUBSCRIBE, variables: { id: { not: 'an id' } }, code: 'BAD_USER_INPUT' },
      { name: 'a float for an ID, inline', query: 'subscription { runProgress(runId: 1.5) { runId } }', code: 'BAD_USER_INPUT' },
      { name: 'a field the schema does not have', query: 'subscription { runProgress(runId: "x") { colour } }', code: 'GRAPHQL_VALIDATION_FAILED' },
    ];
    for (const refusal of cases) {
      const errors = await errorsOverWebSocket(client, refusal);
      assert.deepEqual(errors.map((error) => error.extensions?.code), [refusal.code], `${refusal.name}: ${JSON.stringify(errors)}`);
    }
  });

  test('no refusal closes the socket: a later operation on the same one still answers', async () => {
    for (const refusal of REFUSALS) await errorsOverWebSocket(client, refusal);
    assert.equal(closes, 0, 'a refusal closed the socket');
    const answer = await new Promise<unknown>((resolve, reject) => {
      client.subscribe({ query: '{ runs { totalCount } }' }, { next: (result) => resolve(result.data), error: reject, complete: () => undefined });
    });
    assert.deepEqual(answer, { runs: { totalCount: 0 } });
    assert.equal(closes, 0);
  });
});

import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import type { Client } from 'graphql-ws';
import WebSocket from 'ws';
import { readConfig } from '../src/config.js';
import { launchChromium, skipWithoutChromium } from './support/chromium.js';
import { importTinyDataset } from './support/fixtures.js';
import { rawRequest as request } from './support/raw-http.js';
import { startTestServer, TestServer } from './support/test-server.js';
import { connectWs } from './support/ws-client.js';

const ALLOWED_ORIGIN = 'http://localhost:5173';
const CREATE_LABEL_SET = `mutation { createLabelSet(input: { name: "from a page", labels: ["a", "b"] }) { id } }`;

/** Runs one operation over graphql-ws and returns its result, or the error that ended the socket. */
function overWebSocket(client: Client, query: string): Promise<{ data?: unknown; errors?: readonly unknown[] } | { socketError: unknown }> {
  return new Promise((resolve) => {
    let result: { data?: unknown; errors?: readonly unknown[] } | undefined;
    client.subscribe(
      { query },
      {
        next: (value) => (result = value as typeof result),
        error: (error) => resolve({ socketError: error }),
        complete: () => resolve(result ?? {}),
      },
    );
  });
}

/** The answer to a bare WebSocket upgrade: its status and body when refused, or 'open'. */
function upgrade(url: string, headers: Record<string, string>): Promise<{ status: number; body: any } | 'open'> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, 'graphql-transport-ws', { headers });
    socket.on('open', () => {
      socket.close();
      resolve('open');
    });
    socket.on('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      response.on('end', () => resolve({ status: response.statusCode!, body: JSON.parse(body) }));
    });
    socket.on('error', (error) => {
      if (!/Unexpected server response/.test(error.message)) reject(error);
    });
  });
}

/**
 * What a hostile page runs: a graphql-ws handshake and a mutation over a WebSocket, then the same
 * mutation as a "simple" POST that needs no preflight (so only the server itself can refuse it).
 * A string, because it runs in the page and must not be compiled against this file's imports.
 */
function pageScript(server: TestServer): string {
  return `(async () => {
    const mutation = ${JSON.stringify(CREATE_LABEL_SET)};
    const socket = await new Promise((resolve) => {
      const ws = new WebSocket(${JSON.stringify(server.wsUrl)}, 'graphql-transport-ws');
      let opened = false;
      ws.onopen = () => { opened = true; ws.send(JSON.stringify({ type: 'connection_init' })); };
      ws.onmessage = (event) => {
        const message = JSON.parse(event.data);
        if (message.type === 'connection_ack') ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: mutation } }));
        else resolve('ran: ' + event.data);
      };
      ws.onclose = () => resolve(opened ? 'closed' : 'refused');
    });
    const form = await fetch(${JSON.stringify(server.graphqlUrl)}, { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ query: mutation }) })
      .then(() => 'sent', () => 'blocked');
    return { socket, form };
  })()`;
}

describe('browsers: hosts and origins', () => {
  let server: TestServer;
  const labelSetCount = async () => Number((await server.sql<{ count: string }>('SELECT count(*) FROM label_set'))[0].count);

  before(async () => {
    server = await startTestServer({ config: { corsOrigins: [ALLOWED_ORIGIN], publicUrl: 'https://headroom.example.org' } });
  });
  after(() => server.stop());

  test('a WebSocket from a page on another origin is refused at the upgrade, before any GraphQL message', async () => {
    const answer = await upgrade(server.wsUrl, { Origin: 'http://evil.example' });
    assert.notEqual(answer, 'open');
    const { status, body } = answer as { status: number; body: any };
    assert.equal(status, 403);
    assert.equal(body.errors[0].extensions.code, 'FORBIDDEN');
    assert.equal(body.errors[0].extensions.reason, 'ORIGIN_NOT_ALLOWED');
    assert.match(body.errors[0].message, /HEADROOM_CORS_ORIGINS/);

    const client = connectWs(server.wsUrl, undefined, { Origin: 'http://evil.example' });
    const outcome = await overWebSocket(client, CREATE_LABEL_SET);
    await client.dispose();
    assert.ok('socketError' in outcome, `the mutation ran: ${JSON.stringify(outcome)}`);
    assert.equal(await labelSetCount(), 0);
  });

  test('a page on another local port is another origin', async () => {
    const answer = await upgrade(server.wsUrl, { Origin: 'http://127.0.0.1:1' });
    assert.equal((answer as { status: number }).status, 403);
  });

  test('clients without an Origin (not browsers), the server\'s own pages and allowed origins keep working', async () => {
    for (const headers of [undefined, { Origin: server.url }, { Origin: ALLOWED_ORIGIN }, { Origin: 'https://headroom.example.org' }]) {
      const client = connectWs(server.wsUrl, undefined, headers);
      const outcome = await overWebSocket(client, '{ labelSets { totalCount } }');
      await client.dispose();
      assert.ok(!('socketError' in outcome), `${JSON.stringify(headers)}: ${String((outcome as { socketError: unknown }).socketError)}`);
      assert.deepEqual(outcome, { data: { labelSets: { totalCount: 0 } } });
    }
  });

  test('an HTTP mutation from a page on another origin is refused and changes nothing', async () => {
    const datasetId = await importTinyDataset(server, 'kept', ['a', 'b']);
    const { status, body } = await request(server.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://evil.example' },
      body: JSON.stringify({ query: `mutation { deleteDataset(id: "${datasetId}") }` }),
    });
    assert.equal(status, 403);
    assert.equal(body.errors[0].extensions.reason, 'ORIGIN_NOT_ALLOWED');
    const { dataset } = await server.ok(`{ dataset(id: "${datasetId}") { id } }`);
    assert.equal(dataset.id, datasetId);
  });

  test('a Host the server does not answer to (DNS rebinding) is refused over HTTP and WebSocket', async () => {
    const port = new URL(server.url).port;
    const rebound = `attacker.example:${port}`;
    const query = { method: 'POST', headers: { 'content-type': 'application/json', host: rebound }, body: JSON.stringify({ query: CREATE_LABEL_SET }) };
    const refused = await request(server.graphqlUrl, query);
    assert.equal(refused.status, 403);
    assert.equal(refused.body.errors[0].extensions.reason, 'HOST_NOT_ALLOWED');
    assert.match(refused.body.errors[0].message, /HEADROOM_PUBLIC_URL/);
    assert.equal((await request(`${server.url}/health`, { method: 'GET', headers: { host: rebound } })).status, 403);
    const socket = await upgrade(server.wsUrl, { Host: rebound });
    assert.equal((socket as { status: number }).status, 403);
    assert.equal(await labelSetCount(), 0);

    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, 'headroom.example.org']) {
      const answer = await request(`${server.url}/health`, { method: 'GET', headers: { host } });
      assert.equal(answer.status, 200, host);
    }
  });
});

test('in Chromium, a page served from another origin can drive the API neither over WebSocket nor over HTTP', { skip: skipWithoutChromium(), timeout: 120_000 }, async () => {
  const server = await startTestServer();
  // The other origin: a page on another loopback port, as any local dev server or a visited site would be.
  const page = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>other</title>'));
  await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
  const pageUrl = `http://127.0.0.1:${(page.address() as { port: number }).port}/`;
  const browser = await launchChromium();
  try {
    const tab = await browser.context.newPage();
    await tab.goto(pageUrl);
    const outcome = (await tab.evaluate(pageScript(server))) as { socket: string; form: string };
    assert.equal(outcome.socket, 'refused');
    assert.equal(Number((await server.sql<{ count: string }>('SELECT count(*) FROM label_set'))[0].count), 0, `a label set was written (${JSON.stringify(outcome)})`);
  } finally {
    await browser.close();
    await new Promise((resolve) => page.close(resolve));
    await server.stop();
  }
});

test('HEADROOM_CORS_ORIGINS and HEADROOM_PUBLIC_URL are checked when read, naming the variable and the form', () => {
  assert.deepEqual(readConfig({ HEADROOM_CORS_ORIGINS: 'http://localhost:5173, https://app.example.org/' }).corsOrigins, ['http://localhost:5173', 'https://app.example.org']);
  for (const bad of ['localhost:5173', 'http://localhost:5173/app', 'ftp://x.example', 'http://a.example?x=1']) {
    assert.throws(() => readConfig({ HEADROOM_CORS_ORIGINS: bad }), /HEADROOM_CORS_ORIGINS: .* is not an origin: use scheme:\/\/host\[:port\]/, bad);
  }
  assert.equal(readConfig({ HEADROOM_PUBLIC_URL: 'https://headroom.example.org/' }).publicUrl, 'https://headroom.example.org');
  assert.throws(() => readConfig({ HEADROOM_PUBLIC_URL: 'headroom.example.org' }), /HEADROOM_PUBLIC_URL=headroom.example.org is not valid/);
});

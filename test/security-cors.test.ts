import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { Role } from '../src/auth/roles.js';
import { launchChromium, skipWithoutChromium } from './support/chromium.js';
import { rawRequest } from './support/raw-http.js';
import { startTestServer, TestServer } from './support/test-server.js';

const ALLOWED_ORIGIN = 'http://localhost:5173';

const corsHeadersOf = (headers: http.IncomingHttpHeaders) => Object.keys(headers).filter((name) => name.startsWith('access-control-'));
const listed = (header: string | string[] | undefined) => String(header ?? '').toLowerCase().split(/\s*,\s*/);

describe('CORS over raw HTTP', () => {
  let server: TestServer;
  const preflight = (path: string, origin: string, extra: Record<string, string> = {}) =>
    rawRequest(`${server.url}${path}`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type', ...extra },
    });

  before(async () => {
    server = await startTestServer({ config: { corsOrigins: [ALLOWED_ORIGIN] } });
  });
  after(() => server.stop());

  test('a preflight from an allowed origin is answered for every route a frontend calls: its origin, methods, headers, how long to keep it', async () => {
    for (const path of ['/graphql', '/models', '/checkpoints/00000000-0000-0000-0000-000000000000/files/model.json']) {
      const { status, headers } = await preflight(path, ALLOWED_ORIGIN);
      assert.equal(status, 204, path);
      assert.equal(headers['access-control-allow-origin'], ALLOWED_ORIGIN, path);
      assert.ok(listed(headers.vary).includes('origin'), `${path}: Vary ${headers.vary}`);
      assert.ok(listed(headers['access-control-allow-methods']).includes('post'), path);
      for (const name of ['authorization', 'content-type', 'apollo-require-preflight']) assert.ok(listed(headers['access-control-allow-headers']).includes(name), `${path}: ${name}`);
      assert.equal(headers['access-control-max-age'], '600');
      assert.equal(headers['access-control-allow-credentials'], undefined, 'keys travel in a header, never as cookies');
    }
  });

  test('a preflight from any other origin is refused with 403 and no CORS header, naming the setting that would allow it', async () => {
    for (const origin of ['http://evil.example', 'http://localhost:5174', 'https://localhost:5173', 'null']) {
      const { status, headers, body } = await preflight('/graphql', origin);
      assert.equal(status, 403, origin);
      assert.deepEqual(corsHeadersOf(headers), [], origin);
      assert.equal(body.errors[0].extensions.reason, 'ORIGIN_NOT_ALLOWED');
      assert.match(body.errors[0].message, /HEADROOM_CORS_ORIGINS/);
    }
  });

  test('a preflight naming a Host the server does not answer to is refused before CORS is considered', async () => {
    const { status, headers, body } = await preflight('/graphql', ALLOWED_ORIGIN, { host: 'attacker.example' });
    assert.equal(status, 403);
    assert.deepEqual(corsHeadersOf(headers), []);
    assert.equal(body.errors[0].extensions.reason, 'HOST_NOT_ALLOWED');
  });

  test('answers carry Allow-Origin for an allowed origin only: not for other pages, the server\'s own, or clients that are not browsers', async () => {
    const query = JSON.stringify({ query: '{ labelSets { totalCount } }' });
    const post = (headers: Record<string, string>) => rawRequest(server.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: query });

    const allowed = await post({ origin: ALLOWED_ORIGIN });
    assert.equal(allowed.status, 200);
    assert.deepEqual(allowed.body, { data: { labelSets: { totalCount: 0 } } });
    assert.equal(allowed.headers['access-control-allow-origin'], ALLOWED_ORIGIN);
    assert.ok(listed(allowed.headers['access-control-expose-headers']).includes('content-disposition'));
    assert.ok(listed(allowed.headers.vary).includes('origin'));

    for (const headers of [{ origin: server.url }, {}] as Array<Record<string, string>>) {
      const answer = await post(headers);
      assert.equal(answer.status, 200, JSON.stringify(headers));
      assert.deepEqual(corsHeadersOf(answer.headers), [], JSON.stringify(headers));
    }
    const refused = await post({ origin: 'http://evil.example' });
    assert.equal(refused.status, 403);
    assert.deepEqual(corsHeadersOf(refused.headers), []);

    const download = await rawRequest(`${server.url}/checkpoints/00000000-0000-0000-0000-000000000000/head.safetensors`, { method: 'GET', headers: { origin: ALLOWED_ORIGIN } });
    assert.equal(download.status, 404);
    assert.equal(download.headers['access-control-allow-origin'], ALLOWED_ORIGIN, 'a page can read why a download failed');
  });
});

/**
 * What a frontend on another origin runs: a mutation with the key over fetch (JSON and
 * Authorization, so the browser sends a preflight first), then one over graphql-ws. A string,
 * because it runs in the page and must not be compiled against this file's imports.
 */
function pageScript(server: TestServer, key: string, name: string): string {
  const mutation = (how: string) => `mutation { createLabelSet(input: { name: "${name} over ${how}", labels: ["a", "b"] }) { name } }`;
  return `(async () => {
    const http = await fetch(${JSON.stringify(server.graphqlUrl)}, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: ${JSON.stringify(`Bearer ${key}`)} },
      body: JSON.stringify({ query: ${JSON.stringify(mutation('http'))} }),
    }).then((response) => response.json(), (error) => 'blocked: ' + error.message);
    const socket = await new Promise((resolve) => {
      const ws = new WebSocket(${JSON.stringify(server.wsUrl)}, 'graphql-transport-ws');
      let opened = false;
      ws.onopen = () => { opened = true; ws.send(JSON.stringify({ type: 'connection_init', payload: { Authorization: ${JSON.stringify(`Bearer ${key}`)} } })); };
      ws.onmessage = (event) => {
        const message = JSON.parse(event.data);
        if (message.type === 'connection_ack') ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: ${JSON.stringify(mutation('websocket'))} } }));
        else { resolve(message.payload); ws.close(); }
      };
      ws.onclose = () => resolve(opened ? 'closed' : 'refused');
    });
    return { http, socket };
  })()`;
}

test('in Chromium, a page on an allowed origin runs mutations over fetch and graphql-ws; a page on another origin runs neither and writes nothing', { skip: skipWithoutChromium(), timeout: 120_000 }, async () => {
  const servePage = async () => {
    const page = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>frontend</title>'));
    await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
    return { page, origin: `http://127.0.0.1:${(page.address() as { port: number }).port}` };
  };
  const frontend = await servePage();
  const other = await servePage();
  const server = await startTestServer({ config: { corsOrigins: [frontend.origin], requireApiKeys: true } });
  const { key } = await server.headroom.services.apiKeys.create({ name: 'frontend', role: Role.RESEARCHER });
  const browser = await launchChromium();
  try {
    const run = async (origin: string, name: string) => {
      const tab = await browser.context.newPage();
      await tab.goto(`${origin}/`);
      const outcome = await tab.evaluate(pageScript(server, key, name));
      await tab.close();
      return outcome as { http: unknown; socket: unknown };
    };
    assert.deepEqual(await run(frontend.origin, 'frontend'), {
      http: { data: { createLabelSet: { name: 'frontend over http' } } },
      socket: { data: { createLabelSet: { name: 'frontend over websocket' } } },
    });
    const refused = await run(other.origin, 'other');
    assert.match(String(refused.http), /^blocked: /, JSON.stringify(refused));
    assert.equal(refused.socket, 'refused');

    const response = await fetch(server.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query: '{ labelSets(first: 100) { nodes { name } } }' }),
    });
    const { data } = (await response.json()) as { data: { labelSets: { nodes: Array<{ name: string }> } } };
    assert.deepEqual(data.labelSets.nodes.map(({ name }) => name).sort(), ['frontend over http', 'frontend over websocket']);
  } finally {
    await browser.close();
    await server.stop();
    for (const { page } of [frontend, other]) await new Promise((resolve) => page.close(resolve));
  }
});

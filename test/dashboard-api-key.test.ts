import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WebSocket } from 'playwright-core';
import { buildDashboard } from '../scripts/build-ide.js';
import { Role } from '../src/auth/roles.js';
import { launchChromium, skipWithoutChromium } from './support/chromium.js';
import { screenshot, watchDashboard } from './support/dashboard-page.js';
import { startTestServer } from './support/test-server.js';

test(
  'on a server that requires keys, the dashboard sends the pasted key on every request and socket, and keeps it',
  { skip: skipWithoutChromium(), timeout: 120_000 },
  async (t) => {
    await buildDashboard();
    const server = await startTestServer({ config: { requireApiKeys: true } });
    const browser = await launchChromium().catch(async (error: unknown) => {
      await server.stop();
      throw error;
    });
    try {
      const { key } = await server.headroom.services.apiKeys.create({ name: 'dashboard', role: Role.VIEWER });
      const { key: researcher } = await server.headroom.services.apiKeys.create({ name: 'setup', role: Role.RESEARCHER });
      const as = async (query: string, variables: Record<string, unknown>) => {
        const response = await fetch(server.graphqlUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${researcher}` },
          body: JSON.stringify({ query, variables }),
        });
        const body = (await response.json()) as { data: Record<string, any>; errors?: unknown[] };
        assert.equal(body.errors, undefined);
        return body.data;
      };
      const { importDataset } = await as(`mutation($input: ImportDatasetInput!) { importDataset(input: $input) { id } }`, {
        input: { name: 'tiny', format: 'CSV', content: 'text,label\nhello,greet\nbye now,bye' },
      });
      const { createLabelSet } = await as(`mutation($input: CreateLabelSetInput!) { createLabelSet(input: $input) { id } }`, { input: { name: 'l', labels: ['greet', 'bye'] } });
      const { createExperiment } = await as(`mutation($input: CreateExperimentInput!) { createExperiment(input: $input) { id } }`, {
        input: { name: 'behind a key', datasetId: importDataset.id, targetLabelSetId: createLabelSet.id },
      });

      const { context } = browser;
      const page = context.pages()[0] ?? (await context.newPage());
      const watched = watchDashboard(context, page, server.url);
      const authorizations: Array<string | undefined> = [];
      page.on('request', (request) => {
        if (new URL(request.url()).pathname === '/graphql') authorizations.push(request.headers().authorization);
      });

      await t.test('without a key the page says one is needed', async () => {
        await page.goto(`${server.url}/`);
        await page.locator('[role="alert"][data-code="UNAUTHENTICATED"]').waitFor();
        assert.deepEqual(authorizations, [undefined]);
        await screenshot(page, 'dashboard-key-1-needed');
      });

      await t.test('a pasted key is sent as Authorization: Bearer, and the list loads', async () => {
        authorizations.length = 0;
        await page.getByLabel('API key').fill(key);
        await page.getByRole('button', { name: 'Save key' }).click();
        await page.locator(`tr[data-experiment-id="${createExperiment.id}"]`).waitFor();
        assert.ok(authorizations.length > 0);
        assert.deepEqual(new Set(authorizations), new Set([`Bearer ${key}`]));
      });

      await t.test('the subscription socket sends the key in connection_init and is accepted', async () => {
        const handshake = new Promise<{ init: unknown; answer: string }>((resolve) => page.once('websocket', (socket) => resolve(handshakeOf(socket))));
        await page.goto(`${server.url}/#/experiments/${createExperiment.id}`);
        await page.locator('main[data-page="experiment"][data-loaded]').waitFor();
        const { init, answer } = await handshake;
        assert.deepEqual(init, { type: 'connection_init', payload: { Authorization: `Bearer ${key}` } });
        assert.equal(answer, 'connection_ack');
        await screenshot(page, 'dashboard-key-2-experiment');
      });

      await t.test('the key is kept across a reload, and forgetting it locks the page again', async () => {
        authorizations.length = 0;
        await page.goto(`${server.url}/`);
        await page.locator(`tr[data-experiment-id="${createExperiment.id}"]`).waitFor();
        assert.deepEqual(new Set(authorizations), new Set([`Bearer ${key}`]));
        await page.getByRole('button', { name: 'Forget' }).click();
        await page.locator('[role="alert"][data-code="UNAUTHENTICATED"]').waitFor();
      });

      await t.test('asked nothing of any host but the server, and logged only the refusals', () => {
        assert.deepEqual(watched.foreign, []);
        // Chromium logs each 401 answer as a console error; nothing else may fail.
        assert.deepEqual(watched.errors.filter((error) => !/status of 401/.test(error)), []);
      });
    } finally {
      await browser.close();
      await server.stop();
    }
  },
);

/** A graphql-ws socket's first message and the type of the server's first answer (connection_ack when the key is accepted). */
function handshakeOf(socket: WebSocket): Promise<{ init: unknown; answer: string }> {
  return new Promise((resolve, reject) => {
    let init: unknown;
    socket.once('framesent', ({ payload }) => (init = JSON.parse(payload.toString())));
    socket.once('framereceived', ({ payload }) => resolve({ init, answer: JSON.parse(payload.toString()).type }));
    socket.once('close', () => reject(new Error('the socket closed before the server answered connection_init')));
  });
}

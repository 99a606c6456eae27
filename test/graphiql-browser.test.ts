import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { buildIde } from '../scripts/build-ide.js';
import { launchChromium, skipWithoutChromium } from './support/chromium.js';
import { createLabelSet, importTinyDataset, insertRunRow } from './support/fixtures.js';
import { startTestServer } from './support/test-server.js';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

test(
  'GraphiQL at /graphiql runs a query and a subscription, loading nothing from off this machine',
  {
    skip: skipWithoutChromium(),
    timeout: 180_000,
  },
  async (t) => {
    await buildIde();
    const server = await startTestServer();
    const datasetId = await importTinyDataset(server, 'browser', ['greet', 'bye']);
    const labelSetId = await createLabelSet(server, 'browser', ['greet', 'bye']);
    const runId = await insertRunRow(server, { datasetId, labelSetId, status: 'SUCCEEDED' });
    const browser = await launchChromium().catch(async (error: unknown) => {
      await server.stop();
      throw error;
    });
    const { context } = browser;
    try {
      // Every URL the page, its workers and its sockets asked for.
      const requested: string[] = [];
      context.on('request', (request) => requested.push(request.url()));
      const page = context.pages()[0] ?? (await context.newPage());
      const pageErrors: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));
      page.on('console', (message) => {
        if (message.type() === 'error') pageErrors.push(message.text());
      });
      const subscriptionMessages: unknown[] = [];
      page.on('websocket', (socket) => {
        requested.push(socket.url());
        socket.on('framereceived', ({ payload }) => {
          const message = JSON.parse(payload.toString());
          if (message.type === 'next') subscriptionMessages.push(message.payload);
        });
      });

      await t.test('runs a query over HTTP', async () => {
        await openWithQuery(page, server.url, '{ datasets { totalCount } }');
        assert.equal(new URL(page.url()).search, '', 'the ?query= parameter is dropped once read');
        await page.click('.graphiql-execute-button');
        assert.deepEqual(await waitForResponse(page, 'totalCount'), { data: { datasets: { totalCount: 1 } } });
      });

      await t.test('runs a subscription over graphql-ws', async () => {
        await openWithQuery(page, server.url, `subscription { runProgress(runId: "${runId}") { status final } }`);
        await page.click('.graphiql-execute-button');
        const expected = { data: { runProgress: { status: 'SUCCEEDED', final: true } } };
        assert.deepEqual(await waitForResponse(page, '"final": true'), expected);
        assert.deepEqual(subscriptionMessages, [expected]);
      });

      await t.test('loads its editor workers from /graphiql/assets', () => {
        const workers = page.workers().map((worker) => worker.url());
        assert.ok(workers.length > 0, 'monaco started no web worker');
        for (const url of workers) assert.ok(url.startsWith(`${server.url}/graphiql/assets/`), url);
      });

      await t.test('asks only loopback hosts for anything', () => {
        assert.ok(requested.some((url) => url.includes('/graphiql/assets/')), 'saw no asset request');
        assert.ok(requested.some((url) => url.startsWith('ws://')), 'saw no websocket');
        const offMachine = requested.filter((url) => {
          const { protocol, hostname } = new URL(url);
          return !['data:', 'blob:'].includes(protocol) && !LOOPBACK_HOSTS.has(hostname);
        });
        assert.deepEqual(offMachine, []);
      });

      await t.test('logs no errors in the page', () => {
        assert.deepEqual(pageErrors, []);
      });
    } finally {
      await browser.close();
      await server.stop();
    }
  },
);

/** Opens the IDE with `query` in a new tab, and waits until the query editor shows it. */
async function openWithQuery(page: Page, baseUrl: string, query: string): Promise<void> {
  await page.goto(`${baseUrl}/graphiql?query=${encodeURIComponent(query)}`);
  await waitForEditorText(page, { editor: '.graphiql-query-editor', equals: query });
}

/** Waits until the response pane contains `needle`, then returns the response parsed. */
async function waitForResponse(page: Page, needle: string): Promise<unknown> {
  return JSON.parse(await waitForEditorText(page, { editor: '.graphiql-response', includes: needle }));
}

/** The DOM this file's page-side code uses; declared here so the server's tsconfig needs no DOM lib. */
declare const document: {
  querySelectorAll(selector: string): Iterable<{ textContent: string | null; style: { top: string } }>;
};

/**
 * Waits until the monaco editor inside `editor` holds exactly `equals`, or contains `includes`,
 * and returns its text. Monaco renders each line as a positioned .view-line (spaces as U+00A0),
 * not necessarily in document order.
 */
async function waitForEditorText(
  page: Page,
  wanted: { editor: string; equals?: string; includes?: string },
): Promise<string> {
  try {
    const handle = await page.waitForFunction(({ editor, equals, includes }) => {
      const text = [...document.querySelectorAll(`${editor} .view-line`)]
        .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
        .map((line) => (line.textContent ?? '').replace(/\u00a0/g, ' '))
        .join('\n');
      const matches = equals !== undefined ? text === equals : includes !== undefined && text.includes(includes);
      return matches ? text : null;
    }, wanted);
    return (await handle.jsonValue()) as string;
  } catch (error) {
    const shown = await page.locator(wanted.editor).innerText({ timeout: 1000 }).catch(() => '(no such editor)');
    throw new Error(`${JSON.stringify(wanted)} not met; the editor shows: ${shown}`, { cause: error });
  }
}

import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import express from 'express';
import { graphiqlRouter } from '../src/server/graphiql.js';

async function serve(distDir: string): Promise<{ url: string; close(): Promise<void> }> {
  const app = express();
  app.use(graphiqlRouter(distDir));
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

test('graphiqlRouter answers 503 naming `npm run build` until the IDE is built, then serves it', async () => {
  const distDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'headroom-ide-')), 'dist');
  const server = await serve(distDir);
  try {
    for (const page of ['/graphiql', '/graphiql/', '/graphiql/assets/main.js']) {
      const response = await fetch(server.url + page);
      assert.equal(response.status, 503, page);
      assert.match(await response.text(), /npm run build/);
    }

    // Built while the server runs: no restart needed.
    fs.mkdirSync(path.join(distDir, 'assets'), { recursive: true });
    fs.writeFileSync(path.join(distDir, 'index.html'), '<!doctype html><title>IDE</title>');
    fs.writeFileSync(path.join(distDir, 'assets', 'main-1234.js'), 'console.log(1)');

    for (const page of ['/graphiql', '/graphiql/', '/graphiql?query=%7B%20a%20%7D']) {
      const response = await fetch(server.url + page);
      assert.equal(response.status, 200, page);
      assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
      assert.equal(response.headers.get('cache-control'), 'no-cache');
      assert.equal(await response.text(), '<!doctype html><title>IDE</title>');
    }
    const asset = await fetch(`${server.url}/graphiql/assets/main-1234.js`);
    assert.equal(asset.status, 200);
    assert.match(asset.headers.get('content-type') ?? '', /javascript/);
    assert.match(asset.headers.get('cache-control') ?? '', /immutable/);
    assert.equal(await asset.text(), 'console.log(1)');

    assert.equal((await fetch(`${server.url}/graphiql/assets/missing.js`)).status, 404);
  } finally {
    await server.close();
    fs.rmSync(path.dirname(distDir), { recursive: true, force: true });
  }
});

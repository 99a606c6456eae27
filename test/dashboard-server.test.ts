import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import express from 'express';
import { dashboardRouter } from '../src/server/dashboard.js';

test('the dashboard is served at / with a policy that lets it reach only its own server, and takes no other path', async () => {
  const distDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'headroom-dashboard-')), 'dist');
  const app = express();
  app.use(dashboardRouter(distDir));
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const unbuilt = await fetch(`${url}/`);
    assert.equal(unbuilt.status, 503);
    assert.match(await unbuilt.text(), /npm run build/);

    fs.mkdirSync(path.join(distDir, 'assets'), { recursive: true });
    fs.writeFileSync(path.join(distDir, 'index.html'), '<!doctype html><title>Headroom</title>');
    fs.writeFileSync(path.join(distDir, 'assets', 'index-1234.js'), 'console.log(1)');
    const page = await fetch(`${url}/`);
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('cache-control'), 'no-cache');
    const policy = page.headers.get('content-security-policy') ?? '';
    for (const directive of ["default-src 'self'", "connect-src 'self'", "script-src 'self'", "frame-ancestors 'none'"]) assert.ok(policy.includes(directive), `${directive} in ${policy}`);
    const asset = await fetch(`${url}/assets/index-1234.js`);
    assert.match(asset.headers.get('cache-control') ?? '', /immutable/);

    // Every other path is left to the routes mounted after it (the API, downloads, the IDE).
    for (const other of ['/graphql', '/graphiql', '/checkpoints/x/files/model.json', '/index.html']) assert.equal((await fetch(url + other)).status, 404, other);
  } finally {
    await new Promise((resolve) => server.close(resolve));
    fs.rmSync(path.dirname(distDir), { recursive: true, force: true });
  }
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLabelSet, insertCheckpointRow } from './support/fixtures.js';
import { rawRequest } from './support/raw-http.js';
import { startTestServer } from './support/test-server.js';
import { connectWs } from './support/ws-client.js';

const QUERY = `query($id: ID!) { checkpoint(id: $id) { headSafetensorsUrl } }`;

/** One query over graphql-ws, for the URLs an operation on a socket returns. */
async function overWebSocket(wsUrl: string, variables: Record<string, unknown>): Promise<any> {
  const client = connectWs(wsUrl);
  try {
    return await new Promise((resolve, reject) => {
      let result: unknown;
      client.subscribe({ query: QUERY, variables }, { next: (value) => (result = value), error: reject, complete: () => resolve(result) });
    });
  } finally {
    await client.dispose();
  }
}

test('download URLs are absolute: on the Host each request was sent to, over HTTP and WebSocket', async () => {
  const server = await startTestServer();
  try {
    const id = await insertCheckpointRow(server, await createLabelSet(server, 'labels', ['a', 'b']));
    const port = new URL(server.url).port;
    const { checkpoint } = await server.ok(QUERY, { id });
    assert.equal(checkpoint.headSafetensorsUrl, `${server.url}/checkpoints/${id}/head.safetensors`);
    const viaLocalhost = await rawRequest(server.graphqlUrl, {
      method: 'POST',
      headers: { host: `localhost:${port}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: QUERY, variables: { id } }),
    });
    assert.equal(viaLocalhost.body.data.checkpoint.headSafetensorsUrl, `http://localhost:${port}/checkpoints/${id}/head.safetensors`);
    const viaSocket = await overWebSocket(server.wsUrl, { id });
    assert.equal(viaSocket.data.checkpoint.headSafetensorsUrl, `${server.url}/checkpoints/${id}/head.safetensors`);
  } finally {
    await server.stop();
  }
});

test('with HEADROOM_PUBLIC_URL, download URLs start with it (path prefix included), whatever Host the request named', async () => {
  const publicUrl = 'https://headroom.example.org/lab';
  const server = await startTestServer({ config: { publicUrl } });
  try {
    const id = await insertCheckpointRow(server, await createLabelSet(server, 'labels', ['a', 'b']));
    const expected = `${publicUrl}/checkpoints/${id}/head.safetensors`;
    assert.equal((await server.ok(QUERY, { id })).checkpoint.headSafetensorsUrl, expected);
    assert.equal((await overWebSocket(server.wsUrl, { id })).data.checkpoint.headSafetensorsUrl, expected);
  } finally {
    await server.stop();
  }
});

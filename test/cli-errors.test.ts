import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BERT_FIXTURES } from './support/bert-fixtures.js';
import { CliResult, runCli } from './support/cli-process.js';
import { writeCsv } from './support/csv-writer.js';
import { startTestServer, TestServer } from './support/test-server.js';

/** The GraphQL input fields the commands set, which their errors must not name. */
const FIELD_NAMES = /textColumn|labelColumn|splitColumn|input\.\w+|\$input/;

/** One line on stderr, the command's own: no stack trace, no fetch internals. */
function assertPlainFailure(result: CliResult, status = 1): void {
  assert.equal(result.status, status, result.stderr);
  assert.doesNotMatch(result.stderr, /^\s+at /m, `a stack trace:\n${result.stderr}`);
  assert.doesNotMatch(result.stderr, /TypeError|fetch failed/, result.stderr);
}

function extensionsOf(stderr: string): Record<string, unknown> {
  const json = /(\{.*\})\s*$/.exec(stderr)?.[1];
  assert.ok(json, `no extensions in ${stderr}`);
  return JSON.parse(json);
}

describe('CLI errors name the flags and arguments a user typed, against a real server', () => {
  let server: TestServer;
  let scratch: string;
  let csv: string;
  before(async () => {
    server = await startTestServer();
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'headroom-cli-errors-'));
    csv = path.join(scratch, 'intents.csv');
    fs.writeFileSync(csv, writeCsv([['sentence', 'category'], ['book a flight', 'travel'], ['will it rain', 'weather']]));
  });
  after(async () => {
    await server.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  const importFile = (...args: string[]) => runCli(['import', csv, '--url', server.graphqlUrl, ...args]);

  test('a --text-column the file does not have: the message and the field say --text-column and the file', async () => {
    const result = await importFile('--text-column', 'utterance', '--label-column', 'category');
    assertPlainFailure(result);
    assert.match(result.stderr, /missing column "utterance".*check the --text-column option/);
    assert.doesNotMatch(result.stderr, FIELD_NAMES);
    assert.deepEqual(extensionsOf(result.stderr), { code: 'BAD_USER_INPUT', field: csv, reason: 'MISSING_COLUMN', line: 1, column: 'utterance' });
  });

  test('a label column the defaults do not find: the fix is --label-column', async () => {
    const result = await importFile();
    assertPlainFailure(result);
    assert.match(result.stderr, /pass --label-column to name the label column/);
    assert.doesNotMatch(result.stderr, FIELD_NAMES);
  });

  test('a blank --name, and a --name that is taken', async () => {
    const blank = await importFile('--label-column', 'category', '--name', '  ');
    assertPlainFailure(blank);
    assert.match(blank.stderr, /^--name is blank/);
    assert.equal(extensionsOf(blank.stderr).field, '--name');

    const first = await importFile('--label-column', 'category', '--name', 'taken');
    assert.equal(first.status, 0, first.stderr);
    const again = await importFile('--label-column', 'category', '--name', 'taken');
    assertPlainFailure(again);
    assert.deepEqual(extensionsOf(again.stderr), { code: 'CONFLICT', field: '--name' });
    assert.doesNotMatch(again.stderr, FIELD_NAMES);
  });

  test('a --format that does not exist is refused before anything is sent', async () => {
    const result = await importFile('--format', 'xml');
    assertPlainFailure(result, 2);
    assert.match(result.stderr, /--format must be CSV or JSONL, got xml/);
    assert.equal((await server.ok('{ datasets { totalCount } }')).datasets.totalCount, 1, 'only the "taken" import of the test before');
  });

  test('export-model of a checkpoint that does not exist names <checkpointId>', async () => {
    const unknown = await runCli(['export-model', '00000000-0000-0000-0000-000000000000', path.join(scratch, 'out'), '--url', server.graphqlUrl]);
    assertPlainFailure(unknown);
    assert.match(unknown.stderr, /does not exist; check <checkpointId>/);
    assert.equal(extensionsOf(unknown.stderr).field, '<checkpointId>');
    const malformed = await runCli(['export-model', 'nope', path.join(scratch, 'out'), '--url', server.graphqlUrl]);
    assertPlainFailure(malformed);
    assert.match(malformed.stderr, /^<checkpointId> is not an id Headroom issued/);
    assert.equal(fs.existsSync(path.join(scratch, 'out')), false);
  });

  test('import-model with a blank --name: the server refuses it and the CLI says --name', async () => {
    const result = await runCli(['import-model', path.join(BERT_FIXTURES, 'tiny'), '--name', ' ', '--url', server.graphqlUrl]);
    assertPlainFailure(result);
    assert.match(result.stderr, /^--name is blank/);
    assert.equal(extensionsOf(result.stderr).field, '--name');
  });

  test('keys, which use the database directly: --name and the key to revoke, without a stack trace', async () => {
    const env = { ...process.env, DATABASE_URL: server.database.url };
    const blank = await runCli(['keys', 'create', '--role', 'viewer', '--name', ' '], env);
    assertPlainFailure(blank);
    assert.match(blank.stderr, /^--name is blank/);
    assert.doesNotMatch(blank.stderr, FIELD_NAMES);
    const unknown = await runCli(['keys', 'revoke', 'hr_nosuchkey'], env);
    assertPlainFailure(unknown);
    assert.match(unknown.stderr, /"hr_nosuchkey" does not exist; check <id or prefix>/);
    assert.deepEqual(extensionsOf(unknown.stderr), { code: 'NOT_FOUND', field: '<id or prefix>' });
  });
});

test('headroom import with no server at the URL says which URL it tried and how to start one', async () => {
  // A port that was free a moment ago and has nothing listening on it now.
  const port = await new Promise<number>((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(free));
    });
  });
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'headroom-cli-down-'));
  try {
    const file = path.join(scratch, 'data.csv');
    fs.writeFileSync(file, writeCsv([['text', 'label'], ['hello', 'greet']]));
    const url = `http://127.0.0.1:${port}/graphql`;
    const result = await runCli(['import', file, '--url', url]);
    assertPlainFailure(result);
    assert.ok(result.stderr.includes(`could not reach Headroom at ${url}`), result.stderr);
    assert.match(result.stderr, /ECONNREFUSED/);
    assert.match(result.stderr, /start it with `npm start`/);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
});

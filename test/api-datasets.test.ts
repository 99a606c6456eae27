import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, TestServer } from './support/test-server.js';

const IMPORT = `mutation Import($input: ImportDatasetInput!) {
  importDataset(input: $input) {
    id name format textColumn labelColumn splitColumn exampleCount generatedSplitCount sizeBytes contentSha256
    splits { train validation test }
    labels { label train validation test total }
  }
}`;

const EXAMPLES = `query Examples($id: ID!, $filter: ExampleFilter, $first: Int, $after: String) {
  dataset(id: $id) {
    examples(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { ordinal text label split }
    }
  }
}`;

describe('importDataset over HTTP', () => {
  let server: TestServer;
  before(async () => (server = await startTestServer()));
  after(() => server.stop());

  test('round-trips quotes, commas, newlines, a BOM and CRLF line ends exactly', async () => {
    const texts = ['plain text', 'with, a comma', 'with "double" quotes', 'two\r\nlines', 'three\nlines\nhere', 'ünïcödé ✓'];
    const quote = (field: string) => (/[",\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field);
    const rows = texts.map((text, i) => `${quote(text)},${i % 2 ? 'odd' : 'even'},${['train', 'validation', 'test'][i % 3]}`);
    const content = `\uFEFFtext,label,split\r\n${rows.join('\r\n')}\r\n`;

    const { importDataset } = await server.ok(IMPORT, { input: { name: 'tricky', format: 'CSV', content } });
    assert.equal(importDataset.exampleCount, texts.length);
    assert.equal(importDataset.splitColumn, 'split');
    assert.equal(importDataset.generatedSplitCount, 0);
    assert.deepEqual(importDataset.splits, { train: 2, validation: 2, test: 2 });

    const { dataset } = await server.ok(EXAMPLES, { id: importDataset.id, first: 100 });
    assert.deepEqual(
      dataset.examples.nodes.map((e: { text: string }) => e.text),
      texts,
    );
    assert.deepEqual(
      dataset.examples.nodes.map((e: { split: string }) => e.split),
      ['TRAIN', 'VALIDATION', 'TEST', 'TRAIN', 'VALIDATION', 'TEST'],
    );
  });

  test('imports the original question\'s sentence,label CSV with no options and assigns splits per label', async () => {
    const lines = ['sentence,label'];
    for (const label of ['book_flight', 'cancel', 'weather']) {
      for (let i = 0; i < 20; i++) lines.push(`${label} request number ${i},${label}`);
    }
    const { importDataset } = await server.ok(IMPORT, { input: { name: 'sentences', format: 'CSV', content: lines.join('\n') } });
    assert.equal(importDataset.textColumn, 'sentence');
    assert.equal(importDataset.splitColumn, null);
    assert.equal(importDataset.generatedSplitCount, 60);
    for (const label of importDataset.labels) assert.deepEqual([label.train, label.validation, label.test, label.total], [16, 2, 2, 20]);
  });

  test('imports JSONL and filters examples by split and label', async () => {
    const content = [
      { text: 'a', label: 'x', split: 'train' },
      { text: 'b', label: 'y', split: 'test' },
      { text: 'c', label: 'x', split: 'test' },
    ]
      .map((row) => JSON.stringify(row))
      .join('\n');
    const { importDataset } = await server.ok(IMPORT, { input: { name: 'jsonl', format: 'JSONL', content } });
    const { dataset } = await server.ok(EXAMPLES, { id: importDataset.id, filter: { split: 'TEST', label: 'x' } });
    assert.deepEqual(dataset.examples.nodes, [{ ordinal: 2, text: 'c', label: 'x', split: 'TEST' }]);
  });

  test('pages through examples returning every row exactly once', async () => {
    const content = ['text,label', ...Array.from({ length: 53 }, (_, i) => `row ${i},l${i % 4}`)].join('\n');
    const { importDataset } = await server.ok(IMPORT, { input: { name: 'paged', format: 'CSV', content } });
    const seen: number[] = [];
    let cursor: string | null = null;
    for (;;) {
      const { dataset }: Record<string, any> = await server.ok(EXAMPLES, { id: importDataset.id, first: 10, after: cursor });
      seen.push(...dataset.examples.nodes.map((e: { ordinal: number }) => e.ordinal));
      assert.equal(dataset.examples.totalCount, 53);
      if (!dataset.examples.pageInfo.hasNextPage) break;
      cursor = dataset.examples.pageInfo.endCursor;
    }
    assert.deepEqual(seen, Array.from({ length: 53 }, (_, i) => i));
  });

  const badFiles: Array<{ name: string; content: string; reason: string; line: number | null; options?: Record<string, string> }> = [
    { name: 'missing text column', content: 'words,label\nhi,greet\n', reason: 'MISSING_COLUMN', line: 1 },
    { name: 'missing named column', content: 'text,label\nhi,greet\n', reason: 'MISSING_COLUMN', line: 1, options: { labelColumn: 'intent' } },
    { name: 'empty text', content: 'text,label\nhi,greet\n  ,greet\n', reason: 'EMPTY_TEXT', line: 3 },
    { name: 'empty label', content: 'text,label\nhi,greet\nbye,\n', reason: 'EMPTY_LABEL', line: 3 },
    { name: 'invalid UTF-8', content: 'text,label\nhi,greet\nbad \uFFFD byte,greet\n', reason: 'INVALID_UTF8', line: 3 },
    { name: 'no rows', content: 'text,label\n', reason: 'NO_ROWS', line: null },
    { name: 'unbalanced quote', content: 'text,label\n"open,greet\n', reason: 'MALFORMED', line: 2 },
  ];
  for (const bad of badFiles) {
    test(`rejects ${bad.name} with BAD_USER_INPUT naming the line, and writes nothing`, async () => {
      const before = await counts(server);
      const result = await server.graphql(IMPORT, { input: { name: `bad ${bad.name}`, format: 'CSV', content: bad.content, ...bad.options } });
      assert.equal(result.data?.importDataset ?? null, null);
      const [error] = result.errors!;
      assert.equal(error.extensions?.code, 'BAD_USER_INPUT');
      assert.equal(error.extensions?.reason, bad.reason);
      assert.equal(error.extensions?.line, bad.line);
      assert.equal(error.extensions?.field, 'input.content');
      if (bad.line !== null) assert.match(error.message, new RegExp(`^line ${bad.line}: `));
      assert.deepEqual(await counts(server), before);
    });
  }

  test('rejects content over 50 MB as TOO_LARGE and writes nothing', async () => {
    const before = await counts(server);
    const row = `${'x'.repeat(1000)},label\n`;
    const content = `text,label\n${row.repeat(Math.ceil((50 * 1024 * 1024) / row.length) + 1)}`;
    const result = await server.graphql(IMPORT, { input: { name: 'huge', format: 'CSV', content } });
    assert.equal(result.errors?.[0].extensions?.reason, 'TOO_LARGE');
    assert.deepEqual(await counts(server), before);
  });

  test('rejects a taken name with CONFLICT and a blank name with BAD_USER_INPUT', async () => {
    const content = 'text,label\nhi,greet\n';
    await server.ok(IMPORT, { input: { name: 'taken', format: 'CSV', content } });
    const before = await counts(server);
    const taken = await server.graphql(IMPORT, { input: { name: ' taken ', format: 'CSV', content } });
    assert.equal(taken.errors?.[0].extensions?.code, 'CONFLICT');
    assert.equal(taken.errors?.[0].extensions?.field, 'input.name');
    const blank = await server.graphql(IMPORT, { input: { name: '   ', format: 'CSV', content } });
    assert.equal(blank.errors?.[0].extensions?.code, 'BAD_USER_INPUT');
    assert.equal(blank.errors?.[0].extensions?.field, 'input.name');
    assert.deepEqual(await counts(server), before);
  });

  test('answers NOT_FOUND for an unknown dataset id', async () => {
    const result = await server.graphql('{ dataset(id: "00000000-0000-0000-0000-000000000000") { id } }');
    assert.equal(result.errors?.[0].extensions?.code, 'NOT_FOUND');
    assert.equal(result.data?.dataset, null);
  });
});

async function counts(server: TestServer) {
  const [row] = await server.sql<{ datasets: string; examples: string; labels: string }>(
    `SELECT (SELECT count(*) FROM dataset) AS datasets, (SELECT count(*) FROM example) AS examples,
            (SELECT count(*) FROM dataset_label) AS labels`,
  );
  return row;
}

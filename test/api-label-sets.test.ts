import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createLabelSet, extendLabelSet, importTinyDataset } from './support/fixtures.js';
import { startTestServer, TestServer } from './support/test-server.js';

const LABEL_SET = `query($id: ID!, $datasetId: ID!) {
  labelSet(id: $id) {
    id name version labelCount
    labels { index name }
    parent { id }
    children { id }
    uncoveredDatasetLabels(datasetId: $datasetId)
  }
}`;
const EXTEND = `mutation($input: ExtendLabelSetInput!) { extendLabelSet(input: $input) { id } }`;
const CREATE = `mutation($input: CreateLabelSetInput!) { createLabelSet(input: $input) { id } }`;

describe('label sets', () => {
  let server: TestServer;
  let datasetId: string;
  before(async () => {
    server = await startTestServer();
    datasetId = await importTinyDataset(server, 'intents', ['greet', 'bye', 'thanks', 'weather']);
  });
  after(() => server.stop());

  test('extendLabelSet keeps every parent label at its index and appends the new ones', async () => {
    const parentId = await createLabelSet(server, 'intents', ['greet', 'bye', 'thanks']);
    const childId = await extendLabelSet(server, parentId, ['weather']);

    const { labelSet: child } = await server.ok(LABEL_SET, { id: childId, datasetId });
    assert.deepEqual(child.labels, [
      { index: 0, name: 'greet' },
      { index: 1, name: 'bye' },
      { index: 2, name: 'thanks' },
      { index: 3, name: 'weather' },
    ]);
    assert.equal(child.version, 2);
    assert.equal(child.name, 'intents');
    assert.equal(child.labelCount, 4);
    assert.deepEqual(child.parent, { id: parentId });
    assert.deepEqual(child.uncoveredDatasetLabels, []);

    const { labelSet: parent } = await server.ok(LABEL_SET, { id: parentId, datasetId });
    assert.deepEqual(parent.children, [{ id: childId }]);
    assert.deepEqual(parent.uncoveredDatasetLabels, ['weather']);
  });

  const rejected: Array<{ name: string; addLabels: string[]; field: string; reason?: string }> = [
    { name: 'a reorder of the parent\'s labels', addLabels: ['bye', 'greet', 'weather'], field: 'input.addLabels[0]', reason: 'LABEL_ALREADY_PRESENT' },
    { name: 'a label the parent already has', addLabels: ['weather', 'thanks'], field: 'input.addLabels[1]', reason: 'LABEL_ALREADY_PRESENT' },
    { name: 'a duplicate', addLabels: ['weather', 'news', 'weather'], field: 'input.addLabels[2]', reason: 'DUPLICATE_LABEL' },
    { name: 'a blank label', addLabels: ['weather', '  '], field: 'input.addLabels[1]' },
    { name: 'no labels at all', addLabels: [], field: 'input.addLabels' },
  ];
  for (const bad of rejected) {
    test(`extendLabelSet rejects ${bad.name}, naming the position, and writes nothing`, async () => {
      const parentId = await createLabelSet(server, 'base', ['greet', 'bye', 'thanks']);
      const before = await labelRows(server);
      const result = await server.graphql(EXTEND, { input: { parentId, addLabels: bad.addLabels } });
      const [error] = result.errors!;
      assert.equal(error.extensions?.code, 'BAD_USER_INPUT');
      assert.equal(error.extensions?.field, bad.field);
      if (bad.reason) assert.equal(error.extensions?.reason, bad.reason);
      assert.deepEqual(await labelRows(server), before);
    });
  }

  test('createLabelSet trims labels and rejects duplicates and blanks', async () => {
    const id = await createLabelSet(server, 'trimmed', ['  a ', 'b']);
    const { labelSet } = await server.ok(LABEL_SET, { id, datasetId });
    assert.deepEqual(labelSet.labels.map((l: { name: string }) => l.name), ['a', 'b']);

    const duplicate = await server.graphql(CREATE, { input: { name: 'dup', labels: ['a', 'b', 'a '] } });
    assert.equal(duplicate.errors?.[0].extensions?.field, 'input.labels[2]');
    const blank = await server.graphql(CREATE, { input: { name: 'blank', labels: [''] } });
    assert.equal(blank.errors?.[0].extensions?.field, 'input.labels[0]');
  });

  test('extending an unknown label set is NOT_FOUND', async () => {
    const result = await server.graphql(EXTEND, { input: { parentId: '00000000-0000-0000-0000-000000000000', addLabels: ['x'] } });
    assert.equal(result.errors?.[0].extensions?.code, 'NOT_FOUND');
    assert.equal(result.errors?.[0].extensions?.field, 'input.parentId');
  });

  test('the database itself refuses a repeated label name or index within a label set', async () => {
    const id = await createLabelSet(server, 'constrained', ['a', 'b']);
    await assert.rejects(server.sql(`INSERT INTO label (label_set_id, index, name) VALUES ($1, 2, 'a')`, [id]), /unique/);
    await assert.rejects(server.sql(`INSERT INTO label (label_set_id, index, name) VALUES ($1, 1, 'c')`, [id]), /duplicate key/);
  });
});

async function labelRows(server: TestServer) {
  const [row] = await server.sql(`SELECT (SELECT count(*) FROM label_set) AS sets, (SELECT count(*) FROM label) AS labels`);
  return row;
}

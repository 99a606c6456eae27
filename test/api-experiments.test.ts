import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createLabelSet, extendLabelSet, importTinyDataset, insertCheckpointRow, insertRunRow } from './support/fixtures.js';
import { startTestServer, TestServer } from './support/test-server.js';

const CREATE = `mutation($input: CreateExperimentInput!) {
  createExperiment(input: $input) { id name description tags archived baseCheckpoint { id } targetLabelSet { id } dataset { id } newLabels { index name } }
}`;
const UPDATE = `mutation($input: UpdateExperimentInput!) { updateExperiment(input: $input) { id name tags baseCheckpoint { id } newLabels { name } } }`;
const LIST = `query($filter: ExperimentFilter, $first: Int, $after: String) {
  experiments(filter: $filter, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { id name } }
}`;

describe('experiments', () => {
  let server: TestServer;
  let datasetId: string;
  let baseLabelSetId: string;
  let targetLabelSetId: string;
  let checkpointId: string;
  before(async () => {
    server = await startTestServer();
    datasetId = await importTinyDataset(server, 'intents', ['greet', 'bye', 'weather']);
    baseLabelSetId = await createLabelSet(server, 'intents', ['greet', 'bye']);
    targetLabelSetId = await extendLabelSet(server, baseLabelSetId, ['weather']);
    checkpointId = await insertCheckpointRow(server, baseLabelSetId);
  });
  after(() => server.stop());

  test('creates an experiment without a base checkpoint, then sets it and sees the new labels', async () => {
    const { createExperiment: created } = await server.ok(CREATE, {
      input: { name: 'add weather', description: 'ten examples', targetLabelSetId, datasetId, tags: ['s1', ' s1 ', 'weather'] },
    });
    assert.equal(created.baseCheckpoint, null);
    assert.equal(created.newLabels, null);
    assert.deepEqual(created.tags, ['s1', 'weather']);
    assert.equal(created.archived, false);

    const { updateExperiment: updated } = await server.ok(UPDATE, { input: { id: created.id, baseCheckpointId: checkpointId, name: 'add weather v2' } });
    assert.deepEqual(updated.baseCheckpoint, { id: checkpointId });
    assert.deepEqual(updated.newLabels, [{ name: 'weather' }]);
    assert.equal(updated.name, 'add weather v2');
    assert.deepEqual(updated.tags, ['s1', 'weather']);
  });

  test('refuses a target label set that does not extend the base checkpoint\'s', async () => {
    const unrelated = await createLabelSet(server, 'other', ['greet', 'bye', 'weather']);
    const reordered = await createLabelSet(server, 'reordered', ['bye', 'greet', 'weather']);
    for (const target of [unrelated, reordered, baseLabelSetId]) {
      const before = await experimentCount(server);
      const result = await server.graphql(CREATE, { input: { name: 'bad', targetLabelSetId: target, datasetId, baseCheckpointId: checkpointId } });
      assert.equal(result.errors?.[0].extensions?.code, 'BAD_USER_INPUT');
      assert.equal(result.errors?.[0].extensions?.field, 'input.targetLabelSetId');
      assert.equal(await experimentCount(server), before);
    }
  });

  test('answers NOT_FOUND, naming the field, for unknown references', async () => {
    const missing = '00000000-0000-0000-0000-000000000000';
    for (const [field, input] of [
      ['input.datasetId', { datasetId: missing, targetLabelSetId }],
      ['input.targetLabelSetId', { datasetId, targetLabelSetId: missing }],
      ['input.baseCheckpointId', { datasetId, targetLabelSetId, baseCheckpointId: missing }],
    ] as const) {
      const result = await server.graphql(CREATE, { input: { name: 'x', ...input } });
      assert.equal(result.errors?.[0].extensions?.code, 'NOT_FOUND');
      assert.equal(result.errors?.[0].extensions?.field, field);
    }
  });

  test('keeps the base checkpoint, target and dataset fixed once the experiment has runs', async () => {
    const { createExperiment } = await server.ok(CREATE, { input: { name: 'with runs', targetLabelSetId, datasetId, baseCheckpointId: checkpointId } });
    await insertRunRow(server, { datasetId, labelSetId: targetLabelSetId, experimentId: createExperiment.id, status: 'QUEUED' });
    const other = await insertCheckpointRow(server, baseLabelSetId);
    const result = await server.graphql(UPDATE, { input: { id: createExperiment.id, baseCheckpointId: other } });
    assert.equal(result.errors?.[0].extensions?.code, 'CONFLICT');
    assert.equal(result.errors?.[0].extensions?.field, 'input.baseCheckpointId');
    const renamed = await server.ok(UPDATE, { input: { id: createExperiment.id, name: 'renamed is fine' } });
    assert.equal(renamed.updateExperiment.name, 'renamed is fine');
  });

  test('archives and restores, and filters by tag, text and archived state', async () => {
    const make = async (name: string, tags: string[]) =>
      (await server.ok(CREATE, { input: { name, targetLabelSetId, datasetId, tags } })).createExperiment.id as string;
    const alpha = await make('Filter alpha', ['filter-test', 'a']);
    const beta = await make('Filter beta', ['filter-test', 'b']);
    await server.ok(`mutation($id: ID!) { archiveExperiment(id: $id) { archived } }`, { id: beta });

    const names = async (filter: Record<string, unknown>) =>
      (await server.ok(LIST, { filter, first: 100 })).experiments.nodes.map((node: { name: string }) => node.name).sort();
    assert.deepEqual(await names({ tags: ['filter-test'] }), ['Filter alpha']);
    assert.deepEqual(await names({ tags: ['filter-test'], archived: true }), ['Filter beta']);
    assert.deepEqual(await names({ tags: ['filter-test'], archived: null }), ['Filter alpha', 'Filter beta']);
    assert.deepEqual(await names({ search: 'ALPHA', archived: null }), ['Filter alpha']);
    assert.deepEqual(await names({ search: '%', archived: null }), []);

    await server.ok(`mutation($id: ID!) { archiveExperiment(id: $id, archived: false) { archived } }`, { id: beta });
    assert.deepEqual(await names({ tags: ['filter-test', 'b'] }), ['Filter beta']);
    assert.ok(alpha);
  });

  test('cursor pagination returns every experiment exactly once, even when many share a timestamp', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 25; i++) {
      const { createExperiment } = await server.ok(CREATE, { input: { name: `page ${i}`, targetLabelSetId, datasetId, tags: ['paging'] } });
      ids.add(createExperiment.id);
    }
    // Ten rows with one identical created_at: only the id breaks the tie.
    await server.sql(`UPDATE experiment SET created_at = '2026-01-01T00:00:00Z' WHERE id = ANY($1)`, [[...ids].slice(5, 15)]);

    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10; page++) {
      const { experiments }: Record<string, any> = await server.ok(LIST, { filter: { tags: ['paging'] }, first: 4, after: cursor });
      assert.equal(experiments.totalCount, 25);
      seen.push(...experiments.nodes.map((node: { id: string }) => node.id));
      if (!experiments.pageInfo.hasNextPage) break;
      cursor = experiments.pageInfo.endCursor;
    }
    assert.equal(seen.length, 25);
    assert.deepEqual(new Set(seen), ids);
  });

  test('rejects page sizes out of range and cursors from another list', async () => {
    const tooMany = await server.graphql(LIST, { first: 1000 });
    assert.equal(tooMany.errors?.[0].extensions?.code, 'BAD_USER_INPUT');
    assert.equal(tooMany.errors?.[0].extensions?.field, 'first');
    const { datasets } = await server.ok(`{ datasets(first: 1) { pageInfo { endCursor } } }`);
    const foreign = await server.graphql(LIST, { after: datasets.pageInfo.endCursor });
    assert.equal(foreign.errors?.[0].extensions?.field, 'after');
    const garbage = await server.graphql(LIST, { after: 'not-a-cursor' });
    assert.equal(garbage.errors?.[0].extensions?.code, 'BAD_USER_INPUT');
  });
});

async function experimentCount(server: TestServer): Promise<number> {
  const [row] = await server.sql<{ count: string }>('SELECT count(*) FROM experiment');
  return Number(row.count);
}

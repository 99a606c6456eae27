import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createLabelSet, extendLabelSet, importTinyDataset, insertCheckpointRow } from './support/fixtures.js';
import { statementsDuring } from './support/statement-log.js';
import { startTestServer, TestServer } from './support/test-server.js';

/** Lists of 100 whose every item resolves its references: each must cost a handful of statements, not one per item and field. */
const BUDGET = 10;
const QUERIES = {
  runs: `{ runs(first: 100) { nodes { id dataset { id } labelSet { id } experiment { id } baseCheckpoint { id } outputCheckpoint { id } } } }`,
  // Epochs count as up to 1001 items each: 40 runs is what the default query cost allows.
  runEpochs: `{ runs(first: 40) { nodes { id epochs { epoch } } } }`,
  experiments: `{ experiments(first: 100) { nodes { id dataset { id } targetLabelSet { id labelCount labels { name } } baseCheckpoint { id } newLabels { name } runs { totalCount nodes { id } } } } }`,
  checkpoints: `{ checkpoints(first: 100) { nodes { id labelSet { id labels { name } } parent { id } producedByRun { id } } } }`,
  labelSets: `{ labelSets(first: 100) { nodes { id labelCount labels { name } parent { id } children { id } } } }`,
  datasets: `{ datasets(first: 100) { nodes { id labels { label } splits { train } } } }`,
};

describe('statements per list query', () => {
  let server: TestServer;
  before(async () => {
    // A sweep of the supervisor would add its own statements; none comes within a minute.
    server = await startTestServer({ heartbeatSeconds: 60 });
    const datasetId = await importTinyDataset(server, 'intents', ['a', 'b', 'c']);
    for (let i = 0; i < 10; i++) {
      await importTinyDataset(server, `more intents ${i}`, ['a', 'b']);
      await createLabelSet(server, `more labels ${i}`, ['a', 'b']);
    }
    const base = await createLabelSet(server, 'ab', ['a', 'b']);
    const target = await extendLabelSet(server, base, ['c']);
    const checkpointId = await insertCheckpointRow(server, base);
    const [{ ids }] = await server.sql<{ ids: string[] }>(
      `WITH created AS (
         INSERT INTO experiment (name, dataset_id, target_label_set_id, base_checkpoint_id)
         SELECT 'experiment ' || n, $1, $2, $3 FROM generate_series(1, 10) n RETURNING id
       ) SELECT array_agg(id) AS ids FROM created`,
      [datasetId, target, checkpointId],
    );
    await server.sql(
      `INSERT INTO run (kind, status, experiment_id, dataset_id, label_set_id, base_checkpoint_id, seed, settings)
       SELECT 'HEAD_EXPANSION', 'SUCCEEDED', experiment, $2, $3, $4, seed, '{}' FROM unnest($1::uuid[]) experiment, generate_series(1, 10) seed`,
      [ids, datasetId, target, checkpointId],
    );
    await server.sql(
      `INSERT INTO checkpoint (label_set_id, parent_id, produced_by_run_id, encoder, artifact_path, size_bytes)
       SELECT label_set_id, base_checkpoint_id, id, '{}', 'none', 0 FROM run`,
    );
    await server.sql(
      `INSERT INTO epoch_metric (run_id, epoch, loss, old_accuracy, new_accuracy, overall_accuracy, macro_f1, forgetting, intrusion, old_logit_drift, seconds)
       SELECT id, epoch, 1, 1, 0, 0.5, 0.5, 0, 0, 0, 0 FROM run, generate_series(0, 1) epoch`,
    );
  });
  after(() => server.stop());

  test('the runs of experiments in a list are the pages each experiment would get alone', async () => {
    const page = `totalCount pageInfo { hasNextPage endCursor } nodes { id }`;
    const { experiments } = await server.ok(`{ experiments(first: 100) { nodes { id runs(first: 3) { ${page} } failed: runs(status: FAILED) { totalCount } } } }`);
    for (const experiment of experiments.nodes) {
      const { runs } = await server.ok(`query($id: ID!) { runs(filter: { experimentId: $id }, first: 3) { ${page} } }`, { id: experiment.id });
      assert.deepEqual(experiment.runs, runs);
      assert.equal(experiment.failed.totalCount, 0);
      const rest = await server.ok(`query($id: ID!, $after: String) { experiment(id: $id) { runs(first: 100, after: $after) { ${page} } } }`, {
        id: experiment.id,
        after: runs.pageInfo.endCursor,
      });
      assert.equal(rest.experiment.runs.nodes.length, runs.totalCount - 3, 'a batched page\'s cursor continues the list');
    }
  });

  for (const [name, query] of Object.entries(QUERIES)) {
    test(`${name}: at most ${BUDGET} statements, whatever the page size`, async () => {
      let data: Record<string, { nodes: unknown[] }> = {};
      const statements = await statementsDuring(server.headroom.database.dataSource, async () => (data = await server.ok(query)));
      assert.ok(Object.values(data)[0].nodes.length > 1, 'the fixture gives the list several items');
      assert.ok(statements.length <= BUDGET, `${statements.length} statements:\n${statements.slice(0, 20).join('\n')}`);
    });
  }
});

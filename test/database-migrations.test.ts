import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDataSource } from '../src/db/data-source.js';
import { createTestDatabase } from './support/database.js';

test('migrations build exactly the schema the entities describe, and undo cleanly', async () => {
  const database = await createTestDatabase();
  const dataSource = createDataSource(database.url);
  try {
    await dataSource.initialize();
    const applied = await dataSource.runMigrations();
    assert.ok(applied.length > 0, 'no migration ran on an empty database');

    // What `typeorm migration:generate` would write next: empty means entities and migrations agree.
    const drift = await dataSource.driver.createSchemaBuilder().log();
    assert.deepEqual(
      drift.upQueries.map((query) => query.query),
      [],
      'entities and migrations disagree: generate a migration (see README, "Changing the schema")',
    );

    for (let i = 0; i < applied.length; i++) await dataSource.undoLastMigration();
    const [{ count }] = await dataSource.query(`SELECT count(*)::int AS count FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'migrations'`);
    assert.equal(count, 0, 'undoing every migration left tables behind');
    await dataSource.runMigrations();
    assert.deepEqual((await dataSource.driver.createSchemaBuilder().log()).upQueries, []);
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await database.drop();
  }
});

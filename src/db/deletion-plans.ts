import { ACTIVE_RUN_STATUSES } from '../entities/index.js';
import { Queryable } from './queryable.js';

/**
 * The SQL of admin deletions. Each runs after the row to delete is locked FOR UPDATE, so launches
 * (which lock what they start from FOR SHARE) cannot add a run between the check and the delete.
 */

/** What still uses a dataset: it may go only when both are 0. */
export async function datasetUsers(db: Queryable, datasetId: string): Promise<{ experiments: number; runs: number }> {
  const [users] = await db.query(
    'SELECT (SELECT count(*)::int FROM experiment WHERE dataset_id = $1) AS experiments, (SELECT count(*)::int FROM run WHERE dataset_id = $1) AS runs',
    [datasetId],
  );
  return users;
}

/** Runs of the experiment that a worker has or will pick up. */
export async function countActiveRuns(db: Queryable, experimentId: string): Promise<number> {
  const [{ active }] = await db.query('SELECT count(*)::int AS active FROM run WHERE experiment_id = $1 AND status = ANY($2)', [experimentId, ACTIVE_RUN_STATUSES]);
  return active;
}

/**
 * Checkpoints the experiment's runs wrote that nothing outside it builds on: no other experiment
 * or run starts from them and no checkpoint was expanded from them.
 */
export function unusedCheckpoints(db: Queryable, experimentId: string): Promise<Array<{ id: string; artifact_path: string }>> {
  return db.query(
    `SELECT c.id, c.artifact_path FROM checkpoint c JOIN run r ON r.id = c.produced_by_run_id
     WHERE r.experiment_id = $1
       AND NOT EXISTS (SELECT 1 FROM experiment e WHERE e.base_checkpoint_id = c.id AND e.id <> $1)
       AND NOT EXISTS (SELECT 1 FROM run o WHERE o.base_checkpoint_id = c.id AND o.experiment_id IS DISTINCT FROM $1)
       AND NOT EXISTS (SELECT 1 FROM checkpoint child WHERE child.parent_id = c.id)`,
    [experimentId],
  );
}

/** The unused checkpoints' rows, in the deletion's transaction; their files go only once it has committed. */
export async function deleteCheckpoints(db: Queryable, ids: string[]): Promise<void> {
  await db.query('DELETE FROM checkpoint WHERE id = ANY($1)', [ids]);
}

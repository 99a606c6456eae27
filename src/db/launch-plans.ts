import { ACTIVE_RUN_STATUSES, Checkpoint, Experiment } from '../entities/index.js';
import { Queryable } from './queryable.js';

/**
 * The SQL of launching runs. A launch checks what it starts from, then inserts runs that refer to
 * it, in one transaction: the rows it checks are locked FOR SHARE, so a deletion (which locks them
 * FOR UPDATE) either ran first and the launch finds nothing, or waits and then sees the new runs.
 * Launches share the lock, so they never wait for each other.
 */

/** The caller's runs that are queued or running (a null key is the local user, without keys). */
export async function countActiveRuns(db: Queryable, keyId: string | null): Promise<number> {
  const [{ active }] = await db.query('SELECT count(*)::int AS active FROM run WHERE status = ANY($2) AND created_by_key_id IS NOT DISTINCT FROM $1', [
    keyId,
    ACTIVE_RUN_STATUSES,
  ]);
  return active;
}

/** The dataset a base training reads, locked until its run is in (deleteDataset counts runs first); null when there is none. */
export async function lockDataset(db: Queryable, id: string): Promise<{ name: string } | null> {
  const [dataset] = await db.query('SELECT name FROM dataset WHERE id = $1 FOR SHARE', [id]);
  return dataset ?? null;
}

/** Every label of a dataset, alphabetically: what a base model without a label set is trained on. */
export async function datasetLabels(db: Queryable, datasetId: string): Promise<string[]> {
  const rows: Array<{ label: string }> = await db.query('SELECT label FROM dataset_label WHERE dataset_id = $1 ORDER BY label', [datasetId]);
  return rows.map((row) => row.label);
}

/** Training and test examples of these labels: a run needs both. Labels without examples have no row. */
export function exampleCounts(db: Queryable, datasetId: string, labels: string[]): Promise<Array<{ label: string; train: number; test: number }>> {
  return db.query('SELECT label, train, test FROM dataset_label WHERE dataset_id = $1 AND label = ANY($2)', [datasetId, labels]);
}

/** The experiment runs are launched in, locked until they are in; null when there is none. */
export async function lockExperiment(
  db: Queryable,
  id: string,
): Promise<Pick<Experiment, 'id' | 'datasetId' | 'targetLabelSetId' | 'baseCheckpointId'> | null> {
  const [experiment] = await db.query(
    `SELECT id, dataset_id AS "datasetId", target_label_set_id AS "targetLabelSetId", base_checkpoint_id AS "baseCheckpointId"
     FROM experiment WHERE id = $1 FOR SHARE`,
    [id],
  );
  return experiment ?? null;
}

/** The checkpoint the runs start from, locked until they are in; null when there is none. */
export async function lockCheckpoint(db: Queryable, id: string): Promise<Pick<Checkpoint, 'labelSetId' | 'encoder'> | null> {
  const [checkpoint] = await db.query('SELECT label_set_id AS "labelSetId", encoder FROM checkpoint WHERE id = $1 FOR SHARE', [id]);
  return checkpoint ?? null;
}

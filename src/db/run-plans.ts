import { RunStatus } from '../entities/index.js';
import { Queryable } from './queryable.js';

/**
 * The run lifecycle's SQL. A worker's writes match (id, attempts, RUNNING): a worker presumed dead
 * changes nothing once a later attempt has claimed the run, or once the run has ended.
 */

/** Marks the attempt alive; null when the attempt no longer owns the run, else whether a cancel was asked for. */
export async function markAlive(db: Queryable, runId: string, attempt: number): Promise<{ cancelRequested: boolean } | null> {
  const [rows] = await db.query(
    'UPDATE run SET heartbeat_at = now() WHERE id = $1 AND attempts = $2 AND status = $3 RETURNING cancel_requested_at',
    [runId, attempt, RunStatus.RUNNING],
  );
  return rows.length === 0 ? null : { cancelRequested: rows[0].cancel_requested_at !== null };
}

/** Where the attempt trains (backend, library versions): what makes its metrics reproducible. */
export async function setBackend(db: Queryable, runId: string, attempt: number, backend: string, versions: Record<string, string>): Promise<void> {
  await db.query('UPDATE run SET backend = $4, versions = $5 WHERE id = $1 AND attempts = $2 AND status = $3', [
    runId,
    attempt,
    RunStatus.RUNNING,
    backend,
    versions,
  ]);
}

/**
 * A retried attempt that stopped earlier than a previous one (early stopping is deterministic, so
 * only after a code change) must not leave that attempt's later epochs behind.
 */
export async function deleteEpochsAfter(db: Queryable, runId: string, lastEpoch: number): Promise<void> {
  await db.query('DELETE FROM epoch_metric WHERE run_id = $1 AND epoch > $2', [runId, lastEpoch]);
}

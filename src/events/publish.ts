import { EntityManager } from 'typeorm';
import { Run } from '../entities/index.js';
import { RUN_PROGRESS_CHANNEL, RunProgressEvent } from './run-progress.js';

/** Channel a worker listens on to hear that a run it trains was cancelled; the payload is the run id. */
export const RUN_CANCEL_CHANNEL = 'headroom_run_cancel';

/**
 * PostgreSQL refuses a NOTIFY payload of 8000 bytes or more, and with it the transaction that sends
 * it (a run's status change). The error is the only part of an event without a bound, so it travels
 * cut to this many UTF-16 units: at most 6 bytes each once JSON escapes them, well under the limit
 * with the ids and an epoch's numbers. The whole error stays in the run row.
 */
export const MAX_NOTIFIED_ERROR_LENGTH = 1000;
const CUT_MARK = '… (cut; the whole error is in the run\'s error field)';

/** Sent when the surrounding transaction commits, and only then. */
export async function publishRunProgress(manager: EntityManager, event: RunProgressEvent): Promise<void> {
  const payload: RunProgressEvent = { ...event, error: event.error === null ? null : shortened(event.error) };
  await manager.query('SELECT pg_notify($1, $2)', [RUN_PROGRESS_CHANNEL, JSON.stringify(payload)]);
}

export function publishRunStatus(manager: EntityManager, run: Pick<Run, 'id' | 'experimentId' | 'status' | 'error'>): Promise<void> {
  return publishRunProgress(manager, { runId: run.id, experimentId: run.experimentId, status: run.status, epoch: null, error: run.error });
}

export async function publishRunCancel(manager: EntityManager, runId: string): Promise<void> {
  await manager.query('SELECT pg_notify($1, $2)', [RUN_CANCEL_CHANNEL, runId]);
}

function shortened(error: string): string {
  if (error.length <= MAX_NOTIFIED_ERROR_LENGTH) return error;
  let end = MAX_NOTIFIED_ERROR_LENGTH - CUT_MARK.length;
  // Never half of a surrogate pair: JSON would carry it as a lone \uD8xx escape.
  if (/[\uD800-\uDBFF]/.test(error[end - 1])) end -= 1;
  return error.slice(0, end) + CUT_MARK;
}

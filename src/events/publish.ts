import { EntityManager } from 'typeorm';
import { Run } from '../entities/index.js';
import { RUN_PROGRESS_CHANNEL, RunProgressEvent } from './run-progress.js';

/** Channel a worker listens on to hear that a run it trains was cancelled; the payload is the run id. */
export const RUN_CANCEL_CHANNEL = 'headroom_run_cancel';

/** Sent when the surrounding transaction commits, and only then. */
export async function publishRunProgress(manager: EntityManager, event: RunProgressEvent): Promise<void> {
  await manager.query('SELECT pg_notify($1, $2)', [RUN_PROGRESS_CHANNEL, JSON.stringify(event)]);
}

export function publishRunStatus(manager: EntityManager, run: Pick<Run, 'id' | 'experimentId' | 'status' | 'error'>): Promise<void> {
  return publishRunProgress(manager, { runId: run.id, experimentId: run.experimentId, status: run.status, epoch: null, error: run.error });
}

export async function publishRunCancel(manager: EntityManager, runId: string): Promise<void> {
  await manager.query('SELECT pg_notify($1, $2)', [RUN_CANCEL_CHANNEL, runId]);
}

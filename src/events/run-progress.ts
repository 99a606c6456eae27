import { createPubSub } from '@graphql-yoga/subscription';
import { RunStatus } from '../entities/index.js';
import { EpochMetrics } from '../training/evaluation.js';

/**
 * What a run reports while it trains: each finished epoch, then its final status. Events travel
 * between processes through PostgreSQL NOTIFY, so a subscriber on the API server sees epochs that a
 * worker process on another machine wrote.
 */
export interface RunProgressEvent {
  runId: string;
  experimentId: string | null;
  status: RunStatus;
  /** The epoch just written; null for a status change. */
  epoch: EpochPayload | null;
  error: string | null;
}

export type EpochPayload = EpochMetrics;

export const RUN_PROGRESS_CHANNEL = 'headroom_run_progress';
export const RUN_PROGRESS_TOPIC = 'RUN_PROGRESS';

export type EventPubSub = ReturnType<typeof createEventPubSub>;

export function createEventPubSub() {
  return createPubSub<{ [RUN_PROGRESS_TOPIC]: [RunProgressEvent] }>();
}

export const TERMINAL_STATUSES: ReadonlySet<RunStatus> = new Set([RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.CANCELLED]);

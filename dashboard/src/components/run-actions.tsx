import { useState } from 'react';
import { ApiError, request } from '../api/graphql-client';
import { CancelRunDocument, RetryRunDocument, type RunStatus } from '../generated/graphql';

/** Cancel for a queued or running run, Retry for a failed or cancelled one; `onChanged` after either. */
export function RunActions({ run, onChanged }: { run: { id: string; status: RunStatus; cancelRequested: boolean }; onChanged: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const act = (action: 'cancel' | 'retry') => {
    setBusy(true);
    setError(null);
    const done = action === 'cancel' ? request(CancelRunDocument, { id: run.id }) : request(RetryRunDocument, { id: run.id });
    done.then(
      () => onChanged(),
      (failure: unknown) => setError(failure instanceof ApiError ? failure.message : String(failure)),
    ).finally(() => setBusy(false));
  };
  const active = run.status === 'QUEUED' || run.status === 'RUNNING';
  const ended = run.status === 'FAILED' || run.status === 'CANCELLED';
  return (
    <span className="actions">
      {active ? (
        <button type="button" disabled={busy || run.cancelRequested} onClick={() => act('cancel')} data-action="cancel">
          Cancel
        </button>
      ) : null}
      {ended ? (
        <button type="button" disabled={busy} onClick={() => act('retry')} data-action="retry">
          Retry
        </button>
      ) : null}
      {error ? <span className="error" role="alert">{error}</span> : null}
    </span>
  );
}

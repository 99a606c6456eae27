import type { ApiError } from '../api/graphql-client';
import type { RunStatus } from '../generated/graphql';

/** A run's status as a coloured label; `data-status` carries the raw value. */
export function StatusBadge({ status, cancelRequested = false }: { status: RunStatus; cancelRequested?: boolean }) {
  const stopping = cancelRequested && (status === 'RUNNING' || status === 'QUEUED');
  return (
    <span className={`badge status-${status.toLowerCase()}`} data-status={status}>
      {stopping ? 'CANCELLING' : status}
    </span>
  );
}

/** What went wrong, with the server's code and field; a missing key points at the key field. */
export function ErrorMessage({ error }: { error: ApiError | string | null }) {
  if (!error) return null;
  const message = typeof error === 'string' ? error : error.message;
  const code = typeof error === 'string' ? null : error.code;
  return (
    <p className="error" role="alert" data-code={code ?? undefined}>
      {message}
      {code === 'UNAUTHENTICATED' || code === 'FORBIDDEN' ? ' Paste an API key in the field at the top right.' : ''}
    </p>
  );
}

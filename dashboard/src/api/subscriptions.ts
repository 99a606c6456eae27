import { createClient, type Client } from 'graphql-ws';
import type { TypedDocumentString } from '../generated/graphql';
import { storedApiKey } from './api-key';

/** The close code of a socket whose key the server refused. */
const FORBIDDEN = 4403;

let client: Client | null = null;
let clientKey = '';
const connectedListeners = new Set<() => void>();

/**
 * One socket for the page, opened on the first subscription. A socket authenticates once, in
 * connection_init, so a changed key needs a new socket; subscribers re-subscribe when the key
 * changes (useApiKey), and the old socket is closed.
 */
function socket(): Client {
  const key = storedApiKey();
  if (!client || clientKey !== key) {
    void client?.dispose();
    clientKey = key;
    client = createClient({
      url: `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/graphql`,
      connectionParams: key ? { Authorization: `Bearer ${key}` } : {},
      lazy: true,
      // A restarted server or a dropped connection: keep trying, as a long-open dashboard should;
      // a refused key (4403) stays refused until another is saved.
      retryAttempts: Number.POSITIVE_INFINITY,
      shouldRetry: (event) => (event as { code?: unknown }).code !== FORBIDDEN && typeof (event as { code?: unknown }).code === 'number',
      on: { connected: () => connectedListeners.forEach((listener) => listener()) },
    });
  }
  return client;
}

/**
 * Calls `listener` each time the socket is (re)connected: what happened while it was down, or
 * before the subscriptions were in place, is only known by asking again.
 */
export function onSocketConnected(listener: () => void): () => void {
  connectedListeners.add(listener);
  return () => connectedListeners.delete(listener);
}

/** Subscribes to a typed subscription; returns the function that ends it. */
export function subscribe<R, V>(
  document: TypedDocumentString<R, V>,
  variables: V,
  onData: (data: R) => void,
  onError: (message: string) => void,
): () => void {
  return socket().subscribe<R>(
    { query: document.toString(), variables: variables as Record<string, unknown> },
    {
      next: (result) => {
        if (result.errors?.length) onError(result.errors[0].message);
        else if (result.data) onData(result.data);
      },
      error: (error) => onError(describe(error)),
      complete: () => undefined,
    },
  );
}

function describe(error: unknown): string {
  if (Array.isArray(error)) return error.map((e: { message?: string }) => e.message).join('; ');
  if (error instanceof Error) return error.message;
  // A CloseEvent: 4403 is the server refusing the key.
  const close = error as { code?: number; reason?: string };
  if (close.code === FORBIDDEN) return 'live updates were refused: the API key is missing, wrong or revoked';
  return `live updates stopped${close.reason ? `: ${close.reason}` : ''}`;
}

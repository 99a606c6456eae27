import { Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';

/**
 * A real graphql-ws client over a real WebSocket. `headers` go with the upgrade request, as a
 * browser would send Origin (or a rebinding page its Host).
 */
export function connectWs(url: string, connectionParams?: Record<string, unknown>, headers?: Record<string, string>): Client {
  const webSocketImpl = headers
    ? class extends WebSocket {
        constructor(address: string, protocols?: string | string[]) {
          super(address, protocols, { headers });
        }
      }
    : WebSocket;
  return createClient({ url, webSocketImpl, connectionParams, retryAttempts: 0, lazy: true });
}

/** Collects the results of one subscription until it completes or `until` says stop. */
export function collect<T = Record<string, any>>(
  client: Client,
  query: string,
  variables: Record<string, unknown>,
  until: (results: Array<{ data?: T | null; errors?: readonly unknown[] }>) => boolean = () => false,
): { results: Array<{ data?: T | null; errors?: readonly unknown[] }>; done: Promise<void> } {
  const results: Array<{ data?: T | null; errors?: readonly unknown[] }> = [];
  let dispose = () => {};
  const done = new Promise<void>((resolve, reject) => {
    dispose = client.subscribe<T>(
      { query, variables },
      {
        next: (result) => {
          results.push(result as { data?: T | null; errors?: readonly unknown[] });
          if (until(results)) {
            dispose();
            resolve();
          }
        },
        error: (error) => (Array.isArray(error) ? resolve() : reject(error)),
        complete: () => resolve(),
      },
    );
  });
  return { results, done };
}

import { Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';

/** A real graphql-ws client over a real WebSocket. */
export function connectWs(url: string, connectionParams?: Record<string, unknown>): Client {
  return createClient({ url, webSocketImpl: WebSocket, connectionParams, retryAttempts: 0, lazy: true });
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

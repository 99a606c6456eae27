// Bundles monaco's editor, JSON and GraphQL web workers into ide/dist (vite `?worker` imports),
// so the IDE loads nothing from a CDN.
import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { DEFAULT_QUERY } from './default-query';

// The page's own origin, so the IDE works behind any host, port or TLS terminator.
const endpoints = {
  url: new URL('/graphql', location.href).href,
  subscriptionUrl: `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/graphql`,
};

// Queries carry the Headers pane on every request; a WebSocket only sends its key once, in
// connection_init, so subscriptions get a socket per Authorization value typed there.
const fetchers = new Map<string, ReturnType<typeof createGraphiQLFetcher>>();
const fetcher: ReturnType<typeof createGraphiQLFetcher> = (params, options) => {
  const authorization = Object.entries(options?.headers ?? {}).find(([name]) => name.toLowerCase() === 'authorization')?.[1] ?? '';
  let forKey = fetchers.get(authorization);
  if (!forKey) {
    forKey = createGraphiQLFetcher({ ...endpoints, wsConnectionParams: authorization ? { Authorization: authorization } : undefined });
    fetchers.set(authorization, forKey);
  }
  return forKey(params, options);
};

const root = document.getElementById('graphiql');
if (!root) throw new Error('index.html has no #graphiql element');

createRoot(root).render(
  <StrictMode>
    <GraphiQL fetcher={fetcher} defaultQuery={DEFAULT_QUERY} initialQuery={takeQueryFromUrl()} />
  </StrictMode>,
);

/**
 * `/graphiql?query=...` opens that operation in a new tab (a shareable link). The parameter is
 * then dropped from the address bar: left there, every reload would open yet another tab.
 */
function takeQueryFromUrl(): string | undefined {
  const url = new URL(location.href);
  const query = url.searchParams.get('query');
  if (query === null) return undefined;
  url.searchParams.delete('query');
  history.replaceState(history.state, '', url);
  return query;
}

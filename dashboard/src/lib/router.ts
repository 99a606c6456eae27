import { useSyncExternalStore } from 'react';

/** A page of the dashboard, read from the URL's hash so every page has a link of its own. */
export type Route =
  | { page: 'experiments' }
  | { page: 'experiment'; id: string }
  | { page: 'run'; id: string }
  | { page: 'compare'; ids: string[] }
  | { page: 'not-found'; hash: string };

/** Links to each page; hash URLs, so the server only ever serves `/`. */
export const href = {
  experiments: () => '#/',
  experiment: (id: string) => `#/experiments/${encodeURIComponent(id)}`,
  run: (id: string) => `#/runs/${encodeURIComponent(id)}`,
  compare: (ids: string[]) => `#/compare/${ids.map(encodeURIComponent).join(',')}`,
};

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '') || '/';
  const [, first = '', second = ''] = path.split('/');
  const id = decodeURIComponent(second);
  if (first === '') return { page: 'experiments' };
  if (first === 'experiments' && id) return { page: 'experiment', id };
  if (first === 'runs' && id) return { page: 'run', id };
  if (first === 'compare' && second) return { page: 'compare', ids: second.split(',').filter(Boolean).map(decodeURIComponent) };
  return { page: 'not-found', hash };
}

function subscribe(listener: () => void): () => void {
  window.addEventListener('hashchange', listener);
  return () => window.removeEventListener('hashchange', listener);
}

const currentHash = () => location.hash;

export function useRoute(): Route {
  return parseRoute(useSyncExternalStore(subscribe, currentHash));
}

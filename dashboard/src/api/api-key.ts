import { useSyncExternalStore } from 'react';

/** Where the key lives between visits: this browser profile only, never in a URL. */
const STORAGE_KEY = 'headroom.apiKey';
const listeners = new Set<() => void>();

export function storedApiKey(): string {
  try {
    return localStorage.getItem(STORAGE_KEY) ?? '';
  } catch {
    return ''; // storage disabled: the page still works on a server without keys
  }
}

export function storeApiKey(key: string): void {
  const trimmed = key.trim();
  if (trimmed) localStorage.setItem(STORAGE_KEY, trimmed);
  else localStorage.removeItem(STORAGE_KEY);
  for (const listener of listeners) listener();
}

/** The Authorization header the server expects, or none without a key. */
export function authorizationHeaders(): Record<string, string> {
  const key = storedApiKey();
  return key ? { Authorization: `Bearer ${key}` } : {};
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  // Another tab saving or forgetting the key counts too.
  window.addEventListener('storage', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', listener);
  };
}

/** The current key; components that use it re-render (and refetch) when it changes. */
export function useApiKey(): string {
  return useSyncExternalStore(subscribe, storedApiKey);
}

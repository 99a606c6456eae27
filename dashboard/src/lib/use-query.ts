import { useCallback, useEffect, useRef, useState } from 'react';
import { useApiKey } from '../api/api-key';
import { ApiError, request } from '../api/graphql-client';
import type { TypedDocumentString } from '../generated/graphql';

export interface QueryState<R> {
  data: R | null;
  error: ApiError | null;
  loading: boolean;
  /** Asks again; the previous data stays shown until the answer comes. */
  refetch: () => void;
}

/**
 * Runs a query whenever its variables or the API key change; `null` variables wait. Answers that
 * come back out of order are dropped, so a slow old answer never replaces a newer one.
 */
export function useQuery<R, V>(document: TypedDocumentString<R, V>, variables: V | null): QueryState<R> {
  const apiKey = useApiKey();
  const [state, setState] = useState<{ data: R | null; error: ApiError | null; loading: boolean }>({ data: null, error: null, loading: variables !== null });
  const [generation, setGeneration] = useState(0);
  const latest = useRef(0);
  const key = variables === null ? null : JSON.stringify(variables);

  useEffect(() => {
    if (key === null) return;
    const ticket = ++latest.current;
    setState((previous) => ({ ...previous, loading: true }));
    request(document, JSON.parse(key) as V).then(
      (data) => ticket === latest.current && setState({ data, error: null, loading: false }),
      (error: unknown) => {
        if (ticket !== latest.current) return;
        const apiError = error instanceof ApiError ? error : new ApiError(error instanceof Error ? error.message : String(error), null);
        setState((previous) => ({ data: previous.data, error: apiError, loading: false }));
      },
    );
  }, [document, key, apiKey, generation]);

  const refetch = useCallback(() => setGeneration((n) => n + 1), []);
  return { ...state, refetch };
}

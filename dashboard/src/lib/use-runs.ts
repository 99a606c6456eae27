import { useCallback, useEffect, useRef, useState } from 'react';
import { useApiKey } from '../api/api-key';
import { ApiError, request } from '../api/graphql-client';
import { ExperimentRunsDocument, type ExperimentRunsQuery, type RunSummaryFragment } from '../generated/graphql';

/** Pages of 100 until this many; an experiment with more is beyond what one page should draw. */
const MAX_RUNS = 2000;

/** Every run of an experiment, newest first, every page of them; `patch` applies a live change. */
export function useExperimentRuns(experimentId: string) {
  const apiKey = useApiKey();
  const [runs, setRuns] = useState<RunSummaryFragment[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [generation, setGeneration] = useState(0);
  const latest = useRef(0);

  useEffect(() => {
    const ticket = ++latest.current;
    (async () => {
      const all: RunSummaryFragment[] = [];
      let after: string | null = null;
      do {
        const data: ExperimentRunsQuery = await request(ExperimentRunsDocument, { id: experimentId, after });
        const page: NonNullable<ExperimentRunsQuery['experiment']>['runs'] | undefined = data.experiment?.runs;
        if (!page) break;
        all.push(...page.nodes);
        after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      } while (after && all.length < MAX_RUNS);
      return all;
    })().then(
      (all) => {
        if (ticket !== latest.current) return;
        setRuns(all);
        setError(null);
      },
      (failure: unknown) => ticket === latest.current && setError(failure instanceof ApiError ? failure : new ApiError(String(failure), null)),
    );
  }, [experimentId, apiKey, generation]);

  const refetch = useCallback(() => setGeneration((n) => n + 1), []);
  const patch = useCallback((runId: string, change: Partial<RunSummaryFragment>) => {
    setRuns((previous) => previous?.map((run) => (run.id === runId ? { ...run, ...change } : run)) ?? previous);
  }, []);
  return { runs, error, refetch, patch };
}

/** Calls `action` once, `ms` after the first of a burst of calls: many runs ending at once ask once. */
export function useCoalesced(action: () => void, ms: number): () => void {
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const latestAction = useRef(action);
  latestAction.current = action;
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);
  return useCallback(() => {
    if (timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      latestAction.current();
    }, ms);
  }, [ms]);
}

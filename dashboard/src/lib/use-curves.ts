import { useCallback, useEffect, useState } from 'react';
import { useApiKey } from '../api/api-key';
import { request } from '../api/graphql-client';
import { RunCurvesDocument, type EpochPointFragment } from '../generated/graphql';

/** Epoch number to the old- and new-label accuracy after it. */
export type Curve = Map<number, { oldAccuracy: number | null; newAccuracy: number | null }>;

/** compareRuns takes at most this many runs at once. */
const MAX_COMPARED = 50;

/**
 * The per-epoch curves of `runIds`: what the server has, merged with epochs reported live
 * (addEpoch), so an epoch that arrives while the history is loading is not lost.
 */
export function useCurves(runIds: string[]): { curves: Map<string, Curve>; addEpoch: (runId: string, epoch: EpochPointFragment) => void; error: string | null } {
  const apiKey = useApiKey();
  const [curves, setCurves] = useState<Map<string, Curve>>(new Map());
  const [error, setError] = useState<string | null>(null);
  const wanted = runIds.join(',');

  useEffect(() => {
    if (!wanted) return;
    let current = true;
    const ids = wanted.split(',');
    const batches = Array.from({ length: Math.ceil(ids.length / MAX_COMPARED) }, (_, i) => ids.slice(i * MAX_COMPARED, (i + 1) * MAX_COMPARED));
    Promise.all(batches.map((batch) => request(RunCurvesDocument, { ids: batch }))).then(
      (answers) => {
        if (!current) return;
        setError(null);
        setCurves((previous) => {
          const next = new Map(previous);
          for (const series of answers.flatMap((answer) => answer.compareRuns.series)) {
            const curve: Curve = new Map(previous.get(series.run.id));
            series.epochs.forEach((epoch, i) => {
              if (!curve.has(epoch)) curve.set(epoch, { oldAccuracy: series.oldAccuracy[i] ?? null, newAccuracy: series.newAccuracy[i] ?? null });
            });
            next.set(series.run.id, curve);
          }
          return next;
        });
      },
      (failure: Error) => current && setError(failure.message),
    );
    return () => {
      current = false;
    };
  }, [wanted, apiKey]);

  const addEpoch = useCallback((runId: string, epoch: EpochPointFragment) => {
    setCurves((previous) => {
      const next = new Map(previous);
      // A retried run starts again from epoch 0: its old curve no longer applies.
      const curve: Curve = epoch.epoch === 0 ? new Map() : new Map(previous.get(runId));
      curve.set(epoch.epoch, { oldAccuracy: epoch.oldAccuracy, newAccuracy: epoch.newAccuracy });
      next.set(runId, curve);
      return next;
    });
  }, []);

  return { curves, addEpoch, error };
}

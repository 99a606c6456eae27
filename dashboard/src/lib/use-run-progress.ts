import { useEffect, useRef, useState } from 'react';
import { useApiKey } from '../api/api-key';
import { onSocketConnected, subscribe } from '../api/subscriptions';
import { RunProgressDocument, type RunProgressSubscription, type RunProgressSubscriptionVariables } from '../generated/graphql';

export type Progress = RunProgressSubscription['runProgress'];

/**
 * Follows `runProgress` (one run, or every run of an experiment) for as long as the component
 * is shown; again with the new key when the key changes. `onConnected` runs whenever the socket
 * (re)connects, to catch up on what it missed. Returns the last error, if any.
 */
export function useRunProgress(
  variables: RunProgressSubscriptionVariables | null,
  onProgress: (progress: Progress) => void,
  onConnected?: () => void,
): string | null {
  const apiKey = useApiKey();
  const [error, setError] = useState<string | null>(null);
  const handler = useRef(onProgress);
  handler.current = onProgress;
  const connected = useRef(onConnected);
  connected.current = onConnected;
  const key = variables === null ? null : JSON.stringify(variables);

  useEffect(() => {
    if (key === null) return;
    setError(null);
    const stopListening = onSocketConnected(() => connected.current?.());
    const unsubscribe = subscribe(
      RunProgressDocument,
      JSON.parse(key) as RunProgressSubscriptionVariables,
      (data) => handler.current(data.runProgress),
      setError,
    );
    return () => {
      stopListening();
      unsubscribe();
    };
  }, [key, apiKey]);
  return error;
}

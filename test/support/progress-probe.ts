import { RUN_PROGRESS_CHANNEL, RunProgressEvent } from '../../src/events/run-progress.js';
import { TestServer } from './test-server.js';

/** The error a probe event carries, so that a test can tell probes from the events it is about. */
export const PROBE = 'probe: is this subscription listening?';

/**
 * Resolves once a subscription is registered on the server, so that no event sent after this can be
 * missed: `event` (with PROBE as its error) goes out on the progress channel, as a worker's would,
 * every 50 ms until `received()` says the subscriber got it. Fails, saying so, after `timeoutMs`.
 */
export async function untilListening(
  server: TestServer,
  event: Omit<RunProgressEvent, 'error'>,
  received: () => boolean,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const payload = JSON.stringify({ ...event, error: PROBE });
  while (!received()) {
    if (Date.now() > deadline) throw new Error(`the subscription received no probe event within ${timeoutMs} ms: it never started listening`);
    await server.sql('SELECT pg_notify($1, $2)', [RUN_PROGRESS_CHANNEL, payload]);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

import { Log } from '../log.js';

/**
 * Ctrl-C or SIGTERM stops everything in order and exits 0; a second signal exits at once. Running
 * trainings go back to the queue, so nothing is lost either way.
 */
export function onShutdownSignal(log: Log, close: () => Promise<void>): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      log(`${signal} again: exiting without waiting`);
      process.exit(130);
    }
    stopping = true;
    log(`${signal}: shutting down`);
    close().then(
      () => {
        log('stopped');
        process.exit(0);
      },
      (error: Error) => {
        log(`shutdown failed: ${error.stack ?? error.message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

import { startHeadroom } from '../app.js';
import { readConfig } from '../config.js';
import { createLog } from '../log.js';
import { GRAPHIQL_PATH, graphiqlRouter } from '../server/graphiql.js';
import { GRAPHQL_PATH } from '../server/http-server.js';

/** `headroom serve`: the API and IDE until Ctrl-C or SIGTERM, then everything stops in order. */
export async function serve(): Promise<void> {
  const log = createLog('headroom');
  const config = readConfig();
  const headroom = await startHeadroom(config, log, (app) => app.use(graphiqlRouter()));
  log(`GraphQL API: ${headroom.url}${GRAPHQL_PATH} (WebSocket subscriptions on the same path)`);
  log(`GraphiQL IDE: ${headroom.url}${GRAPHIQL_PATH}`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      log(`${signal} again: exiting without waiting`);
      process.exit(130);
    }
    stopping = true;
    log(`${signal}: shutting down`);
    headroom.close().then(
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

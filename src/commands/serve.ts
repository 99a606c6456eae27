import { startHeadroom } from '../app.js';
import { readConfig } from '../config.js';
import { createLog } from '../log.js';
import { DASHBOARD_PATH } from '../server/dashboard.js';
import { GRAPHIQL_PATH, graphiqlRouter } from '../server/graphiql.js';
import { GRAPHQL_PATH } from '../server/http-server.js';
import { onShutdownSignal } from './shutdown.js';

/** `headroom serve`: the dashboard, the API, the IDE and HEADROOM_WORKERS training threads, until Ctrl-C or SIGTERM. */
export async function serve(): Promise<void> {
  const log = createLog('headroom');
  const config = readConfig();
  // In production the IDE is not served at all, and introspection is off.
  const headroom = await startHeadroom(config, log, config.production ? undefined : (app) => app.use(graphiqlRouter()));
  log(`Dashboard: ${headroom.url}${DASHBOARD_PATH}`);
  log(`GraphQL API: ${headroom.url}${GRAPHQL_PATH} (WebSocket subscriptions on the same path)`);
  if (!config.production) log(`GraphiQL IDE: ${headroom.url}${GRAPHIQL_PATH}`);
  if (config.requireApiKeys) log('API keys required (HEADROOM_REQUIRE_API_KEYS=1)');
  onShutdownSignal(log, () => headroom.close());
}

import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { GraphQLSchema } from 'graphql';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { GraphQLContext } from '../graphql/context.js';
import { formatError } from '../graphql/errors.js';
import { Log } from '../log.js';
import { serveGraphQLOverWebSocket } from './graphql-over-websocket.js';
import { startEventLoopMonitor } from './event-loop-monitor.js';
import { rejectHttpSubscriptions } from './reject-http-subscriptions.js';

/** Request bodies up to this size are read: a 50 MB dataset plus the JSON escaping of its quotes. */
const MAX_BODY = '80mb';
export const GRAPHQL_PATH = '/graphql';

export interface HttpServer {
  url: string;
  close(): Promise<void>;
}

export async function startHttpServer(options: {
  schema: GraphQLSchema;
  context: GraphQLContext;
  host: string;
  port: number;
  log: Log;
  /** Routes besides GraphQL (downloads, the IDE). */
  routes?: (app: express.Express) => void;
}): Promise<HttpServer> {
  const { schema, context, log } = options;
  const app = express();
  const httpServer = http.createServer(app);
  const wsServer = new WebSocketServer({ server: httpServer, path: GRAPHQL_PATH });
  const sockets = serveGraphQLOverWebSocket(wsServer, schema, context, log);

  const apollo = new ApolloServer<GraphQLContext>({
    schema,
    formatError: (formatted, error) => formatError(formatted, error, log),
    // Apollo adds stack traces to errors unless NODE_ENV is production; they belong in the log only.
    includeStacktraceInErrorResponses: false,
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      { serverWillStart: async () => ({ drainServer: async () => sockets.dispose() }) },
      ApolloServerPluginLandingPageDisabled(),
      rejectHttpSubscriptions,
    ],
  });
  await apollo.start();

  app.get('/', (_req, res) => res.redirect('/graphiql'));
  const eventLoop = startEventLoopMonitor();
  // ?reset=1 starts a new measurement window (the API load benchmark uses it).
  app.get('/health', (req, res) => {
    res.json({ status: 'ok', eventLoopDelay: eventLoop.snapshot() });
    if (req.query.reset) eventLoop.reset();
  });
  app.use(GRAPHQL_PATH, express.json({ limit: MAX_BODY }), expressMiddleware(apollo, { context: async () => context }));
  options.routes?.(app);
  app.use(bodyErrors);

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port, options.host, resolve);
  });
  const { port } = httpServer.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    close: async () => {
      eventLoop.stop();
      await apollo.stop();
    },
  };
}

/** A body that is too large or is not JSON still gets a GraphQL-shaped answer with a code. */
function bodyErrors(error: { status?: number; type?: string; message: string }, _req: express.Request, res: express.Response, next: express.NextFunction) {
  if (!error.status || error.status >= 500) return next(error);
  const code = error.type === 'entity.too.large' ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST';
  const message =
    code === 'PAYLOAD_TOO_LARGE'
      ? `The request body is over ${MAX_BODY}; send datasets of at most 50 MB`
      : `The request body could not be read: ${error.message}`;
  res.status(error.status).json({ errors: [{ message, extensions: { code } }] });
}

import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { GraphQLSchema } from 'graphql';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { Limits } from '../config.js';
import { GraphQLContext, operationContext, SharedContext } from '../graphql/context.js';
import { formatError } from '../graphql/errors.js';
import { Log } from '../log.js';
import { Authenticate } from './authentication.js';
import { baseUrlOf } from './base-url.js';
import { BrowserPolicy, enforceBrowserPolicy, refusalBody, requestOf } from './browser-origins.js';
import { crossOriginResourceSharing } from './cors.js';
import { startEventLoopMonitor } from './event-loop-monitor.js';
import { serveGraphQLOverWebSocket } from './graphql-over-websocket.js';
import { healthRoutes } from './health-routes.js';
import { enforceQueryLimits } from './query-limits-plugin.js';
import { rejectHttpSubscriptions } from './reject-http-subscriptions.js';

export const GRAPHQL_PATH = '/graphql';

export interface HttpServer {
  url: string;
  close(): Promise<void>;
}

export interface HttpServerOptions {
  schema: GraphQLSchema;
  /** Everything of the context but the caller, who is authenticated per request or socket, and the operation's loaders. */
  context: SharedContext;
  authenticate: Authenticate;
  /** Which hosts and browser origins may reach the server. */
  browserPolicy: BrowserPolicy;
  /** HEADROOM_CORS_ORIGINS: pages on these origins may call every route from a browser (CORS). */
  corsOrigins: readonly string[];
  /** HEADROOM_PUBLIC_URL: the base of the absolute URLs the API returns; null: the request's own Host. */
  publicUrl: string | null;
  limits: Limits;
  /** Schema introspection for IDEs and code generators; off in production. */
  introspection: boolean;
  host: string;
  port: number;
  log: Log;
  /** Routes besides GraphQL (downloads, the IDE). */
  routes?: (app: express.Express) => void;
}

export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const { schema, context, authenticate, limits, log } = options;
  const app = express();
  const httpServer = http.createServer(app);
  // Reading a request may take a while (a 50 MB upload); answering it is bounded separately below.
  httpServer.requestTimeout = (limits.requestTimeoutSeconds + 60) * 1000;
  const wsServer = new WebSocketServer({
    server: httpServer,
    path: GRAPHQL_PATH,
    // Refused at the upgrade, before any GraphQL message: a socket is a state-changing channel, whatever its GET.
    verifyClient: ({ req }, done) => {
      const refusal = options.browserPolicy.refusal(requestOf(req, 'WEBSOCKET'));
      if (refusal) done(false, 403, JSON.stringify(refusalBody(refusal)), { 'Content-Type': 'application/json' });
      else done(true);
    },
  });
  const sockets = serveGraphQLOverWebSocket({ wsServer, schema, context, authenticate, limits, introspection: options.introspection, publicUrl: options.publicUrl, log });

  const apollo = new ApolloServer<GraphQLContext>({
    schema,
    introspection: options.introspection,
    formatError: (formatted, error) => formatError(formatted, error, log),
    // Apollo adds stack traces to errors unless NODE_ENV is production; they belong in the log only.
    includeStacktraceInErrorResponses: false,
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      { serverWillStart: async () => ({ drainServer: async () => sockets.dispose() }) },
      ApolloServerPluginLandingPageDisabled(),
      rejectHttpSubscriptions,
      enforceQueryLimits(limits),
    ],
  });
  await apollo.start();

  app.use(enforceBrowserPolicy(options.browserPolicy));
  app.use(crossOriginResourceSharing(options.corsOrigins));
  const eventLoop = startEventLoopMonitor();
  app.use(healthRoutes(eventLoop, authenticate));
  app.use(
    GRAPHQL_PATH,
    answerWithin(limits.requestTimeoutSeconds),
    // Room for the largest dataset allowed plus the JSON escaping of its quotes and newlines.
    express.json({ limit: Math.ceil(limits.maxUploadBytes * 1.6) + 1024 * 1024 }),
    expressMiddleware(apollo, {
      context: async ({ req }) => operationContext(context, await authenticate(req.headers.authorization), baseUrlOf(options.publicUrl, req)),
    }),
  );
  options.routes?.(app);
  app.use(bodyErrors(limits.maxUploadBytes));

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

/** A request still unanswered after `seconds` gets a TIMEOUT error (its database work is bounded by statement_timeout). */
function answerWithin(seconds: number): express.RequestHandler {
  return (_req, res, next) => {
    const timer = setTimeout(() => {
      if (res.headersSent) return;
      res.status(503).json({ errors: [{ message: `the request took longer than ${seconds} s and was abandoned; ask for less, or try again`, extensions: { code: 'TIMEOUT' } }] });
    }, seconds * 1000);
    res.on('close', () => clearTimeout(timer));
    next();
  };
}

/** A body that is too large or is not JSON still gets a GraphQL-shaped answer with a code. */
function bodyErrors(maxUploadBytes: number) {
  return (error: { status?: number; type?: string; message: string }, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (!error.status || error.status >= 500 || res.headersSent) return next(error);
    const code = error.type === 'entity.too.large' ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST';
    const message =
      code === 'PAYLOAD_TOO_LARGE'
        ? `the request body is too large; datasets may be up to ${Math.round(maxUploadBytes / 2 ** 20)} MB`
        : `the request body could not be read: ${error.message}`;
    res.status(error.status).json({ errors: [{ message, extensions: { code } }] });
  };
}

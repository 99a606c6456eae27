import { DocumentNode, getOperationAST, GraphQLError, GraphQLSchema, NoSchemaIntrospectionCustomRule, parse, specifiedRules, validate } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { WebSocketServer } from 'ws';
import { Principal } from '../auth/roles.js';
import { Limits } from '../config.js';
import { operationContext, SharedContext } from '../graphql/context.js';
import { formatError, withCode } from '../graphql/errors.js';
import { checkQueryLimits } from '../graphql/query-limits.js';
import { Log } from '../log.js';
import { Authenticate } from './authentication.js';
import { baseUrlOf } from './base-url.js';

/**
 * graphql-ws on the GraphQL path: subscriptions (and queries, for clients that want one socket).
 * The key travels in connection_init; a socket that fails it is closed before any operation.
 */
export function serveGraphQLOverWebSocket(options: {
  wsServer: WebSocketServer;
  schema: GraphQLSchema;
  context: SharedContext;
  authenticate: Authenticate;
  limits: Limits;
  introspection: boolean;
  /** HEADROOM_PUBLIC_URL, for the URLs operations return. */
  publicUrl: string | null;
  log: Log;
}) {
  const { schema, context, authenticate, limits, log } = options;
  const rules = options.introspection ? specifiedRules : [...specifiedRules, NoSchemaIntrospectionCustomRule];
  const format = (error: GraphQLError) => formatError(error.toJSON(), error, log);
  return useServer<Record<string, unknown> | undefined, { principal?: Principal }>(
    {
      schema,
      onConnect: async (ctx) => {
        const params = ctx.connectionParams ?? {};
        try {
          ctx.extra.principal = await authenticate(params.Authorization ?? params.authorization);
          return true;
        } catch {
          return false;
        }
      },
      // Parsed and validated here rather than by graphql-ws, which closes the socket on a syntax
      // error and gives its errors no code: each phase names its refusals as Apollo does over HTTP.
      onSubscribe: (_ctx, _id, payload) => {
        let document: DocumentNode;
        try {
          document = parse(payload.query);
        } catch (error) {
          if (error instanceof GraphQLError) return [withCode(error, 'GRAPHQL_PARSE_FAILED')];
          throw error;
        }
        const invalid = validate(schema, document, rules);
        if (invalid.length > 0) return invalid.map((error) => withCode(error, 'GRAPHQL_VALIDATION_FAILED'));
        if (!getOperationAST(document, payload.operationName)) {
          const message = payload.operationName ? `Unknown operation named "${payload.operationName}".` : 'Must provide operation name if query contains multiple operations.';
          return [new GraphQLError(message, { extensions: { code: 'BAD_REQUEST' } })];
        }
        const error = checkQueryLimits(schema, document, payload.operationName, payload.variables, limits);
        if (error) return [error];
        return { schema, document, operationName: payload.operationName, variableValues: payload.variables };
      },
      context: (ctx) => operationContext(context, ctx.extra.principal!, baseUrlOf(options.publicUrl, ctx.extra.request)),
      onError: (_ctx, _id, _payload, errors) => errors.map(format),
      onNext: (_ctx, _id, _payload, _args, result) => (result.errors ? { ...result, errors: result.errors.map(format) } : undefined),
    },
    options.wsServer,
  );
}

import { GraphQLError, GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { WebSocketServer } from 'ws';
import { GraphQLContext } from '../graphql/context.js';
import { formatError } from '../graphql/errors.js';
import { Log } from '../log.js';

/** graphql-ws on the GraphQL path: subscriptions (and queries, for clients that want one socket). */
export function serveGraphQLOverWebSocket(wsServer: WebSocketServer, schema: GraphQLSchema, context: GraphQLContext, log: Log) {
  const format = (error: GraphQLError) => formatError(error.toJSON(), error, log);
  return useServer(
    {
      schema,
      context: () => context,
      onError: (_ctx, _id, _payload, errors) => errors.map(format),
      onNext: (_ctx, _id, _payload, _args, result) => (result.errors ? { ...result, errors: result.errors.map(format) } : undefined),
    },
    wsServer,
  );
}

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { GraphQLInt, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { graphiqlRouter } from '../../src/server/graphiql.js';

/** What the browser test expects back from this server. */
export const TEST_GREETING = 'hello from the GraphiQL test server';
export const TEST_TICKS = [1, 2, 3];

/**
 * The smallest server shaped like Headroom's for the IDE: GraphQL over HTTP POST (Apollo) and
 * graphql-ws subscriptions, both at /graphql, plus the IDE at /graphiql. The browser test needs
 * only `url` and `close`, so it can be pointed at the real server instead.
 */
export interface GraphiqlTestServer {
  /** e.g. http://127.0.0.1:40123 */
  url: string;
  close(): Promise<void>;
}

const schema = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: 'Query',
    fields: { greeting: { type: new GraphQLNonNull(GraphQLString), resolve: () => TEST_GREETING } },
  }),
  subscription: new GraphQLObjectType({
    name: 'Subscription',
    fields: {
      tick: {
        type: new GraphQLNonNull(GraphQLInt),
        subscribe: async function* () {
          for (const tick of TEST_TICKS) yield { tick };
        },
      },
    },
  }),
});

export async function startGraphiqlTestServer(): Promise<GraphiqlTestServer> {
  const app = express();
  const httpServer = http.createServer(app);
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql' });
  const wsCleanup = useServer({ schema }, wsServer);
  const apollo = new ApolloServer({ schema, plugins: [ApolloServerPluginLandingPageDisabled()] });
  await apollo.start();

  app.use('/graphql', express.json(), expressMiddleware(apollo));
  app.use(graphiqlRouter());

  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = httpServer.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      await wsCleanup.dispose();
      await apollo.stop();
      httpServer.closeAllConnections();
      await new Promise<void>((resolve, reject) => httpServer.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

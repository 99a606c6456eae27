import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';

/**
 * Apollo Server would run a subscription sent by HTTP POST as a query and answer with a confusing
 * null; say plainly where subscriptions go instead.
 */
export const rejectHttpSubscriptions: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operation }) {
        if (operation?.operation === 'subscription') {
          throw new GraphQLError('Subscriptions need a WebSocket: connect with graphql-ws to the same /graphql path (ws:// or wss://).', {
            extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
          });
        }
      },
    };
  },
};

import type { ApolloServerPlugin } from '@apollo/server';
import { checkQueryLimits, QueryLimits } from '../graphql/query-limits.js';

/** Applies checkQueryLimits to every HTTP operation, once its variables are known. */
export function enforceQueryLimits(limits: QueryLimits): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, request }) {
          const error = checkQueryLimits(schema, document, request.operationName, request.variables, limits);
          if (error) throw error;
        },
      };
    },
  };
}

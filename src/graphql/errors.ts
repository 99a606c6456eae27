import { GraphQLError, GraphQLFormattedError } from 'graphql';
import { HeadroomError } from '../services/errors.js';

/**
 * Shapes every error a client sees. Errors the application raised on purpose keep their message and
 * gain `extensions.code` and `extensions.field`; errors GraphQL itself raised (syntax, validation,
 * variable coercion) keep theirs; anything else is a bug, reported as INTERNAL_SERVER_ERROR with
 * the details in the server log, not in the response.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown, log: (line: string) => void): GraphQLFormattedError {
  const original = error instanceof GraphQLError ? error.originalError : error;
  if (original instanceof HeadroomError) {
    return {
      ...formatted,
      extensions: { code: original.code, field: original.field, ...original.details },
    };
  }
  if (original === undefined || original === null || original instanceof GraphQLError) {
    return { ...formatted, extensions: { ...formatted.extensions, code: formatted.extensions?.code ?? 'BAD_REQUEST' } };
  }
  log(`internal error: ${(original as Error)?.stack ?? String(original)}`);
  return {
    message: 'Internal server error; the server log has the details',
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
}

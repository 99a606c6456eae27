import { ASTNode, GraphQLError, GraphQLFormattedError, Kind } from 'graphql';
import { HeadroomError } from '../services/errors.js';

/**
 * Shapes every error a client sees, over HTTP and graphql-ws alike. Errors the application raised on
 * purpose keep their message and gain `extensions.code` and `extensions.field`; errors GraphQL itself
 * raised (syntax, validation, variable coercion) keep theirs, with the code requestErrorCode gives;
 * anything else is a bug, reported as INTERNAL_SERVER_ERROR with the details in the server log, not
 * in the response.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown, log: (line: string) => void): GraphQLFormattedError {
  const original = error instanceof GraphQLError ? error.originalError : error;
  if (original instanceof HeadroomError) {
    return {
      ...formatted,
      extensions: { code: original.code, field: original.field, ...original.details },
    };
  }
  // A scalar that cannot parse a value may throw any error; the value is still the client's fault.
  const coercion = error instanceof GraphQLError && isCoercionFailure(error, formatted.extensions?.code);
  if (coercion || original === undefined || original === null || original instanceof GraphQLError) {
    return { ...formatted, extensions: { ...formatted.extensions, code: coercion ? 'BAD_USER_INPUT' : requestErrorCode(formatted.extensions?.code) } };
  }
  log(`internal error: ${(original as Error)?.stack ?? String(original)}`);
  return {
    message: 'Internal server error; the server log has the details',
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
}

/** The error with the code Apollo gives the phase that raised it (parse, validation) over HTTP, for graphql-ws to send the same. */
export function withCode(error: GraphQLError, code: string): GraphQLError {
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: { ...error.extensions, code },
  });
}

/**
 * Apollo names an operationName the document does not hold OPERATION_RESOLUTION_FAILURE, graphql-ws
 * names nothing: for a client both are a malformed request. Other codes stand as the phase gave them.
 */
function requestErrorCode(code: unknown): string {
  return typeof code === 'string' && code !== 'OPERATION_RESOLUTION_FAILURE' ? code : 'BAD_REQUEST';
}

/** Literals ValuesOfCorrectTypeRule checks: what it reports, and no other validation rule does, sits on one of these. */
const LITERAL_KINDS = new Set<string>([Kind.INT, Kind.FLOAT, Kind.STRING, Kind.BOOLEAN, Kind.NULL, Kind.ENUM, Kind.LIST, Kind.OBJECT, Kind.OBJECT_FIELD]);

/**
 * A value that cannot be coerced to its type, whether it came as a variable (refused while
 * executing, on the variable's definition) or inline (refused by validation, on the literal): the
 * same mistake, so the same code, BAD_USER_INPUT. Validation also reports unused variables on their
 * definitions; those are not values and stay GRAPHQL_VALIDATION_FAILED.
 */
function isCoercionFailure(error: GraphQLError, code: unknown): boolean {
  const nodes: readonly ASTNode[] = error.nodes ?? [];
  if (code === 'GRAPHQL_VALIDATION_FAILED') return nodes.length > 0 && LITERAL_KINDS.has(nodes[0].kind);
  return nodes.length === 1 && nodes[0].kind === Kind.VARIABLE_DEFINITION;
}

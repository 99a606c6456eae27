/**
 * Errors a caller can act on. The code is the stable contract clients switch on (GraphQL puts it in
 * `extensions.code`); the message names the field and the fix. Anything else that escapes is a bug
 * and surfaces as INTERNAL_SERVER_ERROR without details.
 */
export type ErrorCode = 'BAD_USER_INPUT' | 'NOT_FOUND' | 'CONFLICT' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'LIMIT_EXCEEDED';

export class HeadroomError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** The input field at fault, as a path such as `input.addLabels[2]`. */
    readonly field: string | null = null,
    /** Extra machine-readable facts, e.g. `{ reason: 'EMPTY_LABEL', line: 14 }`. */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'HeadroomError';
  }
}

export function badInput(field: string, message: string, details: Record<string, unknown> = {}): HeadroomError {
  return new HeadroomError('BAD_USER_INPUT', message, field, details);
}

export function notFound(what: string, id: string, field: string): HeadroomError {
  return new HeadroomError('NOT_FOUND', `${what} ${JSON.stringify(id)} does not exist; check ${field}`, field);
}

export function conflict(field: string, message: string): HeadroomError {
  return new HeadroomError('CONFLICT', message, field);
}

/** A PostgreSQL unique violation on `table`, as TypeORM passes on the driver's error. */
export function isUniqueViolation(error: unknown, table: string): boolean {
  const cause = (error as { driverError?: { code?: string; table?: string } } | null)?.driverError;
  return cause?.code === '23505' && cause.table === table;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isId(value: string): boolean {
  return UUID.test(value);
}

/** Ids are UUIDs; anything else is refused before it reaches a query (where it would be a database error). */
export function requireId(value: string, field: string): string {
  if (!isId(value)) throw badInput(field, `${field} is not an id Headroom issued (a UUID); got ${JSON.stringify(value.slice(0, 60))}`);
  return value;
}

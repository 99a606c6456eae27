import assert from 'node:assert/strict';
import { GraphQLResponse, TestServer } from './test-server.js';

/**
 * Codes a client can act on: the application's own, and those GraphQL gives malformed or invalid
 * operations. INTERNAL_SERVER_ERROR (a bug) and a missing code are not among them.
 */
const STABLE_CODES = new Set([
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'CONFLICT',
  'BAD_REQUEST',
  'PAYLOAD_TOO_LARGE',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'LIMIT_EXCEEDED',
  'QUERY_TOO_DEEP',
  'QUERY_TOO_COMPLEX',
]);

export type Outcome<T> = { accepted: true; data: T } | { accepted: false; codes: string[]; errors: NonNullable<GraphQLResponse['errors']> };

/** Every error has a stable code; with none, the answer is data. Fails with the request for replay. */
export function outcomeOf<T = Record<string, any>>(result: GraphQLResponse<T>, request: unknown): Outcome<T> {
  if (!result.errors?.length) {
    assert.ok(result.data, `no data and no errors for ${shorten(request)}`);
    return { accepted: true, data: result.data };
  }
  const codes = result.errors.map((error) => error.extensions?.code);
  for (const [i, error] of result.errors.entries()) {
    assert.ok(STABLE_CODES.has(codes[i]), `unstable error code ${codes[i]} (${error.message}) for ${shorten(request)}`);
    assert.equal(error.extensions?.stacktrace, undefined, `a stack trace in the response to ${shorten(request)}`);
  }
  return { accepted: false, codes, errors: result.errors };
}

/** A rejection whose every error has one of these codes. */
export function assertRejectedWith(outcome: Outcome<unknown>, ...codes: string[]): void {
  assert.equal(outcome.accepted, false, 'accepted');
  if (outcome.accepted) return;
  for (const error of outcome.errors) assert.ok(codes.includes(error.extensions?.code), `${error.extensions?.code} (${error.message}) is not ${codes.join(' or ')}`);
}

/** Rows per table that a mutation can write, pgboss's jobs included. */
export async function tableCounts(server: TestServer): Promise<Record<string, number>> {
  const tables = ['dataset', 'example', 'dataset_label', 'label_set', 'label', 'experiment', 'run', 'checkpoint', 'pgboss.job'];
  const [row] = await server.sql(`SELECT ${tables.map((table, i) => `(SELECT count(*)::int FROM ${table}) AS t${i}`).join(', ')}`);
  return Object.fromEntries(tables.map((table, i) => [table, row[`t${i}`]]));
}

/** Sends a mutation; a rejection must leave every table as it was. Returns the outcome and the counts before. */
export async function mutate<T = Record<string, any>>(
  server: TestServer,
  query: string,
  variables?: Record<string, unknown>,
): Promise<{ outcome: Outcome<T>; before: Record<string, number>; after: Record<string, number> }> {
  const before = await tableCounts(server);
  const outcome = outcomeOf(await server.graphql<T>(query, variables), { query, variables });
  const after = await tableCounts(server);
  if (!outcome.accepted) assert.deepEqual(after, before, `a rejected mutation wrote rows: ${shorten({ query, variables })}`);
  return { outcome, before, after };
}

/** The difference after - before, for the tables that changed. */
export function grewBy(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.keys(after).filter((table) => after[table] !== before[table]).map((table) => [table, after[table] - before[table]]));
}

/** The server still answers a plain query (after a property has thrown everything at it). */
export async function assertServerAnswers(server: TestServer): Promise<void> {
  const result = await server.graphql(`{ labelSets(first: 1) { totalCount } }`);
  assert.equal(result.errors, undefined, JSON.stringify(result.errors));
  assert.equal(typeof result.data?.labelSets.totalCount, 'number');
}

/** A request, shortened so a 10 MB CSV does not flood the failure message but replays from the seed. */
function shorten(request: unknown): string {
  const text = JSON.stringify(request);
  return text.length > 2000 ? `${text.slice(0, 2000)}... (${text.length} characters)` : text;
}

import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { badInput, isId } from './errors.js';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;
const MAX_POSITION = 2 ** 31 - 1;

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export interface Page<T> {
  nodes: T[];
  cursors: string[];
  hasNextPage: boolean;
  totalCount: number;
}

/**
 * Keyset pagination, newest first, over (created_at, id). The cursor names the last row seen, and
 * the next page starts strictly after that row's (created_at, id) as stored, so rows created within
 * the same millisecond (JavaScript dates are coarser than PostgreSQL's microseconds) are neither
 * skipped nor repeated.
 */
export async function pageNewestFirst<T extends ObjectLiteral & { id: string }>(
  query: SelectQueryBuilder<T>,
  args: PageArgs,
): Promise<Page<T>> {
  const size = pageSize(args.first);
  const alias = query.alias;
  const table = query.expressionMap.mainAlias!.metadata.tablePath;
  const totalCount = await query.clone().getCount();
  if (args.after) {
    const afterId = decodeCursor(args.after, table);
    if (!isId(afterId)) throw badInput('after', 'after is not a cursor this list returned; pass an endCursor from a previous page');
    const [found] = await query.connection.query(`SELECT 1 FROM "${table}" WHERE id = $1`, [afterId]);
    if (!found) throw badInput('after', 'the item this cursor points at no longer exists (deleted?); start again from the first page');
    query.andWhere(
      `(${alias}.created_at, ${alias}.id) < (SELECT c.created_at, c.id FROM "${table}" c WHERE c.id = :afterId)`,
      { afterId },
    );
  }
  const rows = await query
    .orderBy(`${alias}.created_at`, 'DESC')
    .addOrderBy(`${alias}.id`, 'DESC')
    .take(size + 1)
    .getMany();
  return toPage(rows.slice(0, size), rows.length > size, totalCount, (row) => encodeCursor(row.id, table));
}

/**
 * The first page of pageNewestFirst for each of many parents (runs per experiment), in two
 * statements whatever their number: one ranks the rows within each parent and counts them, one
 * reads the rows of the pages. Parents without rows get an empty page.
 */
export async function firstPagesNewestFirst<T extends ObjectLiteral & { id: string }>(
  query: SelectQueryBuilder<T>,
  parentColumn: string,
  parentIds: readonly string[],
  first: number | null | undefined,
): Promise<Map<string, Page<T>>> {
  const size = pageSize(first);
  const alias = query.alias;
  const table = query.expressionMap.mainAlias!.metadata.tablePath;
  const [ranking, parameters] = query
    .clone()
    .select(`${alias}.id`, 'id')
    .addSelect(`${alias}.${parentColumn}`, 'parent')
    .addSelect(`row_number() OVER (PARTITION BY ${alias}.${parentColumn} ORDER BY ${alias}.created_at DESC, ${alias}.id DESC)`, 'position')
    .addSelect(`count(*) OVER (PARTITION BY ${alias}.${parentColumn})::int`, 'total')
    .andWhere(`${alias}.${parentColumn} = ANY(:parentIds)`, { parentIds })
    .getQueryAndParameters();
  const ranked: Array<{ id: string; parent: string; total: number }> = await query.connection.query(
    `SELECT id, parent, total FROM (${ranking}) ranked WHERE position <= $${parameters.length + 1} ORDER BY parent, position`,
    [...parameters, size + 1],
  );
  const rows = ranked.length === 0 ? [] : await query.clone().andWhere(`${alias}.id = ANY(:pageIds)`, { pageIds: ranked.map((row) => row.id) }).getMany();
  const byId = new Map(rows.map((row) => [row.id, row]));
  const byParent = new Map<string, typeof ranked>(parentIds.map((parent) => [parent, []]));
  for (const row of ranked) byParent.get(row.parent)!.push(row);
  return new Map(
    [...byParent].map(([parent, inParent]) => {
      const nodes = inParent.slice(0, size).map((row) => byId.get(row.id)!);
      return [parent, toPage(nodes, inParent.length > size, inParent[0]?.total ?? 0, (row) => encodeCursor(row.id, table))];
    }),
  );
}

/** Keyset pagination over a unique integer column in ascending order (examples by file position). */
export async function pageByPosition<T extends ObjectLiteral>(
  query: SelectQueryBuilder<T>,
  column: string,
  position: (row: T) => number,
  args: PageArgs,
): Promise<Page<T>> {
  const size = pageSize(args.first);
  const table = query.expressionMap.mainAlias!.metadata.tablePath;
  const totalCount = await query.clone().getCount();
  if (args.after) {
    const key = decodeCursor(args.after, table);
    const after = Number(key);
    // Positions are PostgreSQL integers: anything else would fail in the query, not here.
    if (!/^\d{1,10}$/.test(key) || after > MAX_POSITION) throw badInput('after', 'after is not a cursor this list returned; pass an endCursor from a previous page');
    query.andWhere(`${query.alias}.${column} > :after`, { after });
  }
  const rows = await query.orderBy(`${query.alias}.${column}`, 'ASC').take(size + 1).getMany();
  return toPage(rows.slice(0, size), rows.length > size, totalCount, (row) => encodeCursor(String(position(row)), table));
}

function toPage<T>(nodes: T[], hasNextPage: boolean, totalCount: number, cursor: (row: T) => string): Page<T> {
  return { nodes, cursors: nodes.map(cursor), hasNextPage, totalCount };
}

function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw badInput('first', `first must be a whole number from 1 to ${MAX_PAGE_SIZE}; got ${first}`);
  }
  return first;
}

/** Cursors name their table, so a cursor from one list passed to another is refused, not misread. */
function encodeCursor(key: string, table: string): string {
  return Buffer.from(`${table}:${key}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string, table: string): string {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!decoded.startsWith(`${table}:`)) {
    throw badInput('after', 'after is not a cursor this list returned; pass an endCursor from a previous page of the same list');
  }
  return decoded.slice(table.length + 1);
}

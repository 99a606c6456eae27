import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

/** A connection of the test's own to a server's database: to hold locks and see who waits for them. */
export async function openSession(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/**
 * Backends of this database waiting for a lock, in a statement containing `text`. Ask from a
 * session outside any transaction: inside one, PostgreSQL shows activity as it was at its first look.
 */
export async function lockWaiters(observer: pg.Client, text: string): Promise<number> {
  const { rows } = await observer.query(
    `SELECT count(*)::int AS waiting FROM pg_stat_activity
     WHERE datname = current_database() AND wait_event_type = 'Lock' AND position($1 in query) > 0`,
    [text],
  );
  return rows[0].waiting;
}

/**
 * Backends waiting for a lock on `table`. Unlike lockWaiters, it does not depend on a statement's
 * text, which pg_stat_activity cuts at track_activity_query_size (1 kB): a select of every column
 * of a wide table can lose its tail (FOR UPDATE SKIP LOCKED) there.
 */
export async function tableLockWaiters(observer: pg.Client, table: string): Promise<number> {
  const { rows } = await observer.query(
    `SELECT count(DISTINCT pid)::int AS waiting FROM pg_locks WHERE locktype = 'relation' AND relation = $1::regclass AND NOT granted`,
    [table],
  );
  return rows[0].waiting;
}

/** Checks `condition` until it holds: a state to reach, polled because PostgreSQL announces none. */
export async function eventually(condition: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`still not ${what} after ${timeoutMs} ms`);
    await sleep(20);
  }
}

/** What the server's NOTIFYs on `channel` carry, in commit order, from a LISTEN of the test's own. */
export async function listenTo(url: string, channel: string) {
  const session = await openSession(url);
  const payloads: string[] = [];
  let arrived = () => {};
  session.on('notification', ({ payload }) => {
    payloads.push(payload ?? '');
    arrived();
  });
  // LISTEN is in force once it returns: every NOTIFY committed after this is heard.
  await session.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
  return {
    payloads,
    /** Waits until a payload satisfies `matches`, and returns every payload heard so far. */
    async until(matches: (payload: string) => boolean): Promise<string[]> {
      while (!payloads.some(matches)) await new Promise<void>((resolve) => (arrived = resolve));
      return payloads;
    },
    close: () => session.end(),
  };
}

import { DataSource } from 'typeorm';
import { Config } from '../config.js';
import { createDataSource } from './data-source.js';
import { EmbeddedPostgres, runningEmbeddedPostgresUrl, startEmbeddedPostgres } from './embedded-postgres.js';

/** A migrated database connection, and the embedded server behind it when Headroom started one. */
export interface Database {
  dataSource: DataSource;
  url: string;
  close(): Promise<void>;
}

/** Any number for the advisory lock that serialises migrations; only Headroom processes take it. */
const MIGRATION_LOCK = 7_246_812;

/**
 * TypeORM takes no lock of its own, so an API and a worker starting together could both apply the
 * same migration; the second one waits here and then finds nothing left to do.
 */
async function migrateExclusively(dataSource: DataSource) {
  const lock = dataSource.createQueryRunner();
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    return await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await lock.release();
  }
}

export async function openDatabase(
  config: Pick<Config, 'databaseUrl' | 'home' | 'embeddedPostgresPort' | 'limits'>,
  log: (line: string) => void,
): Promise<Database> {
  let embedded: EmbeddedPostgres | null = null;
  if (!config.databaseUrl) embedded = await startEmbeddedPostgres(config.home, log, config.embeddedPostgresPort);
  const url = config.databaseUrl ?? embedded!.url;
  const dataSource = createDataSource(url, config.limits.requestTimeoutSeconds * 1000);
  try {
    await dataSource.initialize();
    for (const migration of await migrateExclusively(dataSource)) log(`applied migration ${migration.name}`);
  } catch (error) {
    if (dataSource.isInitialized) await dataSource.destroy();
    await embedded?.stop();
    throw error;
  }
  return {
    dataSource,
    url,
    async close() {
      await dataSource.destroy();
      await embedded?.stop();
    },
  };
}

/**
 * The database for a one-off command (migrate, keys): DATABASE_URL, else the embedded server a
 * running `headroom serve` holds in HEADROOM_HOME, else an embedded server started just for it.
 */
export function openDatabaseForCommand(
  config: Pick<Config, 'databaseUrl' | 'home' | 'embeddedPostgresPort' | 'limits'>,
  log: (line: string) => void,
): Promise<Database> {
  return openDatabase({ ...config, databaseUrl: config.databaseUrl ?? runningEmbeddedPostgresUrl(config.home) }, log);
}

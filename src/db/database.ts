import { DataSource } from 'typeorm';
import { Config } from '../config.js';
import { createDataSource } from './data-source.js';
import { EmbeddedPostgres, startEmbeddedPostgres } from './embedded-postgres.js';

/** A migrated database connection, and the embedded server behind it when Headroom started one. */
export interface Database {
  dataSource: DataSource;
  url: string;
  close(): Promise<void>;
}

export async function openDatabase(config: Pick<Config, 'databaseUrl' | 'home'>, log: (line: string) => void): Promise<Database> {
  let embedded: EmbeddedPostgres | null = null;
  if (!config.databaseUrl) embedded = await startEmbeddedPostgres(config.home, log);
  const url = config.databaseUrl ?? embedded!.url;
  const dataSource = createDataSource(url);
  try {
    await dataSource.initialize();
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    for (const migration of applied) log(`applied migration ${migration.name}`);
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

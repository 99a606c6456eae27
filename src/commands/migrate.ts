import { readConfig } from '../config.js';
import { openDatabaseForCommand } from '../db/database.js';
import { createLog } from '../log.js';

/** `headroom migrate`: applies pending migrations (opening the database does) and exits. */
export async function migrate(): Promise<void> {
  const log = createLog('migrate');
  const database = await openDatabaseForCommand(readConfig(), log);
  const pending = await database.dataSource.showMigrations();
  log(pending ? 'migrations still pending' : 'database schema is up to date');
  await database.close();
}

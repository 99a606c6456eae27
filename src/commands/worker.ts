import { startCore } from '../app.js';
import { readConfig } from '../config.js';
import { runningEmbeddedPostgresUrl } from '../db/embedded-postgres.js';
import { createLog } from '../log.js';
import { onShutdownSignal } from './shutdown.js';

/**
 * `headroom worker`: a process that only trains. Run any number, on any machine that reaches the
 * database and shares the artifact folder. Without DATABASE_URL it joins the embedded PostgreSQL
 * that `headroom serve` started in the same HEADROOM_HOME.
 */
export async function worker(): Promise<void> {
  const log = createLog('worker');
  const config = readConfig();
  const databaseUrl = config.databaseUrl ?? runningEmbeddedPostgresUrl(config.home);
  if (!databaseUrl) {
    throw new Error(`No database: set DATABASE_URL, or start \`headroom serve\` with HEADROOM_HOME=${config.home} first`);
  }
  if (config.workers === 0) throw new Error('HEADROOM_WORKERS=0 leaves a worker with nothing to do; unset it or give a number of threads');
  const core = await startCore({ ...config, databaseUrl }, log);
  log(`waiting for training jobs (pid ${process.pid})`);
  onShutdownSignal(log, () => core.close());
}

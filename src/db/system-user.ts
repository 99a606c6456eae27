import { execFileSync } from 'node:child_process';
import os from 'node:os';

export interface ProcessIdentity {
  uid?: number;
  gid?: number;
}

const POSTGRES_USER = 'postgres';

/**
 * PostgreSQL refuses to run as root. When Headroom itself runs as root (containers, CI), the server
 * runs as a `postgres` system user, created on first use.
 */
export function identityForPostgres(): ProcessIdentity {
  if (os.userInfo().uid !== 0) return {};
  if (!userExists(POSTGRES_USER)) {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', POSTGRES_USER], { stdio: 'pipe' });
  }
  const uid = Number(execFileSync('id', ['-u', POSTGRES_USER], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', POSTGRES_USER], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

function userExists(name: string): boolean {
  try {
    execFileSync('id', ['-u', name], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

import { execFileSync, spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';

export interface ProcessIdentity {
  uid?: number;
  gid?: number;
}

export const POSTGRES_USER = 'postgres';

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

/**
 * The first of the folders leading to `target`, or `target` itself, that `identity` cannot enter
 * (a folder) or run (a file); null when it reaches it. Asked of the system as that user, with the
 * groups a process spawned as it gets, so permissions, ACLs and mounts count as they will for the
 * server.
 */
export function firstUnreachable(identity: ProcessIdentity, target: string): string | null {
  const resolved = path.resolve(target);
  const steps: string[] = [];
  for (let step = resolved; ; step = path.dirname(step)) {
    steps.unshift(step);
    if (step === path.dirname(step)) break;
  }
  const result = spawnSync('sh', ['-c', 'for step do [ -x "$step" ] || { printf %s "$step"; exit 1; }; done', 'sh', ...steps], { ...identity, encoding: 'utf8' });
  if (result.error) throw result.error;
  return result.status === 0 ? null : result.stdout;
}

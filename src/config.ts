import os from 'node:os';
import path from 'node:path';

/** Every environment variable Headroom reads, in one place, so README and code cannot drift apart. */
export interface Config {
  /** HTTP port; 0 picks a free one (tests). */
  port: number;
  host: string;
  /** A PostgreSQL URL, or null to run an embedded PostgreSQL under `home`. */
  databaseUrl: string | null;
  /** Folder for the embedded database and artifacts. */
  home: string;
  /** TensorFlow.js backend preference. */
  tfjsBackend: string;
  /** Training threads inside this process: the API's own workers, or `headroom worker`'s. */
  workers: number;
  /** How often a training worker says it is alive; five missed beats and its run is retried. */
  heartbeatSeconds: number;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    port: readInteger(env, 'PORT', 4000, 0, 65535),
    host: env.HOST?.trim() || '127.0.0.1',
    databaseUrl: env.DATABASE_URL?.trim() || null,
    home: path.resolve(env.HEADROOM_HOME?.trim() || '.headroom'),
    tfjsBackend: env.TFJS_BACKEND?.trim() || 'auto',
    workers: readInteger(env, 'HEADROOM_WORKERS', os.availableParallelism(), 0, 256),
    heartbeatSeconds: readNumber(env, 'HEADROOM_HEARTBEAT_SECONDS', 2, 0.1, 60),
  };
}

function readInteger(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const value = readNumber(env, name, fallback, min, max);
  if (!Number.isInteger(value)) throw new Error(`${name}=${env[name]} is not valid: use a whole number from ${min} to ${max}`);
  return value;
}

function readNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) throw new Error(`${name}=${raw} is not valid: use a number from ${min} to ${max}`);
  return value;
}

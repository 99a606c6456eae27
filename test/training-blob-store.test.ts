import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BLOBS_FOLDER, BlobStore, unsharedBytes } from '../src/training/blob-store.js';
import { assertBlobsComplete, diskUsage } from './support/disk-usage.js';

let root: string;
before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'headroom-blobs-'));
});
after(() => fs.rm(root, { recursive: true, force: true }));

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const inode = async (file: string) => (await fs.stat(file)).ino;

/** A fresh store in a folder of its own, with `folders` empty folders beside it to write into. */
async function storeWith(name: string, folders: string[]): Promise<{ store: BlobStore; at: (folder: string, file: string) => string }> {
  const parent = path.join(root, name);
  for (const folder of folders) await fs.mkdir(path.join(parent, folder), { recursive: true });
  return { store: new BlobStore(path.join(parent, BLOBS_FOLDER)), at: (folder, file) => path.join(parent, folder, file) };
}

test('identical files are stored once, whatever their chunks; different ones apart', async () => {
  const { store, at } = await storeWith('once', ['a', 'b']);
  const bytes = Buffer.alloc(300_000, 7);
  const first = await store.writeFile(at('a', 'table.bin'), [bytes]);
  const second = await store.writeFile(at('b', 'table.bin'), [bytes.subarray(0, 1000), bytes.subarray(1000)]);
  assert.deepEqual(first, { bytes: bytes.length, sha256: sha256(bytes), reused: false });
  assert.deepEqual(second, { ...first, reused: true });
  assert.equal(await inode(at('a', 'table.bin')), await inode(at('b', 'table.bin')));
  assert.equal((await fs.stat(at('a', 'table.bin'))).nlink, 3, 'two folders and the store');

  const other = await store.writeFile(at('b', 'head.bin'), [Buffer.from('another head')]);
  assert.equal(other.reused, false);
  assert.equal((await fs.stat(at('b', 'head.bin'))).nlink, 2);
  assert.deepEqual((await fs.readdir(store.folder)).sort(), [first.sha256, other.sha256].sort());
  // b shares its table with a: only its head is its own.
  assert.equal(await unsharedBytes(path.dirname(at('b', 'x'))), 'another head'.length);
  await assert.rejects(store.writeFile(at('b', 'head.bin'), [Buffer.from('x')]), /EEXIST/);
});

test('a damaged file under a blob\'s name (cut short as by a crash, or one bit flipped) is never linked: the write stores good bytes and replaces it', async () => {
  const bytes = Buffer.alloc(200_000);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919) % 251;
  const damages: Array<[string, (good: Buffer) => Buffer]> = [
    ['truncated', (good) => good.subarray(0, good.length / 2)],
    ['flipped', (good) => { const bad = Buffer.from(good); bad[12345] ^= 0x10; return bad; }],
  ];
  for (const [name, damage] of damages) {
    const { store, at } = await storeWith(`damaged-${name}`, ['a']);
    await fs.mkdir(store.folder);
    await fs.writeFile(path.join(store.folder, sha256(bytes)), damage(bytes));
    const written = await store.writeFile(at('a', 'shard.bin'), [bytes]);
    assert.equal(written.reused, false, name);
    assert.ok((await fs.readFile(at('a', 'shard.bin'))).equals(bytes), name);
    await assertBlobsComplete(store.folder);
    assert.equal(await inode(path.join(store.folder, sha256(bytes))), await inode(at('a', 'shard.bin')), `${name}: the good bytes are the blob now`);
  }
});

test('a sweep frees the blobs no folder links any more and keeps the shared ones: the disk space comes back', async () => {
  const { store, at } = await storeWith('sweep', ['base']);
  const table = Buffer.alloc(1_000_000, 1);
  const empty = await diskUsage(path.dirname(store.folder));
  await store.writeFile(at('base', 'table.bin'), [table]);
  await store.writeFile(at('base', 'head.bin'), [Buffer.alloc(4000, 2)]);
  const withBase = await diskUsage(path.dirname(store.folder));
  await fs.mkdir(path.dirname(at('child', 'x')));
  await store.writeFile(at('child', 'table.bin'), [table]);
  await store.writeFile(at('child', 'head.bin'), [Buffer.alloc(4000, 3)]);
  const withChild = await diskUsage(path.dirname(store.folder));
  assert.ok(withChild - withBase < 100_000, `the child added ${withChild - withBase} bytes; it shares the table`);

  assert.equal(await store.sweep(), 0, 'every blob is in use');
  await fs.rm(path.dirname(at('child', 'x')), { recursive: true });
  assert.equal(await store.sweep(), 4000, 'the child\'s head alone');
  assert.equal(await diskUsage(path.dirname(store.folder)), withBase);
  assert.ok((await fs.readFile(at('base', 'table.bin'))).equals(table), 'the shared table stays');
  await fs.rm(path.dirname(at('base', 'x')), { recursive: true });
  assert.equal(await store.sweep(), table.length + 4000);
  assert.deepEqual(await fs.readdir(store.folder), []);
  assert.ok(await diskUsage(path.dirname(store.folder)) <= empty + 4096, 'only the empty store folder is left');
});

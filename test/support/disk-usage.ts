import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * What `du` says a folder takes: the blocks allocated to every file and folder below it, a file
 * with several hard links below it counted once. 0 for a folder that does not exist.
 */
export async function diskUsage(folder: string): Promise<number> {
  const seen = new Set<string>();
  let bytes = 0;
  const visit = async (entry: string): Promise<void> => {
    const stat = await fs.lstat(entry);
    const inode = `${stat.dev}:${stat.ino}`;
    if (seen.has(inode)) return;
    seen.add(inode);
    bytes += stat.blocks * 512;
    if (stat.isDirectory()) for (const name of await fs.readdir(entry)) await visit(path.join(entry, name));
  };
  try {
    await visit(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  return bytes;
}

/** Every file of a blob store is complete: named by the SHA-256 of its bytes, no temporary name left. */
export async function assertBlobsComplete(store: string): Promise<void> {
  const names = await fs.readdir(store).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  for (const name of names) {
    const digest = createHash('sha256').update(await fs.readFile(path.join(store, name))).digest('hex');
    assert.equal(digest, name, `blob ${name} holds other bytes than its name says`);
  }
}

import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/** fs calls move at most 2 GiB at a time; staying well under keeps any file size working. */
const MAX_IO_BYTES = 2 ** 30;

export async function writeAll(handle: fs.FileHandle, bytes: Uint8Array): Promise<void> {
  for (let done = 0; done < bytes.length;) {
    const { bytesWritten } = await handle.write(bytes, done, Math.min(bytes.length - done, MAX_IO_BYTES));
    done += bytesWritten;
  }
}

export async function readAll(handle: fs.FileHandle, into: Uint8Array, position: number, file: string): Promise<void> {
  for (let done = 0; done < into.length;) {
    const { bytesRead } = await handle.read(into, done, Math.min(into.length - done, MAX_IO_BYTES), position + done);
    if (bytesRead === 0) throw new Error(`file ${file} ended early while reading it`);
    done += bytesRead;
  }
}

/** Writes a new file of the chunks one after the other, fsynced, failing if it exists. */
export async function writeNewFile(file: string, chunks: readonly Uint8Array[]): Promise<void> {
  const handle = await fs.open(file, 'wx');
  try {
    for (const chunk of chunks) await writeAll(handle, chunk);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function syncFolder(folder: string): Promise<void> {
  const handle = await fs.open(folder, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.lstat(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/**
 * Creates `folder` (which must not exist; its parent is made if needed) with whatever `fill`
 * writes into it, all or nothing: `fill` writes into a hidden sibling, which is fsynced and
 * renamed into place, so `folder` either holds everything or does not exist. A crash can leave a
 * `.<name>.partial-<uuid>` sibling behind; it is never read, and safe to delete.
 */
export async function writeFolderAtomically<T>(folder: string, fill: (partial: string) => Promise<T>): Promise<T> {
  if (await exists(folder)) throw new Error(`checkpoint folder ${folder} already exists; checkpoints are written once`);
  const parent = path.dirname(path.resolve(folder));
  await fs.mkdir(parent, { recursive: true });
  const partial = path.join(parent, `.${path.basename(folder)}.partial-${randomUUID()}`);
  await fs.mkdir(partial);
  let result: T;
  try {
    result = await fill(partial);
    await syncFolder(partial);
    await fs.rename(partial, folder);
  } catch (error) {
    await fs.rm(partial, { recursive: true, force: true });
    throw error;
  }
  // Makes the rename itself durable; the folder is complete either way.
  await syncFolder(parent);
  return result;
}

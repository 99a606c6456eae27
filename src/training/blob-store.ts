/**
 * Content-addressed storage for the files of checkpoint folders, so that checkpoints store what
 * their run changed and share the rest: a head-only expansion shares its parent's encoder.
 *
 * The checkpoint folders in one folder share a store beside them, `<folder>/.blobs`, holding each
 * distinct file once under the SHA-256 of its bytes. A checkpoint's files are hard links to those
 * blobs, so file formats, loaders and downloads see ordinary files, `du` counts shared bytes once,
 * and a blob's link count says who uses it: a blob linked by no checkpoint folder any more has a
 * link count of 1 and is garbage (sweep).
 *
 * A blob is published only complete: its bytes are written and fsynced into the checkpoint folder
 * being filled, then linked into the store under a temporary name and renamed onto its hash, so a
 * crash leaves no part-written file under a blob's name. A blob is verified (size and SHA-256)
 * before a write reuses it, so a damaged one is replaced, never linked into a new checkpoint.
 *
 * Where hard links are not available (the store on another file system, or one without links) the
 * file stays a plain copy: nothing is shared, and nothing else changes.
 */
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { readAll, writeNewFile } from './atomic-folder.js';

export const BLOBS_FOLDER = '.blobs';

/** A file as a blob: its bytes, its SHA-256 (lowercase hex) and whether an existing blob was reused. */
export interface BlobFile {
  bytes: number;
  sha256: string;
  reused: boolean;
}

/** Errors of link(2) that mean "no hard link here", not a fault: another file system, none supported, too many links. */
const NO_LINK = new Set(['EXDEV', 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EMLINK']);
const VERIFY_CHUNK_BYTES = 8 * 2 ** 20;

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code;
}

/** The store the checkpoint folder `folder` shares: in the folder that holds it. */
export function blobStoreOf(folder: string): BlobStore {
  return new BlobStore(path.join(path.dirname(path.resolve(folder)), BLOBS_FOLDER));
}

export class BlobStore {
  constructor(readonly folder: string) {}

  /**
   * Creates `file` (which must not exist) with the bytes of `chunks` one after the other: a link
   * to an identical blob when the store has one, otherwise a new file that becomes the blob. The
   * chunks must not change until the promise settles.
   */
  async writeFile(file: string, chunks: readonly Uint8Array[]): Promise<BlobFile> {
    const hash = createHash('sha256');
    for (const chunk of chunks) hash.update(chunk);
    const sha256 = hash.digest('hex');
    const bytes = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    const blob = path.join(this.folder, sha256);
    if (await this.holds(blob, bytes, sha256)) {
      try {
        await fs.link(blob, file);
        return { bytes, sha256, reused: true };
      } catch (error) {
        // ENOENT: swept since it was verified; the bytes are written below instead.
        if (errorCode(error) !== 'ENOENT' && !NO_LINK.has(errorCode(error)!)) throw error;
      }
    }
    await writeNewFile(file, chunks);
    await this.publish(file, blob);
    return { bytes, sha256, reused: false };
  }

  /**
   * Removes the blobs no checkpoint folder links any more; returns the bytes freed. Safe while
   * others write: a blob being published or reused is linked from the folder being filled.
   */
  async sweep(): Promise<number> {
    let names: string[];
    try {
      names = await fs.readdir(this.folder);
    } catch (error) {
      // No store (yet), or no folder it could be in.
      if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return 0;
      throw error;
    }
    let freed = 0;
    for (const name of names) {
      const blob = path.join(this.folder, name);
      const stat = await fs.lstat(blob).catch((error: unknown) => {
        if (errorCode(error) === 'ENOENT') return null;
        throw error;
      });
      if (stat === null || !stat.isFile() || stat.nlink > 1) continue;
      await fs.rm(blob, { force: true });
      freed += stat.size;
    }
    return freed;
  }

  /** Whether `blob` exists with exactly these bytes: a damaged or foreign file is not reused. */
  private async holds(blob: string, bytes: number, sha256: string): Promise<boolean> {
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(blob, 'r');
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return false;
      throw error;
    }
    try {
      const stat = await handle.stat();
      if (!stat.isFile() || stat.size !== bytes) return false;
      const hash = createHash('sha256');
      const buffer = new Uint8Array(Math.min(bytes, VERIFY_CHUNK_BYTES));
      for (let position = 0; position < bytes; position += buffer.length) {
        const part = buffer.subarray(0, Math.min(buffer.length, bytes - position));
        await readAll(handle, part, position, blob);
        hash.update(part);
      }
      return hash.digest('hex') === sha256;
    } finally {
      await handle.close();
    }
  }

  /** Makes the complete, fsynced `file` the blob `blob`, replacing a damaged one atomically. */
  private async publish(file: string, blob: string): Promise<void> {
    await fs.mkdir(this.folder, { recursive: true });
    const incoming = path.join(this.folder, `.incoming-${randomUUID()}`);
    try {
      await fs.link(file, incoming);
    } catch (error) {
      if (NO_LINK.has(errorCode(error)!)) return;
      throw error;
    }
    try {
      await fs.rename(incoming, blob);
    } catch (error) {
      await fs.rm(incoming, { force: true });
      throw error;
    }
  }
}

/**
 * Bytes of the files of a checkpoint folder that no other checkpoint shares: what removing the
 * folder (and sweeping its store) frees. A file linked from the store and this folder alone has
 * two links; a plain copy (no hard links available) has one.
 */
export async function unsharedBytes(folder: string): Promise<number> {
  let total = 0;
  for (const name of await fs.readdir(folder)) {
    const stat = await fs.lstat(path.join(folder, name));
    if (stat.isFile() && stat.nlink <= 2) total += stat.size;
  }
  return total;
}

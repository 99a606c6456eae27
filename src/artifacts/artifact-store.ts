import fs from 'node:fs/promises';
import path from 'node:path';
import { BLOBS_FOLDER, BlobStore, unsharedBytes } from '../training/blob-store.js';
import { huggingFaceExportFiles } from '../training/huggingface/single-file-export.js';

const CHECKPOINTS = 'checkpoints';

/**
 * Where checkpoint folders live: `<HEADROOM_HOME>/artifacts`, shared by the API and every worker
 * (a shared volume when they run on several machines). The database stores paths relative to the
 * root, so the store can move. Checkpoint folders share identical files through the blob store
 * beside them, `checkpoints/.blobs` (training/blob-store.ts), which every checkpoint write uses.
 */
export class ArtifactStore {
  readonly root: string;
  /** The blobs of the checkpoint folders: what saveCheckpoint shares files through for folders in `checkpoints/`. */
  readonly blobs: BlobStore;

  constructor(home: string) {
    this.root = path.join(home, 'artifacts');
    this.blobs = new BlobStore(path.join(this.root, CHECKPOINTS, BLOBS_FOLDER));
  }

  /** The relative path a new checkpoint with this id is written to. */
  checkpointPath(checkpointId: string): string {
    return path.posix.join(CHECKPOINTS, checkpointId);
  }

  /** Frozen-encoder features shared by every training thread and worker process (files keyed by model and texts). */
  featuresFolder(): string {
    return this.absolute('features');
  }

  /** Where an upload in progress is received; removed when its request ends. */
  uploadFolder(uploadId: string): string {
    return this.absolute(path.posix.join('uploads', uploadId));
  }

  absolute(relativePath: string): string {
    const resolved = path.resolve(this.root, relativePath);
    if (!resolved.startsWith(this.root + path.sep)) throw new Error(`artifact path ${relativePath} leaves the artifact store`);
    return resolved;
  }

  /** Removes the folders (or files), then the blobs that nothing uses any more: what they alone held is freed. */
  async remove(...relativePaths: string[]): Promise<void> {
    await Promise.all(relativePaths.map((relative) => fs.rm(this.absolute(relative), { recursive: true, force: true })));
    await this.blobs.sweep();
  }

  /** Bytes of a checkpoint folder that no other checkpoint shares: what removing it frees. */
  unsharedBytes(relativePath: string): Promise<number> {
    return unsharedBytes(this.absolute(relativePath));
  }

  /**
   * The files of a checkpoint folder with their sizes: model.json and the weight files its
   * manifest lists (an embedding-bag model), or every file of the folder (a BERT model: config,
   * weight shards and their index, tokenizer files, headroom.json).
   */
  async checkpointFiles(folder: string): Promise<Array<{ name: string; sizeBytes: number }>> {
    const sizeOf = async (name: string) => ({ name, sizeBytes: (await fs.stat(path.join(folder, name))).size });
    let modelJson: string;
    try {
      modelJson = await fs.readFile(path.join(folder, 'model.json'), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      return Promise.all((await fs.readdir(folder)).sort().map(sizeOf));
    }
    const { weightFiles } = JSON.parse(modelJson) as { weightFiles: Array<{ path: string; bytes: number }> };
    return [await sizeOf('model.json'), ...weightFiles.map((file) => ({ name: file.path, sizeBytes: file.bytes }))];
  }

  /**
   * The files of a BERT checkpoint as a Hugging Face folder (what from_pretrained loads): the
   * checkpoint's files without Headroom's own description, its weight shards as one
   * model.safetensors. Null for an embedding-bag checkpoint, which has no Hugging Face form.
   */
  async huggingFaceFiles(checkpoint: { encoder: Record<string, unknown>; artifactPath: string }): Promise<Array<{ name: string; sizeBytes: number }> | null> {
    if (checkpoint.encoder.kind !== 'bert') return null;
    return huggingFaceExportFiles(this.absolute(checkpoint.artifactPath));
  }
}

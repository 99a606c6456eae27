import fs from 'node:fs/promises';
import path from 'node:path';
import { BERT_CHECKPOINT_JSON } from '../training/index.js';

/**
 * Where checkpoint folders live: `<HEADROOM_HOME>/artifacts`, shared by the API and every worker
 * (a shared volume when they run on several machines). The database stores paths relative to the
 * root, so the store can move.
 */
export class ArtifactStore {
  readonly root: string;

  constructor(home: string) {
    this.root = path.join(home, 'artifacts');
  }

  /** The relative path a new checkpoint with this id is written to. */
  checkpointPath(checkpointId: string): string {
    return path.posix.join('checkpoints', checkpointId);
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

  async remove(relativePath: string): Promise<void> {
    await fs.rm(this.absolute(relativePath), { recursive: true, force: true });
  }

  /**
   * The files of a checkpoint folder with their sizes: model.json and the weight files its
   * manifest lists (an embedding-bag model), or the Hugging Face folder's files (a BERT model).
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
   * checkpoint's files without Headroom's own description. Null for an embedding-bag checkpoint,
   * which has no Hugging Face form.
   */
  async huggingFaceFiles(checkpoint: { encoder: Record<string, unknown>; artifactPath: string }): Promise<Array<{ name: string; sizeBytes: number }> | null> {
    if (checkpoint.encoder.kind !== 'bert') return null;
    const files = await this.checkpointFiles(this.absolute(checkpoint.artifactPath));
    return files.filter((file) => file.name !== BERT_CHECKPOINT_JSON);
  }
}

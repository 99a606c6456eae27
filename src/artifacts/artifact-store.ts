import fs from 'node:fs/promises';
import path from 'node:path';

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

  absolute(relativePath: string): string {
    const resolved = path.resolve(this.root, relativePath);
    if (!resolved.startsWith(this.root + path.sep)) throw new Error(`artifact path ${relativePath} leaves the artifact store`);
    return resolved;
  }

  async remove(relativePath: string): Promise<void> {
    await fs.rm(this.absolute(relativePath), { recursive: true, force: true });
  }

  /** model.json of a checkpoint folder and the weight files its manifest lists, with their sizes. */
  async checkpointFiles(folder: string): Promise<Array<{ name: string; sizeBytes: number }>> {
    const modelJson = JSON.parse(await fs.readFile(path.join(folder, 'model.json'), 'utf8')) as { weightFiles: Array<{ path: string; bytes: number }> };
    const { size } = await fs.stat(path.join(folder, 'model.json'));
    return [{ name: 'model.json', sizeBytes: size }, ...modelJson.weightFiles.map((file) => ({ name: file.path, sizeBytes: file.bytes }))];
  }
}

import { loadCheckpoint } from './checkpoint.js';
import { Classifier } from './model.js';

/**
 * The last few checkpoints loaded, by folder. Checkpoint folders are written once and never change,
 * so the folder path is a complete key. Reusing the same arrays also keeps the frozen encoder's
 * fingerprint memoised, so its cached features are found at once.
 */
export class CheckpointCache {
  private readonly models = new Map<string, Promise<Classifier>>();

  constructor(private readonly capacity: number) {}

  load(folder: string): Promise<Classifier> {
    let model = this.models.get(folder);
    if (model) {
      this.models.delete(folder);
    } else {
      model = loadCheckpoint(folder).then((loaded) => loaded.model);
      model.catch(() => this.models.delete(folder));
    }
    this.models.set(folder, model);
    for (const oldest of this.models.keys()) {
      if (this.models.size <= this.capacity) break;
      this.models.delete(oldest);
    }
    return model;
  }
}

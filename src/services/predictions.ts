import { ArtifactStore } from '../artifacts/artifact-store.js';
import { CheckpointCache } from '../training/checkpoint-cache.js';
import { BackendChoice, Classifier, encodeTexts, headLogits, selectBackend } from '../training/index.js';
import { CheckpointService } from './checkpoints.js';
import { badInput, HeadroomError } from './errors.js';

export const MAX_TEXTS = 1000;
const MAX_TEXT_LENGTH = 10_000;

export interface Prediction {
  text: string;
  labels: Array<{ label: string; index: number; probability: number }>;
}

/** Stored models in this process (the last few stay loaded): scoring texts, handing out heads. */
export class PredictionService {
  private readonly models = new CheckpointCache(2);
  private backend: Promise<unknown> | null = null;

  constructor(
    private readonly checkpoints: CheckpointService,
    private readonly artifacts: ArtifactStore,
    private readonly backendChoice: BackendChoice,
  ) {}

  /** A stored checkpoint, loaded (or still loaded from a recent call). */
  async model(checkpointId: string, field = 'checkpointId'): Promise<Classifier> {
    const checkpoint = await this.checkpoints.get(checkpointId, field);
    return this.models.load(this.artifacts.absolute(checkpoint.artifactPath)).catch((error: Error) => {
      throw new HeadroomError(
        'NOT_FOUND',
        `checkpoint ${checkpointId} is recorded, but its files cannot be read from the artifact store (${error.message}); was HEADROOM_HOME/artifacts moved or deleted?`,
        field,
      );
    });
  }

  async predict(checkpointId: string, texts: string[], topK: number): Promise<Prediction[]> {
    if (texts.length === 0 || texts.length > MAX_TEXTS) throw badInput('texts', `give 1 to ${MAX_TEXTS} texts; got ${texts.length}`);
    const long = texts.findIndex((text) => text.length > MAX_TEXT_LENGTH);
    if (long >= 0) throw badInput(`texts[${long}]`, `texts are at most ${MAX_TEXT_LENGTH} characters; texts[${long}] has ${texts[long].length}`);
    const model = await this.model(checkpointId);
    this.backend ??= selectBackend(this.backendChoice);
    await this.backend;
    const count = model.labels.length;
    if (!Number.isInteger(topK) || topK < 1 || topK > count) throw badInput('topK', `topK must be a whole number from 1 to ${count} (the model's labels); got ${topK}`);

    const logits = headLogits(encodeTexts(model.encoder, texts), model.head);
    return texts.map((text, row) => {
      const scores = logits.subarray(row * count, (row + 1) * count);
      const max = Math.max(...scores);
      const exps = Array.from(scores, (score) => Math.exp(score - max));
      const total = exps.reduce((sum, value) => sum + value, 0);
      const ranked = exps.map((value, index) => ({ label: model.labels[index], index, probability: value / total }));
      ranked.sort((a, b) => b.probability - a.probability || a.index - b.index);
      return { text, labels: ranked.slice(0, topK) };
    });
  }
}

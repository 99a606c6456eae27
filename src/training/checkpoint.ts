/**
 * Checkpoints on disk, whatever their encoder: an embedding-bag model is a TensorFlow.js model
 * folder (embedding-bag-checkpoint.ts), a BERT model is a Hugging Face folder that transformers
 * loads as it is (huggingface/bert-checkpoint.ts). A folder says which it is by its files.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadEmbeddingBagCheckpoint, LoadedCheckpoint, MODEL_JSON, SaveCheckpointOptions, SavedCheckpoint, saveEmbeddingBagCheckpoint } from './embedding-bag-checkpoint.js';
import { isBert } from './encoders.js';
import { BERT_CHECKPOINT_JSON, loadBertCheckpoint, saveBertCheckpoint } from './huggingface/bert-checkpoint.js';
import { Classifier, EmbeddingBagEncoder } from './model.js';

export type { LoadedCheckpoint, SavedCheckpoint } from './embedding-bag-checkpoint.js';

/**
 * Writes `model` as a new checkpoint folder, all or nothing (the folder must not exist).
 * `metadata` must be JSON; loadCheckpoint gives it back. The model's arrays must not change until
 * the promise settles: they are written from where they lie.
 */
export function saveCheckpoint(model: Classifier, folder: string, metadata: Record<string, unknown> = {}, options: SaveCheckpointOptions = {}): Promise<SavedCheckpoint> {
  return isBert(model.encoder)
    ? saveBertCheckpoint({ ...model, encoder: model.encoder }, folder, metadata)
    : saveEmbeddingBagCheckpoint(model as Classifier<EmbeddingBagEncoder>, folder, metadata, options);
}

export async function loadCheckpoint(folder: string): Promise<LoadedCheckpoint> {
  if (fs.existsSync(path.join(folder, MODEL_JSON))) return loadEmbeddingBagCheckpoint(folder);
  if (fs.existsSync(path.join(folder, BERT_CHECKPOINT_JSON))) return loadBertCheckpoint(folder);
  throw new Error(`checkpoint ${folder}: no ${MODEL_JSON} or ${BERT_CHECKPOINT_JSON} (not a checkpoint folder, or not written completely)`);
}

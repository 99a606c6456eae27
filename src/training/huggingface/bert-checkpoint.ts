/**
 * A BERT classifier on disk is a Hugging Face folder that transformers' from_pretrained loads as
 * it is, plus headroom.json:
 *
 *   config.json              the imported config with num_labels, id2label and label2id for these labels
 *   model.safetensors        every tensor under its imported name: the weights and classifier as F32,
 *                            tensors the model does not use (position_ids, ...) as they came
 *   tokenizer.json, vocab.txt, tokenizer_config.json, special_tokens_map.json   as imported, byte for byte
 *   headroom.json            format, version, labels, the encoder's description, the imported files' hashes,
 *                            and the caller's metadata
 *
 * Exporting a checkpoint is handing out these files without headroom.json.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { writeFolderAtomically, writeNewFile } from '../atomic-folder.js';
import type { BertEncoder, BertEncoderConfig } from '../bert/bert-encoder.js';
import type { LoadedCheckpoint, SavedCheckpoint } from '../embedding-bag-checkpoint.js';
import { bytesOf } from '../float32-bytes.js';
import type { Classifier } from '../model.js';
import { checkHead, checkLabels } from '../model-checks.js';
import { CONFIG_FILE, withLabels } from './bert-config.js';
import { bertStateDict } from './bert-state-dict.js';
import { bertTensorSpecs } from './bert-tensors.js';
import { readHuggingFaceFolder } from './hf-folder.js';
import type { SourceFile } from './origin.js';
import { SINGLE_FILE, writeSafetensorsFile } from './safetensors-files.js';

export const BERT_CHECKPOINT_JSON = 'headroom.json';
const FORMAT = 'headroom-bert';
const VERSION = 1;

interface BertCheckpointJson {
  format: typeof FORMAT;
  version: number;
  labels: string[];
  encoder: BertEncoderConfig;
  /** The files of the folder first imported, which this checkpoint descends from. */
  sourceFiles: SourceFile[];
  metadata: Record<string, unknown>;
}

export async function saveBertCheckpoint(model: Classifier<BertEncoder>, folder: string, metadata: Record<string, unknown>): Promise<SavedCheckpoint> {
  const { labels, encoder, head } = model;
  checkLabels(labels, `checkpoint ${folder}`);
  checkHead(head, labels.length, `checkpoint ${folder}`);
  const origin = encoder.huggingFace;
  const description: BertCheckpointJson = {
    format: FORMAT,
    version: VERSION,
    labels,
    encoder: encoder.config,
    sourceFiles: origin.sourceFiles,
    // Normalised now, so an unserialisable value fails before any file is written.
    metadata: JSON.parse(JSON.stringify(metadata)) as Record<string, unknown>,
  };
  const shapes = new Map(bertTensorSpecs(encoder.config.architecture, labels.length).map((spec) => [spec.name, spec.shape]));
  const tensors = [
    ...bertStateDict(encoder.weights, head).map(([name, values]) => ({
      name: origin.tensorNames[name] ?? name,
      dtype: 'F32',
      shape: shapes.get(name)!,
      data: bytesOf(values),
    })),
    ...origin.extraTensors,
  ];
  return writeFolderAtomically(folder, async (partial) => {
    const written: Record<string, number> = {};
    const write = async (name: string, bytes: Uint8Array) => {
      await writeNewFile(path.join(partial, name), bytes);
      written[name] = bytes.length;
    };
    await write(CONFIG_FILE, Buffer.from(`${JSON.stringify(withLabels(origin.config, labels), null, 2)}\n`));
    await writeSafetensorsFile(path.join(partial, SINGLE_FILE), tensors, { format: 'pt' });
    written[SINGLE_FILE] = (await fs.stat(path.join(partial, SINGLE_FILE))).size;
    for (const [name, bytes] of Object.entries(origin.files)) await write(name, bytes);
    await write(BERT_CHECKPOINT_JSON, Buffer.from(`${JSON.stringify(description, null, 2)}\n`));
    return { files: Object.keys(written), sizeBytes: Object.values(written).reduce((sum, bytes) => sum + bytes, 0) };
  });
}

export async function loadBertCheckpoint(folder: string): Promise<LoadedCheckpoint<BertEncoder>> {
  const where = `checkpoint ${folder}`;
  const json = JSON.parse(await fs.readFile(path.join(folder, BERT_CHECKPOINT_JSON), 'utf8')) as BertCheckpointJson;
  if (json.format !== FORMAT || json.version !== VERSION) {
    throw new Error(`${where}: ${BERT_CHECKPOINT_JSON} has format ${JSON.stringify(json.format)} version ${JSON.stringify(json.version)}; this Headroom reads ${FORMAT} version ${VERSION}`);
  }
  const model = await readHuggingFaceFolder(folder);
  if (JSON.stringify(model.labels) !== JSON.stringify(json.labels)) {
    throw new Error(`${where}: config.json's id2label and ${BERT_CHECKPOINT_JSON}'s labels differ; the folder was changed after it was written`);
  }
  model.encoder.huggingFace.sourceFiles = json.sourceFiles;
  return { model, metadata: json.metadata };
}

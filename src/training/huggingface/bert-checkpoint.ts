/**
 * A BERT classifier on disk is a Hugging Face folder that transformers' from_pretrained loads as
 * it is, plus headroom.json:
 *
 *   config.json              the imported config with num_labels, id2label and label2id for these labels
 *   model-0000K-of-0000N.safetensors, model.safetensors.index.json
 *                            every tensor under its imported name, in shards (checkpoint-shards.ts):
 *                            the weights and classifier as F32, tensors the model does not use
 *                            (position_ids, ...) as they came
 *   tokenizer.json, vocab.txt, tokenizer_config.json, special_tokens_map.json   as imported, byte for byte
 *   headroom.json            format, version, labels, the encoder's description, the imported files' hashes,
 *                            and the caller's metadata
 *
 * Every file is stored through the blob store of the folder the checkpoint is in (../blob-store.ts),
 * so the shards and tokenizer files a run did not change are shared with the checkpoint it came
 * from. Exporting a checkpoint is handing out these files without headroom.json, the shards as the
 * single model.safetensors that a full write would give (single-file-export.ts). Folders written
 * before the shards hold that model.safetensors itself; they load and export the same.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { writeFolderAtomically } from '../atomic-folder.js';
import type { BertEncoder, BertEncoderConfig } from '../bert/bert-encoder.js';
import { blobStoreOf } from '../blob-store.js';
import type { LoadedCheckpoint, SavedCheckpoint } from '../embedding-bag-checkpoint.js';
import { bytesOf } from '../float32-bytes.js';
import type { Classifier } from '../model.js';
import { checkHead, checkLabels } from '../model-checks.js';
import { layOutSafetensors } from '../safetensors.js';
import { CONFIG_FILE, withLabels } from './bert-config.js';
import { bertStateDict } from './bert-state-dict.js';
import { bertTensorSpecs } from './bert-tensors.js';
import { SAFETENSORS_METADATA, shardIndexJson, shardTensors } from './checkpoint-shards.js';
import { readHuggingFaceFolder } from './hf-folder.js';
import type { SourceFile } from './origin.js';
import { INDEX_FILE, SafetensorsFileTensor } from './safetensors-files.js';

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

/** Every tensor a checkpoint of `model` holds, under its Hugging Face name: the model's as F32, the others as imported. */
export function bertCheckpointTensors({ labels, encoder, head }: Classifier<BertEncoder>): SafetensorsFileTensor[] {
  const origin = encoder.huggingFace;
  const shapes = new Map(bertTensorSpecs(encoder.config.architecture, labels.length).map((spec) => [spec.name, spec.shape]));
  return [
    ...bertStateDict(encoder.weights, head).map(([name, values]) => ({
      name: origin.tensorNames[name] ?? name,
      dtype: 'F32',
      shape: shapes.get(name)!,
      data: bytesOf(values),
    })),
    ...origin.extraTensors,
  ];
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
  const shards = shardTensors(bertCheckpointTensors(model), encoder.config.architecture.layers);
  const store = blobStoreOf(folder);
  return writeFolderAtomically(folder, async (partial) => {
    const written: Record<string, number> = {};
    const write = async (name: string, chunks: Uint8Array[]) => {
      written[name] = (await store.writeFile(path.join(partial, name), chunks)).bytes;
    };
    const json = (value: unknown) => [Buffer.from(`${JSON.stringify(value, null, 2)}\n`)];
    await write(CONFIG_FILE, json(withLabels(origin.config, labels)));
    for (const shard of shards) {
      const { prefix, ordered } = layOutSafetensors(shard.tensors.map((tensor) => ({ ...tensor, byteLength: tensor.data.byteLength })), SAFETENSORS_METADATA);
      await write(shard.name, [prefix, ...ordered.map((tensor) => tensor.data)]);
    }
    await write(INDEX_FILE, [Buffer.from(shardIndexJson(shards))]);
    for (const [name, bytes] of Object.entries(origin.files)) await write(name, [bytes]);
    await write(BERT_CHECKPOINT_JSON, json(description));
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

/**
 * A Classifier on disk, as a folder in the layout of a TensorFlow.js model:
 *
 *   model.json              format 'headroom-embedding-bag', modelTopology (encoder config, labels,
 *                           head dims), weightsManifest, weightFiles (size and sha256 of each shard),
 *                           userDefinedMetadata (the caller's metadata)
 *   group1-shard1of2.bin    weight group 1, the encoder: encoder/embeddings
 *   group1-shard2of2.bin
 *   group2-shard1of1.bin    weight group 2, the head: head/kernel, head/bias
 *
 * Each group is laid out as tf.io.encodeWeights lays out one: its weights float32 little-endian,
 * concatenated in manifest order without padding and cut into shards of 64 MiB, so
 * tf.io.loadWeights and tf.io.weightsLoaderFactory read the folder. The table has shards of its
 * own so that a checkpoint whose run changed only the head shares the table's files with the
 * checkpoint it came from: every file is stored through the blob store of the folder the
 * checkpoint is in (blob-store.ts), which keeps identical files once. (Version 1 folders written
 * before this hold one group of all three weights; they load the same.)
 *
 * Weights:  encoder/embeddings [buckets, dim]
 *           head/kernel        [dim, labels]: tfjs Dense's kernel layout (the transpose of
 *                              LinearHead.weight), so `tf.layers.dense({ units: labels })` takes
 *                              [kernel, bias] as they are and the name means what it means in tfjs
 *           head/bias          [labels]
 *
 * Values round-trip bit for bit (NaN payloads and -0 included): bytes are copied, and the kernel
 * is transposed as 32-bit integers, never through JS numbers.
 *
 * A checkpoint is written once: into a hidden sibling folder, each file fsynced, then renamed into
 * place, so `folder` either holds a complete checkpoint or does not exist. A crash can leave a
 * `.<name>.partial-<uuid>` sibling behind; it is never read, and safe to delete.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { readAll, writeFolderAtomically } from './atomic-folder.js';
import { BlobStore, blobStoreOf } from './blob-store.js';
import { assertLittleEndianHost, bytesOf } from './float32-bytes.js';
import { Classifier, EmbeddingBagConfig, EmbeddingBagEncoder, Encoder, TokenizerConfig } from './model.js';
import { checkEmbeddingBagClassifier, checkLabels, isCount } from './model-checks.js';

export const CHECKPOINT_FORMAT = 'headroom-embedding-bag';
/** Bumped when the topology or weights change meaning; loading refuses versions it does not know. */
export const CHECKPOINT_VERSION = 1;
export const MODEL_JSON = 'model.json';
export const DEFAULT_SHARD_BYTES = 64 * 2 ** 20;

export const EMBEDDINGS_WEIGHT = 'encoder/embeddings';
export const KERNEL_WEIGHT = 'head/kernel';
export const BIAS_WEIGHT = 'head/bias';

/** What model.json's `modelTopology` holds. */
export interface CheckpointTopology {
  version: number;
  encoder: EmbeddingBagConfig;
  labels: string[];
  head: { dim: number; labelCount: number };
}

/** One shard as model.json records it, to detect truncated, replaced or corrupted files. */
export interface WeightFile {
  path: string;
  bytes: number;
  sha256: string;
}

export interface SaveCheckpointOptions {
  /** Most bytes per shard file; default 64 MiB. */
  shardBytes?: number;
}

export interface SavedCheckpoint {
  /** File names relative to the folder, model.json first. */
  files: string[];
  /** All files together. */
  sizeBytes: number;
}

export interface LoadedCheckpoint<E extends Encoder = Encoder> {
  model: Classifier<E>;
  metadata: Record<string, unknown>;
}

const FORMAT_NAME = 'a Headroom checkpoint';

/** tfjs-converter's shard names; `group` and `index` count from 0. */
function shardName(group: number, index: number, count: number): string {
  return `group${group + 1}-shard${index + 1}of${count}.bin`;
}

/** [rows, cols] -> [cols, rows], copying 32-bit patterns so no NaN payload is rewritten. */
function transpose(values: Float32Array, rows: number, cols: number): Float32Array {
  const from = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const result = new Float32Array(values.length);
  const to = new Uint32Array(result.buffer);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) to[c * rows + r] = from[r * cols + c];
  }
  return result;
}

/** Writes `sources` back to back as the shards of weight group `group`, of at most `shardBytes`, straight from their memory. */
async function writeShards(folder: string, group: number, sources: Uint8Array[], shardBytes: number, store: BlobStore): Promise<WeightFile[]> {
  const total = sources.reduce((sum, source) => sum + source.length, 0);
  const count = Math.max(1, Math.ceil(total / shardBytes));
  const files: WeightFile[] = [];
  let source = 0;
  let sourceOffset = 0;
  for (let index = 0; index < count; index++) {
    const name = shardName(group, index, count);
    const chunks: Uint8Array[] = [];
    for (let remaining = Math.min(shardBytes, total - index * shardBytes); remaining > 0;) {
      const chunk = sources[source].subarray(sourceOffset, sourceOffset + remaining);
      chunks.push(chunk);
      remaining -= chunk.length;
      sourceOffset += chunk.length;
      if (sourceOffset === sources[source].length) {
        source++;
        sourceOffset = 0;
      }
    }
    const { bytes, sha256 } = await store.writeFile(path.join(folder, name), chunks);
    files.push({ path: name, bytes, sha256 });
  }
  return files;
}

/**
 * Writes `model` as a new checkpoint folder (its parent is created if needed; the folder itself
 * must not exist). `metadata` must be JSON; it comes back from loadCheckpoint as JSON.parse would
 * give it. The model's arrays must not change until the promise settles: they are written from
 * where they lie, without a copy.
 */
export async function saveEmbeddingBagCheckpoint(
  model: Classifier<EmbeddingBagEncoder>,
  folder: string,
  metadata: Record<string, unknown> = {},
  options: SaveCheckpointOptions = {},
): Promise<SavedCheckpoint> {
  assertLittleEndianHost(FORMAT_NAME);
  checkEmbeddingBagClassifier(model, `checkpoint ${folder}`);
  const shardBytes = options.shardBytes ?? DEFAULT_SHARD_BYTES;
  if (!isCount(shardBytes) || shardBytes === 0) throw new Error(`shardBytes must be a positive integer, not ${shardBytes}`);
  // Normalised now, so an unserialisable value fails before any file is written.
  const userDefinedMetadata = JSON.parse(JSON.stringify(metadata)) as Record<string, {}>;

  const { labels, encoder, head } = model;
  const { dim } = encoder.config;
  // The encoder and the head in groups of their own, so that a new head leaves the table's shards as they were.
  const groups: Array<Array<{ spec: tf.io.WeightsManifestEntry; data: Float32Array }>> = [
    [{ spec: { name: EMBEDDINGS_WEIGHT, shape: [encoder.config.tokenizer.buckets, dim], dtype: 'float32' }, data: encoder.table }],
    [
      { spec: { name: KERNEL_WEIGHT, shape: [dim, labels.length], dtype: 'float32' }, data: transpose(head.weight, labels.length, dim) },
      { spec: { name: BIAS_WEIGHT, shape: [labels.length], dtype: 'float32' }, data: head.bias },
    ],
  ];
  const topology: CheckpointTopology = {
    version: CHECKPOINT_VERSION,
    encoder: encoder.config,
    labels,
    head: { dim, labelCount: labels.length },
  };

  const store = blobStoreOf(folder);
  return writeFolderAtomically(folder, async (partial) => {
    const weightsManifest: tf.io.WeightsManifestConfig = [];
    const weightFiles: WeightFile[] = [];
    for (const [index, weights] of groups.entries()) {
      const files = await writeShards(partial, index, weights.map((weight) => bytesOf(weight.data)), shardBytes, store);
      weightsManifest.push({ paths: files.map((file) => file.path), weights: weights.map((weight) => weight.spec) });
      weightFiles.push(...files);
    }
    const modelJson: tf.io.ModelJSON & { weightFiles: WeightFile[] } = {
      format: CHECKPOINT_FORMAT,
      generatedBy: `Headroom (TensorFlow.js ${tf.version_core})`,
      convertedBy: null,
      modelTopology: topology,
      weightsManifest,
      weightFiles,
      userDefinedMetadata,
    };
    const text = Buffer.from(`${JSON.stringify(modelJson, null, 2)}\n`, 'utf8');
    await store.writeFile(path.join(partial, MODEL_JSON), [text]);
    return {
      files: [MODEL_JSON, ...weightFiles.map((file) => file.path)],
      sizeBytes: text.length + weightFiles.reduce((sum, file) => sum + file.bytes, 0),
    };
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Every field is an integer; the Record makes the compiler flag a field added to TokenizerConfig. */
const TOKENIZER_FIELDS: Record<keyof TokenizerConfig, true> = {
  buckets: true, wordNgrams: true, charNgramMin: true, charNgramMax: true, hashSeed: true,
};

function parseTopology(value: unknown, where: string): CheckpointTopology {
  if (!isObject(value)) throw new Error(`${where}: modelTopology is missing`);
  if (value.version !== CHECKPOINT_VERSION) {
    throw new Error(`${where}: checkpoint version ${JSON.stringify(value.version)} is not supported (this Headroom reads version ${CHECKPOINT_VERSION})`);
  }
  const { encoder, labels, head } = value;
  if (!isObject(encoder) || encoder.kind !== 'embedding-bag' || !isCount(encoder.dim) || encoder.dim === 0 || !isObject(encoder.tokenizer)) {
    throw new Error(`${where}: modelTopology.encoder must be an embedding-bag config with a positive dim and a tokenizer, got ${JSON.stringify(encoder)}`);
  }
  const tokenizer = encoder.tokenizer;
  for (const field of Object.keys(TOKENIZER_FIELDS)) {
    if (!Number.isSafeInteger(tokenizer[field])) throw new Error(`${where}: tokenizer ${field} must be an integer, got ${JSON.stringify(tokenizer[field])}`);
  }
  if ((tokenizer.buckets as number) <= 0) throw new Error(`${where}: tokenizer buckets must be positive, got ${tokenizer.buckets}`);
  checkLabels(labels, where);
  if (!isObject(head) || head.dim !== encoder.dim || head.labelCount !== labels.length) {
    throw new Error(`${where}: modelTopology.head ${JSON.stringify(head)} must have dim ${encoder.dim} (the encoder's) and labelCount ${labels.length} (the labels listed)`);
  }
  return value as unknown as CheckpointTopology;
}

/** The shapes the topology implies; the manifest must list exactly these weights, in any order. */
function expectedShapes(topology: CheckpointTopology): Map<string, number[]> {
  const { dim, tokenizer } = topology.encoder;
  return new Map([
    [EMBEDDINGS_WEIGHT, [tokenizer.buckets, dim]],
    [KERNEL_WEIGHT, [dim, topology.labels.length]],
    [BIAS_WEIGHT, [topology.labels.length]],
  ]);
}

/** One group of the manifest: its weights and the shards that hold them. */
interface WeightGroup {
  /** In manifest order, which is byte order within the group's shards. */
  weights: Array<{ name: string; data: Float32Array }>;
  files: WeightFile[];
}

/** A manifest entry, checked against the shapes still expected (and taken off them). */
function parseWeight(spec: unknown, expected: Map<string, number[]>, listed: string, where: string): { name: string; data: Float32Array } {
  const { name, shape, dtype } = isObject(spec) ? spec : ({} as Record<string, unknown>);
  const shapeWanted = typeof name === 'string' ? expected.get(name) : undefined;
  if (shapeWanted === undefined) throw new Error(`${where}: unexpected weight ${JSON.stringify(name)} in weightsManifest (expected ${listed})`);
  expected.delete(name as string);
  if (dtype !== 'float32') throw new Error(`${where}: weight ${name} has dtype ${JSON.stringify(dtype)}, expected float32`);
  if (JSON.stringify(shape) !== JSON.stringify(shapeWanted)) {
    throw new Error(`${where}: weight ${name} has shape ${JSON.stringify(shape)}, but the topology implies [${shapeWanted.join(', ')}]`);
  }
  return { name: name as string, data: new Float32Array(shapeWanted.reduce((product, size) => product * size, 1)) };
}

function parseManifest(json: Record<string, unknown>, topology: CheckpointTopology, where: string): WeightGroup[] {
  const manifest = json.weightsManifest;
  if (!Array.isArray(manifest) || manifest.length === 0 || !manifest.every((group) => isObject(group) && Array.isArray(group.paths) && Array.isArray(group.weights))) {
    throw new Error(`${where}: weightsManifest must be a list of weight groups, each with paths and weights`);
  }
  const groups = manifest as Array<{ paths: unknown[]; weights: unknown[] }>;
  const expected = expectedShapes(topology);
  const listed = [...expected.keys()].join(', ');
  if (groups.reduce((count, group) => count + group.weights.length, 0) !== expected.size) {
    throw new Error(`${where}: weightsManifest must list the weights ${listed}`);
  }
  const paths = groups.flatMap((group) => group.paths);
  const files = json.weightFiles;
  if (!Array.isArray(files) || files.length !== paths.length
    || !files.every((file, i) => isObject(file) && file.path === paths[i] && isCount(file.bytes) && typeof file.sha256 === 'string')) {
    throw new Error(`${where}: weightFiles must give the size and sha256 of each path of the weightsManifest, in order`);
  }
  let first = 0;
  const parsed = groups.map((group, index) => {
    const weights = group.weights.map((spec) => parseWeight(spec, expected, listed, where));
    const groupFiles = (files as WeightFile[]).slice(first, (first += group.paths.length));
    const recorded = groupFiles.reduce((sum, file) => sum + file.bytes, 0);
    const needed = weights.reduce((sum, weight) => sum + weight.data.byteLength, 0);
    if (recorded !== needed) throw new Error(`${where}: the weight files of group ${index + 1} hold ${recorded} bytes, its weights need ${needed}`);
    return { weights, files: groupFiles };
  });
  for (const file of files as WeightFile[]) {
    if (path.basename(file.path) !== file.path) throw new Error(`${where}: weight file ${JSON.stringify(file.path)} is not a plain file name`);
  }
  return parsed;
}

/**
 * Reads the shards straight into the weights' final arrays (no whole-file buffers), checking each
 * shard's size before reading and its sha256 after.
 */
async function readShards(folder: string, groups: WeightGroup[]): Promise<void> {
  for (const file of groups.flatMap((group) => group.files)) {
    let size: number;
    try {
      size = (await fs.stat(path.join(folder, file.path))).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`checkpoint ${folder}: weight file ${file.path} is missing`);
      throw error;
    }
    if (size !== file.bytes) throw new Error(`checkpoint ${folder}: weight file ${file.path} is ${size} bytes, model.json records ${file.bytes}`);
  }
  for (const group of groups) await readGroup(folder, group);
}

/** Reads one group's shards into its weights' arrays. */
async function readGroup(folder: string, { weights, files }: WeightGroup): Promise<void> {
  const targets = weights.map((weight) => bytesOf(weight.data));
  let target = 0;
  let targetOffset = 0;
  for (const file of files) {
    const hash = createHash('sha256');
    const handle = await fs.open(path.join(folder, file.path), 'r');
    try {
      for (let position = 0; position < file.bytes;) {
        const into = targets[target].subarray(targetOffset, targetOffset + file.bytes - position);
        await readAll(handle, into, position, file.path);
        hash.update(into);
        position += into.length;
        targetOffset += into.length;
        if (targetOffset === targets[target].length) {
          target++;
          targetOffset = 0;
        }
      }
    } finally {
      await handle.close();
    }
    const digest = hash.digest('hex');
    if (digest !== file.sha256) {
      throw new Error(`checkpoint ${folder}: weight file ${file.path} is corrupted (sha256 ${digest}, model.json records ${file.sha256})`);
    }
  }
}

export async function loadEmbeddingBagCheckpoint(folder: string): Promise<LoadedCheckpoint<EmbeddingBagEncoder>> {
  assertLittleEndianHost(FORMAT_NAME);
  const where = `checkpoint ${folder}`;
  let text: string;
  try {
    text = await fs.readFile(path.join(folder, MODEL_JSON), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`${where}: no ${MODEL_JSON} (not a checkpoint folder, or not written completely)`);
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${where}: ${MODEL_JSON} is not JSON (${(error as Error).message})`);
  }
  if (!isObject(json) || json.format !== CHECKPOINT_FORMAT) {
    throw new Error(`${where}: ${MODEL_JSON} has format ${JSON.stringify(isObject(json) ? json.format : undefined)}, expected '${CHECKPOINT_FORMAT}'`);
  }
  const topology = parseTopology(json.modelTopology, where);
  const groups = parseManifest(json, topology, where);
  await readShards(folder, groups);
  const byName = new Map(groups.flatMap((group) => group.weights).map((weight) => [weight.name, weight.data]));
  const { dim } = topology.encoder;
  const labelCount = topology.labels.length;
  const model: Classifier<EmbeddingBagEncoder> = {
    labels: topology.labels,
    encoder: { config: topology.encoder, table: byName.get(EMBEDDINGS_WEIGHT)! },
    head: { dim, weight: transpose(byName.get(KERNEL_WEIGHT)!, dim, labelCount), bias: byName.get(BIAS_WEIGHT)! },
  };
  const metadata = json.userDefinedMetadata ?? {};
  if (!isObject(metadata)) throw new Error(`${where}: userDefinedMetadata must be an object`);
  return { model, metadata };
}

/**
 * A Hugging Face BertForSequenceClassification folder, read into a Classifier: config.json (the
 * architecture and id2label), the weights (model.safetensors or its shards; F32, F16 or BF16) and
 * the tokenizer (tokenizer.json, or vocab.txt with tokenizer_config.json). Everything is checked
 * before anything is returned, and every refusal is a ModelImportError naming the file at fault.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { BertEncoder } from '../bert/bert-encoder.js';
import type { Classifier } from '../model.js';
import { CONFIG_FILE, parseBertConfig } from './bert-config.js';
import { bertWeightsFrom } from './bert-state-dict.js';
import { matchBertTensors } from './bert-tensors.js';
import { ModelImportError } from './import-error.js';
import type { HuggingFaceOrigin, SourceFile } from './origin.js';
import { INDEX_FILE, missingWeights, openSafetensors, SINGLE_FILE } from './safetensors-files.js';
import { readTokenizerFiles } from './tokenizer-files.js';

/** The tokenizer files a folder may hold; carried byte for byte to every export. */
export const TOKENIZER_FILES = ['tokenizer.json', 'vocab.txt', 'tokenizer_config.json', 'special_tokens_map.json'] as const;
/** BERT's positions are learned up to max_position_embeddings; tokenizers never go past 512. */
const LONGEST_INPUT = 512;

const WEIGHT_SHARD = /^model-\d+-of-\d+\.safetensors$/;

/** The files of a folder Headroom reads; anything else a folder holds (README.md, pickles, training_args.bin) is passed over. */
export function HUGGING_FACE_FILE(name: string): boolean {
  return name === CONFIG_FILE || name === SINGLE_FILE || name === INDEX_FILE || WEIGHT_SHARD.test(name) || (TOKENIZER_FILES as readonly string[]).includes(name);
}

/**
 * What can be told from a folder's file names alone, before any file is read (or uploaded):
 * config.json, weights that are not pickles, and a tokenizer must be there.
 */
export function checkFolderFileNames(names: readonly string[]): void {
  const has = (name: string) => names.includes(name);
  if (!has(SINGLE_FILE) && !has(INDEX_FILE)) throw missingWeights(names);
  if (!has(CONFIG_FILE)) throw new ModelImportError('MISSING_FILE', `the folder has no ${CONFIG_FILE}: upload the whole folder that save_pretrained wrote`, CONFIG_FILE);
  if (!has('tokenizer.json') && !has('vocab.txt')) {
    throw new ModelImportError('NO_TOKENIZER', 'the folder has no tokenizer: add tokenizer.json, or vocab.txt with tokenizer_config.json (tokenizer.save_pretrained writes them)');
  }
}

export async function readHuggingFaceFolder(folder: string): Promise<Classifier<BertEncoder>> {
  checkFolderFileNames(await fs.readdir(folder));
  const configText = (await readOptional(folder, CONFIG_FILE))!;
  const config = parseBertConfig(configText.toString('utf8'));
  const { architecture, labels } = config;

  const tokenizerFiles: Record<string, Uint8Array> = {};
  for (const name of TOKENIZER_FILES) {
    const bytes = await readOptional(folder, name);
    if (bytes !== null) tokenizerFiles[name] = bytes;
  }
  const text = (name: string) => (tokenizerFiles[name] ? Buffer.from(tokenizerFiles[name]).toString('utf8') : undefined);
  const tokenizer = readTokenizerFiles({
    tokenizerJson: text('tokenizer.json'),
    vocabTxt: text('vocab.txt'),
    tokenizerConfigJson: text('tokenizer_config.json'),
    specialTokensMapJson: text('special_tokens_map.json'),
  });
  if (tokenizer.config.vocabSize > architecture.vocabSize) {
    throw new ModelImportError(
      'MALFORMED_TOKENIZER',
      `${tokenizer.source} has token ids up to ${tokenizer.config.vocabSize - 1}, but config.json's vocab_size is ${architecture.vocabSize}: the tokenizer belongs to another model`,
      tokenizer.source,
    );
  }

  const safetensors = await openSafetensors(folder);
  try {
    const weightFiles = [...new Set([...safetensors.tensors.values()].map((tensor) => tensor.file))];
    const fileLabel = weightFiles.length === 1 ? weightFiles[0] : `the shards of ${INDEX_FILE}`;
    const { names, extra } = matchBertTensors(safetensors.tensors, architecture, labels.length, fileLabel);
    const tensors = new Map<string, Float32Array>();
    for (const [canonical, stored] of names) tensors.set(canonical, await safetensors.readF32(stored));
    const { weights, head } = bertWeightsFrom(tensors, architecture.layers);
    const huggingFace: HuggingFaceOrigin = {
      config: config.json,
      files: tokenizerFiles,
      tensorNames: Object.fromEntries([...names].filter(([canonical, stored]) => canonical !== stored)),
      extraTensors: await Promise.all(
        extra.map(async (name) => {
          const { dtype, shape } = safetensors.tensors.get(name)!;
          return { name, dtype, shape, data: await safetensors.readBytes(name) };
        }),
      ),
      sourceFiles: await hashFiles(folder, [CONFIG_FILE, ...(weightFiles.length > 1 ? [INDEX_FILE] : []), ...weightFiles, ...Object.keys(tokenizerFiles)]),
    };
    const encoder: BertEncoder = {
      config: {
        kind: 'bert',
        dim: architecture.hiddenSize,
        architecture,
        maxLength: Math.min(architecture.maxPositions, LONGEST_INPUT, tokenizer.modelMaxLength ?? Infinity),
        tokenizer: {
          source: tokenizer.source,
          lowercase: tokenizer.config.lowercase,
          stripAccents: tokenizer.config.stripAccents,
          vocabularySize: tokenizer.config.vocabSize,
        },
      },
      weights,
      tokenizer: tokenizer.config,
      huggingFace,
    };
    return { labels, encoder, head };
  } finally {
    await safetensors.close();
  }
}

async function readOptional(folder: string, name: string): Promise<Buffer | null> {
  try {
    return await fs.readFile(path.join(folder, name));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Sizes and SHA-256 of the files, read as streams (weights may be gigabytes). */
export async function hashFiles(folder: string, names: string[]): Promise<SourceFile[]> {
  return Promise.all(
    names.map(async (name) => {
      const hash = createHash('sha256');
      let bytes = 0;
      for await (const chunk of createReadStream(path.join(folder, name))) {
        hash.update(chunk as Buffer);
        bytes += (chunk as Buffer).length;
      }
      return { name, bytes, sha256: hash.digest('hex') };
    }),
  );
}

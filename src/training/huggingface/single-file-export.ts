/**
 * A BERT checkpoint as the Hugging Face folder it exports: config.json, model.safetensors and the
 * tokenizer files, without headroom.json. The checkpoint keeps its weights in shards (so that
 * checkpoints share what their runs did not change); the export is one model.safetensors holding
 * every tensor under its name, put together as it is read: the header computed from the shards'
 * tensor list exactly as a full write lays it out (layOutSafetensors, the same metadata), the data
 * copied tensor by tensor from the shards in chunks, so the file is never whole in memory and
 * its size is known before the first byte.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { readAll } from '../atomic-folder.js';
import { layOutSafetensors } from '../safetensors.js';
import { BERT_CHECKPOINT_JSON } from './bert-checkpoint.js';
import { SAFETENSORS_METADATA } from './checkpoint-shards.js';
import { INDEX_FILE, openSafetensors, SINGLE_FILE } from './safetensors-files.js';

/** At most this many bytes are read (and held) at a time. */
const CHUNK_BYTES = 2 ** 20;

export interface ExportFile {
  name: string;
  sizeBytes: number;
}

/** model.safetensors of a sharded checkpoint, to be read once. */
export interface AssembledSafetensors {
  sizeBytes: number;
  /** The shard files it is put together from. */
  shards: string[];
  /** Its bytes from the first to the last, each chunk read as it is asked for; the shards are closed when it ends or is abandoned. */
  chunks(): AsyncGenerator<Uint8Array>;
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await fs.stat(file)).isFile();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** The single model.safetensors of a checkpoint whose weights are in shards; null when the folder holds that file itself. */
export async function assembledSafetensors(folder: string): Promise<AssembledSafetensors | null> {
  if (await isFile(path.join(folder, SINGLE_FILE))) return null;
  const set = await openSafetensors(folder);
  const tensors = [...set.tensors].map(([name, { dtype, shape, file, begin, end }]) => ({ name, dtype, shape, file, begin, byteLength: end - begin }));
  await set.close();
  const { prefix, ordered, dataBytes } = layOutSafetensors(tensors, SAFETENSORS_METADATA);
  return {
    sizeBytes: prefix.length + dataBytes,
    shards: [...new Set(tensors.map((tensor) => tensor.file))].sort(),
    async *chunks() {
      yield prefix;
      const handles = new Map<string, fs.FileHandle>();
      try {
        for (const { file, begin, byteLength } of ordered) {
          let handle = handles.get(file);
          if (handle === undefined) handles.set(file, (handle = await fs.open(path.join(folder, file), 'r')));
          for (let done = 0; done < byteLength; done += CHUNK_BYTES) {
            const chunk = new Uint8Array(Math.min(CHUNK_BYTES, byteLength - done));
            await readAll(handle, chunk, begin + done, file);
            yield chunk;
          }
        }
      } finally {
        await Promise.all([...handles.values()].map((handle) => handle.close()));
      }
    },
  };
}

/** The files of the exported folder with their sizes, sorted by name. */
export async function huggingFaceExportFiles(folder: string): Promise<ExportFile[]> {
  const assembled = await assembledSafetensors(folder);
  const internal = new Set([BERT_CHECKPOINT_JSON, ...(assembled ? [INDEX_FILE, ...assembled.shards] : [])]);
  const files = await Promise.all(
    (await fs.readdir(folder)).filter((name) => !internal.has(name)).map(async (name) => ({ name, sizeBytes: (await fs.stat(path.join(folder, name))).size })),
  );
  if (assembled) files.push({ name: SINGLE_FILE, sizeBytes: assembled.sizeBytes });
  return files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

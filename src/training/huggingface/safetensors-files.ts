/**
 * The weights of a Hugging Face model folder as `save_pretrained(..., safe_serialization=True)`
 * leaves them: `model.safetensors`, or shards `model-0000K-of-0000N.safetensors` listed by
 * `model.safetensors.index.json` ({"metadata": {"total_size": N}, "weight_map": {tensor: shard}}).
 *
 * Opening reads only the headers (checked as ../safetensors.ts checks them, the length against
 * the file's size before anything is allocated); each tensor is then read on demand with
 * positioned reads, so a model is never held in memory twice. F16 and BF16 tensors are widened
 * to float32 exactly; every F16 value, NaN payloads included, has a float32 twin.
 *
 * `pytorch_model.bin` is never opened: it is a pickle, and unpickling runs code.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { readAll, writeAll } from '../atomic-folder.js';
import { assertLittleEndianHost, bytesOf } from '../float32-bytes.js';
import { isCount } from '../model-checks.js';
import { preview, quoted } from '../messages.js';
import { layOutSafetensors, parseSafetensorsHeader, SafetensorsFormatError, safetensorsHeaderLength } from '../safetensors.js';
import { ModelImportError } from './import-error.js';

export const SINGLE_FILE = 'model.safetensors';
export const INDEX_FILE = 'model.safetensors.index.json';

/** One tensor of the set; `begin` and `end` are byte offsets into `file` (a name in the folder). */
export interface SafetensorsTensor {
  dtype: string;
  shape: number[];
  file: string;
  begin: number;
  end: number;
}

export interface SafetensorsSet {
  tensors: ReadonlyMap<string, SafetensorsTensor>;
  /** The tensor as float32 values: F32 copied, F16 and BF16 widened; other dtypes are refused (TENSOR_DTYPE). */
  readF32(name: string): Promise<Float32Array>;
  /** The tensor's stored bytes, whatever its dtype, to carry it to an export unchanged. */
  readBytes(name: string): Promise<Uint8Array>;
  /** Closes the files; reads fail afterwards. */
  close(): Promise<void>;
}

/** One tensor to write: `data` holds its little-endian values, row-major. */
export interface SafetensorsFileTensor {
  name: string;
  dtype: string;
  shape: number[];
  data: Uint8Array;
}

const FORMAT = 'safetensors';
/** As large as a safetensors header may be; an index is a list of names, so it gets the same bound. */
const MAX_INDEX_BYTES = 100_000_000;
/** Each shard stays open until close(); a model cut finer than this is cut absurdly fine. */
const MAX_SHARDS = 512;
/** F16 and BF16 are widened through a buffer of this many values, not a copy of the whole tensor. */
const WIDEN_CHUNK_VALUES = 1 << 20;
const RESAVE = 'save the model again with model.save_pretrained(folder, safe_serialization=True)';

const malformed = (file: string, message: string) => new ModelImportError('MALFORMED_SAFETENSORS', message, file);

/** Whether `name` is a regular file in `folder` (links are followed). */
async function isFile(folder: string, name: string): Promise<boolean> {
  try {
    return (await fs.stat(path.join(folder, name))).isFile();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** Fills `into` from `position` of the file; a file cut short since it was opened is a malformed file, not an I/O fault. */
async function readExactly(handle: fs.FileHandle, file: string, position: number, into: Uint8Array): Promise<void> {
  try {
    await readAll(handle, into, position, file);
  } catch (error) {
    const { size } = await handle.stat();
    if (size < position + into.length) throw malformed(file, `${file} ends at byte ${size}, before the ${position + into.length} its header promised: the file was cut short after it was opened; upload it again`);
    throw error;
  }
}

interface OpenFile {
  handle: fs.FileHandle;
  tensors: Map<string, { dtype: string; shape: number[]; begin: number; end: number }>;
}

/** Opens one safetensors file of the folder and checks its header; the handle stays open. */
async function openFile(folder: string, file: string): Promise<OpenFile> {
  const handle = await fs.open(path.join(folder, file), 'r');
  try {
    const { size } = await handle.stat();
    const first8 = new Uint8Array(8);
    if (size >= 8) await readExactly(handle, file, 0, first8);
    const start = new Uint8Array(8 + safetensorsHeaderLength(first8, size));
    start.set(first8);
    await readExactly(handle, file, 8, start.subarray(8));
    return { handle, tensors: parseSafetensorsHeader(start, size).tensors };
  } catch (error) {
    await handle.close();
    if (error instanceof SafetensorsFormatError) {
      throw malformed(file, `${file}: ${error.message}. The file is damaged or was not written by safetensors: upload it again, or ${RESAVE}`);
    }
    throw error;
  }
}

/** A weight_map value must name a .safetensors file beside the index, never a path out of the folder. */
function isPlainShardName(name: string): boolean {
  return name.endsWith('.safetensors') && !/[/\\\0]/.test(name);
}

/** The index's weight_map, checked for shape: tensor name -> shard file name. */
function parseIndex(text: string): Map<string, string> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw malformed(INDEX_FILE, `${INDEX_FILE} is not JSON (${(error as Error).message}); it must be {"metadata": {"total_size": N}, "weight_map": {tensor name: shard file}}: ${RESAVE}`);
  }
  const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
  if (!isObject(json) || !isObject(json.weight_map)) {
    throw malformed(INDEX_FILE, `${INDEX_FILE} must be a JSON object with "weight_map": {tensor name: shard file}; it has none: ${RESAVE}`);
  }
  const { metadata } = json;
  if (metadata !== undefined && !(isObject(metadata) && (metadata.total_size === undefined || isCount(metadata.total_size)))) {
    throw malformed(INDEX_FILE, `${INDEX_FILE}: "metadata" must be an object whose "total_size" is a byte count, found ${preview(metadata)}: ${RESAVE}`);
  }
  const weightMap = new Map<string, string>();
  for (const [tensor, shard] of Object.entries(json.weight_map)) {
    if (typeof shard !== 'string' || !isPlainShardName(shard)) {
      throw malformed(INDEX_FILE, `${INDEX_FILE}: weight_map puts tensor ${quoted(tensor)} in ${typeof shard === 'string' ? quoted(shard) : preview(shard)}, expected the name of a .safetensors file in the same folder (no '/', '\\' or '..')`);
    }
    weightMap.set(tensor, shard);
  }
  return weightMap;
}

async function readIndex(folder: string): Promise<Map<string, string>> {
  const handle = await fs.open(path.join(folder, INDEX_FILE), 'r');
  let bytes: Uint8Array;
  try {
    const { size } = await handle.stat();
    if (size > MAX_INDEX_BYTES) throw malformed(INDEX_FILE, `${INDEX_FILE} is ${size} bytes, more than the ${MAX_INDEX_BYTES} an index of tensor names can need: ${RESAVE}`);
    bytes = new Uint8Array(size);
    await readExactly(handle, INDEX_FILE, 0, bytes);
  } finally {
    await handle.close();
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw malformed(INDEX_FILE, `${INDEX_FILE} is not UTF-8 text; it must be the JSON that save_pretrained writes: ${RESAVE}`);
  }
  return parseIndex(text);
}

/** Opens every shard the index names and checks that the index and the shards' headers agree. */
async function openShards(folder: string, opened: Map<string, OpenFile>): Promise<Map<string, SafetensorsTensor>> {
  const weightMap = await readIndex(folder);
  const shards = [...new Set(weightMap.values())].sort();
  if (shards.length > MAX_SHARDS) {
    throw malformed(INDEX_FILE, `${INDEX_FILE} names ${shards.length} shard files; Headroom opens at most ${MAX_SHARDS}: save with a larger max_shard_size`);
  }
  for (const shard of shards) {
    if (!(await isFile(folder, shard))) {
      throw new ModelImportError('MISSING_FILE', `${INDEX_FILE} lists shard ${quoted(shard)}, which is not in the folder: upload every file save_pretrained wrote`, shard);
    }
    opened.set(shard, await openFile(folder, shard));
  }
  const tensors = new Map<string, SafetensorsTensor>();
  for (const [shard, { tensors: held }] of opened) {
    for (const [name, entry] of held) {
      const listed = weightMap.get(name);
      if (listed === undefined) {
        throw malformed(shard, `${shard} holds tensor ${quoted(name)}, which ${INDEX_FILE} does not list: the index and the shards come from different saves; upload the files of one save_pretrained`);
      }
      const earlier = tensors.get(name);
      if (earlier !== undefined) {
        throw malformed(shard, `tensor ${quoted(name)} is in both ${earlier.file} and ${shard}; each tensor must be in one shard, the one ${INDEX_FILE} names (${listed}): ${RESAVE}`);
      }
      tensors.set(name, { ...entry, file: shard });
    }
  }
  for (const [name, shard] of weightMap) {
    const found = tensors.get(name);
    if (found === undefined || found.file !== shard) {
      throw malformed(shard, `${INDEX_FILE} puts tensor ${quoted(name)} in ${shard}, but ${found === undefined ? 'no shard holds it' : `it is in ${found.file}`}: the index and the shards come from different saves; upload the files of one save_pretrained`);
    }
  }
  return tensors;
}

/** Why a folder with these files has no weights Headroom reads: pickles only, or nothing at all. */
export function missingWeights(names: readonly string[]): ModelImportError {
  const pickle = names.filter((name) => /^pytorch_model.*\.bin(\.index\.json)?$/.test(name)).sort()[0];
  if (pickle !== undefined) {
    return new ModelImportError(
      'PICKLE_NOT_SUPPORTED',
      `the folder has ${pickle} but no ${SINGLE_FILE}: pickle files can run code when loaded, so Headroom never opens them; convert with model.save_pretrained(folder, safe_serialization=True) and upload ${SINGLE_FILE} (or its shards and ${INDEX_FILE}) instead`,
      pickle,
    );
  }
  return new ModelImportError(
    'MISSING_FILE',
    `the folder has neither ${SINGLE_FILE} nor ${INDEX_FILE} with its shards: save the model with model.save_pretrained(folder, safe_serialization=True) and upload what it writes`,
    SINGLE_FILE,
  );
}

/** F16's exponent is rebiased from 15 to 127; its subnormals are normal in float32, so they are normalised. */
function f16BitsToF32Bits(half: number): number {
  const sign = (half & 0x8000) << 16;
  const exponent = (half >> 10) & 0x1f;
  let mantissa = half & 0x3ff;
  if (exponent === 0x1f) return (sign | 0x7f800000 | (mantissa << 13)) >>> 0;
  if (exponent !== 0) return (sign | ((exponent + 112) << 23) | (mantissa << 13)) >>> 0;
  if (mantissa === 0) return sign >>> 0;
  let biased = 113;
  while ((mantissa & 0x400) === 0) {
    mantissa <<= 1;
    biased--;
  }
  return (sign | (biased << 23) | ((mantissa & 0x3ff) << 13)) >>> 0;
}

let f16Table: Uint32Array | null = null;
/** All 65,536 conversions, built once: a lookup is faster than the branches above per value. */
function f16ToF32Table(): Uint32Array {
  f16Table ??= Uint32Array.from({ length: 65_536 }, (_, half) => f16BitsToF32Bits(half));
  return f16Table;
}

/** BF16 is the top half of a float32. */
const widenBf16 = (half: number) => half << 16;

class OpenSafetensorsSet implements SafetensorsSet {
  private closed = false;

  constructor(
    readonly tensors: ReadonlyMap<string, SafetensorsTensor>,
    private readonly files: ReadonlyMap<string, OpenFile>,
  ) {}

  private locate(name: string): { entry: SafetensorsTensor; handle: fs.FileHandle } {
    if (this.closed) throw new Error('the safetensors files are closed');
    const entry = this.tensors.get(name);
    if (entry === undefined) throw new Error(`no tensor ${quoted(name)} in these safetensors files`);
    return { entry, handle: this.files.get(entry.file)!.handle };
  }

  async readBytes(name: string): Promise<Uint8Array> {
    const { entry, handle } = this.locate(name);
    const bytes = new Uint8Array(entry.end - entry.begin);
    await readExactly(handle, entry.file, entry.begin, bytes);
    return bytes;
  }

  async readF32(name: string): Promise<Float32Array> {
    assertLittleEndianHost(FORMAT);
    const { entry, handle } = this.locate(name);
    const { dtype, file, begin, end } = entry;
    if (dtype === 'F32') {
      const values = new Float32Array((end - begin) / 4);
      await readExactly(handle, file, begin, bytesOf(values));
      return values;
    }
    if (dtype !== 'F16' && dtype !== 'BF16') {
      throw new ModelImportError('TENSOR_DTYPE', `${file}: tensor ${quoted(name)} is ${quoted(dtype)}; Headroom reads F32, F16 and BF16 tensors as numbers: save the model with model.float() first`, file);
    }
    const count = (end - begin) / 2;
    const values = new Float32Array(count);
    const bits = new Uint32Array(values.buffer);
    const chunk = new Uint16Array(Math.min(count, WIDEN_CHUNK_VALUES));
    const table = dtype === 'F16' ? f16ToF32Table() : null;
    for (let done = 0; done < count; done += chunk.length) {
      const part = chunk.subarray(0, Math.min(chunk.length, count - done));
      await readExactly(handle, file, begin + 2 * done, bytesOf(part));
      for (let i = 0; i < part.length; i++) bits[done + i] = table === null ? widenBf16(part[i]) : table[part[i]];
    }
    return values;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.files.values()].map(({ handle }) => handle.close()));
  }
}

/**
 * The weights of a model folder: `model.safetensors` when there is one, otherwise the shards of
 * `model.safetensors.index.json`. Only headers are read. Throws ModelImportError: MISSING_FILE,
 * MALFORMED_SAFETENSORS, or PICKLE_NOT_SUPPORTED for a folder with pytorch_model.bin alone.
 */
export async function openSafetensors(folder: string): Promise<SafetensorsSet> {
  const opened = new Map<string, OpenFile>();
  try {
    let tensors: Map<string, SafetensorsTensor>;
    if (await isFile(folder, SINGLE_FILE)) {
      const single = await openFile(folder, SINGLE_FILE);
      opened.set(SINGLE_FILE, single);
      tensors = new Map([...single.tensors].map(([name, entry]) => [name, { ...entry, file: SINGLE_FILE }]));
    } else if (await isFile(folder, INDEX_FILE)) {
      tensors = await openShards(folder, opened);
    } else {
      throw missingWeights(await fs.readdir(folder));
    }
    return new OpenSafetensorsSet(tensors, opened);
  } catch (error) {
    await Promise.all([...opened.values()].map(({ handle }) => handle.close()));
    throw error;
  }
}

/**
 * Writes one safetensors file as the reference implementation lays it out, tensor by tensor from
 * the given arrays (no copy of the whole file): into a hidden temporary file beside `file`,
 * fsynced, then renamed over it, so `file` is never seen half-written. Making the rename itself
 * durable is the caller's part: writeFolderAtomically fsyncs the folder it fills.
 */
export async function writeSafetensorsFile(file: string, tensors: SafetensorsFileTensor[], metadata: Record<string, string> = {}): Promise<void> {
  const { prefix, ordered } = layOutSafetensors(tensors.map((tensor) => ({ ...tensor, byteLength: tensor.data.byteLength })), metadata);
  const folder = path.dirname(path.resolve(file));
  const partial = path.join(folder, `.${path.basename(file)}.partial-${randomUUID()}`);
  try {
    const handle = await fs.open(partial, 'wx');
    try {
      await writeAll(handle, prefix);
      for (const { data } of ordered) await writeAll(handle, data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(partial, file);
  } catch (error) {
    await fs.rm(partial, { force: true });
    throw error;
  }
}

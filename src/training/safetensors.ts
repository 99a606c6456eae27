/**
 * The safetensors format (https://github.com/huggingface/safetensors), for trading heads with
 * PyTorch / Hugging Face: an 8-byte little-endian header length N, N bytes of JSON header, then
 * the raw little-endian tensor data. The header maps each tensor name to its dtype, shape and
 * [begin, end) byte range in the data section, plus an optional "__metadata__" of string values.
 *
 * Written as the reference implementation writes it: tensors sorted by dtype (widest alignment
 * first, in the order of its Dtype enum), then by name; data laid out in that order, compact JSON
 * with "__metadata__" first, header padded with spaces to a multiple of 8 bytes. Read as it reads:
 * the byte ranges must tile the data section exactly, with no gap, overlap or trailing byte. The
 * header is parsed from the file's first bytes and its size alone, so a reader on disk
 * (huggingface/safetensors-files.ts) shares these checks without loading the tensors.
 *
 * Values are F32 only. Reading a tensor of another dtype (F16, BF16, F64, integers) fails with
 * a message naming it: a half-precision model must be saved with `.float()` first. Other tensors
 * of a file may have any dtype, so a head can be picked out of a whole model's file.
 */
import { assertLittleEndianHost, bytesOf } from './float32-bytes.js';
import { LinearHead } from './model.js';
import { checkHead, checkLabels, isCount } from './model-checks.js';
import { describeShape, preview, quoted } from './messages.js';

/** A float32 tensor: row-major values and their shape. */
export interface F32Tensor {
  shape: number[];
  data: Float32Array;
}

/** One tensor as the header describes it; `begin` and `end` are byte offsets into the whole file. */
export interface SafetensorsEntry {
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

export interface SafetensorsHeader {
  tensors: Map<string, SafetensorsEntry>;
  metadata: Record<string, string>;
}

const FORMAT = 'safetensors';
const METADATA_KEY = '__metadata__';
/** The reference implementation refuses larger headers; so do we, before parsing one. */
const MAX_HEADER_BYTES = 100_000_000;
/**
 * Bytes per element of the dtypes the reference implementation names, to check ranges against
 * shapes; listed in the order of its Dtype enum, which its writer sorts by (last first).
 */
const DTYPE_BYTES: ReadonlyMap<string, number> = new Map([
  ['BOOL', 1], ['U8', 1], ['I8', 1], ['F8_E5M2', 1], ['F8_E4M3', 1],
  ['I16', 2], ['U16', 2], ['F16', 2], ['BF16', 2],
  ['I32', 4], ['U32', 4], ['F32', 4],
  ['F64', 8], ['I64', 8], ['U64', 8],
]);
const DTYPE_RANK: ReadonlyMap<string, number> = new Map([...DTYPE_BYTES.keys()].map((dtype, rank) => [dtype, rank]));

/** A header the format's rules refuse; the message says what is wrong, and callers add which file it is. */
export class SafetensorsFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SafetensorsFormatError';
  }
}

/** PyTorch nn.Linear's parameter names under the attribute Hugging Face classifiers use. */
export const HEAD_WEIGHT_KEY = 'classifier.weight';
export const HEAD_BIAS_KEY = 'classifier.bias';
/** The `__metadata__` key holding the label list (JSON) of an exported head. */
export const LABELS_METADATA_KEY = 'labels';

/** The reference implementation sorts names as Rust strings: by UTF-8 bytes, not UTF-16 units. */
function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function elementCount(shape: number[]): number {
  return shape.reduce((product, size) => product * size, 1);
}

/** A JSON object of already-serialised values, keys in the given order (JSON.stringify puts integer-like keys first). */
function jsonObject(entries: Array<[string, string]>): string {
  return `{${entries.map(([key, json]) => `${JSON.stringify(key)}:${json}`).join(',')}}`;
}

/** What a writer knows of a tensor before its data is written. */
export interface SafetensorsLayoutEntry {
  name: string;
  dtype: string;
  shape: number[];
  byteLength: number;
}

/**
 * The first bytes of a file (header length, then the padded header) and the order in which the
 * tensors' data must follow them. Throws on a tensor whose bytes do not fit its dtype and shape.
 */
export function layOutSafetensors<T extends SafetensorsLayoutEntry>(
  tensors: T[],
  metadata: Record<string, string>,
): { prefix: Buffer; ordered: T[]; dataBytes: number } {
  const headerEntries: Array<[string, string]> = [];
  const metadataKeys = Object.keys(metadata).sort(compareUtf8);
  for (const key of metadataKeys) {
    if (typeof metadata[key] !== 'string') throw new Error(`safetensors metadata '${key}' must be a string`);
  }
  if (metadataKeys.length > 0) {
    headerEntries.push([METADATA_KEY, jsonObject(metadataKeys.map((key) => [key, JSON.stringify(metadata[key])]))]);
  }
  for (const { name, dtype, shape, byteLength } of tensors) {
    if (name === METADATA_KEY) throw new Error(`'${METADATA_KEY}' is reserved and cannot name a tensor`);
    const elementBytes = DTYPE_BYTES.get(dtype);
    if (elementBytes === undefined) throw new Error(`tensor '${name}' has dtype '${dtype}', which safetensors does not define`);
    if (byteLength % elementBytes !== 0) throw new Error(`tensor '${name}' has ${byteLength} bytes, not a whole number of ${dtype} values`);
    if (!shape.every(isCount) || elementCount(shape) * elementBytes !== byteLength) {
      throw new Error(`tensor '${name}' has ${byteLength / elementBytes} values, which does not fit shape [${shape.join(', ')}]`);
    }
  }
  const ordered = [...tensors].sort((a, b) => DTYPE_RANK.get(b.dtype)! - DTYPE_RANK.get(a.dtype)! || compareUtf8(a.name, b.name));
  let dataBytes = 0;
  for (const { name, dtype, shape, byteLength } of ordered) {
    headerEntries.push([name, JSON.stringify({ dtype, shape, data_offsets: [dataBytes, dataBytes + byteLength] })]);
    dataBytes += byteLength;
  }
  const header = Buffer.from(jsonObject(headerEntries), 'utf8');
  const headerBytes = Math.ceil(header.length / 8) * 8;
  const prefix = Buffer.alloc(8 + headerBytes, ' ');
  prefix.writeBigUInt64LE(BigInt(headerBytes), 0);
  header.copy(prefix, 8);
  return { prefix, ordered, dataBytes };
}

/** The file bytes of F32 tensors (row-major data, shapes as given) and string metadata. */
export function writeSafetensors(tensors: Record<string, F32Tensor>, metadata: Record<string, string> = {}): Buffer {
  assertLittleEndianHost(FORMAT);
  const entries = Object.entries(tensors).map(([name, { shape, data }]) => ({ name, dtype: 'F32', shape, byteLength: data.byteLength, data }));
  const { prefix, ordered, dataBytes } = layOutSafetensors(entries, metadata);
  const file = Buffer.alloc(prefix.length + dataBytes);
  prefix.copy(file, 0);
  let offset = prefix.length;
  for (const { data } of ordered) {
    file.set(bytesOf(data), offset);
    offset += data.byteLength;
  }
  return file;
}

/**
 * The header's length, from the file's first 8 bytes, checked against the file's size and the
 * 100 MB limit, so nothing is allocated for a header that cannot be there.
 */
export function safetensorsHeaderLength(first8: Uint8Array, fileBytes: number): number {
  if (fileBytes < 8) throw new SafetensorsFormatError(`not a safetensors file: ${fileBytes} bytes, fewer than the 8 of its header length`);
  const headerBytes = new DataView(first8.buffer, first8.byteOffset, 8).getBigUint64(0, true);
  if (headerBytes > BigInt(Math.min(MAX_HEADER_BYTES, fileBytes - 8))) {
    throw new SafetensorsFormatError(`not a safetensors file: header length ${headerBytes} exceeds ${fileBytes - 8 < MAX_HEADER_BYTES ? `the ${fileBytes - 8} bytes after it` : `the ${MAX_HEADER_BYTES}-byte limit`}`);
  }
  return Number(headerBytes);
}

function parseHeaderJson(header: Uint8Array): Record<string, unknown> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(header);
  } catch {
    throw new SafetensorsFormatError('not a safetensors file: the header is not valid UTF-8');
  }
  if (!text.startsWith('{')) throw new SafetensorsFormatError('not a safetensors file: the header does not start with \'{\'');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SafetensorsFormatError(`not a safetensors file: the header is not JSON (${(error as Error).message})`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new SafetensorsFormatError('not a safetensors file: the header is not a JSON object');
  return json as Record<string, unknown>;
}

function parseMetadata(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new SafetensorsFormatError(`safetensors header: '${METADATA_KEY}' is not an object`);
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string') throw new SafetensorsFormatError(`safetensors header: '${METADATA_KEY}' value ${quoted(key)} is not a string`);
  }
  return value as Record<string, string>;
}

function parseEntry(name: string, value: unknown): { dtype: string; shape: number[]; begin: number; end: number } {
  const entry = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown } | null;
  const offsets = entry?.data_offsets;
  if (typeof entry?.dtype !== 'string' || !Array.isArray(entry.shape) || !entry.shape.every(isCount)
    || !Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
    throw new SafetensorsFormatError(`safetensors header: tensor ${quoted(name)} needs a dtype string, a shape of sizes and data_offsets [begin, end], got ${preview(value)}`);
  }
  return { dtype: entry.dtype, shape: entry.shape, begin: offsets[0], end: offsets[1] };
}

/**
 * Parses and checks the header of a file of `fileBytes` bytes from its first bytes: `start` must
 * hold at least the 8 of the length and the header (more are ignored). Tensor data is not read.
 * Throws SafetensorsFormatError for a file the format's rules refuse.
 */
export function parseSafetensorsHeader(start: Uint8Array, fileBytes: number): SafetensorsHeader {
  const headerBytes = safetensorsHeaderLength(start, fileBytes);
  if (start.length < 8 + headerBytes) throw new Error(`parseSafetensorsHeader needs the first ${8 + headerBytes} bytes of the file, got ${start.length}`);
  const json = parseHeaderJson(start.subarray(8, 8 + headerBytes));
  const metadata = parseMetadata(json[METADATA_KEY]);
  const parsed = Object.entries(json)
    .filter(([name]) => name !== METADATA_KEY)
    .map(([name, value]) => ({ name, ...parseEntry(name, value) }))
    .sort((a, b) => a.begin - b.begin || a.end - b.end);
  const dataStart = 8 + headerBytes;
  const tensors = new Map<string, SafetensorsEntry>();
  let covered = 0;
  for (const { name, dtype, shape, begin, end } of parsed) {
    if (begin !== covered || end < begin) {
      throw new SafetensorsFormatError(`safetensors header: tensor ${quoted(name)} has data_offsets [${begin}, ${end}], but the data must continue at byte ${covered} without gaps or overlaps`);
    }
    const elementBytes = DTYPE_BYTES.get(dtype);
    // A dtype newer than this table cannot be size-checked; it can still be skipped over.
    if (elementBytes !== undefined && end - begin !== elementCount(shape) * elementBytes) {
      throw new SafetensorsFormatError(`safetensors header: tensor ${quoted(name)} (${dtype} ${describeShape(shape)}) needs ${elementCount(shape) * elementBytes} bytes, its data_offsets span ${end - begin}`);
    }
    tensors.set(name, { dtype, shape, begin: dataStart + begin, end: dataStart + end });
    covered = end;
  }
  if (dataStart + covered !== fileBytes) {
    throw new SafetensorsFormatError(`safetensors file is ${fileBytes} bytes, but its header and tensors account for ${dataStart + covered} (truncated, or trailing data)`);
  }
  return { tensors, metadata };
}

/** Parses and checks the header of a whole file in memory; tensor data is not read. */
export function readSafetensorsHeader(bytes: Uint8Array): SafetensorsHeader {
  return parseSafetensorsHeader(bytes, bytes.length);
}

function describeKeys(names: Iterable<string>): string {
  const sorted = [...names].sort(compareUtf8);
  const shown = sorted.slice(0, 50).map((name) => `'${name}'`).join(', ');
  return sorted.length === 0 ? 'no tensors' : sorted.length > 50 ? `${shown} and ${sorted.length - 50} more` : shown;
}

/** Copies one F32 tensor out of the file (the copy is aligned and owned, whatever `bytes` is). */
export function readF32Tensor(bytes: Uint8Array, header: SafetensorsHeader, name: string): F32Tensor {
  assertLittleEndianHost(FORMAT);
  const entry = header.tensors.get(name);
  if (entry === undefined) throw new Error(`the safetensors file has no tensor '${name}'; it has ${describeKeys(header.tensors.keys())}`);
  if (entry.dtype !== 'F32') {
    throw new Error(`tensor '${name}' is ${entry.dtype}; Headroom reads F32 tensors only (save it with .float() first)`);
  }
  const data = new Float32Array(elementCount(entry.shape));
  bytesOf(data).set(bytes.subarray(entry.begin, entry.end));
  return { shape: [...entry.shape], data };
}

/** Every tensor of the file, which must all be F32. */
export function readSafetensors(bytes: Uint8Array): { tensors: Map<string, F32Tensor>; metadata: Record<string, string> } {
  const header = readSafetensorsHeader(bytes);
  const tensors = new Map([...header.tensors.keys()].map((name) => [name, readF32Tensor(bytes, header, name)]));
  return { tensors, metadata: header.metadata };
}

/**
 * The head as a PyTorch nn.Linear state dict: `classifier.weight` [labels, dim] and
 * `classifier.bias` [labels], loadable with `safetensors.torch.load_file` and
 * `model.classifier.load_state_dict(...)`. The metadata holds the label list as JSON and
 * `format: pt`, which Hugging Face's loaders look for.
 */
export function exportHeadSafetensors(head: LinearHead, labels: string[]): Buffer {
  checkLabels(labels, 'exportHeadSafetensors');
  checkHead(head, labels.length, 'exportHeadSafetensors');
  return writeSafetensors(
    {
      [HEAD_WEIGHT_KEY]: { shape: [labels.length, head.dim], data: head.weight },
      [HEAD_BIAS_KEY]: { shape: [labels.length], data: head.bias },
    },
    { format: 'pt', [LABELS_METADATA_KEY]: JSON.stringify(labels) },
  );
}

export interface ImportHeadOptions {
  /** Default `classifier.weight`; RoBERTa-style heads use `classifier.out_proj.weight`. */
  weightKey?: string;
  /** Default: the weight key with `.weight` replaced by `.bias`. */
  biasKey?: string;
}

/**
 * Reads a linear head ([labels, dim] weight and [labels] bias, PyTorch layout) out of a
 * safetensors file, which may hold a whole model. Labels come from the `labels` metadata an
 * exported head carries; null when the file has none (the caller must supply them).
 */
export function importHeadSafetensors(bytes: Uint8Array, options: ImportHeadOptions = {}): { head: LinearHead; labels: string[] | null } {
  const weightKey = options.weightKey ?? HEAD_WEIGHT_KEY;
  const biasKey = options.biasKey ?? (weightKey.endsWith('.weight') ? `${weightKey.slice(0, -'.weight'.length)}.bias` : undefined);
  if (biasKey === undefined) throw new Error(`cannot derive the bias key from weight key '${weightKey}' (it does not end in '.weight'): pass biasKey`);
  const header = readSafetensorsHeader(bytes);
  const weight = readF32Tensor(bytes, header, weightKey);
  const bias = readF32Tensor(bytes, header, biasKey);
  if (weight.shape.length !== 2) throw new Error(`head weight '${weightKey}' must be 2-D [labels, dim], got [${weight.shape.join(', ')}]`);
  const [labelCount, dim] = weight.shape;
  if (bias.shape.length !== 1 || bias.shape[0] !== labelCount) {
    throw new Error(`head bias '${biasKey}' must be [${labelCount}] to match weight [${labelCount}, ${dim}], got [${bias.shape.join(', ')}]`);
  }
  const head: LinearHead = { dim, weight: weight.data, bias: bias.data };
  checkHead(head, labelCount, 'importHeadSafetensors');
  const labelsJson = header.metadata[LABELS_METADATA_KEY];
  if (labelsJson === undefined) return { head, labels: null };
  let labels: unknown;
  try {
    labels = JSON.parse(labelsJson);
  } catch {
    throw new Error(`safetensors metadata '${LABELS_METADATA_KEY}' is not JSON: ${labelsJson.slice(0, 100)}`);
  }
  checkLabels(labels, `safetensors metadata '${LABELS_METADATA_KEY}'`);
  if (labels.length !== labelCount) {
    throw new Error(`safetensors metadata '${LABELS_METADATA_KEY}' lists ${labels.length} labels, but the head has ${labelCount} rows`);
  }
  return { head, labels };
}

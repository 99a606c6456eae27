import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { writeSafetensors } from '../src/training/safetensors.js';
import { ModelImportError, ModelImportReason } from '../src/training/huggingface/import-error.js';
import { runPython, skipWithoutPython } from './support/python.js';
import { rawSafetensors } from './support/safetensors-bytes.js';
import {
  INDEX_FILE, openSafetensors, SafetensorsFileTensor, SINGLE_FILE, writeSafetensorsFile,
} from '../src/training/huggingface/safetensors-files.js';

/** A fresh folder, removed when the test ends. */
async function folder(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'headroom-hf-safetensors-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

const bytes = (array: ArrayBufferView) => new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
const bitsOf = (values: Float32Array) => [...new Uint32Array(values.buffer, values.byteOffset, values.length)];
const f32 = (name: string, shape: number[], values: number[]): SafetensorsFileTensor => ({ name, dtype: 'F32', shape, data: bytes(Float32Array.from(values)) });
const halfBits = (dtype: 'F16' | 'BF16', name: string, shape: number[], bits: number[]): SafetensorsFileTensor => ({ name, dtype, shape, data: bytes(Uint16Array.from(bits)) });
const positionIds = (count: number): SafetensorsFileTensor => ({ name: 'bert.embeddings.position_ids', dtype: 'I64', shape: [1, count], data: bytes(BigInt64Array.from({ length: count }, (_, i) => BigInt(i))) });

/** A safetensors file from a header given as-is, padded to 8 bytes with spaces. */
async function rejectsWith(promise: Promise<unknown>, reason: ModelImportReason, file: string | undefined, message: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof ModelImportError, `expected a ModelImportError, got ${String(error)}`);
    assert.equal(error.reason, reason, error.message);
    assert.equal(error.file, file, error.message);
    assert.match(error.message, message);
    return true;
  });
}

/** The value a float16 bit pattern stands for, from the IEEE 754 definition. */
function f16Value(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

const ALL_HALF_PATTERNS = Array.from({ length: 65_536 }, (_, bits) => bits);

test('writeSafetensorsFile lays a file out as the reference implementation does: widest dtypes first, then by name', async (t) => {
  const dir = await folder(t);
  const file = path.join(dir, SINGLE_FILE);
  await writeSafetensorsFile(file, [
    f32('b', [2], [1, 2]),
    halfBits('F16', 'a', [1], [0x3c00]),
    positionIds(2),
    halfBits('BF16', 'c', [1], [0x3f80]),
    f32('a', [1], [3]),
  ], { format: 'pt' });
  const written = await fs.readFile(file);
  const headerLength = Number(written.readBigUInt64LE(0));
  assert.equal(headerLength % 8, 0);
  const expected = '{"__metadata__":{"format":"pt"},'
    + '"bert.embeddings.position_ids":{"dtype":"I64","shape":[1,2],"data_offsets":[0,16]},'
    + '"a":{"dtype":"F32","shape":[1],"data_offsets":[16,20]},'
    + '"b":{"dtype":"F32","shape":[2],"data_offsets":[20,28]},'
    + '"c":{"dtype":"BF16","shape":[1],"data_offsets":[28,30]},'
    + '"a":{"dtype":"F16","shape":[1],"data_offsets":[30,32]}}';
  assert.equal(written.subarray(8, 8 + headerLength).toString('utf8'), expected.padEnd(headerLength, ' '));
  assert.equal(written.length, 8 + headerLength + 32);
  // Only the file itself is left: the temporary file was renamed into place.
  assert.deepEqual(await fs.readdir(dir), [SINGLE_FILE]);
});

test('writeSafetensorsFile writes F32 tensors byte for byte as writeSafetensors does, and replaces an existing file whole', async (t) => {
  const dir = await folder(t);
  const file = path.join(dir, 'head.safetensors');
  await fs.writeFile(file, 'old contents');
  const weight = Float32Array.from([0.5, -0, NaN, Infinity, 1e-45, -2]);
  const bias = Float32Array.from([0.25, 7]);
  await writeSafetensorsFile(file, [
    { name: 'classifier.weight', dtype: 'F32', shape: [2, 3], data: bytes(weight) },
    { name: 'classifier.bias', dtype: 'F32', shape: [2], data: bytes(bias) },
  ], { format: 'pt', labels: '["a","b"]' });
  const inMemory = writeSafetensors({ 'classifier.weight': { shape: [2, 3], data: weight }, 'classifier.bias': { shape: [2], data: bias } }, { labels: '["a","b"]', format: 'pt' });
  assert.deepEqual(await fs.readFile(file), inMemory);
  assert.deepEqual(await fs.readdir(dir), ['head.safetensors']);
});

test('writeSafetensorsFile refuses tensors that do not fit their shape and leaves nothing behind when it fails', async (t) => {
  const dir = await folder(t);
  const file = path.join(dir, SINGLE_FILE);
  await assert.rejects(writeSafetensorsFile(file, [{ name: 'x', dtype: 'F16', shape: [2], data: new Uint8Array(3) }]), /tensor 'x' has 3 bytes, not a whole number of F16 values/);
  await assert.rejects(writeSafetensorsFile(file, [{ name: 'x', dtype: 'F32', shape: [2, 2], data: new Uint8Array(12) }]), /tensor 'x' has 3 values, which does not fit shape \[2, 2\]/);
  await assert.rejects(writeSafetensorsFile(file, [{ name: 'x', dtype: 'Q4', shape: [1], data: new Uint8Array(1) }]), /dtype 'Q4', which safetensors does not define/);
  await assert.rejects(writeSafetensorsFile(file, [f32('__metadata__', [1], [1])]), /reserved/);
  assert.deepEqual(await fs.readdir(dir), []);
  // The rename fails (a folder is in the way): the temporary file is removed.
  await fs.mkdir(file);
  await assert.rejects(writeSafetensorsFile(file, [f32('x', [1], [1])]));
  assert.deepEqual(await fs.readdir(dir), [SINGLE_FILE]);
});

test('openSafetensors reads the header only, and each tensor at its absolute offsets', async (t) => {
  const dir = await folder(t);
  await writeSafetensorsFile(path.join(dir, SINGLE_FILE), [f32('w', [2, 2], [1, -0, NaN, 4]), positionIds(3), f32('empty', [0, 4], [])]);
  const set = await openSafetensors(dir);
  t.after(() => set.close());
  const headerLength = Number((await fs.readFile(path.join(dir, SINGLE_FILE))).readBigUInt64LE(0));
  const start = 8 + headerLength;
  assert.deepEqual(Object.fromEntries(set.tensors), {
    'bert.embeddings.position_ids': { dtype: 'I64', shape: [1, 3], file: SINGLE_FILE, begin: start, end: start + 24 },
    empty: { dtype: 'F32', shape: [0, 4], file: SINGLE_FILE, begin: start + 24, end: start + 24 },
    w: { dtype: 'F32', shape: [2, 2], file: SINGLE_FILE, begin: start + 24, end: start + 40 },
  });
  assert.deepEqual(bitsOf(await set.readF32('w')), [0x3f800000, 0x80000000, 0x7fc00000, 0x40800000]);
  assert.deepEqual(await set.readF32('empty'), new Float32Array(0));
  assert.deepEqual([...new BigInt64Array((await set.readBytes('bert.embeddings.position_ids')).buffer)], [0n, 1n, 2n]);
  await rejectsWith(set.readF32('bert.embeddings.position_ids'), 'TENSOR_DTYPE', SINGLE_FILE,
    /model\.safetensors: tensor 'bert\.embeddings\.position_ids' is 'I64'; Headroom reads F32, F16 and BF16 tensors as numbers: save the model with model\.float\(\) first/);
  await assert.rejects(set.readF32('nope'), /no tensor 'nope'/);
  await set.close();
  await assert.rejects(set.readBytes('w'), /closed/);
});

test('every one of the 65,536 F16 bit patterns widens to the float32 it stands for: subnormals, infinities, NaN payloads and -0 exactly', async (t) => {
  const dir = await folder(t);
  await writeSafetensorsFile(path.join(dir, SINGLE_FILE), [halfBits('F16', 'h', [256, 256], ALL_HALF_PATTERNS)]);
  const set = await openSafetensors(dir);
  t.after(() => set.close());
  const widened = await set.readF32('h');
  const bits = new Uint32Array(widened.buffer);
  for (const half of ALL_HALF_PATTERNS) {
    const expected = f16Value(half);
    if (Number.isNaN(expected)) {
      // A NaN keeps its sign and payload, as numpy's float16 -> float32 keeps them.
      assert.equal(bits[half], ((half & 0x8000) << 16 | 0x7f800000 | (half & 0x3ff) << 13) >>> 0, `F16 ${half.toString(16)}`);
    } else {
      assert.ok(Object.is(widened[half], expected), `F16 0x${half.toString(16)}: ${widened[half]}, expected ${expected}`);
    }
  }
});

test('every BF16 bit pattern widens to the float32 of its 16 bits followed by 16 zeros', async (t) => {
  const dir = await folder(t);
  await writeSafetensorsFile(path.join(dir, SINGLE_FILE), [halfBits('BF16', 'b', [65_536], ALL_HALF_PATTERNS)]);
  const set = await openSafetensors(dir);
  t.after(() => set.close());
  const bits = new Uint32Array((await set.readF32('b')).buffer);
  assert.deepEqual([...bits], ALL_HALF_PATTERNS.map((half) => (half << 16) >>> 0));
});


test('F16 widening agrees bit for bit with numpy on all 65,536 patterns', { skip: skipWithoutPython(['numpy']) }, async (t) => {
  const script = 'import numpy as np, sys; sys.stdout.buffer.write(np.arange(65536, dtype=np.uint16).view(np.float16).astype(np.float32).tobytes())';
  const widened = runPython(['-c', script], { modules: ['numpy'] });
  const dir = await folder(t);
  await writeSafetensorsFile(path.join(dir, SINGLE_FILE), [halfBits('F16', 'h', [65_536], ALL_HALF_PATTERNS)]);
  const set = await openSafetensors(dir);
  t.after(() => set.close());
  assert.deepEqual(Buffer.from((await set.readF32('h')).buffer), widened);
});

test('a half-precision tensor larger than the widening buffer is converted across chunk boundaries', async (t) => {
  const dir = await folder(t);
  const count = (1 << 20) + 3;
  const pattern = Array.from({ length: count }, (_, i) => (i * 7919) & 0xffff);
  await writeSafetensorsFile(path.join(dir, SINGLE_FILE), [halfBits('BF16', 'big', [count], pattern)]);
  const set = await openSafetensors(dir);
  t.after(() => set.close());
  const bits = new Uint32Array((await set.readF32('big')).buffer);
  assert.equal(bits.length, count);
  for (const i of [0, (1 << 20) - 1, 1 << 20, count - 1]) assert.equal(bits[i], (pattern[i] << 16) >>> 0);
});

test('Python (numpy) reads F16, BF16 and I64 tensors of a written file as written', { skip: skipWithoutPython(['numpy']) }, async (t) => {
  const dir = await folder(t);
  const file = path.join(dir, SINGLE_FILE);
  await writeSafetensorsFile(file, [halfBits('F16', 'h', [2], [0x3c00, 0x8001]), halfBits('BF16', 'b', [1], [0xbf80]), positionIds(2), f32('f', [1], [0.5])], { format: 'pt' });
  // The reading half of the format's spec, as a Python loader does it.
  const script = `
import json, struct, sys
import numpy as np
data = open(sys.argv[1], 'rb').read()
(n,) = struct.unpack('<Q', data[:8])
header = json.loads(data[8:8 + n])
out = {}
for name, info in header.items():
    if name == '__metadata__':
        continue
    a, b = info['data_offsets']
    raw = data[8 + n + a:8 + n + b]
    if info['dtype'] == 'BF16':
        values = (np.frombuffer(raw, dtype=np.uint16).astype(np.uint32) << 16).view(np.float32)
    else:
        values = np.frombuffer(raw, dtype={'F16': np.float16, 'F32': np.float32, 'I64': np.int64}[info['dtype']])
    out[name] = [info['dtype'], info['shape'], [float(v) for v in values]]
print(json.dumps(out))`;
  assert.deepEqual(JSON.parse(runPython(['-c', script, file], { modules: ['numpy'] }).toString()), {
    h: ['F16', [2], [1, -(2 ** -24)]],
    b: ['BF16', [1], [-1]],
    'bert.embeddings.position_ids': ['I64', [1, 2], [0, 1]],
    f: ['F32', [1], [0.5]],
  });
});

test('a file cut short after it was opened fails the read with MALFORMED_SAFETENSORS', async (t) => {
  const dir = await folder(t);
  const file = path.join(dir, SINGLE_FILE);
  await writeSafetensorsFile(file, [f32('a', [4], [1, 2, 3, 4])]);
  const set = await openSafetensors(dir);
  t.after(() => set.close());
  const { size } = await fs.stat(file);
  await fs.truncate(file, size - 4);
  await rejectsWith(set.readF32('a'), 'MALFORMED_SAFETENSORS', SINGLE_FILE, /^model\.safetensors ends at byte \d+, before the \d+ its header promised: the file was cut short after it was opened/);
});

test('malformed files are refused with MALFORMED_SAFETENSORS, naming the file, the fault and the fix', async (t) => {
  const dir = await folder(t);
  const good = writeSafetensors({ a: { shape: [2], data: Float32Array.from([1, 2]) } });
  const hugeLength = Buffer.from(good);
  hugeLength.writeBigUInt64LE(0xffffffffffffffffn);
  const overLimit = Buffer.alloc(16);
  overLimit.writeBigUInt64LE(100_000_001n);
  const beyondFile = Buffer.from(good);
  beyondFile.writeBigUInt64LE(BigInt(good.length - 7));
  const cases: Array<[Uint8Array, RegExp]> = [
    [new Uint8Array(0), /0 bytes, fewer than the 8 of its header length/],
    [good.subarray(0, 5), /5 bytes, fewer than the 8/],
    [hugeLength, /header length 18446744073709551615 exceeds the \d+ bytes after it/],
    [overLimit, /header length 100000001 exceeds the 8 bytes after it/],
    [beyondFile, /exceeds the \d+ bytes after it/],
    [good.subarray(0, good.length - 1), /truncated, or trailing data/],
    [Buffer.concat([good, Buffer.from([0])]), /trailing data/],
    [rawSafetensors('{"a":'), /header is not JSON/],
    [rawSafetensors({ a: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, new Uint8Array(12)), /tensor 'a' has data_offsets \[4, 12\], but the data must continue at byte 0/],
    [rawSafetensors({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 12] } }, new Uint8Array(12)), /tensor 'a' \(F32 \[2\]\) needs 8 bytes, its data_offsets span 12/],
    [Buffer.concat([rawSafetensors('{}').subarray(0, 8), Buffer.from([0x7b, 0xc3, 0x7d, 0x20, 0x20, 0x20, 0x20, 0x20])]), /not valid UTF-8/],
    // Nested 20,000 deep, the entry overflowed JSON.stringify in the message (a RangeError).
    [rawSafetensors(`{"a": ${'['.repeat(20_000)}${']'.repeat(20_000)}}`), /tensor 'a' needs a dtype string, a shape of sizes and data_offsets \[begin, end\], got \[\[\[\[…\]\]\]\]\. /],
  ];
  for (const [contents, message] of cases) {
    await fs.writeFile(path.join(dir, SINGLE_FILE), contents);
    await rejectsWith(openSafetensors(dir), 'MALFORMED_SAFETENSORS', SINGLE_FILE, message);
    await rejectsWith(openSafetensors(dir), 'MALFORMED_SAFETENSORS', SINGLE_FILE, /^model\.safetensors: .*: upload it again, or save the model again with model\.save_pretrained\(folder, safe_serialization=True\)$/);
  }
});

test('a header length beyond the file is refused before anything is allocated for it', async (t) => {
  const dir = await folder(t);
  const file = Buffer.alloc(64, 0x20);
  file.writeBigUInt64LE(99_999_999n);
  await fs.writeFile(path.join(dir, SINGLE_FILE), file);
  const before = process.memoryUsage().arrayBuffers;
  await rejectsWith(openSafetensors(dir), 'MALFORMED_SAFETENSORS', SINGLE_FILE, /header length 99999999 exceeds the 56 bytes after it/);
  assert.ok(process.memoryUsage().arrayBuffers - before < 10_000_000, 'a buffer the size of the claimed header was allocated');
});

/** Writes `shards` (file -> tensors) and an index mapping each tensor to its file, or to `weightMap` when given. */
async function shardedFolder(dir: string, shards: Record<string, SafetensorsFileTensor[]>, weightMap?: Record<string, unknown>): Promise<void> {
  for (const [file, tensors] of Object.entries(shards)) await writeSafetensorsFile(path.join(dir, file), tensors);
  const map = weightMap ?? Object.fromEntries(Object.entries(shards).flatMap(([file, tensors]) => tensors.map((tensor) => [tensor.name, file])));
  await fs.writeFile(path.join(dir, INDEX_FILE), JSON.stringify({ metadata: { total_size: 24 }, weight_map: map }));
}

const SHARD_1 = 'model-00001-of-00002.safetensors';
const SHARD_2 = 'model-00002-of-00002.safetensors';

test('a sharded model is read through its index: every tensor from the shard that holds it', async (t) => {
  const dir = await folder(t);
  await shardedFolder(dir, { [SHARD_1]: [f32('a', [2], [1, 2]), positionIds(1)], [SHARD_2]: [halfBits('F16', 'b', [1], [0xc000])] });
  const set = await openSafetensors(dir);
  t.after(() => set.close());
  assert.deepEqual([...set.tensors].map(([name, { file, dtype }]) => [name, file, dtype]).sort(), [
    ['a', SHARD_1, 'F32'], ['b', SHARD_2, 'F16'], ['bert.embeddings.position_ids', SHARD_1, 'I64'],
  ]);
  assert.deepEqual([...await set.readF32('a')], [1, 2]);
  assert.deepEqual([...await set.readF32('b')], [-2]);
  assert.equal((await set.readBytes('bert.embeddings.position_ids')).length, 8);
});

test('model.safetensors is preferred to an index beside it', async (t) => {
  const dir = await folder(t);
  await shardedFolder(dir, { [SHARD_1]: [f32('sharded', [1], [1])] });
  await writeSafetensorsFile(path.join(dir, SINGLE_FILE), [f32('single', [1], [2])]);
  const set = await openSafetensors(dir);
  t.after(() => set.close());
  assert.deepEqual([...set.tensors.keys()], ['single']);
});

test('an index that disagrees with its shards, or points outside the folder, is refused', async (t) => {
  const dir = await folder(t);
  const a = [f32('a', [1], [1])];
  const b = [f32('b', [1], [2])];
  const cases: Array<[Record<string, SafetensorsFileTensor[]>, Record<string, unknown> | undefined, ModelImportReason, string, RegExp]> = [
    [{ [SHARD_1]: a }, { a: SHARD_1, b: SHARD_1 }, 'MALFORMED_SAFETENSORS', SHARD_1, /puts tensor 'b' in model-00001-of-00002\.safetensors, but no shard holds it/],
    [{ [SHARD_1]: a, [SHARD_2]: b }, { a: SHARD_1, b: SHARD_1 }, 'MALFORMED_SAFETENSORS', SHARD_1, /puts tensor 'b' in model-00001-of-00002\.safetensors, but no shard holds it/],
    [{ [SHARD_1]: [...a, ...b] }, { a: SHARD_1 }, 'MALFORMED_SAFETENSORS', SHARD_1, /holds tensor 'b', which model\.safetensors\.index\.json does not list/],
    [{ [SHARD_1]: a, [SHARD_2]: [...a, ...b] }, { a: SHARD_1, b: SHARD_2 }, 'MALFORMED_SAFETENSORS', SHARD_2, /tensor 'a' is in both model-00001-of-00002\.safetensors and model-00002-of-00002\.safetensors/],
    [{ [SHARD_1]: a }, { a: SHARD_1, b: SHARD_2 }, 'MISSING_FILE', SHARD_2, /lists shard 'model-00002-of-00002\.safetensors', which is not in the folder/],
    [{}, { a: '../model.safetensors' }, 'MALFORMED_SAFETENSORS', INDEX_FILE, /weight_map puts tensor 'a' in '\.\.\/model\.safetensors', expected the name of a \.safetensors file in the same folder/],
    [{}, { a: 'sub/x.safetensors' }, 'MALFORMED_SAFETENSORS', INDEX_FILE, /in 'sub\/x\.safetensors', expected/],
    [{}, { a: '..\\x.safetensors' }, 'MALFORMED_SAFETENSORS', INDEX_FILE, /expected the name of a \.safetensors file/],
    [{}, { a: 'config.json' }, 'MALFORMED_SAFETENSORS', INDEX_FILE, /in 'config\.json', expected/],
    [{}, { a: 7 }, 'MALFORMED_SAFETENSORS', INDEX_FILE, /in 7, expected/],
  ];
  for (const [shards, weightMap, reason, file, message] of cases) {
    await fs.rm(dir, { recursive: true });
    await fs.mkdir(dir);
    await shardedFolder(dir, shards, weightMap);
    await rejectsWith(openSafetensors(dir), reason, file, message);
  }
});

test('an index that is not the JSON save_pretrained writes is refused', async (t) => {
  const dir = await folder(t);
  const cases: Array<[string | Buffer, RegExp]> = [
    ['{"weight_map": ', /model\.safetensors\.index\.json is not JSON/],
    ['[]', /must be a JSON object with "weight_map"/],
    ['{"metadata": {}}', /must be a JSON object with "weight_map"/],
    ['{"weight_map": []}', /must be a JSON object with "weight_map"/],
    ['{"metadata": {"total_size": -1}, "weight_map": {}}', /"metadata" must be an object whose "total_size" is a byte count, found \{"total_size":-1\}/],
    ['{"metadata": "x", "weight_map": {}}', /"metadata" must be an object/],
    [`{"metadata": ${'['.repeat(20_000)}${']'.repeat(20_000)}, "weight_map": {}}`, /"metadata" must be an object whose "total_size" is a byte count, found \[\[\[\[…\]\]\]\]/],
    [`{"weight_map": {"a": ${'{"b":'.repeat(20_000)}1${'}'.repeat(20_000)}}}`, /weight_map puts tensor 'a' in \{"b":\{"b":\{"b":\{…\}\}\}\}, expected/],
    [Buffer.from([0x7b, 0xff, 0x7d]), /is not UTF-8 text/],
  ];
  for (const [text, message] of cases) {
    await fs.writeFile(path.join(dir, INDEX_FILE), text);
    await rejectsWith(openSafetensors(dir), 'MALFORMED_SAFETENSORS', INDEX_FILE, message);
  }
  // An index listing nothing is a model without tensors: what is missing is for the model's checks to say.
  await fs.writeFile(path.join(dir, INDEX_FILE), '{"metadata": {"total_size": 0}, "weight_map": {}}');
  const set = await openSafetensors(dir);
  assert.equal(set.tensors.size, 0);
  await set.close();
});

test('a folder without safetensors is MISSING_FILE; with only pickles it is PICKLE_NOT_SUPPORTED, and the pickle is never opened', async (t) => {
  const dir = await folder(t);
  await fs.writeFile(path.join(dir, 'config.json'), '{}');
  await fs.writeFile(path.join(dir, 'training_args.bin'), 'pickle');
  await rejectsWith(openSafetensors(dir), 'MISSING_FILE', SINGLE_FILE, /the folder has neither model\.safetensors nor model\.safetensors\.index\.json with its shards: save the model with model\.save_pretrained\(folder, safe_serialization=True\)/);
  // A FIFO: opening it for reading would block until a writer came, and hang the test.
  assert.equal(spawnSync('mkfifo', [path.join(dir, 'pytorch_model.bin')]).status, 0);
  await rejectsWith(openSafetensors(dir), 'PICKLE_NOT_SUPPORTED', 'pytorch_model.bin',
    /the folder has pytorch_model\.bin but no model\.safetensors: pickle files can run code when loaded, so Headroom never opens them; convert with model\.save_pretrained\(folder, safe_serialization=True\)/);
  await fs.rm(path.join(dir, 'pytorch_model.bin'));
  await fs.writeFile(path.join(dir, 'pytorch_model-00001-of-00002.bin'), 'pickle');
  await fs.writeFile(path.join(dir, 'pytorch_model.bin.index.json'), '{}');
  await rejectsWith(openSafetensors(dir), 'PICKLE_NOT_SUPPORTED', 'pytorch_model-00001-of-00002.bin', /pickle files can run code/);
  // model.safetensors as a folder is not a file to read.
  await fs.mkdir(path.join(dir, SINGLE_FILE));
  await rejectsWith(openSafetensors(dir), 'PICKLE_NOT_SUPPORTED', 'pytorch_model-00001-of-00002.bin', /pickle/);
});

test('tensors carried through readBytes and writeSafetensorsFile come out byte for byte as they went in', async (t) => {
  const dir = await folder(t);
  const out = await folder(t);
  const original = [f32('classifier.weight', [1, 2], [0.5, NaN]), halfBits('F16', 'bert.x', [3], [0x7c01, 0x8000, 0x0001]), positionIds(4)];
  await writeSafetensorsFile(path.join(dir, SINGLE_FILE), original, { format: 'pt' });
  const set = await openSafetensors(dir);
  t.after(() => set.close());
  const copies = await Promise.all([...set.tensors].map(async ([name, { dtype, shape }]) => ({ name, dtype, shape, data: await set.readBytes(name) })));
  await writeSafetensorsFile(path.join(out, SINGLE_FILE), copies, { format: 'pt' });
  assert.deepEqual(await fs.readFile(path.join(out, SINGLE_FILE)), await fs.readFile(path.join(dir, SINGLE_FILE)));
});

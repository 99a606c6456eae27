import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runPython, skipWithoutPython } from './support/python.js';
import { rawSafetensors } from './support/safetensors-bytes.js';
import {
  exportHeadSafetensors, importHeadSafetensors, readSafetensors, readSafetensorsHeader, writeSafetensors,
} from '../src/training/safetensors.js';

/** float32 values from their bit patterns, so NaN payloads and -0 are exact. */
const fromBits = (bits: number[]) => new Float32Array(Uint32Array.from(bits).buffer);
const bitsOf = (values: Float32Array) => [...new Uint32Array(values.buffer, values.byteOffset, values.length)];

// 1.5, -0, a NaN with a payload, +Infinity, the smallest denormal, -2.
const SPECIAL_BITS = [0x3fc00000, 0x80000000, 0x7fc00123, 0x7f800000, 0x00000001, 0xc0000000];

/** A safetensors file from a header given as-is (object or exact text), padded to 8 bytes with spaces. */
function headerText(file: Buffer): string {
  return file.subarray(8, 8 + Number(file.readBigUInt64LE(0))).toString('utf8');
}

test('writeSafetensors lays the header out as the reference implementation does', () => {
  const file = writeSafetensors(
    {
      b: { shape: [2], data: Float32Array.from([1, 2]) },
      '𝐀': { shape: [1], data: Float32Array.from([7]) },
      '！': { shape: [1], data: Float32Array.from([8]) },
      '0': { shape: [], data: Float32Array.from([3]) },
      'a.weight': { shape: [1, 2], data: Float32Array.from([4, 5]) },
      empty: { shape: [0, 3], data: new Float32Array(0) },
    },
    { format: 'pt', '9': 'y', '10': 'x' },
  );
  // Compact JSON, "__metadata__" first, keys by UTF-8 bytes ('！' U+FF01 before '𝐀' U+1D400, though
  // UTF-16 order is the reverse; '10' before '9', though JS objects order integer keys numerically),
  // data in the same order.
  const expected = '{"__metadata__":{"10":"x","9":"y","format":"pt"},'
    + '"0":{"dtype":"F32","shape":[],"data_offsets":[0,4]},'
    + '"a.weight":{"dtype":"F32","shape":[1,2],"data_offsets":[4,12]},'
    + '"b":{"dtype":"F32","shape":[2],"data_offsets":[12,20]},'
    + '"empty":{"dtype":"F32","shape":[0,3],"data_offsets":[20,20]},'
    + '"！":{"dtype":"F32","shape":[1],"data_offsets":[20,24]},'
    + '"𝐀":{"dtype":"F32","shape":[1],"data_offsets":[24,28]}}';
  const headerLength = Number(file.readBigUInt64LE(0));
  assert.equal(headerLength % 8, 0);
  const expectedBytes = Buffer.byteLength(expected);
  assert.equal(headerLength, expectedBytes + ((8 - (expectedBytes % 8)) % 8));
  assert.equal(headerText(file), expected.padEnd(expected.length + headerLength - expectedBytes, ' '));
  assert.equal(file.length, 8 + headerLength + 28);
  assert.deepEqual([...new Float32Array(file.buffer.slice(file.byteOffset + 8 + headerLength, file.byteOffset + file.length))], [3, 4, 5, 1, 2, 8, 7]);
});

test('writeSafetensors omits empty metadata and rejects bad tensors and metadata', () => {
  assert.equal(headerText(writeSafetensors({ x: { shape: [1], data: new Float32Array(1) } })).trimEnd(),
    '{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}');
  assert.throws(() => writeSafetensors({ x: { shape: [2, 2], data: new Float32Array(3) } }), /tensor 'x' has 3 values, which does not fit shape \[2, 2\]/);
  assert.throws(() => writeSafetensors({ x: { shape: [-1], data: new Float32Array(0) } }), /does not fit shape/);
  assert.throws(() => writeSafetensors({ __metadata__: { shape: [0], data: new Float32Array(0) } }), /reserved/);
  assert.throws(() => writeSafetensors({}, { n: 1 as unknown as string }), /metadata 'n' must be a string/);
});

test('readSafetensors gives back every tensor bit for bit, with the metadata', () => {
  const values = fromBits(SPECIAL_BITS);
  const file = writeSafetensors({ w: { shape: [2, 3], data: values }, s: { shape: [], data: Float32Array.from([0.1]) } }, { note: 'é' });
  // A Buffer at an odd offset of a larger allocation: reading must not depend on alignment.
  const shifted = Buffer.concat([Buffer.from([9]), file]).subarray(1);
  const { tensors, metadata } = readSafetensors(shifted);
  assert.deepEqual(metadata, { note: 'é' });
  assert.deepEqual([...tensors.keys()].sort(), ['s', 'w']);
  assert.deepEqual(tensors.get('w')!.shape, [2, 3]);
  assert.deepEqual(bitsOf(tensors.get('w')!.data), SPECIAL_BITS);
  assert.deepEqual(tensors.get('s')!.shape, []);
  assert.equal(tensors.get('s')!.data[0], Math.fround(0.1));
  // The tensors are copies: changing them leaves the file alone.
  tensors.get('w')!.data.fill(0);
  assert.deepEqual(bitsOf(readSafetensors(shifted).tensors.get('w')!.data), SPECIAL_BITS);
});

test('exportHeadSafetensors writes an nn.Linear state dict with the labels, and importHeadSafetensors reads it back exactly', () => {
  const labels = ['greeting', 'refund', 'café ☕'];
  const head = { dim: 2, weight: fromBits(SPECIAL_BITS), bias: Float32Array.from([0.5, -0, -1.25]) };
  const file = exportHeadSafetensors(head, labels);
  const header = readSafetensorsHeader(file);
  assert.deepEqual(header.metadata, { format: 'pt', labels: JSON.stringify(labels) });
  assert.deepEqual([...header.tensors].map(([name, entry]) => [name, entry.dtype, entry.shape]),
    [['classifier.bias', 'F32', [3]], ['classifier.weight', 'F32', [3, 2]]]);
  const imported = importHeadSafetensors(file);
  assert.deepEqual(imported.labels, labels);
  assert.equal(imported.head.dim, 2);
  assert.deepEqual(bitsOf(imported.head.weight), SPECIAL_BITS);
  assert.deepEqual(bitsOf(imported.head.bias), bitsOf(head.bias));
});

test('exportHeadSafetensors rejects a head that does not match its labels', () => {
  const head = { dim: 2, weight: new Float32Array(6), bias: new Float32Array(3) };
  assert.throws(() => exportHeadSafetensors(head, ['a', 'b']), /head weight has 6 values, expected 2 labels x 2 dims = 4/);
  assert.throws(() => exportHeadSafetensors(head, ['a', 'b', 'a']), /label 'a' appears more than once/);
});

/** A RoBERTa-style model file: a dense layer, an out_proj head, and an I64 buffer Headroom never reads. */
function robertaLikeFile(): Buffer {
  const dense = Float32Array.from([1, 2, 3, 4]);
  const outWeight = Float32Array.from([0.5, -0.5, 0.25, -0.25, 2, 3]);
  const outBias = Float32Array.from([0.1, 0.2, 0.3]);
  const positionIds = new BigInt64Array([0n, 1n, 2n]);
  const parts = [dense, outWeight, outBias, positionIds].map((array) => Buffer.from(array.buffer));
  let offset = 0;
  const range = (part: Buffer) => [offset, (offset += part.length)];
  return rawSafetensors({
    'classifier.dense.weight': { dtype: 'F32', shape: [2, 2], data_offsets: range(parts[0]) },
    'classifier.out_proj.weight': { dtype: 'F32', shape: [3, 2], data_offsets: range(parts[1]) },
    'classifier.out_proj.bias': { dtype: 'F32', shape: [3], data_offsets: range(parts[2]) },
    'roberta.embeddings.position_ids': { dtype: 'I64', shape: [1, 3], data_offsets: range(parts[3]) },
  }, Buffer.concat(parts));
}

test('importHeadSafetensors picks a head out of a whole model by key, ignoring tensors of other dtypes', () => {
  const file = robertaLikeFile();
  const { head, labels } = importHeadSafetensors(file, { weightKey: 'classifier.out_proj.weight' });
  assert.equal(labels, null);
  assert.equal(head.dim, 2);
  assert.deepEqual([...head.weight], [0.5, -0.5, 0.25, -0.25, 2, 3]);
  assert.deepEqual([...head.bias], [0.1, 0.2, 0.3].map(Math.fround));
  // An explicit bias key; a weight key the bias cannot be derived from.
  assert.equal(importHeadSafetensors(file, { weightKey: 'classifier.out_proj.weight', biasKey: 'classifier.out_proj.bias' }).head.dim, 2);
  assert.throws(() => importHeadSafetensors(file, { weightKey: 'head' }), /cannot derive the bias key from weight key 'head'.*pass biasKey/);
});

test('a missing head names the keys the file has', () => {
  assert.throws(() => importHeadSafetensors(robertaLikeFile()),
    /no tensor 'classifier.weight'; it has 'classifier.dense.weight', 'classifier.out_proj.bias', 'classifier.out_proj.weight', 'roberta.embeddings.position_ids'/);
  assert.throws(() => importHeadSafetensors(rawSafetensors({})), /no tensor 'classifier.weight'; it has no tensors/);
});

test('tensors of a dtype other than F32 are refused by name', () => {
  const half = rawSafetensors({
    'classifier.weight': { dtype: 'F16', shape: [1, 2], data_offsets: [0, 4] },
    'classifier.bias': { dtype: 'BF16', shape: [1], data_offsets: [4, 6] },
  }, new Uint8Array(6));
  assert.throws(() => importHeadSafetensors(half), /tensor 'classifier.weight' is F16; Headroom reads F32 tensors only/);
  assert.throws(() => readSafetensors(half), /tensor 'classifier.weight' is F16/);
  const halfBias = rawSafetensors({
    'classifier.weight': { dtype: 'F32', shape: [1, 2], data_offsets: [0, 8] },
    'classifier.bias': { dtype: 'BF16', shape: [1], data_offsets: [8, 10] },
  }, new Uint8Array(10));
  assert.throws(() => importHeadSafetensors(halfBias), /tensor 'classifier.bias' is BF16; Headroom reads F32 tensors only/);
  assert.throws(() => readSafetensors(robertaLikeFile()), /'roberta.embeddings.position_ids' is I64/);
});

test('importHeadSafetensors checks the head\'s shapes and its label metadata', () => {
  const file = (weightShape: number[], biasShape: number[], metadata?: Record<string, string>) => writeSafetensors({
    'classifier.weight': { shape: weightShape, data: new Float32Array(weightShape.reduce((a, b) => a * b, 1)) },
    'classifier.bias': { shape: biasShape, data: new Float32Array(biasShape.reduce((a, b) => a * b, 1)) },
  }, metadata);
  assert.throws(() => importHeadSafetensors(file([6], [3])), /head weight 'classifier.weight' must be 2-D \[labels, dim\], got \[6\]/);
  assert.throws(() => importHeadSafetensors(file([3, 2], [2])), /head bias 'classifier.bias' must be \[3\] to match weight \[3, 2\], got \[2\]/);
  assert.throws(() => importHeadSafetensors(file([3, 2], [3, 1])), /must be \[3\]/);
  assert.throws(() => importHeadSafetensors(file([3, 2], [3], { labels: '["a","b"]' })), /lists 2 labels, but the head has 3 rows/);
  assert.throws(() => importHeadSafetensors(file([3, 2], [3], { labels: '["a",' })), /metadata 'labels' is not JSON/);
  assert.throws(() => importHeadSafetensors(file([3, 2], [3], { labels: '[1,2,3]' })), /labels must be a list of strings/);
  assert.deepEqual(importHeadSafetensors(file([3, 2], [3], { labels: '["a","b","c"]' })).labels, ['a', 'b', 'c']);
});

test('malformed files fail with a message saying what is wrong', () => {
  const good = writeSafetensors({ a: { shape: [2], data: Float32Array.from([1, 2]) }, b: { shape: [1], data: Float32Array.from([3]) } });
  assert.throws(() => readSafetensorsHeader(good.subarray(0, 5)), /5 bytes, fewer than the 8 of its header length/);
  assert.throws(() => readSafetensorsHeader(good.subarray(0, good.length - 1)), /account for \d+ \(truncated, or trailing data\)/);
  assert.throws(() => readSafetensorsHeader(Buffer.concat([good, Buffer.from([0])])), /trailing data/);
  const hugeLength = Buffer.from(good);
  hugeLength.writeBigUInt64LE(BigInt(good.length));
  assert.throws(() => readSafetensorsHeader(hugeLength), /header length \d+ exceeds the \d+ bytes after it/);
  assert.throws(() => readSafetensorsHeader(rawSafetensors(' {}')), /does not start with '\{'/);
  assert.throws(() => readSafetensorsHeader(rawSafetensors('{"a":')), /header is not JSON/);
  assert.throws(() => readSafetensorsHeader(rawSafetensors('[1]')), /does not start with/);
  assert.throws(() => readSafetensorsHeader(Buffer.concat([rawSafetensors('{}').subarray(0, 8), Buffer.from([0x7b, 0xff, 0x7d, 0x20, 0x20, 0x20, 0x20, 0x20])])), /not valid UTF-8/);
  const data = new Uint8Array(12);
  assert.throws(() => readSafetensorsHeader(rawSafetensors({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] }, c: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, data)),
    /tensor '(b|c)' has data_offsets \[\d+, \d+\], but the data must continue at byte 8/);
  assert.throws(() => readSafetensorsHeader(rawSafetensors({ a: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, data)), /must continue at byte 0/);
  assert.throws(() => readSafetensorsHeader(rawSafetensors({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 12] } }, data)), /tensor 'a' \(F32 \[2\]\) needs 8 bytes, its data_offsets span 12/);
  assert.throws(() => readSafetensorsHeader(rawSafetensors({ a: { dtype: 'F32', shape: [-3], data_offsets: [0, 12] } }, data)), /tensor 'a' needs a dtype string, a shape of sizes and data_offsets/);
  assert.throws(() => readSafetensorsHeader(rawSafetensors({ __metadata__: { n: 1 } })), /'__metadata__' value 'n' is not a string/);
});

test('a dtype unknown to the size table is skipped over, not refused, until it is read', () => {
  const file = rawSafetensors({
    future: { dtype: 'F4', shape: [4], data_offsets: [0, 2] },
    x: { dtype: 'F32', shape: [1], data_offsets: [2, 6] },
  }, Buffer.concat([Buffer.from([0, 0]), Buffer.from(Float32Array.from([5]).buffer)]));
  const header = readSafetensorsHeader(file);
  assert.deepEqual([...header.tensors.keys()], ['future', 'x']);
  assert.throws(() => readSafetensors(file), /'future' is F4/);
});

/** Runs a Python 3 script (standard library only) and parses its JSON output. */
function python(script: string, args: string[] = [], input?: Buffer): { json: unknown; stdout: Buffer } {
  const stdout = runPython(['-c', script, ...args], { input });
  return { json: stdout.length > 0 && stdout[0] === 0x7b ? JSON.parse(stdout.toString()) : null, stdout };
}

// An independent reader: struct + json, as the format's README describes it.
const PYTHON_READER = `
import json, struct, sys
data = sys.stdin.buffer.read()
(n,) = struct.unpack('<Q', data[:8])
text = data[8:8 + n].decode('utf-8')
pairs = json.loads(text, object_pairs_hook=lambda items: items)
out = {'headerLength': n, 'padding': len(text) - len(text.rstrip(' ')), 'keys': [k for k, _ in pairs], 'tensors': {}}
for name, info in pairs:
    info = dict(info)
    if name == '__metadata__':
        out['metadata'] = info
        continue
    begin, end = info['data_offsets']
    raw = data[8 + n + begin:8 + n + end]
    out['tensors'][name] = {'dtype': info['dtype'], 'shape': info['shape'], 'bits': list(struct.unpack('<%dI' % (len(raw) // 4), raw))}
print(json.dumps(out))
`;

test('Python (struct + json) reads an exported head exactly', { skip: skipWithoutPython() }, () => {
  const labels = ['greeting', 'refund', 'café ☕'];
  const bias = Float32Array.from([0.5, -0, -1.25]);
  const file = exportHeadSafetensors({ dim: 2, weight: fromBits(SPECIAL_BITS), bias }, labels);
  const parsed = python(PYTHON_READER, [], file).json as {
    headerLength: number; padding: number; keys: string[]; metadata: Record<string, string>;
    tensors: Record<string, { dtype: string; shape: number[]; bits: number[] }>;
  };
  assert.equal(parsed.headerLength % 8, 0);
  assert.ok(parsed.padding < 8);
  assert.deepEqual(parsed.keys, ['__metadata__', 'classifier.bias', 'classifier.weight']);
  assert.deepEqual(JSON.parse(parsed.metadata.labels), labels);
  assert.equal(parsed.metadata.format, 'pt');
  assert.deepEqual(parsed.tensors['classifier.weight'], { dtype: 'F32', shape: [3, 2], bits: SPECIAL_BITS });
  assert.deepEqual(parsed.tensors['classifier.bias'], { dtype: 'F32', shape: [3], bits: bitsOf(bias) });
});

// An independent writer: unsorted keys, Python's default (spaced) JSON separators, an extra tensor.
const PYTHON_WRITER = `
import json, struct, sys
weight_bits, bias_bits, labels = json.loads(sys.argv[1])
tensors = [
    ('classifier.bias', 'F32', [len(bias_bits)], struct.pack('<%dI' % len(bias_bits), *bias_bits)),
    ('pooler.dense.weight', 'F32', [1, 2], struct.pack('<2f', 1.0, 2.0)),
    ('classifier.weight', 'F32', [len(bias_bits), len(weight_bits) // len(bias_bits)], struct.pack('<%dI' % len(weight_bits), *weight_bits)),
]
header = {'__metadata__': {'labels': json.dumps(labels)}}
data = b''
for name, dtype, shape, raw in tensors:
    header[name] = {'dtype': dtype, 'shape': shape, 'data_offsets': [len(data), len(data) + len(raw)]}
    data += raw
text = json.dumps(header).encode('utf-8')
text += b' ' * ((8 - len(text) % 8) % 8)
sys.stdout.buffer.write(struct.pack('<Q', len(text)) + text + data)
`;

test('importHeadSafetensors reads a file written by Python exactly', { skip: skipWithoutPython() }, () => {
  const biasBits = [0x3f000000, 0xffc00007];
  const labels = ['old', 'new ✓'];
  const { stdout } = python(PYTHON_WRITER, [JSON.stringify([SPECIAL_BITS, biasBits, labels])]);
  const { head, labels: imported } = importHeadSafetensors(stdout);
  assert.deepEqual(imported, labels);
  assert.equal(head.dim, 3);
  assert.deepEqual(bitsOf(head.weight), SPECIAL_BITS);
  assert.deepEqual(bitsOf(head.bias), biasBits);
});

import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as fc from 'fast-check';
import { hostileNumber } from './support/hostile-numbers.js';
import { hostileShortString } from './support/hostile-strings.js';
import { readSafetensorsHeader } from '../src/training/safetensors.js';
import { BertArchitecture, parseBertConfig, withLabels } from '../src/training/huggingface/bert-config.js';
import { bertTensorSpecs, matchBertTensors } from '../src/training/huggingface/bert-tensors.js';
import { ModelImportError, ModelImportReason } from '../src/training/huggingface/import-error.js';
import { INDEX_FILE, openSafetensors, SINGLE_FILE, writeSafetensorsFile } from '../src/training/huggingface/safetensors-files.js';
import { rawSafetensors } from './support/safetensors-bytes.js';

/**
 * Hostile model files through the readers of an uploaded Hugging Face folder: every input ends in
 * a result or a ModelImportError with one of the reasons documented for that reader, never
 * another error, a hang, or an allocation beyond the file's size. Seeds are fixed, so a failure
 * replays; `regressions` are inputs that once found a bug, run first every time.
 */

const FLOAT_DTYPES = new Set(['F32', 'F16', 'BF16']);
const ELEMENT_BYTES: Record<string, number> = { F32: 4, F16: 2, BF16: 2, I64: 8, U8: 1, BOOL: 1, F64: 8, I32: 4 };
/** Far more than any case's file; a reader that sized a buffer by a claimed header length would pass it. */
const ALLOCATION_SLACK = 16_000_000;

function expectImportError(error: unknown, reasons: ReadonlyArray<ModelImportReason>, context: unknown): asserts error is ModelImportError {
  if (!(error instanceof ModelImportError)) throw new Error(`${String(error)} is not a ModelImportError, for ${JSON.stringify(context).slice(0, 2000)}`, { cause: error });
  assert.ok(reasons.includes(error.reason), `${error.reason} is not one of ${reasons.join(', ')}: ${error.message}`);
}

async function outcome<T>(run: () => Promise<T> | T): Promise<{ value: T } | { error: unknown }> {
  try {
    return { value: await run() };
  } catch (error) {
    return { error };
  }
}

type ValueOf<A> = A extends fc.Arbitrary<infer T> ? T : never;

const elementCount = (shape: number[]) => shape.reduce((product, size) => product * size, 1);

/** A safetensors file from its header text (padded with spaces to 8 bytes) and data. */
// ------------------------------------------------------------------ safetensors files

interface TensorSpec { name: string; dtype: string; shape: number[] }

const tensorName = fc.oneof(
  { arbitrary: fc.constantFrom('classifier.weight', 'classifier.bias', 'bert.embeddings.position_ids', '__proto__', 'constructor', '', ' '), weight: 1 },
  { arbitrary: hostileShortString, weight: 2 },
);
const tensorSpec = fc.record({
  name: tensorName,
  dtype: fc.constantFrom(...Object.keys(ELEMENT_BYTES)),
  shape: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }),
});
/** A valid file: tensors laid out in a random order (readers must not assume the writer's), random data, maybe metadata. */
const validFile = fc.record({
  tensors: fc.uniqueArray(tensorSpec, { selector: (spec) => spec.name, maxLength: 5 }).map((specs) => specs.filter((spec) => spec.name !== '__metadata__')),
  order: fc.array(fc.nat(), { maxLength: 5 }),
  metadata: fc.option(fc.dictionary(hostileShortString, hostileShortString, { maxKeys: 3 }), { nil: undefined }),
  seed: fc.nat(),
});
type ValidFile = ValueOf<typeof validFile>;

/**
 * Stands for a value nested 20,000 deep, which JSON.stringify (and so the tests' own writers)
 * cannot serialise: texts are written with the marker, then it is swapped for the nesting.
 */
const DEEP = '\u0000nested deep\u0000';
const DEEP_TEXT = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
const expandDeep = (json: string) => json.split(JSON.stringify(DEEP)).join(DEEP_TEXT);

const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
  hostileNumber,
  fc.constantFrom(DEEP, -1, 2 ** 53, 2 ** 64, 1.5, '8', 'F32', 'f32', 'F4', '', null, true, [], {}, [0], [0, 1, 2], [-1, 4], [4, 0], [1e308, 1e308], [0, 2 ** 53]),
  fc.array(hostileNumber, { maxLength: 3 }),
  fc.jsonValue({ maxDepth: 2 }),
);
const headerMutation = fc.oneof(
  fc.record({ kind: fc.constant('field' as const), tensor: fc.nat(), field: fc.constantFrom('dtype', 'shape', 'data_offsets', 'entry'), value: hostileJson }),
  fc.record({ kind: fc.constant('shift' as const), tensor: fc.nat(), end: fc.boolean(), delta: fc.integer({ min: -9, max: 9 }) }),
  fc.record({ kind: fc.constant('swap' as const), a: fc.nat(), b: fc.nat() }),
  fc.record({ kind: fc.constant('drop' as const), tensor: fc.nat() }),
  fc.record({ kind: fc.constant('metadata' as const), value: hostileJson }),
  fc.record({ kind: fc.constant('key' as const), key: tensorName, value: hostileJson }),
);
const HOSTILE_LENGTHS = [0n, 1n, 7n, 8n, 2n ** 31n, 2n ** 32n + 8n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 63n, 2n ** 64n - 1n, 50_000_000n, 99_999_999n, 100_000_000n, 100_000_001n];
const byteMutation = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('append' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 9 }) }),
  fc.record({ kind: fc.constant('length' as const), value: fc.oneof(fc.constantFrom(...HOSTILE_LENGTHS), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })) }),
  fc.record({ kind: fc.constant('lengthNearFile' as const), delta: fc.integer({ min: -16, max: 16 }) }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  // Bytes UTF-8 refuses: a lone continuation, an overlong form, an encoded surrogate, 0xFF.
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.constantFrom([0x80], [0xc3], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xff], [0x00]) }),
);
type HeaderMutation = ValueOf<typeof headerMutation>;
type ByteMutation = ValueOf<typeof byteMutation>;

/** The header object and data of a valid file. */
function layOut({ tensors, order, metadata, seed }: ValidFile): { header: Record<string, unknown>; data: Uint8Array } {
  const placed = tensors.map((spec, index) => ({ spec, key: order[index] ?? index })).sort((a, b) => a.key - b.key).map(({ spec }) => spec);
  // No prototype, so a tensor named __proto__ is a key like any other.
  const header: Record<string, unknown> = Object.create(null);
  if (metadata !== undefined) header.__metadata__ = metadata;
  let offset = 0;
  for (const { name, dtype, shape } of placed) {
    const bytes = elementCount(shape) * ELEMENT_BYTES[dtype];
    header[name] = { dtype, shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  const data = Uint8Array.from({ length: offset }, (_, i) => (seed + i * 131) & 0xff);
  return { header, data };
}

function mutateHeader(header: Record<string, unknown>, mutation: HeaderMutation): void {
  const names = Object.keys(header).filter((name) => name !== '__metadata__');
  if (names.length === 0 && mutation.kind !== 'metadata' && mutation.kind !== 'key') return;
  const pick = (index: number) => names[index % names.length];
  /** The entry object at `index`, unless an earlier mutation made it something else. */
  const entry = (index: number): Record<string, unknown> | undefined => {
    const value = header[pick(index)];
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : undefined;
  };
  switch (mutation.kind) {
    case 'field': {
      const target = entry(mutation.tensor);
      if (mutation.field === 'entry') header[pick(mutation.tensor)] = mutation.value;
      else if (target !== undefined) target[mutation.field] = mutation.value;
      return;
    }
    case 'shift': {
      const offsets = entry(mutation.tensor)?.data_offsets;
      if (Array.isArray(offsets)) offsets[mutation.end ? 1 : 0] += mutation.delta;
      return;
    }
    case 'swap': {
      const [a, b] = [entry(mutation.a), entry(mutation.b)];
      if (a !== undefined && b !== undefined) [a.data_offsets, b.data_offsets] = [b.data_offsets, a.data_offsets];
      return;
    }
    case 'drop':
      delete header[pick(mutation.tensor)];
      return;
    case 'metadata':
      header.__metadata__ = mutation.value;
      return;
    case 'key':
      header[mutation.key] = mutation.value;
  }
}

function mutateBytes(file: Uint8Array, mutation: ByteMutation): Uint8Array {
  const copy = Buffer.from(file);
  switch (mutation.kind) {
    case 'truncate':
      return copy.subarray(0, mutation.at % (copy.length + 1));
    case 'append':
      return Buffer.concat([copy, mutation.bytes]);
    case 'length':
      if (copy.length >= 8) copy.writeBigUInt64LE(mutation.value);
      return copy;
    case 'lengthNearFile':
      if (copy.length >= 8) copy.writeBigUInt64LE(BigInt(Math.max(0, copy.length - 8 + mutation.delta)));
      return copy;
    case 'flip':
      if (copy.length > 0) copy[mutation.at % copy.length] = mutation.byte;
      return copy;
    case 'insert': {
      const at = 8 + (mutation.at % Math.max(1, copy.length - 8));
      return Buffer.concat([copy.subarray(0, at), Buffer.from(mutation.bytes), copy.subarray(at)]);
    }
  }
}

const safetensorsCase = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      file: validFile,
      headerMutations: fc.oneof({ arbitrary: fc.constant<HeaderMutation[]>([]), weight: 1 }, { arbitrary: fc.array(headerMutation, { minLength: 1, maxLength: 3 }), weight: 2 }),
      byteMutations: fc.oneof({ arbitrary: fc.constant<ByteMutation[]>([]), weight: 2 }, { arbitrary: fc.array(byteMutation, { minLength: 1, maxLength: 2 }), weight: 1 }),
    }).map(({ file, headerMutations, byteMutations }) => {
      const { header, data } = layOut(file);
      for (const mutation of headerMutations) mutateHeader(header, mutation);
      const bytes = byteMutations.reduce(mutateBytes, rawSafetensors(expandDeep(JSON.stringify(header)), data));
      return { bytes, intact: headerMutations.length === 0 && byteMutations.length === 0, spec: file.tensors };
    }),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.json({ maxDepth: 3 }), fc.uint8Array({ maxLength: 64 })).map(([json, data]) => ({ bytes: rawSafetensors(json, data), intact: false, spec: [] as TensorSpec[] })),
  },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 80 }).map((bytes) => ({ bytes, intact: false, spec: [] as TensorSpec[] })) },
);

// ------------------------------------------------------------------ shard indexes

const SHARDS = ['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors', 'ü.safetensors'];
/** Names a reader must refuse: each of them, outside the folder or in a subfolder, exists and would read. */
const ESCAPING_SHARDS = ['../outside.safetensors', 'sub/inner.safetensors', 'sub\\inner.safetensors', '..', '.', '', 'a\u0000.safetensors', 'config.json', 'pytorch_model.bin'];
const INDEX_TENSORS = ['a', 'b', 'c', '__proto__'];

const indexCase = fc.record({
  weightMap: fc.dictionary(
    fc.oneof(fc.constantFrom(...INDEX_TENSORS), hostileShortString),
    fc.oneof({ arbitrary: fc.constantFrom(...SHARDS), weight: 6 }, { arbitrary: fc.constantFrom(...ESCAPING_SHARDS), weight: 1 }, { arbitrary: hostileJson, weight: 1 }),
    { maxKeys: 5 },
  ),
  metadata: fc.oneof({ arbitrary: fc.constant({ total_size: 0 }), weight: 4 }, { arbitrary: fc.constant(undefined), weight: 1 }, { arbitrary: hostileJson, weight: 1 }),
  /** Per shard: absent, garbage, or the tensors it holds (the weight map's, or a random set). */
  shards: fc.tuple(...SHARDS.map(() => fc.oneof(
    { arbitrary: fc.constant('fromMap' as const), weight: 6 },
    { arbitrary: fc.constant('absent' as const), weight: 1 },
    { arbitrary: fc.constant('garbage' as const), weight: 1 },
    { arbitrary: fc.subarray(INDEX_TENSORS), weight: 2 },
  ))),
  /** The index text itself mangled: cut short, or not UTF-8. */
  text: fc.oneof({ arbitrary: fc.constant('intact' as const), weight: 8 }, { arbitrary: fc.nat().map((at) => ({ cut: at })), weight: 1 }, { arbitrary: fc.constant('latin1' as const), weight: 1 }),
});
type IndexCase = ValueOf<typeof indexCase>;

/** The tensors each shard holds, and whether openSafetensors must succeed on the case. */
function indexPlan(input: IndexCase): { holdings: Array<string[] | 'absent' | 'garbage'>; readable: boolean } {
  // A shard cannot hold a tensor named __metadata__; an index listing one is refused.
  const mapped = (shard: string) => Object.keys(input.weightMap).filter((name) => input.weightMap[name] === shard && name !== '__metadata__');
  const holdings = input.shards.map((holding, index) => (holding === 'fromMap' ? mapped(SHARDS[index]) : holding));
  const { metadata } = input;
  const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
  const metadataOk = metadata === undefined
    || (isObject(metadata) && (metadata.total_size === undefined || (Number.isSafeInteger(metadata.total_size) && (metadata.total_size as number) >= 0)));
  const shardsOk = Object.values(input.weightMap).every((shard) => {
    const index = SHARDS.indexOf(shard as string);
    if (index < 0) return false;
    const holding = holdings[index];
    return Array.isArray(holding) && JSON.stringify([...holding].sort()) === JSON.stringify(mapped(shard as string).sort());
  });
  return { holdings, readable: input.text === 'intact' && metadataOk && shardsOk && !Object.keys(input.weightMap).includes('__metadata__') };
}

// ------------------------------------------------------------------ config.json

const CONFIG_LIMITS: Record<string, number> = {
  vocab_size: 2_000_000, hidden_size: 8192, num_hidden_layers: 128, num_attention_heads: 8192,
  intermediate_size: 65_536, max_position_embeddings: 65_536, type_vocab_size: 1024,
};
const CONFIG_KEYS = [
  ...Object.keys(CONFIG_LIMITS), 'model_type', 'architectures', 'hidden_act', 'position_embedding_type', 'problem_type', 'layer_norm_eps',
  'hidden_dropout_prob', 'attention_probs_dropout_prob', 'id2label', 'label2id', 'num_labels', 'torch_dtype', '__proto__',
];
const labelName = fc.oneof(fc.constantFrom('greeting', 'refund', '__proto__', 'constructor', '0', 'café ☕'), hostileShortString);
const validConfig = fc.record({
  heads: fc.integer({ min: 1, max: 8 }),
  headSize: fc.integer({ min: 1, max: 16 }),
  layers: fc.integer({ min: 1, max: 4 }),
  labels: fc.uniqueArray(labelName.filter((label) => label.trim() !== ''), { minLength: 1, maxLength: 5 }),
  withLabel2id: fc.boolean(),
  withNumLabels: fc.boolean(),
}).map(({ heads, headSize, layers, labels, withLabel2id, withNumLabels }) => ({
  architectures: ['BertForSequenceClassification'],
  model_type: 'bert',
  hidden_size: heads * headSize,
  num_attention_heads: heads,
  num_hidden_layers: layers,
  intermediate_size: 4 * heads * headSize,
  hidden_act: 'gelu',
  id2label: Object.fromEntries(labels.map((label, index) => [String(index), label])),
  ...(withLabel2id ? { label2id: Object.fromEntries(labels.map((label, index) => [label, index])) } : {}),
  ...(withNumLabels ? { num_labels: labels.length } : {}),
}));
const configMutation = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), key: fc.oneof(fc.constantFrom(...CONFIG_KEYS), hostileShortString), value: hostileJson }),
  fc.record({ kind: fc.constant('delete' as const), key: fc.constantFrom(...CONFIG_KEYS) }),
  fc.record({ kind: fc.constant('id2label' as const), value: fc.dictionary(fc.oneof(fc.constantFrom('0', '1', '2', '01', '-1', ' 1', '1.0', '__proto__'), fc.string({ maxLength: 3 })), fc.oneof(labelName, hostileJson), { maxKeys: 4 }) }),
);
/** Text-level damage: cut short, or a character spliced in. */
const textMutation = fc.oneof(
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('splice' as const), at: fc.nat(), text: fc.constantFrom('"', ',', '}', '\u0000', '\ud800', 'NaN', '1e999', '-') }),
);
const configText = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      config: validConfig,
      mutations: fc.array(configMutation, { maxLength: 3 }),
      damage: fc.oneof({ arbitrary: fc.constant(undefined), weight: 5 }, { arbitrary: textMutation, weight: 1 }),
    }).map(({ config, mutations, damage }) => {
      const json: Record<string, unknown> = { ...config };
      for (const mutation of mutations) {
        if (mutation.kind === 'delete') delete json[mutation.key];
        else if (mutation.kind === 'set') Object.defineProperty(json, mutation.key, { value: mutation.value, enumerable: true, configurable: true, writable: true });
        else json.id2label = mutation.value;
      }
      const text = expandDeep(JSON.stringify(json));
      if (damage === undefined) return { text, intact: mutations.length === 0 ? config : undefined };
      const at = damage.at % (text.length + 1);
      return { text: damage.kind === 'cut' ? text.slice(0, at) : text.slice(0, at) + damage.text + text.slice(at), intact: undefined };
    }),
  },
  { weight: 1, arbitrary: fc.json({ maxDepth: 3 }).map((text) => ({ text, intact: undefined })) },
  { weight: 1, arbitrary: fc.dictionary(fc.constantFrom(...CONFIG_KEYS), hostileJson).map((json) => ({ text: expandDeep(JSON.stringify(json)), intact: undefined })) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }).map((text) => ({ text, intact: undefined })) },
);

/** What id2label means, computed the plain way: the labels by row, or null where it must be refused. */
function labelsOf(id2label: Record<string, unknown>): string[] | null {
  const keys = Object.keys(id2label);
  if (keys.length === 0 || !keys.every((key) => /^\d+$/.test(key))) return null;
  const rows = keys.map(Number).sort((a, b) => a - b);
  if (!rows.every((row, index) => row === index)) return null;
  const labels = rows.map((row) => id2label[keys.find((key) => Number(key) === row)!]);
  if (!labels.every((label) => typeof label === 'string' && label.trim() !== '') || new Set(labels).size !== labels.length) return null;
  return labels as string[];
}

// ------------------------------------------------------------------ BERT tensors

const tensorMutation = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), tensor: fc.nat() }),
  fc.record({ kind: fc.constant('reshape' as const), tensor: fc.nat(), shape: fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 3 }) }),
  fc.record({ kind: fc.constant('dtype' as const), tensor: fc.nat(), dtype: fc.constantFrom('F32', 'F16', 'BF16', 'I8', 'I64', 'F64', 'F8_E4M3', 'Q4') }),
  fc.record({ kind: fc.constant('legacyName' as const), tensor: fc.nat() }),
  fc.record({ kind: fc.constant('extra' as const), name: tensorName }),
  fc.record({ kind: fc.constant('stripPrefix' as const) }),
);
const tensorCase = fc.record({
  architecture: fc.record({ heads: fc.integer({ min: 1, max: 3 }), headSize: fc.integer({ min: 1, max: 3 }), layers: fc.integer({ min: 1, max: 3 }), vocab: fc.integer({ min: 1, max: 9 }) }),
  labelCount: fc.integer({ min: 1, max: 4 }),
  dtype: fc.constantFrom('F32', 'F16', 'BF16'),
  mutations: fc.array(tensorMutation, { maxLength: 3 }),
});

describe('hostile model files', () => {
  let root: string;
  const cases: Record<string, number> = {};

  async function check<T>(
    name: string,
    arbitrary: fc.Arbitrary<T>,
    predicate: (value: T) => Promise<void>,
    { regressions = [], ...options }: { seed: number; numRuns: number; regressions?: NoInfer<T>[] },
  ) {
    cases[name] = 0;
    await fc.assert(
      fc.asyncProperty(arbitrary, async (value) => {
        cases[name]++;
        await predicate(value);
      }),
      // A run that does not finish in 5 s has hung.
      { ...options, timeout: 5000, examples: regressions.map((value) => [value]), includeErrorInReport: true },
    );
  }

  /** An empty folder for one case. */
  async function freshFolder(name: string): Promise<string> {
    const folder = path.join(root, name);
    await fs.rm(folder, { recursive: true, force: true });
    await fs.mkdir(folder);
    return folder;
  }

  before(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'headroom-fuzz-model-files-'));
  });

  after(async () => {
    console.log(`fuzz cases: ${JSON.stringify(cases)}`);
    await fs.rm(root, { recursive: true, force: true });
  });

  test('safetensors files: opened exactly when the in-memory reader accepts them, every tensor readable, nothing allocated beyond the file', async () => {
    await check('safetensors', safetensorsCase, async ({ bytes, intact, spec }) => {
      const folder = await freshFolder('single');
      await fs.writeFile(path.join(folder, SINGLE_FILE), bytes);
      const memoryBefore = process.memoryUsage().arrayBuffers;
      const opened = await outcome(() => openSafetensors(folder));
      assert.ok(process.memoryUsage().arrayBuffers - memoryBefore < bytes.length + ALLOCATION_SLACK, 'opening allocated more than the file holds');
      const inMemory = await outcome(() => readSafetensorsHeader(bytes));
      if ('error' in opened) {
        expectImportError(opened.error, ['MALFORMED_SAFETENSORS'], { bytes: Buffer.from(bytes).toString('base64') });
        assert.equal(opened.error.file, SINGLE_FILE);
        assert.ok(!intact, `a valid file was refused: ${opened.error.message}`);
        assert.ok('error' in inMemory, `only the disk reader refused it: ${opened.error.message}`);
        assert.ok(opened.error.message.startsWith(`${SINGLE_FILE}: ${(inMemory.error as Error).message}. `), opened.error.message);
        return;
      }
      const set = opened.value;
      try {
        assert.ok('value' in inMemory, 'only the in-memory reader refused it');
        assert.deepEqual(new Map([...set.tensors].map(([name, { file, ...entry }]) => { assert.equal(file, SINGLE_FILE); return [name, entry]; })), inMemory.value.tensors);
        const described = (tensors: TensorSpec[]) => tensors.map(({ name, dtype, shape }) => ({ name, dtype, shape: [...shape] })).sort((a, b) => (a.name < b.name ? -1 : 1));
        if (intact) assert.deepEqual(described([...set.tensors].map(([name, entry]) => ({ name, ...entry }))), described(spec));
        // The format's rule, checked independently of the parser: the ranges tile the data to the file's end.
        const ranges = [...set.tensors.values()].sort((a, b) => a.begin - b.begin || a.end - b.end);
        let covered = 8 + Number(Buffer.from(bytes).readBigUInt64LE(0));
        for (const { begin, end } of ranges) {
          assert.ok(begin === covered && end >= begin, `range [${begin}, ${end}) does not continue at ${covered}`);
          covered = end;
        }
        assert.equal(covered, bytes.length);
        for (const [name, { dtype, shape, begin, end }] of set.tensors) {
          const stored = Uint8Array.from(bytes.subarray(begin, end));
          assert.deepEqual(await set.readBytes(name), stored);
          const values = await outcome(() => set.readF32(name));
          if (!FLOAT_DTYPES.has(dtype)) {
            assert.ok('error' in values, `read ${dtype} as numbers`);
            expectImportError(values.error, ['TENSOR_DTYPE'], name);
            continue;
          }
          assert.ok('value' in values, `could not read ${dtype} ${name}: ${String((values as { error: unknown }).error)}`);
          assert.equal(values.value.length, elementCount(shape));
          if (dtype === 'F32') assert.deepEqual(new Uint8Array(values.value.buffer), stored);
        }
      } finally {
        await set.close();
      }
    }, {
      seed: 201,
      numRuns: 1500,
      regressions: [
        // Header lengths the file cannot hold, from just past it to the 64-bit maximum.
        { bytes: mutateBytes(rawSafetensors('{}', new Uint8Array(0)), { kind: 'length', value: 99_999_999n }), intact: false, spec: [] },
        { bytes: mutateBytes(rawSafetensors('{}', new Uint8Array(0)), { kind: 'length', value: 2n ** 64n - 1n }), intact: false, spec: [] },
        // Nested 20,000 deep, the entry overflowed JSON.stringify in the message: a RangeError.
        { bytes: rawSafetensors(`{"a":${DEEP_TEXT}}`, new Uint8Array(0)), intact: false, spec: [] },
      ],
    });
  });

  test('shard indexes: read exactly when the index and its shards agree, and never outside the folder', async () => {
    // Valid shards holding every tensor, where an escaping weight_map entry would lead.
    const everything = INDEX_TENSORS.map((name) => ({ name, dtype: 'F32', shape: [1], data: new Uint8Array(4) }));
    await writeSafetensorsFile(path.join(root, 'outside.safetensors'), everything);
    await check('index', indexCase, async (input) => {
      const folder = await freshFolder('sharded');
      await fs.mkdir(path.join(folder, 'sub'));
      await writeSafetensorsFile(path.join(folder, 'sub', 'inner.safetensors'), everything);
      await writeSafetensorsFile(path.join(folder, 'config.json'), everything);
      const { holdings, readable } = indexPlan(input);
      for (const [index, holding] of holdings.entries()) {
        const file = path.join(folder, SHARDS[index]);
        if (holding === 'garbage') await fs.writeFile(file, 'not safetensors');
        else if (holding !== 'absent') await writeSafetensorsFile(file, holding.map((name) => ({ name, dtype: 'F32', shape: [1], data: new Uint8Array(4) })));
      }
      const text = Buffer.from(expandDeep(JSON.stringify({ metadata: input.metadata, weight_map: input.weightMap })), 'utf8');
      const damaged = input.text === 'intact' ? text : input.text === 'latin1' ? Buffer.concat([text, Buffer.from([0xe9])]) : text.subarray(0, input.text.cut % text.length);
      await fs.writeFile(path.join(folder, INDEX_FILE), damaged);
      const opened = await outcome(() => openSafetensors(folder));
      if ('error' in opened) {
        expectImportError(opened.error, ['MALFORMED_SAFETENSORS', 'MISSING_FILE'], input);
        assert.ok(!readable, `a consistent index was refused: ${opened.error.message}`);
        return;
      }
      const set = opened.value;
      try {
        assert.ok(readable, `an inconsistent index was read: ${JSON.stringify(input)}`);
        assert.deepEqual(Object.fromEntries([...set.tensors].map(([name, { file }]) => [name, file])), { ...input.weightMap });
        for (const name of set.tensors.keys()) assert.equal((await set.readF32(name)).length, 1);
      } finally {
        await set.close();
      }
    }, {
      seed: 202,
      numRuns: 600,
      regressions: [
        { weightMap: { a: '../outside.safetensors' }, metadata: { total_size: 0 }, shards: ['fromMap', 'fromMap', 'fromMap'], text: 'intact' },
        { weightMap: { a: 'sub/inner.safetensors' }, metadata: { total_size: 0 }, shards: ['fromMap', 'fromMap', 'fromMap'], text: 'intact' },
        // Nested 20,000 deep, these overflowed JSON.stringify in the messages: RangeErrors.
        { weightMap: { a: DEEP }, metadata: { total_size: 0 }, shards: ['fromMap', 'fromMap', 'fromMap'], text: 'intact' },
        { weightMap: {}, metadata: DEEP, shards: ['fromMap', 'fromMap', 'fromMap'], text: 'intact' },
      ],
    });
  });

  test('config.json texts: parsed into a sane architecture and labels, or refused with a config reason', async () => {
    await check('config', configText, async ({ text, intact }) => {
      const parsed = await outcome(() => parseBertConfig(text));
      if ('error' in parsed) {
        expectImportError(parsed.error, ['MALFORMED_CONFIG', 'UNSUPPORTED_MODEL', 'BAD_LABELS'], text);
        assert.equal(parsed.error.file, 'config.json');
        assert.equal(intact, undefined, `a valid config was refused: ${parsed.error.message}`);
        return;
      }
      const { architecture, labels, json } = parsed.value;
      for (const [key, max] of Object.entries(CONFIG_LIMITS)) {
        const field = { vocab_size: 'vocabSize', hidden_size: 'hiddenSize', num_hidden_layers: 'layers', num_attention_heads: 'heads', intermediate_size: 'intermediateSize', max_position_embeddings: 'maxPositions', type_vocab_size: 'typeVocabSize' }[key] as keyof BertArchitecture;
        assert.ok(Number.isSafeInteger(architecture[field]) && architecture[field] >= 1 && architecture[field] <= max, `${key} ${architecture[field]}`);
      }
      assert.equal(architecture.hiddenSize % architecture.heads, 0);
      assert.ok(architecture.layerNormEps > 0 && architecture.layerNormEps < 1);
      for (const dropout of [architecture.hiddenDropout, architecture.attentionDropout]) assert.ok(dropout >= 0 && dropout < 1);
      assert.deepEqual(labels, labelsOf(json.id2label as Record<string, unknown>));
      if (intact !== undefined) assert.deepEqual(labels, Object.values(intact.id2label));
      // What withLabels writes reads back the same.
      const relabelled = parseBertConfig(JSON.stringify(withLabels(json, labels)));
      assert.deepEqual(relabelled.labels, labels);
      assert.deepEqual(relabelled.architecture, architecture);
    }, {
      seed: 203,
      numRuns: 5000,
      regressions: [
        // Nested 20,000 deep, model_type overflowed JSON.stringify in the message: a RangeError.
        { text: `{"model_type":${DEEP_TEXT}}`, intact: undefined },
        // Nested that deep under a key nobody reads, a config imported, then could not be written back.
        { text: `{"model_type":"bert","id2label":{"0":"a"},"task_specific_params":${DEEP_TEXT}}`, intact: undefined },
      ],
    });
  });

  test('odd id2label maps: accepted exactly when the keys are the rows 0..n-1 and the labels distinct names', async () => {
    const oddKey = fc.oneof(fc.constantFrom('0', '1', '2', '3', '00', '01', '10', '-1', ' 1', '1 ', '+1', '1.0', '1e0', '1_0', '0x1', '__proto__', '٣'), fc.stringMatching(/^[0-9]{1,3}$/));
    const oddLabel = fc.oneof({ arbitrary: labelName, weight: 4 }, { arbitrary: fc.constantFrom('', ' ', 'a'), weight: 1 }, { arbitrary: hostileJson, weight: 1 });
    const id2label = fc.oneof(
      fc.dictionary(oddKey, oddLabel, { maxKeys: 5 }),
      // Rows 0..n-1, then maybe one entry changed: the near misses a hand-edited config has.
      fc.record({ labels: fc.array(labelName, { minLength: 1, maxLength: 5 }), key: fc.option(oddKey, { nil: undefined }), label: oddLabel, row: fc.nat() }).map(({ labels, key, label, row }) => {
        const map: Record<string, unknown> = Object.fromEntries(labels.map((name, index) => [String(index), name]));
        if (key !== undefined) Object.defineProperty(map, key, { value: label, enumerable: true, configurable: true, writable: true });
        if (key === undefined && row % 3 === 0) delete map[String(row % labels.length)];
        return map;
      }),
    );
    await check('id2label', id2label, async (map) => {
      const expected = labelsOf(map);
      const parsed = await outcome(() => parseBertConfig(JSON.stringify({ model_type: 'bert', id2label: map })));
      if ('error' in parsed) {
        expectImportError(parsed.error, ['BAD_LABELS'], map);
        assert.equal(expected, null, `refused ${JSON.stringify(map)}: ${parsed.error.message}`);
      } else {
        assert.deepEqual(parsed.value.labels, expected);
      }
    }, {
      seed: 204,
      numRuns: 3000,
      regressions: [{ '1': 'a', '01': 'b' }, JSON.parse('{"__proto__": "a", "0": "b"}'), { '0': 'a', '00': 'b' }],
    });
  });

  test('BERT tensor maps: matched, or refused with the reason of the first tensor at fault', async () => {
    await check('tensors', tensorCase, async ({ architecture: a, labelCount, dtype, mutations }) => {
      const architecture: BertArchitecture = {
        hiddenSize: a.heads * a.headSize, heads: a.heads, layers: a.layers, intermediateSize: 2 * a.heads * a.headSize, vocabSize: a.vocab,
        maxPositions: 4, typeVocabSize: 2, layerNormEps: 1e-12, hiddenDropout: 0.1, attentionDropout: 0.1,
      };
      const specs = bertTensorSpecs(architecture, labelCount);
      let available = new Map<string, { dtype: string; shape: number[] }>(specs.map(({ name, shape }) => [name, { dtype, shape }]));
      for (const mutation of mutations) {
        const names = [...available.keys()];
        const target = names[('tensor' in mutation ? mutation.tensor : 0) % Math.max(1, names.length)];
        if (mutation.kind === 'stripPrefix') available = new Map([...available].map(([name, entry]) => [name.replace(/^bert\./, ''), entry]));
        else if (mutation.kind === 'extra') available.set(mutation.name, { dtype: 'I64', shape: [1] });
        else if (target === undefined) continue;
        else if (mutation.kind === 'delete') available.delete(target);
        else if (mutation.kind === 'reshape') available.set(target, { ...available.get(target)!, shape: mutation.shape });
        else if (mutation.kind === 'dtype') available.set(target, { ...available.get(target)!, dtype: mutation.dtype });
        else if (/LayerNorm\.(weight|bias)$/.test(target)) {
          available.set(target.replace(/weight$/, 'gamma').replace(/bias$/, 'beta'), available.get(target)!);
          available.delete(target);
        }
      }
      // The plain way: each needed tensor under its name or its TensorFlow name, in spec order.
      const stored = specs.map(({ name }) => [name, name.replace(/LayerNorm\.weight$/, 'LayerNorm.gamma').replace(/LayerNorm\.bias$/, 'LayerNorm.beta')].find((candidate) => available.has(candidate)));
      const fault = stored.includes(undefined) ? 'MISSING_TENSOR' : specs.map(({ shape }, index) => {
        const entry = available.get(stored[index]!)!;
        if (JSON.stringify(entry.shape) !== JSON.stringify(shape)) return 'TENSOR_SHAPE';
        return FLOAT_DTYPES.has(entry.dtype) ? null : 'TENSOR_DTYPE';
      }).find((reason) => reason !== null) ?? null;
      const matched = await outcome(() => matchBertTensors(available, architecture, labelCount, SINGLE_FILE));
      if ('error' in matched) {
        expectImportError(matched.error, ['MISSING_TENSOR', 'TENSOR_SHAPE', 'TENSOR_DTYPE'], mutations);
        assert.equal(matched.error.reason, fault, matched.error.message);
        return;
      }
      assert.equal(fault, null);
      assert.deepEqual([...matched.value.names.values()], stored);
      assert.deepEqual(matched.value.extra, [...available.keys()].filter((name) => !stored.includes(name)).sort());
    }, { seed: 205, numRuns: 1500 });
  });
});

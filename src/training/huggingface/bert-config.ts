/**
 * config.json of a Hugging Face BertForSequenceClassification: the architecture, with the
 * defaults transformers' BertConfig gives absent keys, and the labels of the classifier's rows
 * from id2label. Only what Headroom computes exactly is accepted: absolute position embeddings,
 * erf GELU, single-label classification. Every refusal names the key and says what to write.
 */
import type { BertArchitecture } from '../bert/bert-weights.js';
import { preview } from '../messages.js';
import { ModelImportError, ModelImportReason } from './import-error.js';

export const CONFIG_FILE = 'config.json';

/** Declared with the encoder it shapes; parsed here from config.json. */
export type { BertArchitecture };

export interface BertConfigFile {
  architecture: BertArchitecture;
  /** The classifier's rows in order: labels[i] is id2label["i"]. */
  labels: string[];
  /** config.json as parsed, for writing back with withLabels. */
  json: Record<string, unknown>;
}

/** A saved config nests a few levels; far deeper ones could not be written back (JSON.stringify recurses). */
const MAX_NESTING = 32;
const SUPPORTED = 'Headroom imports BERT sequence classifiers: model_type "bert", BertForSequenceClassification';

/** Each integer of the architecture: its config.json key, BertConfig's default, and a bound that keeps tensors allocatable. */
const INTEGER_KEYS: ReadonlyArray<{ field: Exclude<keyof BertArchitecture, 'layerNormEps' | 'hiddenDropout' | 'attentionDropout'>; key: string; fallback: number; max: number }> = [
  { field: 'vocabSize', key: 'vocab_size', fallback: 30522, max: 2_000_000 },
  { field: 'hiddenSize', key: 'hidden_size', fallback: 768, max: 8192 },
  { field: 'layers', key: 'num_hidden_layers', fallback: 12, max: 128 },
  { field: 'heads', key: 'num_attention_heads', fallback: 12, max: 8192 },
  { field: 'intermediateSize', key: 'intermediate_size', fallback: 3072, max: 65_536 },
  { field: 'maxPositions', key: 'max_position_embeddings', fallback: 512, max: 65_536 },
  { field: 'typeVocabSize', key: 'type_vocab_size', fallback: 2, max: 1024 },
];

function fail(reason: ModelImportReason, message: string): never {
  throw new ModelImportError(reason, `${CONFIG_FILE}: ${message}`, CONFIG_FILE);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A key's value, or BertConfig's default when absent; null is present, and of the wrong kind. */
function valueOf(json: Record<string, unknown>, key: string, fallback: number): unknown {
  return json[key] === undefined ? fallback : json[key];
}

function integerOf(json: Record<string, unknown>, key: string, fallback: number, max: number): number {
  const value = valueOf(json, key, fallback);
  if (!Number.isSafeInteger(value) || (value as number) < 1 || (value as number) > max) {
    fail('MALFORMED_CONFIG', `"${key}" must be an integer from 1 to ${max}, found ${preview(json[key])}`);
  }
  return value as number;
}

function numberOf(json: Record<string, unknown>, key: string, fallback: number, ok: (value: number) => boolean, expected: string): number {
  const value = valueOf(json, key, fallback);
  if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) fail('MALFORMED_CONFIG', `"${key}" must be ${expected}, found ${preview(json[key])}`);
  return value;
}

/** A key that, when present, must hold one of the values Headroom implements. */
function checkChoice(json: Record<string, unknown>, key: string, allowed: ReadonlyArray<string | null>, why: string): void {
  if (!Object.hasOwn(json, key) || allowed.includes(json[key] as string | null)) return;
  const value = json[key];
  const expected = allowed.map((choice) => JSON.stringify(choice)).join(' or ');
  if (typeof value !== 'string') fail('MALFORMED_CONFIG', `"${key}" must be ${expected}, found ${preview(value)}`);
  fail('UNSUPPORTED_MODEL', `"${key}" is ${preview(value)}, which Headroom does not implement (${why}); it runs ${expected}`);
}

function checkArchitectures(architectures: unknown): void {
  if (architectures === undefined || architectures === null) return;
  if (!Array.isArray(architectures) || !architectures.every((name) => typeof name === 'string')) {
    fail('MALFORMED_CONFIG', `"architectures" must be a list of class names, found ${preview(architectures)}`);
  }
  if (!architectures.includes('BertForSequenceClassification')) {
    // BertForTokenClassification has a `classifier` too, of the same shape, but labels each token.
    fail('UNSUPPORTED_MODEL', `"architectures" is ${preview(architectures)}, without BertForSequenceClassification; ${SUPPORTED} (one label per text)`);
  }
}

function checkSupported(json: Record<string, unknown>): void {
  const modelType = json.model_type;
  if (typeof modelType !== 'string') fail('MALFORMED_CONFIG', `"model_type" must be a string, found ${preview(modelType)}; ${SUPPORTED}`);
  if (modelType !== 'bert') fail('UNSUPPORTED_MODEL', `"model_type" is ${preview(modelType)}; ${SUPPORTED}`);
  checkArchitectures(json.architectures);
  checkChoice(json, 'hidden_act', ['gelu'], 'only "gelu", the exact erf GELU');
  checkChoice(json, 'position_embedding_type', ['absolute'], 'only learned absolute position embeddings');
  checkChoice(json, 'problem_type', [null, 'single_label_classification'], 'one label per text, trained with softmax cross-entropy');
}

function parseArchitecture(json: Record<string, unknown>): BertArchitecture {
  const integers = Object.fromEntries(INTEGER_KEYS.map(({ field, key, fallback, max }) => [field, integerOf(json, key, fallback, max)]));
  const architecture = {
    ...integers,
    layerNormEps: numberOf(json, 'layer_norm_eps', 1e-12, (value) => value > 0 && value < 1, 'a number above 0 and below 1'),
    hiddenDropout: numberOf(json, 'hidden_dropout_prob', 0.1, (value) => value >= 0 && value < 1, 'a probability from 0 up to (not including) 1'),
    attentionDropout: numberOf(json, 'attention_probs_dropout_prob', 0.1, (value) => value >= 0 && value < 1, 'a probability from 0 up to (not including) 1'),
  } as BertArchitecture;
  if (architecture.hiddenSize % architecture.heads !== 0) {
    fail('MALFORMED_CONFIG', `"hidden_size" ${architecture.hiddenSize} is not divisible by "num_attention_heads" ${architecture.heads}: each head takes an equal slice`);
  }
  return architecture;
}

/**
 * Decimal digits, leading zeros allowed: transformers reads the keys with int(), so "01" is row 1.
 * Signs, spaces and underscores, which int() also takes, are refused as the typos they are.
 */
const LABEL_INDEX = /^[0-9]+$/;

function parseLabels(json: Record<string, unknown>): string[] {
  const id2label = json.id2label;
  const example = '"id2label": {"0": "first label", "1": "second label", ...}, one entry per row of classifier.weight';
  if (id2label === undefined || id2label === null) fail('BAD_LABELS', `there is no "id2label"; add ${example}`);
  if (!isObject(id2label)) fail('BAD_LABELS', `"id2label" must be an object like {"0": "first label", ...}, found ${preview(id2label)}`);
  const entries = Object.entries(id2label);
  if (entries.length === 0) fail('BAD_LABELS', `"id2label" is empty; add ${example}`);
  const labels: Array<string | undefined> = new Array(entries.length);
  const keyOf: string[] = new Array(entries.length);
  for (const [key, label] of entries) {
    const index = LABEL_INDEX.test(key) ? Number(key) : NaN;
    if (!(index < entries.length)) {
      fail('BAD_LABELS', `"id2label" has key ${preview(key)}; with ${entries.length} labels the keys must be "0" to "${entries.length - 1}", each once`);
    }
    if (keyOf[index] !== undefined) fail('BAD_LABELS', `"id2label" keys ${preview(keyOf[index])} and ${preview(key)} both mean row ${index}; keep one`);
    if (typeof label !== 'string' || label.trim() === '') fail('BAD_LABELS', `"id2label" ${preview(key)} must be a label name, found ${preview(label)}`);
    keyOf[index] = key;
    labels[index] = label;
  }
  const rows = new Map<string, number>();
  for (const [index, label] of (labels as string[]).entries()) {
    const other = rows.get(label);
    if (other !== undefined) fail('BAD_LABELS', `"id2label" names rows ${other} and ${index} both ${preview(label)}; every row needs its own label`);
    rows.set(label, index);
  }
  checkLabelCounts(json, rows);
  return labels as string[];
}

/** num_labels and label2id are optional, but must agree with id2label when present. */
function checkLabelCounts(json: Record<string, unknown>, rows: ReadonlyMap<string, number>): void {
  const { num_labels: numLabels, label2id } = json;
  if (numLabels !== undefined && numLabels !== null) {
    if (!Number.isSafeInteger(numLabels)) fail('MALFORMED_CONFIG', `"num_labels" must be an integer, found ${preview(numLabels)}`);
    if (numLabels !== rows.size) fail('BAD_LABELS', `"num_labels" is ${numLabels}, but "id2label" lists ${rows.size} labels; make them agree`);
  }
  if (label2id === undefined || label2id === null) return;
  if (!isObject(label2id)) fail('BAD_LABELS', `"label2id" must be an object like {"first label": 0, ...}, found ${preview(label2id)}`);
  for (const [label, id] of Object.entries(label2id)) {
    const row = rows.get(label);
    if (row === undefined) fail('BAD_LABELS', `"label2id" has ${preview(label)}, which "id2label" does not; the two must list the same labels`);
    // Inference never reads label2id, so an id written as a string ("0") is let pass.
    if (id !== row && id !== String(row)) fail('BAD_LABELS', `"label2id" maps ${preview(label)} to ${preview(id)}, but "id2label" puts it in row ${row}; make them agree`);
  }
  if (Object.keys(label2id).length !== rows.size) {
    fail('BAD_LABELS', `"label2id" lists ${Object.keys(label2id).length} labels, "id2label" ${rows.size}; the two must list the same labels`);
  }
}

function checkNesting(json: Record<string, unknown>): void {
  const pending: Array<[unknown, number]> = [[json, 1]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [value, depth] = next;
    if (value === null || typeof value !== 'object') continue;
    if (depth > MAX_NESTING) fail('MALFORMED_CONFIG', `values are nested more than ${MAX_NESTING} levels deep; save_pretrained nests a few`);
    for (const item of Object.values(value)) pending.push([item, depth + 1]);
  }
}

/** Reads config.json; throws ModelImportError (MALFORMED_CONFIG, UNSUPPORTED_MODEL, BAD_LABELS) naming the key at fault. */
export function parseBertConfig(text: string): BertConfigFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    fail('MALFORMED_CONFIG', `not JSON (${(error as Error).message}); it must be the JSON object save_pretrained writes`);
  }
  if (!isObject(json)) fail('MALFORMED_CONFIG', `must be a JSON object, found ${preview(json)}`);
  checkNesting(json);
  checkSupported(json);
  return { architecture: parseArchitecture(json), labels: parseLabels(json), json };
}

/**
 * `json` with the classifier's labels replaced: id2label and label2id rewritten (appended when
 * absent), num_labels where it was present; every other key kept, in its place.
 */
export function withLabels(json: Record<string, unknown>, labels: string[]): Record<string, unknown> {
  if (labels.length === 0 || new Set(labels).size !== labels.length) throw new Error('withLabels needs at least one label, each once');
  // fromEntries defines own properties, so a label such as "__proto__" is a key like any other.
  const replaced: Record<string, unknown> = {
    id2label: Object.fromEntries(labels.map((label, index) => [String(index), label])),
    label2id: Object.fromEntries(labels.map((label, index) => [label, index])),
    ...(Object.hasOwn(json, 'num_labels') ? { num_labels: labels.length } : {}),
  };
  return Object.fromEntries([
    ...Object.entries(json).map(([key, value]) => [key, Object.hasOwn(replaced, key) ? replaced[key] : value]),
    ...Object.entries(replaced).filter(([key]) => !Object.hasOwn(json, key)),
  ]);
}

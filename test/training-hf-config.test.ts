import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BertArchitecture, parseBertConfig, withLabels } from '../src/training/huggingface/bert-config.js';
import { bertTensorSpecs, matchBertTensors } from '../src/training/huggingface/bert-tensors.js';
import { ModelImportError, ModelImportReason } from '../src/training/huggingface/import-error.js';

/** config.json as save_pretrained writes it for a small BertForSequenceClassification. */
const SAVED_CONFIG = {
  architectures: ['BertForSequenceClassification'],
  model_type: 'bert',
  hidden_size: 128,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  intermediate_size: 512,
  hidden_act: 'gelu',
  hidden_dropout_prob: 0.1,
  attention_probs_dropout_prob: 0.05,
  max_position_embeddings: 64,
  type_vocab_size: 2,
  initializer_range: 0.02,
  layer_norm_eps: 1e-12,
  pad_token_id: 0,
  vocab_size: 6000,
  position_embedding_type: 'absolute',
  problem_type: 'single_label_classification',
  id2label: { 0: 'greeting', 1: 'refund', 2: 'café ☕' },
  label2id: { greeting: 0, refund: 1, 'café ☕': 2 },
  num_labels: 3,
  torch_dtype: 'float32',
};

const SMALL: BertArchitecture = {
  hiddenSize: 128, layers: 2, heads: 4, intermediateSize: 512, maxPositions: 64, typeVocabSize: 2, vocabSize: 6000,
  layerNormEps: 1e-12, hiddenDropout: 0.1, attentionDropout: 0.05,
};

const text = (changes: Record<string, unknown>, base: Record<string, unknown> = SAVED_CONFIG) => JSON.stringify({ ...base, ...changes });
const without = (...keys: string[]) => JSON.stringify(Object.fromEntries(Object.entries(SAVED_CONFIG).filter(([key]) => !keys.includes(key))));

function throwsWith(run: () => unknown, reason: ModelImportReason, message: RegExp, file = 'config.json'): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof ModelImportError, `expected a ModelImportError, got ${String(error)}`);
    assert.equal(error.reason, reason, error.message);
    assert.equal(error.file, file);
    assert.match(error.message, message);
    return true;
  });
}

test('parseBertConfig reads the architecture and the labels of a saved config', () => {
  const parsed = parseBertConfig(JSON.stringify(SAVED_CONFIG, null, 2));
  assert.deepEqual(parsed.architecture, SMALL);
  assert.deepEqual(parsed.labels, ['greeting', 'refund', 'café ☕']);
  assert.deepEqual(parsed.json, JSON.parse(JSON.stringify(SAVED_CONFIG)));
});

test('absent keys take the defaults of transformers\' BertConfig', () => {
  const parsed = parseBertConfig('{"model_type": "bert", "id2label": {"0": "no", "1": "yes"}}');
  assert.deepEqual(parsed.architecture, {
    hiddenSize: 768, layers: 12, heads: 12, intermediateSize: 3072, maxPositions: 512, typeVocabSize: 2, vocabSize: 30522,
    layerNormEps: 1e-12, hiddenDropout: 0.1, attentionDropout: 0.1,
  });
  assert.deepEqual(parsed.labels, ['no', 'yes']);
  // A null problem_type is transformers' own default; architectures may be absent.
  assert.deepEqual(parseBertConfig(text({ problem_type: null, architectures: undefined })).labels.length, 3);
  assert.equal(parseBertConfig(text({ architectures: ['BertModel', 'BertForSequenceClassification'] })).architecture.layers, 2);
});

test('models Headroom does not compute are UNSUPPORTED_MODEL, naming what they are and what is supported', () => {
  const supported = /Headroom imports BERT sequence classifiers: model_type "bert", BertForSequenceClassification/;
  throwsWith(() => parseBertConfig(text({ model_type: 'roberta' })), 'UNSUPPORTED_MODEL', /^config\.json: "model_type" is "roberta"; Headroom imports BERT/);
  throwsWith(() => parseBertConfig(text({ model_type: 'BERT' })), 'UNSUPPORTED_MODEL', supported);
  throwsWith(() => parseBertConfig(text({ architectures: ['BertForTokenClassification'] })), 'UNSUPPORTED_MODEL', /"architectures" is \["BertForTokenClassification"\], without BertForSequenceClassification/);
  throwsWith(() => parseBertConfig(text({ architectures: [] })), 'UNSUPPORTED_MODEL', supported);
  throwsWith(() => parseBertConfig(text({ hidden_act: 'gelu_new' })), 'UNSUPPORTED_MODEL', /"hidden_act" is "gelu_new", which Headroom does not implement \(only "gelu", the exact erf GELU\)/);
  throwsWith(() => parseBertConfig(text({ hidden_act: 'relu' })), 'UNSUPPORTED_MODEL', /"hidden_act" is "relu"/);
  throwsWith(() => parseBertConfig(text({ position_embedding_type: 'relative_key' })), 'UNSUPPORTED_MODEL', /"position_embedding_type" is "relative_key".*it runs "absolute"/);
  throwsWith(() => parseBertConfig(text({ problem_type: 'multi_label_classification' })), 'UNSUPPORTED_MODEL', /"problem_type" is "multi_label_classification"/);
  throwsWith(() => parseBertConfig(text({ problem_type: 'regression' })), 'UNSUPPORTED_MODEL', /it runs null or "single_label_classification"/);
});

test('a config that is not a JSON object, or has keys of the wrong kind, is MALFORMED_CONFIG naming the key', () => {
  throwsWith(() => parseBertConfig('{"model_type": "bert",'), 'MALFORMED_CONFIG', /^config\.json: not JSON \(/);
  throwsWith(() => parseBertConfig(''), 'MALFORMED_CONFIG', /not JSON/);
  throwsWith(() => parseBertConfig('[]'), 'MALFORMED_CONFIG', /must be a JSON object, found \[\]/);
  throwsWith(() => parseBertConfig('null'), 'MALFORMED_CONFIG', /must be a JSON object, found null/);
  throwsWith(() => parseBertConfig(without('model_type')), 'MALFORMED_CONFIG', /"model_type" must be a string, found undefined/);
  throwsWith(() => parseBertConfig(text({ architectures: 'BertForSequenceClassification' })), 'MALFORMED_CONFIG', /"architectures" must be a list of class names/);
  throwsWith(() => parseBertConfig(text({ hidden_act: null })), 'MALFORMED_CONFIG', /"hidden_act" must be "gelu", found null/);
  const integers: Array<[string, unknown]> = [
    ['hidden_size', '128'], ['hidden_size', 0], ['hidden_size', -128], ['hidden_size', 128.5], ['hidden_size', 16384], ['hidden_size', true], ['hidden_size', null],
    ['num_hidden_layers', 129], ['num_attention_heads', 0], ['intermediate_size', 1e999], ['vocab_size', 2_000_001],
    ['max_position_embeddings', 2 ** 53], ['type_vocab_size', 0],
  ];
  for (const [key, value] of integers) {
    throwsWith(() => parseBertConfig(text({ [key]: value })), 'MALFORMED_CONFIG', new RegExp(`"${key}" must be an integer from 1 to \\d+, found `));
  }
  throwsWith(() => parseBertConfig(text({ num_attention_heads: 3 })), 'MALFORMED_CONFIG', /"hidden_size" 128 is not divisible by "num_attention_heads" 3/);
  for (const [key, value] of [['hidden_dropout_prob', 1], ['hidden_dropout_prob', -0.1], ['attention_probs_dropout_prob', '0.1']] as const) {
    throwsWith(() => parseBertConfig(text({ [key]: value })), 'MALFORMED_CONFIG', new RegExp(`"${key}" must be a probability from 0 up to \\(not including\\) 1`));
  }
  for (const value of [0, -1e-12, 1, 'small', 1e999]) {
    throwsWith(() => parseBertConfig(text({ layer_norm_eps: value })), 'MALFORMED_CONFIG', /"layer_norm_eps" must be a number above 0 and below 1/);
  }
  throwsWith(() => parseBertConfig(text({ num_labels: '3' })), 'MALFORMED_CONFIG', /"num_labels" must be an integer, found "3"/);
  throwsWith(() => parseBertConfig(text({}).replace('"intermediate_size":512', '"intermediate_size":1e999')), 'MALFORMED_CONFIG', /"intermediate_size" must be an integer from 1 to 65536, found Infinity/);
});

test('deeply nested values are refused, and messages about them stay short', () => {
  const deep = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
  // 20,000 levels overflowed JSON.stringify in the error message (a RangeError, not a ModelImportError).
  throwsWith(() => parseBertConfig(`{"model_type": ${deep(20_000)}}`), 'MALFORMED_CONFIG', /values are nested more than 32 levels deep/);
  // An unused key nested that deep would import, then fail to be written back.
  throwsWith(() => parseBertConfig(`${text({}).slice(0, -1)}, "task_specific_params": ${deep(33)}}`), 'MALFORMED_CONFIG', /nested more than 32 levels/);
  assert.equal(parseBertConfig(`${text({}).slice(0, -1)}, "task_specific_params": ${deep(31)}}`).labels.length, 3);
  throwsWith(() => parseBertConfig(text({ model_type: { a: [[[['x']]]], b: 'y'.repeat(10_000) } })), 'MALFORMED_CONFIG', /^config\.json: "model_type" must be a string, found \{"a":\[\[\[…\]\]\],"b":"y+…; Headroom imports/);
});

test('labels come from id2label by row, and every inconsistency is BAD_LABELS', () => {
  const labels = (id2label: unknown, extra: Record<string, unknown> = {}) => parseBertConfig(text({ id2label, label2id: undefined, num_labels: undefined, ...extra })).labels;
  assert.deepEqual(labels({ 2: 'c', 0: 'a', 1: 'b' }), ['a', 'b', 'c']);
  assert.deepEqual(labels({ '0': 'a', '01': 'b' }), ['a', 'b']);
  assert.deepEqual(labels({ 0: 'only' }), ['only']);
  // Labels that are prototype names or numbers are labels like any other.
  assert.deepEqual(labels({ 0: '__proto__', 1: 'constructor', 2: '0' }, { label2id: JSON.parse('{"__proto__": 0, "constructor": 1, "0": 2}') }), ['__proto__', 'constructor', '0']);
  assert.deepEqual(labels({ 0: 'a', 1: 'b' }, { label2id: { a: '0', b: '1' } }), ['a', 'b']);

  throwsWith(() => parseBertConfig(without('id2label')), 'BAD_LABELS', /there is no "id2label"; add "id2label": \{"0": "first label", "1": "second label", \.\.\.\}/);
  throwsWith(() => labels(null), 'BAD_LABELS', /there is no "id2label"/);
  throwsWith(() => labels({}), 'BAD_LABELS', /"id2label" is empty/);
  throwsWith(() => labels(['a', 'b']), 'BAD_LABELS', /"id2label" must be an object like/);
  throwsWith(() => labels({ 0: 'a', 2: 'c' }), 'BAD_LABELS', /"id2label" has key "2"; with 2 labels the keys must be "0" to "1", each once/);
  throwsWith(() => labels({ 1: 'a', '01': 'b' }), 'BAD_LABELS', /keys "(1|01)" and "(1|01)" both mean row 1; keep one/);
  for (const key of ['-1', ' 1', '+1', '1.0', '1e0', '1_0', '', 'one', '__proto__', '99999999999999999999']) {
    throwsWith(() => labels({ 0: 'a', [key]: 'b' }), 'BAD_LABELS', /"id2label" has key .*; with 2 labels the keys must be "0" to "1"/);
  }
  throwsWith(() => labels({ 0: 'a', 1: 'a' }), 'BAD_LABELS', /"id2label" names rows 0 and 1 both "a"; every row needs its own label/);
  throwsWith(() => labels({ 0: 'a', 1: '' }), 'BAD_LABELS', /"id2label" "1" must be a label name, found ""/);
  throwsWith(() => labels({ 0: 'a', 1: ' \t' }), 'BAD_LABELS', /must be a label name/);
  throwsWith(() => labels({ 0: 'a', 1: 7 }), 'BAD_LABELS', /"id2label" "1" must be a label name, found 7/);
  throwsWith(() => labels({ 0: 'a', 1: 'b' }, { num_labels: 3 }), 'BAD_LABELS', /"num_labels" is 3, but "id2label" lists 2 labels; make them agree/);
  throwsWith(() => labels({ 0: 'a', 1: 'b' }, { label2id: { a: 1, b: 0 } }), 'BAD_LABELS', /"label2id" maps "a" to 1, but "id2label" puts it in row 0/);
  throwsWith(() => labels({ 0: 'a', 1: 'b' }, { label2id: { a: 0 } }), 'BAD_LABELS', /"label2id" lists 1 labels, "id2label" 2/);
  throwsWith(() => labels({ 0: 'a', 1: 'b' }, { label2id: { a: 0, b: 1, c: 2 } }), 'BAD_LABELS', /"label2id" has "c", which "id2label" does not/);
  throwsWith(() => labels({ 0: 'a' }, { label2id: [0] }), 'BAD_LABELS', /"label2id" must be an object/);
});

test('withLabels replaces the labels and keeps every other key, in its place', () => {
  const json = parseBertConfig(JSON.stringify(SAVED_CONFIG)).json;
  const relabelled = withLabels(json, ['x', '__proto__', 'z']);
  assert.deepEqual(Object.keys(relabelled), Object.keys(json));
  assert.deepEqual(relabelled.id2label, { 0: 'x', 1: '__proto__', 2: 'z' });
  assert.equal(Object.getPrototypeOf(relabelled.label2id), Object.prototype);
  assert.deepEqual(Object.entries(relabelled.label2id as object), [['x', 0], ['__proto__', 1], ['z', 2]]);
  assert.equal(relabelled.num_labels, 3);
  for (const key of Object.keys(json).filter((key) => !['id2label', 'label2id', 'num_labels'].includes(key))) assert.deepEqual(relabelled[key], json[key]);
  assert.deepEqual(parseBertConfig(JSON.stringify(relabelled)).labels, ['x', '__proto__', 'z']);
  assert.deepEqual(json.id2label, SAVED_CONFIG.id2label, 'the input was changed');

  // Without num_labels none is added; without label2id one is appended.
  const minimal = withLabels({ model_type: 'bert', id2label: { 0: 'a' }, vocab_size: 10 }, ['a', 'b']);
  assert.deepEqual(Object.keys(minimal), ['model_type', 'id2label', 'vocab_size', 'label2id']);
  assert.deepEqual(minimal.label2id, { a: 0, b: 1 });
  assert.throws(() => withLabels(json, []), /at least one label/);
  assert.throws(() => withLabels(json, ['a', 'a']), /each once/);
});

const LAYER_PARTS = [
  'attention.self.query', 'attention.self.key', 'attention.self.value', 'attention.output.dense', 'attention.output.LayerNorm',
  'intermediate.dense', 'output.dense', 'output.LayerNorm',
];

test('bertTensorSpecs lists save_pretrained\'s names in named_parameters order, with the shapes the config implies', () => {
  const specs = bertTensorSpecs(SMALL, 3);
  assert.equal(specs.length, 5 + 16 * 2 + 4);
  const expectedNames = [
    'bert.embeddings.word_embeddings.weight', 'bert.embeddings.position_embeddings.weight', 'bert.embeddings.token_type_embeddings.weight',
    'bert.embeddings.LayerNorm.weight', 'bert.embeddings.LayerNorm.bias',
    ...[0, 1].flatMap((layer) => LAYER_PARTS.flatMap((part) => [`bert.encoder.layer.${layer}.${part}.weight`, `bert.encoder.layer.${layer}.${part}.bias`])),
    'bert.pooler.dense.weight', 'bert.pooler.dense.bias', 'classifier.weight', 'classifier.bias',
  ];
  assert.deepEqual(specs.map((spec) => spec.name), expectedNames);
  const shapes = Object.fromEntries(specs.map((spec) => [spec.name, spec.shape]));
  assert.deepEqual(shapes['bert.embeddings.word_embeddings.weight'], [6000, 128]);
  assert.deepEqual(shapes['bert.embeddings.position_embeddings.weight'], [64, 128]);
  assert.deepEqual(shapes['bert.embeddings.token_type_embeddings.weight'], [2, 128]);
  assert.deepEqual(shapes['bert.embeddings.LayerNorm.bias'], [128]);
  assert.deepEqual(shapes['bert.encoder.layer.1.attention.self.key.weight'], [128, 128]);
  assert.deepEqual(shapes['bert.encoder.layer.1.intermediate.dense.weight'], [512, 128]);
  assert.deepEqual(shapes['bert.encoder.layer.1.intermediate.dense.bias'], [512]);
  assert.deepEqual(shapes['bert.encoder.layer.0.output.dense.weight'], [128, 512]);
  assert.deepEqual(shapes['bert.encoder.layer.0.output.dense.bias'], [128]);
  assert.deepEqual(shapes['bert.pooler.dense.weight'], [128, 128]);
  assert.deepEqual(shapes['classifier.weight'], [3, 128]);
  assert.deepEqual(shapes['classifier.bias'], [3]);
});

/** The tensors of a file that holds exactly what the architecture needs, with `dtype`. */
function fileTensors(architecture = SMALL, labelCount = 3, dtype = 'F32'): Map<string, { dtype: string; shape: number[]; file?: string }> {
  return new Map(bertTensorSpecs(architecture, labelCount).map(({ name, shape }) => [name, { dtype, shape }]));
}

function matchThrows(available: ReturnType<typeof fileTensors>, reason: ModelImportReason, message: RegExp, file = 'model.safetensors'): void {
  throwsWith(() => matchBertTensors(available, SMALL, 3, 'model.safetensors'), reason, message, file);
}

test('matchBertTensors maps every name the model needs, and lists the others as extra', () => {
  const available = fileTensors();
  available.set('bert.embeddings.position_ids', { dtype: 'I64', shape: [1, 64] });
  available.set('cls.predictions.bias', { dtype: 'F32', shape: [6000] });
  const { names, extra } = matchBertTensors(available, SMALL, 3, 'model.safetensors');
  assert.deepEqual([...names.keys()], bertTensorSpecs(SMALL, 3).map((spec) => spec.name));
  assert.ok([...names].every(([canonical, stored]) => canonical === stored));
  assert.deepEqual(extra, ['bert.embeddings.position_ids', 'cls.predictions.bias']);
  for (const dtype of ['F16', 'BF16']) assert.equal(matchBertTensors(fileTensors(SMALL, 3, dtype), SMALL, 3, 'model.safetensors').names.size, 41);
});

test('TensorFlow-converted LayerNorm names (gamma, beta) are matched to weight and bias', () => {
  const available = new Map([...fileTensors()].map(([name, entry]) => [name.replace(/LayerNorm\.weight$/, 'LayerNorm.gamma').replace(/LayerNorm\.bias$/, 'LayerNorm.beta'), entry]));
  const { names, extra } = matchBertTensors(available, SMALL, 3, 'model.safetensors');
  assert.equal(names.get('bert.embeddings.LayerNorm.weight'), 'bert.embeddings.LayerNorm.gamma');
  assert.equal(names.get('bert.encoder.layer.1.output.LayerNorm.bias'), 'bert.encoder.layer.1.output.LayerNorm.beta');
  assert.equal(names.get('classifier.bias'), 'classifier.bias');
  assert.deepEqual(extra, []);
  // Only LayerNorm parameters have TensorFlow names: a dense layer's must be weight and bias.
  available.set('bert.pooler.dense.gamma', available.get('bert.pooler.dense.weight')!);
  available.delete('bert.pooler.dense.weight');
  matchThrows(available, 'MISSING_TENSOR', /has no tensor bert\.pooler\.dense\.weight/);
});

test('a missing tensor is MISSING_TENSOR, saying why the model needs it', () => {
  const noLayer1 = fileTensors();
  for (const name of [...noLayer1.keys()]) if (name.startsWith('bert.encoder.layer.1.')) noLayer1.delete(name);
  matchThrows(noLayer1, 'MISSING_TENSOR', /^model\.safetensors has no tensor bert\.encoder\.layer\.1\.attention\.self\.query\.weight \(num_hidden_layers is 2, so layers 0\.\.1 are needed\); 15 more tensors are missing$/);
  const oneMissing = fileTensors();
  oneMissing.delete('bert.encoder.layer.1.output.dense.weight');
  matchThrows(oneMissing, 'MISSING_TENSOR', /^model\.safetensors has no tensor bert\.encoder\.layer\.1\.output\.dense\.weight \(num_hidden_layers is 2, so layers 0\.\.1 are needed\)$/);
  const noHead = fileTensors();
  noHead.delete('classifier.weight');
  noHead.delete('classifier.bias');
  matchThrows(noHead, 'MISSING_TENSOR', /has no tensor classifier\.weight \(a BertForSequenceClassification has a classifier head; this looks like another BERT model/);
  const noPooler = fileTensors();
  noPooler.delete('bert.pooler.dense.bias');
  matchThrows(noPooler, 'MISSING_TENSOR', /bert\.pooler\.dense\.bias \(BertForSequenceClassification classifies the pooled \[CLS\] output/);
  const bertModel = new Map([...fileTensors()].filter(([name]) => name.startsWith('bert.')).map(([name, entry]) => [name.slice('bert.'.length), entry]));
  matchThrows(bertModel, 'MISSING_TENSOR', /has no tensor bert\.embeddings\.word_embeddings\.weight \(its tensor names lack the "bert\." prefix, so it looks like a BertModel without a classifier head; load it with BertForSequenceClassification\.from_pretrained/);
  matchThrows(new Map(), 'MISSING_TENSOR', /has no tensor bert\.embeddings\.word_embeddings\.weight \(every BertForSequenceClassification has it\); 40 more/);
});

test('a tensor of another shape is TENSOR_SHAPE, naming the config keys that imply the expected one', () => {
  const wrongVocab = fileTensors();
  wrongVocab.set('bert.embeddings.word_embeddings.weight', { dtype: 'F32', shape: [30522, 128] });
  matchThrows(wrongVocab, 'TENSOR_SHAPE', /^model\.safetensors: tensor 'bert\.embeddings\.word_embeddings\.weight' has shape \[30522, 128\], but config\.json implies \[6000, 128\] \(\[vocab_size, hidden_size\]\); the config and the weights come from different models/);
  const wrongLabels = fileTensors();
  wrongLabels.set('classifier.weight', { dtype: 'F32', shape: [2, 128], file: 'model-00002-of-00002.safetensors' });
  matchThrows(wrongLabels, 'TENSOR_SHAPE', /^model-00002-of-00002\.safetensors: tensor 'classifier\.weight' has shape \[2, 128\], but config\.json implies \[3, 128\] \(\[num_labels \(the labels of id2label\), hidden_size\]\)/, 'model-00002-of-00002.safetensors');
  const transposed = fileTensors();
  transposed.set('bert.encoder.layer.0.intermediate.dense.weight', { dtype: 'F32', shape: [128, 512] });
  matchThrows(transposed, 'TENSOR_SHAPE', /implies \[512, 128\] \(\[intermediate_size, hidden_size\]\)/);
  const extraAxis = fileTensors();
  extraAxis.set('bert.embeddings.LayerNorm.bias', { dtype: 'F32', shape: [1, 128] });
  matchThrows(extraAxis, 'TENSOR_SHAPE', /has shape \[1, 128\], but config\.json implies \[128\] \(\[hidden_size\]\)/);
});

test('a weight stored in a dtype Headroom does not compute with is TENSOR_DTYPE', () => {
  const quantised = fileTensors();
  quantised.set('bert.encoder.layer.0.attention.self.query.weight', { dtype: 'I8', shape: [128, 128] });
  matchThrows(quantised, 'TENSOR_DTYPE', /^model\.safetensors: tensor 'bert\.encoder\.layer\.0\.attention\.self\.query\.weight' is 'I8'; Headroom computes with F32, F16 or BF16 weights.*model\.float\(\)/);
  const double = fileTensors();
  double.set('classifier.bias', { dtype: 'F64', shape: [3] });
  matchThrows(double, 'TENSOR_DTYPE', /'classifier\.bias' is 'F64'/);
});

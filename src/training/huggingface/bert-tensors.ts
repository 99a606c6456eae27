/**
 * The tensors of a BertForSequenceClassification as save_pretrained names them, with the shapes
 * config.json implies (PyTorch layouts: nn.Linear weights are [out, in]), and the check that a
 * file holds them. Checkpoints converted from TensorFlow name LayerNorm parameters gamma/beta;
 * those are matched too. Tensors the model does not use (position_ids, a masked-LM head) are
 * reported as extra, to be carried to exports unchanged.
 */
import { describeShape, quoted } from '../messages.js';
import { BertArchitecture } from './bert-config.js';
import { ModelImportError } from './import-error.js';

export interface BertTensorSpec {
  name: string;
  shape: number[];
  /** Where each size of `shape` comes from, for messages: config.json keys. */
  shapeKeys: string[];
}

export interface BertTensorMatch {
  /** Canonical name -> the name in the file (e.g. '...LayerNorm.weight' -> '...LayerNorm.gamma'). */
  names: Map<string, string>;
  /** Tensors of the file the model does not use, sorted. */
  extra: string[];
}

const COMPUTED_DTYPES: ReadonlySet<string> = new Set(['F32', 'F16', 'BF16']);
/** TensorFlow-converted names of LayerNorm parameters. */
const LEGACY_SUFFIXES: ReadonlyArray<[string, string]> = [['.weight', '.gamma'], ['.bias', '.beta']];
const LABELS_KEY = 'num_labels (the labels of id2label)';

/** In the order of transformers' named_parameters(): embeddings, each layer, pooler, classifier. */
export function bertTensorSpecs(architecture: BertArchitecture, labelCount: number): BertTensorSpec[] {
  const { hiddenSize: hidden, intermediateSize, vocabSize, maxPositions, typeVocabSize } = architecture;
  const specs: BertTensorSpec[] = [];
  const add = (name: string, sizes: Array<[number, string]>) => {
    specs.push({ name, shape: sizes.map(([size]) => size), shapeKeys: sizes.map(([, key]) => key) });
  };
  const H: [number, string] = [hidden, 'hidden_size'];
  const I: [number, string] = [intermediateSize, 'intermediate_size'];
  const linear = (prefix: string, out: [number, string], input: [number, string]) => {
    add(`${prefix}.weight`, [out, input]);
    add(`${prefix}.bias`, [out]);
  };
  add('bert.embeddings.word_embeddings.weight', [[vocabSize, 'vocab_size'], H]);
  add('bert.embeddings.position_embeddings.weight', [[maxPositions, 'max_position_embeddings'], H]);
  add('bert.embeddings.token_type_embeddings.weight', [[typeVocabSize, 'type_vocab_size'], H]);
  add('bert.embeddings.LayerNorm.weight', [H]);
  add('bert.embeddings.LayerNorm.bias', [H]);
  for (let layer = 0; layer < architecture.layers; layer++) {
    const prefix = `bert.encoder.layer.${layer}`;
    for (const part of ['query', 'key', 'value']) linear(`${prefix}.attention.self.${part}`, H, H);
    linear(`${prefix}.attention.output.dense`, H, H);
    add(`${prefix}.attention.output.LayerNorm.weight`, [H]);
    add(`${prefix}.attention.output.LayerNorm.bias`, [H]);
    linear(`${prefix}.intermediate.dense`, I, H);
    linear(`${prefix}.output.dense`, H, I);
    add(`${prefix}.output.LayerNorm.weight`, [H]);
    add(`${prefix}.output.LayerNorm.bias`, [H]);
  }
  linear('bert.pooler.dense', H, H);
  linear('classifier', [labelCount, LABELS_KEY], H);
  return specs;
}

/** The name a tensor has in the file: its own, or the TensorFlow-converted one of a LayerNorm parameter. */
function nameInFile(name: string, available: ReadonlyMap<string, unknown>): string | undefined {
  if (available.has(name)) return name;
  if (!name.includes('LayerNorm.')) return undefined;
  const legacy = LEGACY_SUFFIXES.find(([suffix]) => name.endsWith(suffix));
  const renamed = legacy && `${name.slice(0, -legacy[0].length)}${legacy[1]}`;
  return renamed !== undefined && available.has(renamed) ? renamed : undefined;
}

/** What a missing tensor suggests about the file, to say which model it does hold. */
function missingHint(name: string, available: ReadonlyMap<string, unknown>, architecture: BertArchitecture): string {
  const names = [...available.keys()];
  if (!names.some((other) => other.startsWith('bert.')) && names.some((other) => /^(embeddings|encoder|pooler)\./.test(other))) {
    return 'its tensor names lack the "bert." prefix, so it looks like a BertModel without a classifier head; '
      + 'load it with BertForSequenceClassification.from_pretrained(folder, num_labels=...), fine-tune it, and save that';
  }
  if (/^bert\.encoder\.layer\.\d+\./.test(name)) return `num_hidden_layers is ${architecture.layers}, so layers 0..${architecture.layers - 1} are needed`;
  if (name.startsWith('classifier.')) return 'a BertForSequenceClassification has a classifier head; this looks like another BERT model (BertModel, BertForMaskedLM, ...)';
  if (name.startsWith('bert.pooler.')) return 'BertForSequenceClassification classifies the pooled [CLS] output, so it needs the pooler';
  return 'every BertForSequenceClassification has it';
}

/**
 * Finds each tensor the architecture needs in `available` (a file's tensors) and checks its shape
 * and dtype. Throws ModelImportError: MISSING_TENSOR, TENSOR_SHAPE, TENSOR_DTYPE. `file` names
 * the file in messages where a tensor does not say which file holds it.
 */
export function matchBertTensors(
  available: ReadonlyMap<string, { dtype: string; shape: number[]; file?: string }>,
  architecture: BertArchitecture,
  labelCount: number,
  file: string,
): BertTensorMatch {
  const names = new Map<string, string>();
  const specs = bertTensorSpecs(architecture, labelCount);
  const missing = specs.filter((spec) => nameInFile(spec.name, available) === undefined);
  if (missing.length > 0) {
    const [{ name }] = missing;
    const more = missing.length > 1 ? `; ${missing.length - 1} more tensors are missing` : '';
    throw new ModelImportError('MISSING_TENSOR', `${file} has no tensor ${name} (${missingHint(name, available, architecture)})${more}`, file);
  }
  for (const { name, shape, shapeKeys } of specs) {
    const stored = nameInFile(name, available)!;
    const entry = available.get(stored)!;
    const where = entry.file ?? file;
    if (entry.shape.length !== shape.length || entry.shape.some((size, axis) => size !== shape[axis])) {
      throw new ModelImportError(
        'TENSOR_SHAPE',
        `${where}: tensor ${quoted(stored)} has shape ${describeShape(entry.shape)}, but config.json implies ${describeShape(shape)} ([${shapeKeys.join(', ')}]); `
          + 'the config and the weights come from different models: upload the config.json saved with these weights',
        where,
      );
    }
    if (!COMPUTED_DTYPES.has(entry.dtype)) {
      throw new ModelImportError(
        'TENSOR_DTYPE',
        `${where}: tensor ${quoted(stored)} is ${quoted(entry.dtype)}; Headroom computes with F32, F16 or BF16 weights (quantised ones are not read): save the model with model.float() first`,
        where,
      );
    }
    names.set(name, stored);
  }
  const used = new Set(names.values());
  const extra = [...available.keys()].filter((name) => !used.has(name)).sort();
  return { names, extra };
}

import type { BertWeights, DenseWeights, LayerNormWeights } from '../bert/bert-weights.js';
import type { LinearHead } from '../model.js';

/**
 * Where each tensor of a BertForSequenceClassification lives in Headroom's structures, by its
 * Hugging Face name: one table, read in both directions (import and export).
 */
interface Slot {
  name: string;
  get(weights: BertWeights, head: LinearHead): Float32Array;
  set(weights: BertWeights, head: LinearHead, values: Float32Array): void;
}

/** The weights and head under their Hugging Face names, in named_parameters() order. */
export function bertStateDict(weights: BertWeights, head: LinearHead): Array<[string, Float32Array]> {
  return slots(weights.layers.length).map((slot) => [slot.name, slot.get(weights, head)]);
}

/** Weights and head from tensors read by Hugging Face name (shapes already checked). */
export function bertWeightsFrom(tensors: ReadonlyMap<string, Float32Array>, layers: number): { weights: BertWeights; head: LinearHead } {
  const weights = emptyWeights(layers);
  const head: LinearHead = { dim: 0, weight: new Float32Array(0), bias: new Float32Array(0) };
  for (const slot of slots(layers)) slot.set(weights, head, tensors.get(slot.name)!);
  head.dim = head.weight.length / head.bias.length;
  return { weights, head };
}

function slots(layers: number): Slot[] {
  const slot = (name: string, get: Slot['get'], set: Slot['set']): Slot => ({ name, get, set });
  /** A Dense or LayerNorm: `<prefix>.weight` and `<prefix>.bias`. */
  const pair = (prefix: string, of: (w: BertWeights) => DenseWeights | LayerNormWeights) => [
    slot(`${prefix}.weight`, (w) => of(w).weight, (w, _h, v) => void (of(w).weight = v)),
    slot(`${prefix}.bias`, (w) => of(w).bias, (w, _h, v) => void (of(w).bias = v)),
  ];
  const layer = (i: number) => {
    const p = `bert.encoder.layer.${i}`;
    return [
      ...pair(`${p}.attention.self.query`, (w) => w.layers[i].query),
      ...pair(`${p}.attention.self.key`, (w) => w.layers[i].key),
      ...pair(`${p}.attention.self.value`, (w) => w.layers[i].value),
      ...pair(`${p}.attention.output.dense`, (w) => w.layers[i].attentionOutput),
      ...pair(`${p}.attention.output.LayerNorm`, (w) => w.layers[i].attentionNorm),
      ...pair(`${p}.intermediate.dense`, (w) => w.layers[i].intermediate),
      ...pair(`${p}.output.dense`, (w) => w.layers[i].output),
      ...pair(`${p}.output.LayerNorm`, (w) => w.layers[i].outputNorm),
    ];
  };
  return [
    slot('bert.embeddings.word_embeddings.weight', (w) => w.wordEmbeddings, (w, _h, v) => void (w.wordEmbeddings = v)),
    slot('bert.embeddings.position_embeddings.weight', (w) => w.positionEmbeddings, (w, _h, v) => void (w.positionEmbeddings = v)),
    slot('bert.embeddings.token_type_embeddings.weight', (w) => w.tokenTypeEmbeddings, (w, _h, v) => void (w.tokenTypeEmbeddings = v)),
    ...pair('bert.embeddings.LayerNorm', (w) => w.embeddingNorm),
    ...Array.from({ length: layers }, (_, i) => layer(i)).flat(),
    ...pair('bert.pooler.dense', (w) => w.pooler),
    slot('classifier.weight', (_w, h) => h.weight, (_w, h, v) => void (h.weight = v)),
    slot('classifier.bias', (_w, h) => h.bias, (_w, h, v) => void (h.bias = v)),
  ];
}

function emptyWeights(layers: number): BertWeights {
  const empty = new Float32Array(0);
  const pair = () => ({ weight: empty, bias: empty });
  return {
    wordEmbeddings: empty,
    positionEmbeddings: empty,
    tokenTypeEmbeddings: empty,
    embeddingNorm: pair(),
    layers: Array.from({ length: layers }, () => ({
      query: pair(), key: pair(), value: pair(), attentionOutput: pair(), attentionNorm: pair(), intermediate: pair(), output: pair(), outputNorm: pair(),
    })),
    pooler: pair(),
  };
}

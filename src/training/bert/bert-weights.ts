/**
 * A BERT encoder's weights as plain typed arrays (so they cross threads and files as they are), in
 * PyTorch's layouts: a Dense weight is [out, in], row-major, as `nn.Linear` stores it.
 */

/** The shape of a BERT encoder: what config.json says about it. */
export interface BertArchitecture {
  hiddenSize: number;
  layers: number;
  heads: number;
  intermediateSize: number;
  maxPositions: number;
  typeVocabSize: number;
  vocabSize: number;
  layerNormEps: number;
  hiddenDropout: number;
  attentionDropout: number;
}

export interface DenseWeights {
  /** [out, in] */
  weight: Float32Array;
  /** [out] */
  bias: Float32Array;
}

export interface LayerNormWeights {
  /** [hidden]: gamma */
  weight: Float32Array;
  /** [hidden]: beta */
  bias: Float32Array;
}

export interface BertLayerWeights {
  query: DenseWeights;
  key: DenseWeights;
  value: DenseWeights;
  attentionOutput: DenseWeights;
  attentionNorm: LayerNormWeights;
  intermediate: DenseWeights;
  output: DenseWeights;
  outputNorm: LayerNormWeights;
}

export interface BertWeights {
  /** [vocab, hidden] */
  wordEmbeddings: Float32Array;
  /** [maxPositions, hidden] */
  positionEmbeddings: Float32Array;
  /** [typeVocab, hidden] */
  tokenTypeEmbeddings: Float32Array;
  embeddingNorm: LayerNormWeights;
  layers: BertLayerWeights[];
  /** tanh(dense(hidden state of [CLS])): the features the classifier reads. */
  pooler: DenseWeights;
}

/** Every array of the weights, in a fixed order (embeddings, layers, pooler), for hashing and copying. */
export function weightArrays(weights: BertWeights): Float32Array[] {
  const dense = (d: DenseWeights) => [d.weight, d.bias];
  return [
    weights.wordEmbeddings,
    weights.positionEmbeddings,
    weights.tokenTypeEmbeddings,
    ...dense(weights.embeddingNorm),
    ...weights.layers.flatMap((layer) => [
      ...dense(layer.query),
      ...dense(layer.key),
      ...dense(layer.value),
      ...dense(layer.attentionOutput),
      ...dense(layer.attentionNorm),
      ...dense(layer.intermediate),
      ...dense(layer.output),
      ...dense(layer.outputNorm),
    ]),
    ...dense(weights.pooler),
  ];
}

import { Classifier, EmbeddingBagEncoder } from '../../src/training/model.js';

/**
 * A classifier with reproducible contents. `bits` fills every float with random 32-bit patterns
 * (NaNs with all kinds of payloads, infinities, denormals, -0 among them), to test that storage
 * keeps bits; `uniform` fills with values in [-1, 1), for tests that compute with the model.
 */
export function makeClassifier(options: { buckets: number; dim: number; labels: string[]; seed: number; fill: 'bits' | 'uniform' }): Classifier<EmbeddingBagEncoder> {
  const { buckets, dim, labels, fill } = options;
  let state = options.seed >>> 0;
  // mulberry32
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const values = (count: number) => {
    const array = new Float32Array(count);
    if (fill === 'bits') {
      const bits = new Uint32Array(array.buffer);
      for (let i = 0; i < count; i++) bits[i] = next();
    } else {
      for (let i = 0; i < count; i++) array[i] = next() / 2 ** 31 - 1;
    }
    return array;
  };
  return {
    labels,
    encoder: {
      config: { kind: 'embedding-bag',
    layerNorm: false, dim, tokenizer: { buckets, wordNgrams: 2, charNgramMin: 3, charNgramMax: 5, hashSeed: 17 } },
      table: values(buckets * dim),
    },
    head: { dim, weight: values(labels.length * dim), bias: values(labels.length) },
  };
}

import * as tf from '@tensorflow/tfjs';
import { EncoderPass, EncoderTraining, EncoderTrainingOptions } from '../encoder-training.js';
import { checkEncoderLayers } from '../setting-checks.js';
import { AdamW } from '../optimizers.js';
import type { Random } from '../random.js';
import { BertEncoder, bertTokenizer, encodeWithBert, releaseInferenceNetworks } from './bert-encoder.js';
import { BertNetwork } from './bert-network.js';

/**
 * Roughly what a token costs a gradient pass: the tape keeps about this many hidden-sized and
 * intermediate-sized float32 values per token and layer, forward and backward together (counted
 * from a layer's ops, with room to spare). A pass is held to ACTIVATION_BUDGET_BYTES of them; at
 * BERT-base's shape, with batches of 32 short texts, the wasm heap (4 GiB at most) then peaked at
 * 2.8 GB, against an abort without passes.
 */
const ACTIVATIONS_PER_HIDDEN = 60;
const ACTIVATIONS_PER_INTERMEDIATE = 14;
const BYTES_PER_ACTIVATION_VALUE = 4;
const ACTIVATION_BUDGET_BYTES = 2 ** 30;

/**
 * BERT fine-tuned as transformers does it: dropout on while training, AdamW with decoupled weight
 * decay on every weight but biases and LayerNorm, the loop's schedule (warm-up, then linear
 * decay) on the rate. Only the top `trainableLayers` layers (and the pooler) train when that is
 * set; the embeddings train when every layer does.
 */
export class BertTraining implements EncoderTraining {
  readonly tokensPerPass: number;
  private readonly network: BertNetwork;
  private readonly optimizer: AdamW;

  constructor(
    private readonly encoder: BertEncoder,
    private readonly options: EncoderTrainingOptions,
    private readonly random: Random,
    activationBudgetBytes = ACTIVATION_BUDGET_BYTES,
  ) {
    const trainable = options.trainableLayers ?? encoder.config.architecture.layers;
    checkEncoderLayers(trainable, encoder.config);
    // Inference networks hold a copy of the weights in the wasm heap, which training needs for activations.
    releaseInferenceNetworks();
    this.network = new BertNetwork(encoder.config.architecture, encoder.weights, trainable, bertTokenizer(encoder).padId);
    this.optimizer = new AdamW(this.network.trainable(), this.network.decayedVariables(), options.weightDecay);
    const { hiddenSize, intermediateSize, layers } = encoder.config.architecture;
    this.tokensPerPass = Math.max(1, Math.floor(activationBudgetBytes / (BYTES_PER_ACTIVATION_VALUE * layers * (ACTIVATIONS_PER_HIDDEN * hiddenSize + ACTIVATIONS_PER_INTERMEDIATE * intermediateSize))));
  }

  pass(tokens: readonly Int32Array[]): EncoderPass {
    return { features: () => this.network.pooled(tokens, { random: this.random }), variables: this.network.trainable() };
  }

  apply(gradients: tf.NamedTensorMap, rateScale: number): void {
    this.optimizer.apply(this.options.learningRate * rateScale, gradients);
  }

  encode(tokens: readonly Int32Array[]): Float32Array {
    return encodeWithBert(this.network, tokens);
  }

  export(): BertEncoder {
    return { ...this.encoder, weights: this.network.export() };
  }

  snapshot(): Float32Array[] {
    return this.optimizer.snapshot();
  }

  restore(snapshot: unknown): void {
    this.optimizer.restore(snapshot as Float32Array[]);
  }

  dispose(): void {
    this.network.dispose();
  }
}

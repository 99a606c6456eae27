import * as tf from '@tensorflow/tfjs';
import { EncoderStep, EncoderTraining, EncoderTrainingOptions } from '../encoder-training.js';
import { checkEncoderLayers } from '../settings.js';
import { AdamW } from '../optimizers.js';
import type { Random } from '../random.js';
import { BertEncoder, bertTokenizer, encodeWithBert } from './bert-encoder.js';
import { BertNetwork } from './bert-network.js';

/**
 * BERT fine-tuned as transformers does it: dropout on while training, AdamW with decoupled weight
 * decay on every weight but biases and LayerNorm, the loop's schedule (warm-up, then linear
 * decay) on the rate. Only the top `trainableLayers` layers (and the pooler) train when that is
 * set; the embeddings train when every layer does.
 */
export class BertTraining implements EncoderTraining {
  private readonly network: BertNetwork;
  private readonly optimizer: AdamW;

  constructor(
    private readonly encoder: BertEncoder,
    private readonly options: EncoderTrainingOptions,
    private readonly random: Random,
  ) {
    const trainable = options.trainableLayers ?? encoder.config.architecture.layers;
    checkEncoderLayers(trainable, encoder.config);
    this.network = new BertNetwork(encoder.config.architecture, encoder.weights, trainable, bertTokenizer(encoder).padId);
    this.optimizer = new AdamW(this.network.decayedVariables(), options.weightDecay);
  }

  step(tokens: readonly Int32Array[]): EncoderStep {
    return {
      features: () => this.network.pooled(tokens, { random: this.random }),
      variables: this.network.trainable(),
      apply: (gradients, rateScale) => this.optimizer.apply(this.options.learningRate * rateScale, gradients),
    };
  }

  encode(tokens: readonly Int32Array[]): Float32Array {
    return encodeWithBert(this.network, tokens);
  }

  export(): BertEncoder {
    return { ...this.encoder, weights: this.network.export() };
  }

  snapshot(): Float32Array[] {
    return this.network.trainable().map((variable) => (variable.dataSync() as Float32Array).slice());
  }

  restore(snapshot: unknown): void {
    const values = snapshot as Float32Array[];
    this.network.trainable().forEach((variable, i) => tf.tidy(() => variable.assign(tf.tensor(values[i], variable.shape))));
  }

  dispose(): void {
    this.network.dispose();
    this.optimizer.dispose();
  }
}

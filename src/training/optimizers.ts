import * as tf from '@tensorflow/tfjs';
import { nativeGemmStatus, type NativeGemm } from './native-gemm.js';

/** tfjs's Adam with a rate that can change between steps (its `learningRate` is protected). */
export class ScheduledAdam extends tf.AdamOptimizer {
  applyGradientsAt(learningRate: number, gradients: tf.NamedTensorMap): void {
    this.learningRate = learningRate;
    this.applyGradients(Object.entries(gradients).map(([name, tensor]) => ({ name, tensor })));
  }
}

/**
 * torch.optim.AdamW, as BERT is fine-tuned: each decayed weight first shrinks by lr x weightDecay
 * (decoupled from the gradient), then takes a bias-corrected Adam step (betas 0.9 and 0.999,
 * epsilon 1e-8 outside the square root, as torch has it). Its state, both moments and a master
 * copy of every weight, lives in JavaScript memory rather than in tfjs: for BERT-base that is
 * 1.3 GB the wasm heap (4 GiB at most, and it holds the activations too) does not have to hold.
 */
export class AdamW {
  private readonly states: Array<{ variable: tf.Variable; decays: boolean; weight: Float32Array; m: Float32Array; v: Float32Array }>;
  private steps = 0;

  /** `native`: the native kernels' AdamW (about 25 times faster than the JavaScript loop), where installed. */
  constructor(
    variables: readonly tf.Variable[],
    decayed: readonly tf.Variable[],
    private readonly weightDecay: number,
    private readonly native: NativeGemm | null = nativeGemmStatus().gemm ?? null,
  ) {
    const decays = new Set(decayed);
    this.states = variables.map((variable) => {
      const weight = (variable.dataSync() as Float32Array).slice();
      return { variable, decays: decays.has(variable), weight, m: new Float32Array(weight.length), v: new Float32Array(weight.length) };
    });
  }

  /** One step; `gradients` holds a gradient for every variable, by name (each is disposed once read). */
  apply(learningRate: number, gradients: tf.NamedTensorMap): void {
    this.steps++;
    const correction1 = 1 - BETA1 ** this.steps;
    const correction2 = Math.sqrt(1 - BETA2 ** this.steps);
    const shrink = 1 - learningRate * this.weightDecay;
    const stepSize = learningRate / correction1;
    for (const { variable, decays, weight, m, v } of this.states) {
      const gradient = gradients[variable.name];
      const g = gradient.dataSync() as Float32Array;
      gradient.dispose();
      const decay = decays ? shrink : 1;
      if (this.native) {
        this.native.adamw(weight, m, v, g, BETA1, BETA2, EPSILON, decay, stepSize, correction2);
      } else {
        for (let i = 0; i < weight.length; i++) {
          m[i] = BETA1 * m[i] + (1 - BETA1) * g[i];
          v[i] = BETA2 * v[i] + (1 - BETA2) * g[i] * g[i];
          weight[i] = weight[i] * decay - (stepSize * m[i]) / (Math.sqrt(v[i]) / correction2 + EPSILON);
        }
      }
      tf.tidy(() => variable.assign(tf.tensor(weight, variable.shape)));
    }
  }

  /** The master copies, for going back to an earlier state (early stopping). */
  snapshot(): Float32Array[] {
    return this.states.map((state) => state.weight.slice());
  }

  restore(weights: readonly Float32Array[]): void {
    this.states.forEach((state, i) => {
      state.weight.set(weights[i]);
      tf.tidy(() => state.variable.assign(tf.tensor(state.weight, state.variable.shape)));
    });
  }
}

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-8;

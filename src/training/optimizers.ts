import * as tf from '@tensorflow/tfjs';

/** tfjs's Adam with a rate that can change between steps (its `learningRate` is protected). */
export class ScheduledAdam extends tf.AdamOptimizer {
  applyGradientsAt(learningRate: number, gradients: tf.NamedTensorMap): void {
    this.learningRate = learningRate;
    this.applyGradients(Object.entries(gradients).map(([name, tensor]) => ({ name, tensor })));
  }
}

/**
 * torch.optim.AdamW, as BERT is fine-tuned: each decayed weight first shrinks by lr x weightDecay
 * (decoupled from the gradient), then takes a bias-corrected Adam step with epsilon 1e-8.
 */
export class AdamW {
  private readonly adam = new ScheduledAdam(0, 0.9, 0.999, 1e-8);
  private readonly decayed: Map<string, tf.Variable>;

  constructor(
    /** The variables that decay; biases and LayerNorm weights do not, as transformers' Trainer has it. */
    decayed: readonly tf.Variable[],
    private readonly weightDecay: number,
  ) {
    this.decayed = new Map(decayed.map((variable) => [variable.name, variable]));
  }

  apply(learningRate: number, gradients: tf.NamedTensorMap): void {
    if (this.weightDecay > 0) {
      const shrink = 1 - learningRate * this.weightDecay;
      tf.tidy(() => {
        for (const name of Object.keys(gradients)) {
          const variable = this.decayed.get(name);
          variable?.assign(tf.mul(variable, shrink));
        }
      });
    }
    this.adam.applyGradientsAt(learningRate, gradients);
  }

  dispose(): void {
    this.adam.dispose();
  }
}

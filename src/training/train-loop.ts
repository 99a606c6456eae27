import * as tf from '@tensorflow/tfjs';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { CancellationSignal, TrainingCancelled } from './errors.js';
import { EpochMetrics, Measurement } from './evaluation.js';
import { Random } from './random.js';
import { Snapshot, TrainableModel, TrainingExamples } from './trainable-model.js';

/** What a caller hears from a running training, and how it stops one. */
export interface TrainingHooks {
  /** After every epoch (and once before the first, as epoch 0); training waits for it to settle. */
  onEpoch?(metrics: EpochMetrics): void | Promise<void>;
  /** After every optimisation step. */
  onBatch?(progress: { epoch: number; batch: number; batches: number }): void;
  /** Once, when training has ended: the epoch whose weights the model keeps (see LoopResult.keptEpoch). */
  onKeptEpoch?(epoch: number): void;
  /** Checked before every batch: once it reads aborted, training throws TrainingCancelled. */
  signal?: CancellationSignal;
  log?(line: string): void;
}

/** How the learning rates change over a training, with what each value means (the API's enum takes these). */
export const LEARNING_RATE_SCHEDULE_DESCRIPTIONS = {
  CONSTANT: 'As set, throughout.',
  LINEAR_DECAY: "From the set rate down to nearly 0 at the last step (fastText's schedule).",
} as const;
export type LearningRateSchedule = keyof typeof LEARNING_RATE_SCHEDULE_DESCRIPTIONS;
export const LEARNING_RATE_SCHEDULES = Object.keys(LEARNING_RATE_SCHEDULE_DESCRIPTIONS) as LearningRateSchedule[];

export interface LoopSettings {
  epochs: number;
  batchSize: number;
  earlyStoppingPatience: number | null;
  seed: number;
  /** CONSTANT when absent. */
  learningRateSchedule?: LearningRateSchedule;
  /** Share of the steps with a linear warm-up; none when absent. */
  warmupFraction?: number;
}

/**
 * The factor on the set learning rates at step `step` (0-based) of `totalSteps`. LINEAR_DECAY is
 * fastText's schedule: from 1 down to 1/totalSteps at the last step, which still moves. A warm-up
 * multiplies it by (step + 1) / warm-up steps until that reaches 1, as the reference BERT
 * training's LambdaLR does.
 */
export function learningRateScale(schedule: LearningRateSchedule, step: number, totalSteps: number, warmupFraction = 0): number {
  const decay = schedule === 'LINEAR_DECAY' ? 1 - step / totalSteps : 1;
  const warmupSteps = warmupFraction * totalSteps;
  return warmupSteps > 0 ? Math.min(1, (step + 1) / warmupSteps) * decay : decay;
}

const YIELD_EVERY_MS = 20;

export interface LoopResult {
  epochs: EpochMetrics[];
  /** Seconds spent in optimisation steps, evaluation excluded. */
  trainSeconds: number;
  /** The epoch whose weights the model holds at the end (the best one under early stopping). */
  keptEpoch: number;
}

/**
 * Keeping the best epoch by a score other than validation accuracy: every epoch is trained (no
 * early stopping) and the one that scores highest kept, the later one on ties.
 */
export interface EpochScore {
  /** The model as it is now, scored; higher is better. */
  score(): number;
}

/** Optimisation steps one pass over `count` examples makes: the last batch may be short. */
export function stepsPerEpoch(count: number, batchSize: number): number {
  return Math.ceil(count / batchSize);
}

/**
 * The training loop: seeded shuffling, one optimisation step per batch, a report per epoch,
 * early stopping on validation accuracy, or the best epoch by `epochScore`. `measure` evaluates
 * the model as it is at that moment.
 */
export async function trainLoop(
  model: TrainableModel,
  examples: TrainingExamples,
  measure: (withValidation: boolean) => Measurement,
  settings: LoopSettings,
  hooks: TrainingHooks,
  epochScore: EpochScore | null = null,
): Promise<LoopResult> {
  const random = new Random(settings.seed).fork('batch order');
  const count = examples.labels.length;
  const order = Int32Array.from({ length: count }, (_, i) => i);
  const batches = stepsPerEpoch(count, settings.batchSize);
  const schedule = settings.learningRateSchedule ?? 'CONSTANT';
  const epochs: EpochMetrics[] = [];
  let best: { score: number; epoch: number; snapshot: Snapshot | null } = { score: -Infinity, epoch: 0, snapshot: null };
  let trainSeconds = 0;
  let stepsDone = 0;
  let lastYield = performance.now();

  const report = async (epoch: number, loss: number, seconds: number) => {
    const { perLabelAccuracy: _perLabel, validationAccuracy, predicted: _predicted, ...metrics } = measure(settings.earlyStoppingPatience !== null);
    const epochMetrics = { epoch, loss, seconds, ...metrics };
    epochs.push(epochMetrics);
    await hooks.onEpoch?.(epochMetrics);
    return validationAccuracy;
  };

  const initialValidation = await report(0, model.meanLoss(examples, settings.batchSize), 0);
  const wantsEarlyStopping = epochScore === null && settings.earlyStoppingPatience !== null;
  const earlyStopping = wantsEarlyStopping && initialValidation !== null;
  if (wantsEarlyStopping && !earlyStopping) hooks.log?.('no validation examples: early stopping is off');
  if (earlyStopping) best = { score: initialValidation, epoch: 0, snapshot: model.snapshot() };
  if (epochScore) best = { score: epochScore.score(), epoch: 0, snapshot: model.snapshot() };

  for (let epoch = 1; epoch <= settings.epochs; epoch++) {
    random.shuffle(order);
    const started = performance.now();
    let lossSum = tf.scalar(0);
    for (let batch = 0; batch < batches; batch++) {
      // Yielding now and then lets a cancellation that arrives as an event (a NOTIFY, a message) be
      // seen here; yielding before every step would cost more than a small step itself.
      if (performance.now() - lastYield > YIELD_EVERY_MS) {
        await yieldToEventLoop();
        lastYield = performance.now();
      }
      if (hooks.signal?.aborted) {
        lossSum.dispose();
        throw new TrainingCancelled(stepsDone);
      }
      const indices = order.subarray(batch * settings.batchSize, (batch + 1) * settings.batchSize);
      const loss = model.step(examples, indices, learningRateScale(schedule, stepsDone, settings.epochs * batches, settings.warmupFraction));
      const next = tf.tidy(() => tf.add(lossSum, tf.mul(loss, indices.length)));
      tf.dispose([lossSum, loss]);
      lossSum = next as tf.Scalar;
      stepsDone++;
      hooks.onBatch?.({ epoch, batch: batch + 1, batches });
    }
    const meanLoss = (await lossSum.data())[0] / count;
    lossSum.dispose();
    const seconds = (performance.now() - started) / 1000;
    trainSeconds += seconds;
    const validation = await report(epoch, meanLoss, seconds);

    if (epochScore) {
      const score = epochScore.score();
      if (score >= best.score) best = { score, epoch, snapshot: model.snapshot() };
    } else if (earlyStopping) {
      if (validation! > best.score) {
        best = { score: validation!, epoch, snapshot: model.snapshot() };
      } else if (epoch - best.epoch >= settings.earlyStoppingPatience!) {
        hooks.log?.(`early stopping after epoch ${epoch}: validation accuracy last improved at epoch ${best.epoch}`);
        break;
      }
    }
  }

  const last = epochs[epochs.length - 1].epoch;
  if (best.snapshot && best.epoch !== last) model.restore(best.snapshot);
  const keptEpoch = best.snapshot ? best.epoch : last;
  hooks.onKeptEpoch?.(keptEpoch);
  return { epochs, trainSeconds, keptEpoch };
}

import { LinearHead } from './model.js';

/** Old-label examples training did not see, as calibration measures them. */
export interface CalibrationExamples {
  /** The expanded head's logits, [examples, labels]. */
  logits: Float32Array;
  /** Each example's (old) label. */
  labels: Int32Array;
  /** Whether the base model got each example right. */
  baseCorrect: ArrayLike<boolean>;
}

/**
 * The new rows' biases lowered, all by one amount, by the least that brings the old-label accuracy
 * on `examples` to within `maxForgetting` of the base model's. A new row trained on few positives
 * scores high on everything near them; lowering its bias hands examples back to the old labels
 * (at the price of some new-label recall), and only an example predicted new can be handed back.
 * When the encoder's own drift already costs more than `maxForgetting`, no shift is enough: the
 * biases are then lowered until at most `maxForgetting` of the examples are predicted new, so the
 * new rows add no more than that to the drift. Biases are only ever lowered.
 */
export function calibrateNewBiases(head: LinearHead, oldCount: number, examples: CalibrationExamples, maxForgetting: number): LinearHead {
  const labels = head.bias.length;
  const count = examples.labels.length;
  if (count === 0) return head;
  // Per example, how far the best new label is ahead of the best old one (positive: predicted new),
  // and whether the best old label is the right one (what the example scores once handed back).
  const margins = Array.from({ length: count }, (_, row) => {
    const scores = examples.logits.subarray(row * labels, (row + 1) * labels);
    let bestOld = 0;
    let bestNew = -Infinity;
    for (let j = 0; j < labels; j++) {
      if (j < oldCount) bestOld = scores[j] > scores[bestOld] ? j : bestOld;
      else bestNew = Math.max(bestNew, scores[j]);
    }
    return { margin: bestNew - scores[bestOld], rightOnceOld: bestOld === examples.labels[row] };
  }).sort((a, b) => b.margin - a.margin);

  const baseCorrect = Array.from(examples.baseCorrect).filter(Boolean).length;
  const allowedLoss = allowedLosses(maxForgetting, count);
  // Handing back the examples predicted new one by one, from the one the new rows lead on least.
  let correct = margins.filter(({ margin, rightOnceOld }) => margin <= 0 && rightOnceOld).length;
  const firstOld = margins.findIndex(({ margin }) => margin <= 0);
  let threshold = 0;
  for (let i = (firstOld === -1 ? count : firstOld) - 1; correct < baseCorrect - allowedLoss; i--) {
    if (i < 0) {
      // The drift alone forgets more than allowed: cap the share predicted new instead.
      threshold = Math.max(0, margins[Math.min(allowedLoss, count - 1)].margin);
      break;
    }
    threshold = margins[i].margin;
    if (margins[i].rightOnceOld) correct++;
  }
  if (!(threshold > 0)) return head;
  // A little past the tie, so that float rounding of the shifted logits cannot tip it back.
  const shift = threshold * (1 + 1e-6) + 1e-6;
  const bias = head.bias.slice();
  for (let j = oldCount; j < labels; j++) bias[j] -= shift;
  return { dim: head.dim, weight: head.weight, bias };
}

/** How many of `count` examples the base model got right may be lost within `maxForgetting`: the one budget test calibration and epoch selection share. */
export function allowedLosses(maxForgetting: number, count: number): number {
  return Math.floor(maxForgetting * count);
}

import { LinearHead } from './model.js';

/**
 * The new rows' biases lowered, all by one amount, by the least that leaves at most
 * `maxOldShare` of the old-label examples behind `oldExampleLogits` ([examples, labels])
 * predicted as a new label. A new row trained on few positives scores high on everything near
 * them; this caps the share of old examples it may take, measured on examples training did not
 * see, at the price of some new-label recall. Biases are only ever lowered.
 */
export function calibrateNewBiases(head: LinearHead, oldCount: number, oldExampleLogits: Float32Array, maxOldShare: number): LinearHead {
  const labels = head.bias.length;
  const examples = oldExampleLogits.length / labels;
  if (examples === 0) return head;
  // How far the best new label is ahead of the best old one, per example: positive means "predicted new".
  const margins = Float64Array.from({ length: examples }, (_, row) => {
    const scores = oldExampleLogits.subarray(row * labels, (row + 1) * labels);
    let bestOld = -Infinity;
    let bestNew = -Infinity;
    for (let j = 0; j < labels; j++) {
      if (j < oldCount) bestOld = Math.max(bestOld, scores[j]);
      else bestNew = Math.max(bestNew, scores[j]);
    }
    return bestNew - bestOld;
  }).sort((a, b) => b - a);
  const allowed = Math.floor(maxOldShare * examples);
  const threshold = margins[allowed];
  if (!(threshold > 0)) return head;
  // A little past the tie, so that float rounding of the shifted logits cannot tip it back.
  const shift = threshold * (1 + 1e-6) + 1e-6;
  const bias = head.bias.slice();
  for (let j = oldCount; j < labels; j++) bias[j] -= shift;
  return { dim: head.dim, weight: head.weight, bias };
}

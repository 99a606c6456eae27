import { l2Norm } from './head-init.js';
import { Random } from './random.js';
import { ExemplarSelection } from './settings.js';

/**
 * Which old-label training examples a rehearsal strategy keeps: `perLabel` of each old label (all
 * of them for 'ALL'). RANDOM samples without replacement; HERDING (iCaRL) picks, one at a time,
 * the example that brings the mean of the picked features closest to the label's mean feature.
 * Returns indices into the training examples, label by label.
 */
export function selectExemplars(options: {
  labels: Int32Array;
  oldLabelCount: number;
  perLabel: number | 'ALL';
  selection: ExemplarSelection;
  features: Float32Array;
  dim: number;
  random: Random;
}): number[] {
  const { labels, oldLabelCount, perLabel } = options;
  if (perLabel === 0) return [];
  const byLabel: number[][] = Array.from({ length: oldLabelCount }, () => []);
  labels.forEach((label, index) => {
    if (label < oldLabelCount) byLabel[label].push(index);
  });
  if (perLabel === 'ALL') return byLabel.flat();
  let newMeans: Float32Array[] | undefined;
  return byLabel.flatMap((examples) => {
    if (examples.length <= perLabel) return examples;
    if (options.selection === 'RANDOM') return options.random.shuffle(examples.slice()).slice(0, perLabel);
    if (options.selection === 'HERDING') return herd(examples, perLabel, options.features, options.dim);
    return nearest(examples, perLabel, newMeans ??= newLabelMeans(labels, oldLabelCount, options.features, options.dim), options.features, options.dim);
  });
}

function normalisedRow(features: Float32Array, dim: number, index: number): Float32Array {
  const row = features.slice(index * dim, (index + 1) * dim);
  const length = l2Norm(row) || 1;
  for (let d = 0; d < dim; d++) row[d] /= length;
  return row;
}

/** Each new label's mean normalised feature, normalised: the direction an imprinted row points. */
function newLabelMeans(labels: Int32Array, oldLabelCount: number, features: Float32Array, dim: number): Float32Array[] {
  const sums = new Map<number, Float32Array>();
  labels.forEach((label, index) => {
    if (label < oldLabelCount) return;
    const sum = sums.get(label) ?? new Float32Array(dim);
    const row = normalisedRow(features, dim, index);
    for (let d = 0; d < dim; d++) sum[d] += row[d];
    sums.set(label, sum);
  });
  return [...sums.values()].map((sum) => {
    const length = l2Norm(sum) || 1;
    return sum.map((value) => value / length);
  });
}

/** The `count` examples with the highest cosine to any of `targets`; ties go to the earlier example. */
function nearest(examples: number[], count: number, targets: Float32Array[], features: Float32Array, dim: number): number[] {
  const scored = examples.map((index) => {
    const row = normalisedRow(features, dim, index);
    let score = -Infinity;
    for (const target of targets) {
      let dot = 0;
      for (let d = 0; d < dim; d++) dot += row[d] * target[d];
      score = Math.max(score, dot);
    }
    return { index, score };
  });
  return scored.sort((a, b) => b.score - a.score || a.index - b.index).slice(0, count).map(({ index }) => index);
}

function herd(examples: number[], count: number, features: Float32Array, dim: number): number[] {
  const normalised = examples.map((index) => normalisedRow(features, dim, index));
  const target = new Float64Array(dim);
  for (const row of normalised) for (let d = 0; d < dim; d++) target[d] += row[d] / normalised.length;

  const picked: number[] = [];
  const taken = new Set<number>();
  const sum = new Float64Array(dim);
  for (let k = 1; k <= count; k++) {
    let best = -1;
    let bestDistance = Infinity;
    normalised.forEach((row, i) => {
      if (taken.has(i)) return;
      let distance = 0;
      for (let d = 0; d < dim; d++) {
        const gap = target[d] - (sum[d] + row[d]) / k;
        distance += gap * gap;
      }
      if (distance < bestDistance) {
        bestDistance = distance;
        best = i;
      }
    });
    taken.add(best);
    picked.push(examples[best]);
    for (let d = 0; d < dim; d++) sum[d] += normalised[best][d];
  }
  return picked;
}

/**
 * Each label's rows among `rows`, cycled until the label has `count` of them (rounded up), so a
 * label with ten examples weighs in training as much as an old label's rehearsed ones.
 */
export function repeatToCount(rows: number[], labels: Int32Array, count: number): number[] {
  const byLabel = new Map<number, number[]>();
  for (const row of rows) byLabel.set(labels[row], [...(byLabel.get(labels[row]) ?? []), row]);
  return [...byLabel.values()].flatMap((own) => Array.from({ length: Math.max(own.length, Math.ceil(count)) }, (_, i) => own[i % own.length]));
}

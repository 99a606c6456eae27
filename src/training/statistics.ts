import { codeCounts, IS_NEW, metricsFromCounts, OutcomeMetrics, outcomeCodes, SplitOutcomes } from './outcomes.js';
import { Random } from './random.js';
import { multinomial } from './sampling.js';

/**
 * The one place where Headroom summarises runs: means, spread over seeds, and bootstrap
 * intervals over seeds and examples. The API's leaderboards and comparisons, the recommendation
 * and the benchmark tables all call these, so a number means the same wherever it is shown.
 */

/** Mean; null for no values. */
export function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((sum, value) => sum + value, 0) / values.length;
}

/**
 * Sample standard deviation over seeds (n - 1). Null with fewer than two values: one seed says
 * nothing about how much seeds vary, and 0 would claim that they do not.
 */
export function spread(values: readonly number[]): number | null {
  if (values.length < 2) return null;
  const average = mean(values)!;
  return Math.sqrt(values.reduce((sum, value) => sum + (value - average) ** 2, 0) / (values.length - 1));
}

/** The metrics given intervals: what a leaderboard, a comparison and a recommendation weigh. */
export const INTERVAL_METRICS = ['newAccuracy', 'oldAccuracy', 'forgetting'] as const;
export type IntervalMetric = (typeof INTERVAL_METRICS)[number];
export type IntervalMetrics<T> = Record<IntervalMetric, T>;

export interface Interval {
  low: number;
  high: number;
}

/** One run's outcomes on a split, and the unit it is resampled (and paired) by: its seed, say. */
export interface OutcomeRun {
  unit: string;
  outcomes: SplitOutcomes;
}

export interface BootstrapOptions {
  /** 1000 when absent. */
  resamples?: number;
  /** Seed of the resampling; 0 when absent, so the same runs always give the same interval. */
  seed?: number;
}

export const DEFAULT_RESAMPLES = 1000;
/** A 95% interval, two-sided: the 2.5th and 97.5th percentiles of the resampled statistic. */
const INTERVAL_QUANTILES = [0.025, 0.975] as const;

/** Per metric, the mean over runs of the run's value on all its examples: the estimate the intervals go with. */
export function outcomeMeans(runs: readonly OutcomeRun[]): IntervalMetrics<number | null> {
  const perRun = runs.map((run) => metricsFromCounts(codeCounts(outcomeCodes(run.outcomes))));
  return metricwise((metric) => mean(valuesOf(perRun, metric)));
}

/**
 * 95% percentile-bootstrap intervals of each metric's mean over runs: each resample draws units
 * (seeds) with replacement, then, within each drawn run, its examples with replacement. Null for
 * a metric no resample could measure (no new-label examples, say).
 */
export function bootstrapIntervals(runs: readonly OutcomeRun[], options: BootstrapOptions = {}): IntervalMetrics<Interval | null> {
  const [resamples] = resampleGroups([runs], options);
  return metricwise((metric) => percentileInterval(valuesOf(resamples, metric)));
}

/** The difference first - second of a metric's mean, its 95% interval, and whether the interval leaves out 0. */
export interface PairedDifference {
  difference: number;
  interval: Interval;
  excludesZero: boolean;
}

export interface PairedComparison {
  /** The units both sides have, which the comparison is over. */
  units: string[];
  differences: IntervalMetrics<PairedDifference | null>;
}

/**
 * Two strategies on the same units (seeds) and the same examples: every resample draws the units
 * once and the examples once for both, so what the two share (a hard seed, a hard example)
 * cancels out of the difference. Null for a metric either side cannot measure.
 */
export function pairedComparison(first: readonly OutcomeRun[], second: readonly OutcomeRun[], options: BootstrapOptions = {}): PairedComparison {
  const units = commonUnits([first, second]);
  const pick = (runs: readonly OutcomeRun[]) => units.map((unit) => runs.find((run) => run.unit === unit)!);
  const [a, b] = [pick(first), pick(second)];
  const [resampledA, resampledB] = units.length === 0 ? [[], []] : resampleGroups([a, b], options);
  const [meansA, meansB] = [outcomeMeans(a), outcomeMeans(b)];
  return {
    units,
    differences: metricwise((metric) => {
      const [x, y] = [meansA[metric], meansB[metric]];
      if (x === null || y === null) return null;
      const resampled = resampledA.flatMap((r, i) => (r[metric] === null || resampledB[i][metric] === null ? [] : [r[metric]! - resampledB[i][metric]!]));
      const interval = percentileInterval(resampled);
      if (!interval) return null;
      return { difference: x - y, interval, excludesZero: interval.low > 0 || interval.high < 0 };
    }),
  };
}

/**
 * The bootstrap itself, for groups of runs on the same units: per group, the metrics' means over
 * units in each resample. Groups are resampled together (the same units, the same example
 * indices), which is what pairs them; a group of one is a plain bootstrap. Units are those every
 * group has, in the first group's order; a unit's runs must hold the same examples.
 */
export function resampleGroups(groups: ReadonlyArray<readonly OutcomeRun[]>, options: BootstrapOptions = {}): OutcomeMetrics[][] {
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  if (!Number.isInteger(resamples) || resamples < 1) throw new RangeError(`resamples must be a positive integer, not ${resamples}`);
  if (groups.length < 1 || groups.length > 7) throw new RangeError(`resample 1 to 7 groups together, not ${groups.length}`);
  const units = commonUnits(groups);
  if (units.length === 0) throw new RangeError('the runs share no unit to resample');
  const codes = units.map((unit) =>
    groups.map((runs) => {
      const matching = runs.filter((run) => run.unit === unit);
      if (matching.length !== 1) throw new RangeError(`unit ${unit} has ${matching.length} runs in one group; give each run its own unit`);
      return outcomeCodes(matching[0].outcomes);
    }),
  );
  codes.forEach((perGroup, u) => {
    const [first] = perGroup;
    for (const other of perGroup) {
      if (other.length !== first.length || other.some((code, i) => (code & IS_NEW) !== (first[i] & IS_NEW))) {
        throw new RangeError(`the runs of unit ${units[u]} were measured on different examples and cannot be paired`);
      }
    }
  });

  // Within a unit only the kinds of example matter (each group's code, jointly): resampling its
  // examples is a multinomial draw over those kinds.
  const kinds = codes.map((perGroup) => jointKinds(perGroup));
  const random = new Random(options.seed ?? 0).fork('bootstrap');
  const counts = groups.map(() => new Float64Array(16));
  const result = groups.map(() => [] as OutcomeMetrics[]);
  for (let r = 0; r < resamples; r++) {
    const sums = groups.map(() => new Accumulator());
    for (let k = 0; k < units.length; k++) {
      const { keys, weights, drawn, examples } = kinds[random.int(units.length)];
      multinomial(random, examples, weights, drawn);
      counts.forEach((c) => c.fill(0));
      for (let kind = 0; kind < keys.length; kind++) {
        for (let g = 0; g < groups.length; g++) counts[g][(keys[kind] >>> (4 * g)) & 15] += drawn[kind];
      }
      counts.forEach((c, g) => sums[g].add(metricsFromCounts(c)));
    }
    sums.forEach((sum, g) => result[g].push(sum.means()));
  }
  return result;
}

/** The distinct combinations of the groups' codes among a unit's examples (4 bits a group), and how many examples have each. */
function jointKinds(perGroup: Uint8Array[]): { keys: number[]; weights: Float64Array; drawn: Float64Array; examples: number } {
  const tally = new Map<number, number>();
  const examples = perGroup[0].length;
  for (let i = 0; i < examples; i++) {
    let key = 0;
    for (let g = 0; g < perGroup.length; g++) key |= perGroup[g][i] << (4 * g);
    tally.set(key, (tally.get(key) ?? 0) + 1);
  }
  const keys = [...tally.keys()].sort((a, b) => a - b);
  return { keys, weights: Float64Array.from(keys, (key) => tally.get(key)!), drawn: new Float64Array(keys.length), examples };
}

/** Units every group has, in the first group's order. */
function commonUnits(groups: ReadonlyArray<readonly OutcomeRun[]>): string[] {
  if (groups.length === 0) return [];
  const [first, ...rest] = groups;
  return [...new Set(first.map((run) => run.unit))].filter((unit) => rest.every((runs) => runs.some((run) => run.unit === unit)));
}

/** Sums of each outcome metric over units, skipping units where one is null. */
class Accumulator {
  private readonly sums = new Float64Array(OUTCOME_KEYS.length);
  private readonly counts = new Float64Array(OUTCOME_KEYS.length);

  add(metrics: OutcomeMetrics): void {
    for (let k = 0; k < OUTCOME_KEYS.length; k++) {
      const value = metrics[OUTCOME_KEYS[k]];
      if (value === null) continue;
      this.sums[k] += value;
      this.counts[k]++;
    }
  }

  means(): OutcomeMetrics {
    return Object.fromEntries(OUTCOME_KEYS.map((key, k) => [key, this.counts[k] === 0 ? null : this.sums[k] / this.counts[k]])) as unknown as OutcomeMetrics;
  }
}

const OUTCOME_KEYS: ReadonlyArray<keyof OutcomeMetrics> = ['oldAccuracy', 'newAccuracy', 'overallAccuracy', 'forgetting', 'intrusion'];

/** The central 95% of `values` (percentiles by linear interpolation, numpy's default); null for none. */
export function percentileInterval(values: readonly number[]): Interval | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const [low, high] = INTERVAL_QUANTILES;
  return { low: quantile(sorted, low), high: quantile(sorted, high) };
}

function quantile(sorted: readonly number[], q: number): number {
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}

function valuesOf(metrics: readonly OutcomeMetrics[], metric: IntervalMetric): number[] {
  return metrics.flatMap((m) => (m[metric] === null ? [] : [m[metric]!]));
}

function metricwise<T>(of: (metric: IntervalMetric) => T): IntervalMetrics<T> {
  return Object.fromEntries(INTERVAL_METRICS.map((metric) => [metric, of(metric)])) as IntervalMetrics<T>;
}

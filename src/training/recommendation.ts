import {
  BootstrapOptions,
  bootstrapIntervals,
  Interval,
  IntervalMetrics,
  OutcomeRun,
  outcomeMeans,
  PairedDifference,
  pairedComparison,
  resampleGroups,
} from './statistics.js';

/**
 * Which strategy to use for a forgetting budget: the best new-label accuracy among those whose
 * forgetting stays within it. Decided on whatever outcomes it is given; callers give it
 * validation outcomes, so that the test split stays an honest measure of the choice.
 */

/** A strategy's runs (one per unit, e.g. seed) on the split the decision is made on. */
export interface StrategyOutcomes {
  key: string;
  runs: OutcomeRun[];
}

export interface StrategyScore {
  key: string;
  /** How many runs (units) the means are over. */
  runs: number;
  means: IntervalMetrics<number | null>;
  intervals: IntervalMetrics<Interval | null>;
}

export interface Recommendation {
  maxForgetting: number;
  /** The strategy to use: the best within the budget, or when none fits, the one that forgets least. Null when nothing could be scored. */
  choice: StrategyScore | null;
  fitsBudget: boolean;
  /** The second best within the budget; null when fewer than two fit. */
  runnerUp: StrategyScore | null;
  /** New-label accuracy of the choice minus the runner-up's, paired over the units both have. */
  difference: PairedDifference | null;
  /**
   * Share of paired resamples in which the choice beats the runner-up on new-label accuracy (ties
   * count half) while staying within the budget; without a runner-up, the share in which it stays
   * within the budget. Null when the choice does not fit or the two share no unit.
   */
  probabilityBest: number | null;
  /** Strategies given without outcomes that measure both old and new labels: they could not be considered. */
  unscored: string[];
}

/** How far over a budget rounding may put a forgetting that is, in exact arithmetic, on it. */
const BUDGET_TOLERANCE = 1e-12;

export function withinBudget(forgetting: number, maxForgetting: number): boolean {
  return forgetting <= maxForgetting + BUDGET_TOLERANCE;
}

/**
 * The pick on plain means: best new accuracy within the budget (less forgetting, then the key,
 * breaking ties), else least forgetting (then more new accuracy). Shared by the recommendation
 * and by the benchmark's best-on-test, so both choose alike.
 */
export function pickStrategy<T extends { key: string; newAccuracy: number; forgetting: number }>(
  candidates: readonly T[],
  maxForgetting: number,
): { choice: T | null; fitsBudget: boolean; runnerUp: T | null } {
  const byKey = (a: T, b: T) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  const within = candidates
    .filter((c) => withinBudget(c.forgetting, maxForgetting))
    .sort((a, b) => b.newAccuracy - a.newAccuracy || a.forgetting - b.forgetting || byKey(a, b));
  if (within.length > 0) return { choice: within[0], fitsBudget: true, runnerUp: within[1] ?? null };
  const [leastForgetting] = [...candidates].sort((a, b) => a.forgetting - b.forgetting || b.newAccuracy - a.newAccuracy || byKey(a, b));
  return { choice: leastForgetting ?? null, fitsBudget: false, runnerUp: null };
}

export function recommend(strategies: readonly StrategyOutcomes[], maxForgetting: number, options: BootstrapOptions = {}): Recommendation {
  if (!(maxForgetting >= 0 && maxForgetting <= 1)) throw new RangeError(`maxForgetting must be a share from 0 to 1, not ${maxForgetting}`);
  const scores: StrategyScore[] = [];
  const unscored: string[] = [];
  for (const strategy of strategies) {
    const means = outcomeMeans(strategy.runs);
    if (strategy.runs.length === 0 || means.newAccuracy === null || means.forgetting === null) unscored.push(strategy.key);
    else scores.push({ key: strategy.key, runs: strategy.runs.length, means, intervals: bootstrapIntervals(strategy.runs, options) });
  }
  const { choice, fitsBudget, runnerUp } = pickStrategy(
    scores.map((score) => ({ key: score.key, newAccuracy: score.means.newAccuracy!, forgetting: score.means.forgetting!, score })),
    maxForgetting,
  );
  const runsOf = (score: StrategyScore | undefined) => strategies.find((s) => s.key === score?.key)!.runs;
  let difference: PairedDifference | null = null;
  let probabilityBest: number | null = null;
  if (choice && fitsBudget && runnerUp) {
    const paired = pairedComparison(runsOf(choice.score), runsOf(runnerUp.score), options);
    difference = paired.differences.newAccuracy;
    if (paired.units.length > 0) {
      const pick = (runs: OutcomeRun[]) => paired.units.map((unit) => runs.find((run) => run.unit === unit)!);
      const [mine, theirs] = resampleGroups([pick(runsOf(choice.score)), pick(runsOf(runnerUp.score))], options);
      probabilityBest = share(mine, (m, i) => {
        const other = theirs[i].newAccuracy;
        if (m.newAccuracy === null || other === null || m.forgetting === null || !withinBudget(m.forgetting, maxForgetting)) return 0;
        return m.newAccuracy > other ? 1 : m.newAccuracy === other ? 0.5 : 0;
      });
    }
  } else if (choice && fitsBudget) {
    const [mine] = resampleGroups([runsOf(choice.score)], options);
    probabilityBest = share(mine, (m) => (m.forgetting !== null && withinBudget(m.forgetting, maxForgetting) ? 1 : 0));
  }
  return { maxForgetting, choice: choice?.score ?? null, fitsBudget, runnerUp: runnerUp?.score ?? null, difference, probabilityBest, unscored };
}

function share<T>(values: readonly T[], score: (value: T, index: number) => number): number {
  return values.reduce((sum, value, i) => sum + score(value, i), 0) / values.length;
}

/** The recommendation in words: what to use and why, and, when the top two cannot be told apart, a sentence that says so. */
export function describeRecommendation(
  recommendation: Recommendation,
  nameOf: (key: string) => string,
  split = 'validation',
): { reason: string; tie: string | null } {
  const { choice, runnerUp, difference, maxForgetting, unscored } = recommendation;
  const skipped = unscored.length === 0 ? '' : `; ${count(unscored.length, 'strategy', 'strategies')} without ${split} outcomes of old and new labels (${unscored.map(nameOf).join(', ')}) could not be considered`;
  if (!choice) {
    return {
      reason: `No strategy can be recommended: no run has ${split} outcomes of both old and new labels to decide on${skipped}, and test numbers are never used to choose; run the strategies on a dataset whose ${split} split has examples of the new labels.`,
      tie: null,
    };
  }
  const { newAccuracy, forgetting } = choice.means as { newAccuracy: number; forgetting: number };
  const over = `${split} numbers, mean of ${count(choice.runs, 'run', 'runs')}`;
  const budget = `${points(maxForgetting)} points`;
  if (!recommendation.fitsBudget) {
    return {
      reason: `No strategy keeps forgetting within ${budget} on ${split}; the one that forgets least is ${nameOf(choice.key)}: it loses ${points(forgetting)} points of old-label accuracy and gets ${accuracy(newAccuracy)} of the new labels right (${over})${skipped}.`,
      tie: null,
    };
  }
  const keeps = forgetting <= 0 ? `loses no old-label accuracy (${points(-forgetting)} points above the base model)` : `keeps old labels within ${points(forgetting)} points of the base model`;
  const reason = `Use ${nameOf(choice.key)}: it ${keeps} and gets ${accuracy(newAccuracy)} of the new labels right (${over}), the best new-label accuracy within a forgetting budget of ${budget}${skipped}.`;
  const tie =
    runnerUp && (!difference || !difference.excludesZero)
      ? difference
        ? `${nameOf(choice.key)} and the runner-up ${nameOf(runnerUp.key)} cannot be told apart on ${split} new-label accuracy: the 95% interval of their difference, ${signed(difference.interval.low)} to ${signed(difference.interval.high)}, does not exclude 0.`
        : `${nameOf(choice.key)} and the runner-up ${nameOf(runnerUp.key)} cannot be told apart: they share no seed to compare them on.`
      : null;
  return { reason, tie };
}

function points(share: number): string {
  return (share * 100).toFixed(1);
}

function accuracy(share: number): string {
  return share.toFixed(2);
}

/** Signed to three decimals; an end exactly at 0 reads 0.000, since the interval only touches it there. */
function signed(value: number): string {
  return `${value > 0 ? '+' : ''}${value.toFixed(3)}`;
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

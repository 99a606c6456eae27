import { DataSource } from 'typeorm';
import { Run } from '../entities/index.js';
import {
  bootstrapIntervals,
  decodeOutcomes,
  describeRecommendation,
  Interval,
  IntervalMetrics,
  OutcomeRun,
  PairedDifference,
  pairedComparison,
  recommend,
  StrategyScore,
} from '../training/index.js';
import { badInput, HeadroomError } from './errors.js';
import { experimentStrategies, Strategy } from './strategies.js';

/** The splits whose per-example outcomes runs keep. */
export type EvaluationSplit = 'VALIDATION' | 'TEST';
const SPLIT_FIELD = { VALIDATION: 'validation', TEST: 'test' } as const;

export interface StrategyComparison {
  split: EvaluationSplit;
  first: Strategy;
  second: Strategy;
  /** The seeds both strategies have outcomes for: what the comparison is over. */
  seeds: number[];
  differences: IntervalMetrics<PairedDifference | null>;
}

/** A strategy's validation scores, as the recommendation weighed them. */
export interface ScoredStrategy extends IntervalMetrics<number | null> {
  strategy: Strategy;
  runs: number;
  intervals: IntervalMetrics<Interval | null>;
}

export interface StrategyRecommendation {
  maxForgetting: number;
  decidedOn: EvaluationSplit;
  strategy: ScoredStrategy | null;
  fitsBudget: boolean;
  reason: string;
  runnerUp: ScoredStrategy | null;
  newAccuracyDifference: PairedDifference | null;
  probabilityBest: number | null;
  cannotTellApart: boolean;
  cannotTellApartNote: string | null;
  unscored: Strategy[];
}

/** Results kept per set of runs: 256 covers a busy session's leaderboards and comparisons. */
const MEMO_ENTRIES = 256;

/**
 * Intervals, paired comparisons and recommendations from the per-example outcomes of an
 * experiment's runs. A bootstrap over thousands of examples takes a moment; succeeded runs never
 * change, so each result is kept for the next request about the same runs.
 */
export class StrategyStatistics {
  private readonly memo = new BoundedMemo(MEMO_ENTRIES);

  constructor(private readonly dataSource: DataSource) {}

  /** 95% intervals of the runs' mean metrics on `split`; null throughout when a run has no outcomes (it finished before they were kept). */
  intervals(runs: readonly Run[], split: EvaluationSplit): IntervalMetrics<Interval | null> {
    return this.memo.get(`intervals ${split} ${runs.map((run) => run.id).join(',')}`, () => {
      const outcomes = runs.every((run) => run.outcomes) ? runs.map((run) => ({ unit: run.id, outcomes: decodeOutcomes(run.outcomes!)[SPLIT_FIELD[split]] })) : [];
      return outcomes.length === 0 ? { newAccuracy: null, oldAccuracy: null, forgetting: null } : bootstrapIntervals(outcomes);
    });
  }

  /** Two strategies of an experiment, named by settings key, paired over the seeds both have. */
  async compare(experimentId: string, firstKey: string, secondKey: string, split: EvaluationSplit): Promise<StrategyComparison> {
    const strategies = await experimentStrategies(this.dataSource, experimentId);
    const find = (key: string, field: string) => strategies.find((s) => s.settingsKey === key) ?? missing(key, field, strategies);
    const [first, second] = [find(firstKey, 'first'), find(secondKey, 'second')];
    return this.memo.get(`compare ${split} ${idsOf(first)} ${idsOf(second)}`, () => {
      const { units, differences } = pairedComparison(bySeed(first.runs, split), bySeed(second.runs, split));
      return { split, first, second, seeds: units.map(Number), differences };
    });
  }

  /**
   * The strategy to use for a forgetting budget, decided on validation outcomes only: the test
   * split stays an unbiased measure of whatever is chosen.
   */
  async recommend(experimentId: string, maxForgetting: number): Promise<StrategyRecommendation> {
    if (!(Number.isFinite(maxForgetting) && maxForgetting >= 0 && maxForgetting <= 1)) {
      throw badInput(
        'maxForgetting',
        `maxForgetting is the share of old-label accuracy you accept to lose, from 0 to 1 (0.01 is one point); got ${maxForgetting}`,
      );
    }
    const strategies = await experimentStrategies(this.dataSource, experimentId);
    return this.memo.get(`recommend ${maxForgetting} ${strategies.map(idsOf).join(' ')}`, () => {
      const byKey = new Map(strategies.map((strategy) => [strategy.settingsKey, strategy]));
      const result = recommend(
        strategies.map((strategy) => ({ key: strategy.settingsKey, runs: bySeed(strategy.runs, 'VALIDATION') })),
        maxForgetting,
      );
      const nameOf = (key: string) => byKey.get(key)!.variant;
      const { reason, tie } = describeRecommendation(result, nameOf);
      const scored = (score: StrategyScore | null): ScoredStrategy | null =>
        score && { strategy: byKey.get(score.key)!, runs: score.runs, ...score.means, intervals: score.intervals };
      return {
        maxForgetting,
        decidedOn: 'VALIDATION' as const,
        strategy: scored(result.choice),
        fitsBudget: result.fitsBudget,
        reason,
        runnerUp: scored(result.runnerUp),
        newAccuracyDifference: result.difference,
        probabilityBest: result.probabilityBest,
        cannotTellApart: tie !== null,
        cannotTellApartNote: tie,
        unscored: result.unscored.map((key) => byKey.get(key)!),
      };
    });
  }
}

/**
 * One outcome run per seed, for pairing: the first run of a seed when it was run twice (same
 * seed, same data, same backend: the same outcomes). Runs without outcomes are left out.
 */
function bySeed(runs: readonly Run[], split: EvaluationSplit): OutcomeRun[] {
  const seen = new Set<number>();
  return runs.flatMap((run) => {
    if (!run.outcomes || seen.has(run.seed)) return [];
    seen.add(run.seed);
    return [{ unit: String(run.seed), outcomes: decodeOutcomes(run.outcomes)[SPLIT_FIELD[split]] }];
  });
}

function idsOf(strategy: Strategy): string {
  return strategy.runs.map((run) => run.id).join(',');
}

function missing(key: string, field: string, strategies: readonly Strategy[]): never {
  const known = strategies.map((strategy) => `${strategy.settingsKey} (${strategy.preset ?? 'custom'})`).join(', ') || 'none yet';
  throw new HeadroomError('NOT_FOUND', `${field} ${JSON.stringify(key)} is not a strategy of this experiment; use a settingsKey from its leaderboard: ${known}`, field);
}

/** A bounded map that forgets the least recently used entry first. */
class BoundedMemo {
  private readonly entries = new Map<string, unknown>();

  constructor(private readonly capacity: number) {}

  get<T>(key: string, compute: () => T): T {
    if (this.entries.has(key)) {
      const value = this.entries.get(key) as T;
      this.entries.delete(key);
      this.entries.set(key, value);
      return value;
    }
    const value = compute();
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return value;
  }
}

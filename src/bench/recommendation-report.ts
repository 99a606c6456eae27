import { bootstrapIntervals, describeRecommendation, Interval, outcomeMeans, pickStrategy, recommend } from '../training/index.js';
import { fixedWidth, outcomeRuns, RunRecord } from './report.js';

/** What the recommendation chose on validation for one dataset and scenario, and what that choice is worth on test. */
export interface BenchRecommendation {
  dataset: string;
  scenario: string;
  maxForgetting: number;
  /** Null when no strategy had validation outcomes of old and new labels. */
  recommended: {
    strategy: string;
    /** Whether its mean validation forgetting is within the budget (when none is, it is the one that forgets least). */
    fitsBudget: boolean;
    validation: { newAccuracy: number; forgetting: number };
    test: { newAccuracy: number | null; forgetting: number | null; newAccuracyInterval: Interval | null; forgettingInterval: Interval | null };
    probabilityBest: number | null;
  } | null;
  /** The strategy the same rule picks on test means: what an oracle that peeked at the test split would use. */
  bestOnTest: { strategy: string; newAccuracy: number; forgetting: number; fitsBudget: boolean } | null;
  /** Test new-label accuracy of bestOnTest minus the recommended strategy's; null when either is missing or bestOnTest does not fit. */
  regret: number | null;
  reason: string;
  tie: string | null;
}

/** One recommendation per dataset and scenario among the records, decided on validation outcomes, judged on test. */
export function benchRecommendations(records: readonly RunRecord[], maxForgetting: number): BenchRecommendation[] {
  const cases = [...new Set(records.map((record) => `${record.dataset}\u0000${record.scenario}`))];
  return cases.map((name) => {
    const [dataset, scenario] = name.split('\u0000');
    const runs = records.filter((record) => record.dataset === dataset && record.scenario === scenario);
    const strategies = [...new Set(runs.map((record) => record.strategy))].map((strategy) => ({ strategy, records: runs.filter((record) => record.strategy === strategy) }));
    const decision = recommend(strategies.map(({ strategy, records: own }) => ({ key: strategy, runs: outcomeRuns(own, 'validation') })), maxForgetting);
    const { reason, tie } = describeRecommendation(decision, (key) => key);
    const onTest = strategies.map(({ strategy, records: own }) => ({ key: strategy, runs: outcomeRuns(own, 'test') }));
    const testMeans = onTest.flatMap(({ key, runs: own }) => {
      const means = outcomeMeans(own);
      return means.newAccuracy === null || means.forgetting === null ? [] : [{ key, newAccuracy: means.newAccuracy, forgetting: means.forgetting }];
    });
    const best = pickStrategy(testMeans, maxForgetting);
    const choice = decision.choice;
    const recommended = choice && (() => {
      const test = outcomeMeans(onTest.find(({ key }) => key === choice.key)!.runs);
      const intervals = bootstrapIntervals(onTest.find(({ key }) => key === choice.key)!.runs);
      return {
        strategy: choice.key,
        fitsBudget: decision.fitsBudget,
        validation: { newAccuracy: choice.means.newAccuracy!, forgetting: choice.means.forgetting! },
        test: { newAccuracy: test.newAccuracy, forgetting: test.forgetting, newAccuracyInterval: intervals.newAccuracy, forgettingInterval: intervals.forgetting },
        probabilityBest: decision.probabilityBest,
      };
    })();
    const bestOnTest = best.choice && { strategy: best.choice.key, newAccuracy: best.choice.newAccuracy, forgetting: best.choice.forgetting, fitsBudget: best.fitsBudget };
    const regret = recommended?.test.newAccuracy != null && bestOnTest?.fitsBudget ? bestOnTest.newAccuracy - recommended.test.newAccuracy : null;
    return { dataset, scenario, maxForgetting, recommended, bestOnTest, regret, reason, tie };
  });
}

/** The recommendations as a table, then each one's reason (and tie note) in words. */
export function recommendationText(recommendations: readonly BenchRecommendation[]): string {
  const number = (value: number | null | undefined, digits = 3) => (value === null || value === undefined ? '-' : value.toFixed(digits));
  const interval = (value: Interval | null) => (value ? ` [${number(value.low)}, ${number(value.high)}]` : '');
  const rows = recommendations.map(({ dataset, scenario, recommended, bestOnTest, regret }) => [
    `${scenario} ${dataset}`,
    recommended ? `${recommended.strategy}${recommended.fitsBudget ? '' : ' (none fits)'}` : '-',
    recommended ? `${number(recommended.validation.newAccuracy)} / ${number(recommended.validation.forgetting)}` : '-',
    recommended ? `${number(recommended.test.newAccuracy)}${interval(recommended.test.newAccuracyInterval)}` : '-',
    recommended ? `${number(recommended.test.forgetting)}${interval(recommended.test.forgettingInterval)}` : '-',
    number(recommended?.probabilityBest, 2),
    bestOnTest ? `${bestOnTest.strategy}${bestOnTest.fitsBudget ? '' : ' (none fits)'} ${number(bestOnTest.newAccuracy)} / ${number(bestOnTest.forgetting)}` : '-',
    number(regret),
  ]);
  const budgets = [...new Set(recommendations.map((r) => r.maxForgetting))].join(', ');
  const header = ['case', 'recommended (on validation)', 'validation new / forgetting', 'test new acc', 'test forgetting', 'p(best)', 'best on test: new / forgetting', 'regret'];
  const notes = recommendations.flatMap(({ dataset, scenario, reason, tie }) => [`${scenario} ${dataset}: ${reason}`, ...(tie ? [`  ${tie}`] : [])]);
  return [`Recommendation for a forgetting budget of ${budgets} (decided on validation; regret = test new accuracy of the best on test within the budget minus the recommended one's):`, fixedWidth([header, ...rows]), ...notes].join('\n');
}

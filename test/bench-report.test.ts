import assert from 'node:assert/strict';
import { test } from 'node:test';
import { benchRecommendations, recommendationText } from '../src/bench/recommendation-report.js';
import { RunRecord, summarise, summaryTable } from '../src/bench/report.js';
import { BASE_CORRECT, CORRECT, encodeOutcomes, fromCodes, IS_NEW, outcomeMetrics, PREDICTED_NEW, SplitOutcomes } from '../src/training/outcomes.js';

/** Outcomes with exact counts: forgetting `forgettingPerMille` / 1000 of 1000 old examples, `newRight` of 100 new ones right. */
function outcomes(forgettingPerMille: number, newRight: number): SplitOutcomes {
  const codes: number[] = [];
  for (let i = 0; i < 1000; i++) codes.push((i < 950 - forgettingPerMille ? CORRECT : PREDICTED_NEW) | (i < 950 ? BASE_CORRECT : 0));
  for (let i = 0; i < 100; i++) codes.push(IS_NEW | (i < newRight ? CORRECT | PREDICTED_NEW : 0));
  return fromCodes(Uint8Array.from(codes));
}

/** A run record whose metrics are those of its test outcomes, as the benchmark writes them. */
function record(strategy: string, seed: number, validation: SplitOutcomes, test_: SplitOutcomes): RunRecord {
  const metrics = outcomeMetrics(test_);
  return {
    scenario: 's1',
    dataset: 'tiny',
    strategy,
    seed,
    newLabels: ['fresh'],
    oldAccuracy: metrics.oldAccuracy,
    newAccuracy: metrics.newAccuracy,
    overallAccuracy: metrics.overallAccuracy,
    forgetting: metrics.forgetting,
    intrusion: metrics.intrusion,
    seconds: 0.5,
    trainSeconds: 0.25,
    backend: 'wasm',
    outcomes: encodeOutcomes({ validation, test: test_ }),
  };
}

// On validation CAREFUL fits a 1-point budget and BOLD does not; on test BOLD fits and learns more.
const records = [0, 1, 2].flatMap((seed) => [
  record('CAREFUL', seed, outcomes(5, 80 + seed), outcomes(6, 82 + seed)),
  record('BOLD', seed, outcomes(14, 95), outcomes(8, 96)),
]);

test('the summary table prints mean ± spread and the 95% interval of old, new accuracy and forgetting', () => {
  const summary = summarise(records);
  const careful = summary.CAREFUL!;
  assert.ok(Math.abs(careful.newAccuracy!.mean - 0.83) < 1e-12);
  assert.ok(careful.newAccuracy!.interval!.low < 0.83 && 0.83 < careful.newAccuracy!.interval!.high);
  assert.equal(careful.seconds!.std, 0);
  assert.equal(careful.seconds!.interval, undefined, 'seconds get no interval');
  const table = summaryTable(summary, ['oldAccuracy', 'newAccuracy', 'forgetting', 'seconds']);
  const row = table.split('\n').find((line) => line.startsWith('CAREFUL'))!;
  const { low, high } = careful.newAccuracy!.interval!;
  assert.ok(row.includes(`0.830 ± 0.010 [${low.toFixed(3)}, ${high.toFixed(3)}]`), row);
  assert.ok(row.includes('0.006 ± 0.000 ['), row);

  const single = summarise(records.filter((r) => r.seed === 0));
  assert.equal(single.CAREFUL!.newAccuracy!.std, null, 'one seed: no spread');
  assert.match(summaryTable(single, ['newAccuracy']), /CAREFUL\s+0\.820 \[0\.\d{3}, 0\.\d{3}\]/);
});

test('the recommendation section: chosen on validation, judged on test, with the regret against the best on test', () => {
  const [result] = benchRecommendations(records, 0.01);
  assert.equal(result.recommended!.strategy, 'CAREFUL');
  assert.ok(result.recommended!.fitsBudget);
  assert.ok(Math.abs(result.recommended!.validation.forgetting - 0.005) < 1e-12, 'validation numbers decide');
  assert.ok(Math.abs(result.recommended!.test.newAccuracy! - 0.83) < 1e-12);
  assert.ok(Math.abs(result.recommended!.test.forgetting! - 0.006) < 1e-12);
  assert.equal(result.bestOnTest!.strategy, 'BOLD');
  assert.ok(Math.abs(result.regret! - (0.96 - 0.83)) < 1e-12, `regret ${result.regret}`);
  assert.match(result.reason, /^Use CAREFUL: it keeps old labels within 0\.5 points of the base model and gets 0\.81 of the new labels right \(validation numbers, mean of 3 runs\)/);

  const text = recommendationText([result]);
  assert.match(text, /^Recommendation for a forgetting budget of 0\.01 \(decided on validation/);
  const row = text.split('\n').find((line) => line.startsWith('s1 tiny'))!;
  assert.match(row, /^s1 tiny\s+CAREFUL\s+0\.810 \/ 0\.005\s+0\.830 \[0\.\d{3}, 0\.\d{3}\]\s+0\.006 \[0\.\d{3}, 0\.\d{3}\]\s+1\.00\s+BOLD 0\.960 \/ 0\.008\s+0\.130$/);
  assert.ok(text.includes('s1 tiny: Use CAREFUL'));
});

test('when the recommended strategy is also the best on test the regret is 0; with a wider budget the choice follows it', () => {
  const [wide] = benchRecommendations(records, 0.02);
  assert.equal(wide.recommended!.strategy, 'BOLD');
  assert.equal(wide.regret, 0);
  const [tight] = benchRecommendations(records, 0.001);
  assert.equal(tight.recommended!.fitsBudget, false);
  assert.equal(tight.bestOnTest!.fitsBudget, false);
  assert.equal(tight.regret, null);
  assert.match(recommendationText([tight]), /CAREFUL \(none fits\)/);
});

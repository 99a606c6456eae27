import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BASE_CORRECT, CORRECT, fromCodes, IS_NEW, PREDICTED_NEW } from '../src/training/outcomes.js';
import { describeRecommendation, pickStrategy, recommend } from '../src/training/recommendation.js';
import { OutcomeRun } from '../src/training/statistics.js';

/** Exact outcomes: of `old` old-label examples `oldRight` right and `baseRight` right for the base model; of `fresh` new ones `newRight` right. */
function exact(unit: string, shape: { old: number; oldRight: number; baseRight: number; fresh: number; newRight: number }): OutcomeRun {
  const codes: number[] = [];
  for (let i = 0; i < shape.old; i++) codes.push((i < shape.oldRight ? CORRECT : PREDICTED_NEW) | (i < shape.baseRight ? BASE_CORRECT : 0));
  for (let i = 0; i < shape.fresh; i++) codes.push(IS_NEW | (i < shape.newRight ? CORRECT | PREDICTED_NEW : 0));
  return { unit, outcomes: fromCodes(Uint8Array.from(codes)) };
}

const seeds = ['0', '1', '2'];
/** Forgetting (baseRight - oldRight) / 1000 and new accuracy newRight / 100 on every seed. */
const strategy = (key: string, forgettingPerMille: number, newRight: number, old = 1000) => ({
  key,
  runs: seeds.map((unit) => exact(unit, { old, baseRight: 950, oldRight: 950 - forgettingPerMille, fresh: 100, newRight })),
});

test('recommends the best new-label accuracy within the budget, with the reason in words', () => {
  const strategies = [strategy('KEEPS', 0, 60), strategy('LEARNS', 30, 97), strategy('BALANCED', 4, 91)];
  const result = recommend(strategies, 0.01);
  assert.equal(result.choice!.key, 'BALANCED');
  assert.ok(result.fitsBudget);
  assert.equal(result.runnerUp!.key, 'KEEPS');
  assert.ok(Math.abs(result.choice!.means.forgetting! - 0.004) < 1e-12);
  assert.equal(result.choice!.means.newAccuracy, 0.91);
  assert.ok(result.difference!.excludesZero, '0.91 against 0.60 on 300 new examples');
  assert.equal(result.probabilityBest, 1);
  const { reason, tie } = describeRecommendation(result, (key) => key);
  assert.equal(
    reason,
    'Use BALANCED: it keeps old labels within 0.4 points of the base model and gets 0.91 of the new labels right (validation numbers, mean of 3 runs), the best new-label accuracy within a forgetting budget of 1.0 points.',
  );
  assert.equal(tie, null);
});

test('decides on the outcomes it is given: validation and test that disagree give different picks', () => {
  // On validation B forgets within the budget; on test it does not, and A's test numbers would win.
  const validation = [strategy('A', 5, 80), strategy('B', 8, 90)];
  const test_ = [strategy('A', 5, 85), strategy('B', 20, 95)];
  assert.equal(recommend(validation, 0.01).choice!.key, 'B');
  assert.equal(recommend(test_, 0.01).choice!.key, 'A');
});

test('when nothing fits the budget it says so and names the strategy that forgets least', () => {
  const result = recommend([strategy('A', 30, 97), strategy('B', 20, 80)], 0.01);
  assert.equal(result.choice!.key, 'B');
  assert.equal(result.fitsBudget, false);
  assert.equal(result.runnerUp, null);
  assert.equal(result.probabilityBest, null);
  assert.equal(
    describeRecommendation(result, (key) => key).reason,
    'No strategy keeps forgetting within 1.0 points on validation; the one that forgets least is B: it loses 2.0 points of old-label accuracy and gets 0.80 of the new labels right (validation numbers, mean of 3 runs).',
  );
});

test('the top two that cannot be told apart are flagged with a sentence', () => {
  const result = recommend([strategy('A', 2, 90), strategy('B', 2, 89), strategy('C', 50, 99)], 0.01);
  assert.equal(result.choice!.key, 'A');
  assert.equal(result.runnerUp!.key, 'B');
  assert.equal(result.difference!.excludesZero, false);
  assert.ok(result.probabilityBest! > 0.5 && result.probabilityBest! < 1, `probability ${result.probabilityBest}`);
  const { tie } = describeRecommendation(result, (key) => key);
  assert.match(tie!, /^A and the runner-up B cannot be told apart on validation new-label accuracy: the 95% interval of their difference, [-+]?0\.\d{3} to \+?0\.\d{3}, does not exclude 0\.$/);
});

test('strategies without outcomes of both old and new labels are left out, and said to be', () => {
  const noNew = { key: 'NO_NEW', runs: seeds.map((unit) => exact(unit, { old: 100, oldRight: 95, baseRight: 95, fresh: 0, newRight: 0 })) };
  const result = recommend([strategy('A', 2, 90), noNew, { key: 'NONE', runs: [] }], 0.01);
  assert.equal(result.choice!.key, 'A');
  assert.deepEqual(result.unscored, ['NO_NEW', 'NONE']);
  assert.match(describeRecommendation(result, (key) => key).reason, /; 2 strategies without validation outcomes of old and new labels \(NO_NEW, NONE\) could not be considered\.$/);
  const nothing = recommend([{ key: 'NONE', runs: [] }], 0.01);
  assert.equal(nothing.choice, null);
  assert.match(describeRecommendation(nothing, (key) => key).reason, /^No strategy can be recommended: no run has validation outcomes .* test numbers are never used to choose/);
});

test('a gain on old labels is said as such, and budgets outside 0..1 are refused', () => {
  const gains = recommend([strategy('A', -3, 70)], 0.01);
  assert.match(describeRecommendation(gains, (key) => key).reason, /it loses no old-label accuracy \(0\.3 points above the base model\)/);
  for (const bad of [-0.01, 1.01, NaN]) assert.throws(() => recommend([strategy('A', 0, 70)], bad), /maxForgetting must be a share from 0 to 1/);
});

test('pickStrategy breaks ties by less forgetting, then by key, so the choice never depends on order', () => {
  const candidates = [
    { key: 'b', newAccuracy: 0.9, forgetting: 0.005 },
    { key: 'a', newAccuracy: 0.9, forgetting: 0.005 },
    { key: 'c', newAccuracy: 0.9, forgetting: 0.001 },
  ];
  assert.equal(pickStrategy(candidates, 0.01).choice!.key, 'c');
  assert.equal(pickStrategy(candidates.slice(0, 2), 0.01).choice!.key, 'a');
  assert.equal(pickStrategy([{ key: 'x', newAccuracy: 0.5, forgetting: 0.01 + 1e-15 }], 0.01).fitsBudget, true, 'rounding on the budget counts as on it');
});

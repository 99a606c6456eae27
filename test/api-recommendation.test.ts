import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { syntheticIntents } from './support/synthetic-intents.js';
import { startTestServer, TestServer } from './support/test-server.js';
import { importSyntheticDataset, SMALL_MODEL, trainBaseModel, waitForRun } from './support/training-fixtures.js';

type Metrics = { oldAccuracy: number | null; newAccuracy: number | null; overallAccuracy: number | null; forgetting: number | null; intrusion: number | null };
type Interval = { low: number; high: number } | null;
const METRICS = 'oldAccuracy newAccuracy overallAccuracy forgetting intrusion';
const INTERVALS = 'intervals { newAccuracy { low high } oldAccuracy { low high } forgetting { low high } }';
const DIFFERENCE = 'difference interval { low high } excludesZero';
const SCORES = `strategy { settingsKey preset variant seeds } runs newAccuracy oldAccuracy forgetting ${INTERVALS}`;
const RECOMMENDATION = `maxForgetting decidedOn fitsBudget reason probabilityBest cannotTellApart cannotTellApartNote
  strategy { ${SCORES} } runnerUp { ${SCORES} } newAccuracyDifference { ${DIFFERENCE} } unscored { settingsKey preset }`;

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
const close = (a: number, b: number) => Math.abs(a - b) < 1e-12;

describe('per-example outcomes: intervals, paired comparisons and a recommendation decided on validation', { timeout: 300_000 }, () => {
  let server: TestServer;
  let labels: string[];
  let experimentId: string;
  let baseRunId: string;

  /** A base model on all labels but the last, and an experiment that adds it, on `datasetId`. */
  async function experimentOn(datasetId: string, name: string): Promise<{ experimentId: string; baseRunId: string }> {
    const { createLabelSet } = await server.ok(`mutation($input: CreateLabelSetInput!) { createLabelSet(input: $input) { id } }`, {
      input: { name: `${name} base`, labels: labels.slice(0, -1) },
    });
    const baseRunId = await trainBaseModel(server, { datasetId, labelSetId: createLabelSet.id, seed: 0, ...SMALL_MODEL });
    const base = await waitForRun(server, baseRunId, ['SUCCEEDED', 'FAILED']);
    assert.equal(base.status, 'SUCCEEDED', base.error);
    const { extendLabelSet } = await server.ok(`mutation($input: ExtendLabelSetInput!) { extendLabelSet(input: $input) { id } }`, {
      input: { parentId: createLabelSet.id, addLabels: [labels.at(-1)] },
    });
    const { createExperiment } = await server.ok(`mutation($input: CreateExperimentInput!) { createExperiment(input: $input) { id } }`, {
      input: { name, datasetId, targetLabelSetId: extendLabelSet.id, baseCheckpointId: base.outputCheckpoint.id },
    });
    return { experimentId: createExperiment.id, baseRunId };
  }

  async function launch(experimentId: string, strategies: Array<Record<string, unknown>>, seeds: number[]): Promise<string[]> {
    const { launchHeadExpansion } = await server.ok(`mutation($input: LaunchHeadExpansionInput!) { launchHeadExpansion(input: $input) { id } }`, {
      input: { experimentId, strategies, seeds },
    });
    const ids = launchHeadExpansion.map((run: { id: string }) => run.id);
    for (const id of ids) {
      const run = await waitForRun(server, id, ['SUCCEEDED', 'FAILED'], 120_000);
      assert.equal(run.status, 'SUCCEEDED', run.error);
    }
    return ids;
  }

  const recommendation = async (id: string, maxForgetting: number) =>
    (await server.ok(`query($id: ID!, $max: Float!) { experiment(id: $id) { recommendation(maxForgetting: $max) { ${RECOMMENDATION} } } }`, { id, max: maxForgetting })).experiment
      .recommendation;

  /** Each strategy's runs with their final (test) metrics and the metrics recomputed from their outcomes. */
  async function runsOf(id: string) {
    const { experiment, runs } = await server.ok(
      `query($id: ID!) {
        experiment(id: $id) { leaderboard(metric: NEW_ACCURACY) { settingsKey preset variant seeds means { oldAccuracy newAccuracy forgetting } ${INTERVALS} runs { id } } }
        runs(filter: { experimentId: $id }, first: 50) { nodes { id seed finalMetrics { ${METRICS} } test: outcomeMetrics(split: TEST) { ${METRICS} } validation: outcomeMetrics(split: VALIDATION) { ${METRICS} } } }
      }`,
      { id },
    );
    type RunMetrics = { id: string; seed: number; finalMetrics: Metrics; test: Metrics; validation: Metrics };
    const byId = new Map<string, RunMetrics>(runs.nodes.map((run: RunMetrics) => [run.id, run]));
    return (experiment.leaderboard as Array<{
      settingsKey: string;
      preset: string;
      variant: string;
      seeds: number[];
      means: Record<'oldAccuracy' | 'newAccuracy' | 'forgetting', number>;
      intervals: Record<'oldAccuracy' | 'newAccuracy' | 'forgetting', Interval>;
      runs: Array<{ id: string }>;
    }>).map((entry) => ({ ...entry, runs: entry.runs.map((run) => byId.get(run.id)!) }));
  }

  before(async () => {
    server = await startTestServer({ workers: 2 });
    let datasetId: string;
    ({ datasetId, labels } = await importSyntheticDataset(server, 'intents', { labels: 6 }));
    ({ experimentId, baseRunId } = await experimentOn(datasetId, 'three strategies'));
    await launch(
      experimentId,
      [{ preset: 'ORIGINAL_RECIPE', epochs: 3 }, { preset: 'IMPRINT_FROZEN', epochs: 3 }, { preset: 'REHEARSAL_HEAD', epochs: 3, rehearsalPerLabel: 3 }],
      [0, 1],
    );
  });
  after(() => server.stop());

  test('every finished expansion stores outcomes of both splits, from which its final metrics are recomputed exactly', async () => {
    const stored = await server.sql<{ kind: string; outcomes: { test: { examples: number; correct: string }; validation: { examples: number } } | null }>(
      'SELECT kind, outcomes FROM run',
    );
    const expansions = stored.filter((row) => row.kind === 'HEAD_EXPANSION');
    assert.equal(expansions.length, 6);
    for (const { outcomes } of expansions) {
      assert.equal(outcomes!.test.examples, labels.length * 10);
      assert.equal(outcomes!.validation.examples, labels.length * 5);
      assert.equal(Buffer.from(outcomes!.test.correct, 'base64').length, Math.ceil((labels.length * 10) / 8), 'one bit an example');
    }
    assert.equal(stored.find((row) => row.kind === 'BASE_TRAINING')!.outcomes, null, 'base training has no base to measure against');

    for (const entry of await runsOf(experimentId)) {
      for (const run of entry.runs) {
        const { oldAccuracy, newAccuracy, overallAccuracy, forgetting, intrusion } = run.finalMetrics;
        assert.deepEqual(run.test, { oldAccuracy, newAccuracy, overallAccuracy, forgetting, intrusion }, `${entry.preset} seed ${run.seed}`);
        assert.ok(run.validation.newAccuracy !== null && run.validation.forgetting !== null);
      }
    }
    const { run } = await server.ok(`query($id: ID!) { run(id: $id) { outcomeMetrics(split: VALIDATION) { newAccuracy } } }`, { id: baseRunId });
    assert.equal(run.outcomeMetrics, null);
  });

  test('leaderboard entries carry 95% intervals around their means, the same on every request', async () => {
    const board = await runsOf(experimentId);
    assert.equal(board.length, 3);
    for (const entry of board) {
      assert.deepEqual(entry.seeds, [0, 1]);
      for (const metric of ['newAccuracy', 'oldAccuracy', 'forgetting'] as const) {
        const interval = entry.intervals[metric]!;
        assert.ok(interval.low <= entry.means[metric] + 1e-12 && entry.means[metric] <= interval.high + 1e-12, `${entry.preset} ${metric} ${entry.means[metric]} in ${JSON.stringify(interval)}`);
      }
    }
    assert.deepEqual(
      (await runsOf(experimentId)).map((entry) => entry.intervals),
      board.map((entry) => entry.intervals),
    );
  });

  test('compareStrategies pairs two strategies over their shared seeds, on test or validation', async () => {
    const board = await runsOf(experimentId);
    const [first, second] = board;
    const query = `query($id: ID!, $a: String!, $b: String!, $split: EvaluationSplit!) { experiment(id: $id) {
      compareStrategies(first: $a, second: $b, split: $split) { split seeds first { settingsKey preset } second { settingsKey }
        newAccuracy { ${DIFFERENCE} } oldAccuracy { ${DIFFERENCE} } forgetting { ${DIFFERENCE} } } } }`;
    for (const split of ['TEST', 'VALIDATION'] as const) {
      const { experiment } = await server.ok(query, { id: experimentId, a: first.settingsKey, b: second.settingsKey, split });
      const comparison = experiment.compareStrategies;
      assert.equal(comparison.split, split);
      assert.deepEqual(comparison.seeds, [0, 1]);
      assert.equal(comparison.first.preset, first.preset);
      const side = split === 'TEST' ? 'test' : 'validation';
      for (const metric of ['newAccuracy', 'oldAccuracy', 'forgetting'] as const) {
        const expected = mean(first.runs.map((run) => run[side][metric]!)) - mean(second.runs.map((run) => run[side][metric]!));
        const difference = comparison[metric];
        assert.ok(close(difference.difference, expected), `${split} ${metric}: ${difference.difference} against ${expected}`);
        assert.ok(difference.interval.low <= difference.difference + 1e-12 && difference.difference <= difference.interval.high + 1e-12);
        assert.equal(difference.excludesZero, difference.interval.low > 0 || difference.interval.high < 0);
      }
    }
    const unknown = await server.graphql(query, { id: experimentId, a: 'nope', b: second.settingsKey, split: 'TEST' });
    assert.equal(unknown.errors?.[0].extensions?.code, 'NOT_FOUND');
    assert.equal(unknown.errors?.[0].extensions?.field, 'first');
    assert.match(unknown.errors![0].message, new RegExp(`use a settingsKey from its leaderboard: .*${first.settingsKey}`));
  });

  test('the recommendation is decided on validation outcomes and says so, with its validation numbers', async () => {
    const board = await runsOf(experimentId);
    const validation = board.map((entry) => ({
      entry,
      newAccuracy: mean(entry.runs.map((run) => run.validation.newAccuracy!)),
      forgetting: mean(entry.runs.map((run) => run.validation.forgetting!)),
      testNewAccuracy: mean(entry.runs.map((run) => run.test.newAccuracy!)),
    }));
    const result = await recommendation(experimentId, 1);
    assert.equal(result.decidedOn, 'VALIDATION');
    assert.equal(result.maxForgetting, 1);
    assert.equal(result.fitsBudget, true);
    const best = Math.max(...validation.map((v) => v.newAccuracy));
    const chosen = validation.find((v) => v.entry.settingsKey === result.strategy.strategy.settingsKey)!;
    assert.equal(chosen.newAccuracy, best, 'the best validation new-label accuracy is chosen');
    assert.ok(close(result.strategy.newAccuracy, chosen.newAccuracy), 'the reported numbers are validation numbers');
    assert.ok(close(result.strategy.forgetting, chosen.forgetting));
    if (chosen.testNewAccuracy !== chosen.newAccuracy) assert.notEqual(result.strategy.newAccuracy, chosen.testNewAccuracy);
    assert.equal(result.strategy.strategy.preset, chosen.entry.preset);
    assert.ok(result.reason.startsWith(`Use ${chosen.entry.variant}: it `), result.reason);
    assert.ok(result.reason.includes(`gets ${chosen.newAccuracy.toFixed(2)} of the new labels right (validation numbers, mean of 2 runs)`), result.reason);
    assert.ok(result.runnerUp, 'everything fits a budget of 1: there is a runner-up');
    assert.ok(result.probabilityBest >= 0 && result.probabilityBest <= 1);
    assert.equal(result.cannotTellApart, !result.newAccuracyDifference.excludesZero);
    assert.equal(result.cannotTellApartNote !== null, result.cannotTellApart);
    assert.deepEqual(result.unscored, []);

    // A budget nothing meets names the strategy that forgets least on validation.
    const least = Math.min(...validation.map((v) => v.forgetting));
    const none = await recommendation(experimentId, 0);
    if (least > 0) {
      assert.equal(none.fitsBudget, false);
      assert.ok(close(none.strategy.forgetting, least));
      assert.match(none.reason, /^No strategy keeps forgetting within 0\.0 points on validation; the one that forgets least is /);
      assert.equal(none.runnerUp, null);
    } else {
      assert.equal(none.fitsBudget, true);
      assert.ok(none.strategy.forgetting <= 0);
    }
  });

  test('budgets that are not a share from 0 to 1 are refused, naming maxForgetting', async () => {
    for (const bad of [-0.01, 1.5]) {
      const response = await server.graphql(`query($id: ID!, $max: Float!) { experiment(id: $id) { recommendation(maxForgetting: $max) { reason } } }`, { id: experimentId, max: bad });
      const [error] = response.errors!;
      assert.equal(error.extensions?.code, 'BAD_USER_INPUT', JSON.stringify(error));
      assert.equal(error.extensions?.field, 'maxForgetting');
      assert.match(error.message, /maxForgetting .* from 0 to 1/);
    }
  });

  test('a dataset split into train and test only gets validation carved from train, and strategies that do the same are flagged as indistinguishable', async () => {
    const { data } = syntheticIntents({ labels: labels.length, train: 30, validation: 0, test: 10, seed: 2 });
    const rows = (['train', 'test'] as const).flatMap((split) => data[split].texts.map((text, i) => `${text},${labels[data[split].labels[i]]},${split}`));
    const { importDataset } = await server.ok(`mutation($input: ImportDatasetInput!) { importDataset(input: $input) { id carvedValidationCount labels { label validation } } }`, {
      input: { name: 'train and test only', format: 'CSV', content: ['text,label,split', ...rows].join('\n') },
    });
    assert.equal(importDataset.carvedValidationCount, labels.length * 3);
    assert.ok(importDataset.labels.every((count: { validation: number }) => count.validation === 3));

    const twins = await experimentOn(importDataset.id, 'twins');
    // Imprinting trains nothing, so the batch size cannot matter: two settings, the same model.
    await launch(twins.experimentId, [{ preset: 'IMPRINT_ONLY', batchSize: 16 }, { preset: 'IMPRINT_ONLY', batchSize: 32 }], [0, 1]);
    const [{ outcomes }] = await server.sql<{ outcomes: { validation: { examples: number } } }>('SELECT outcomes FROM run WHERE experiment_id = $1 LIMIT 1', [twins.experimentId]);
    assert.equal(outcomes.validation.examples, labels.length * 3);

    const result = await recommendation(twins.experimentId, 1);
    assert.ok(result.strategy && result.runnerUp);
    assert.deepEqual(result.newAccuracyDifference, { difference: 0, interval: { low: 0, high: 0 }, excludesZero: false });
    assert.equal(result.cannotTellApart, true);
    assert.ok(Math.abs(result.probabilityBest - 0.5) < 0.01, `always tied, so about half: ${result.probabilityBest}`);
    assert.equal(
      result.cannotTellApartNote,
      `${result.strategy.strategy.variant} and the runner-up ${result.runnerUp.strategy.variant} cannot be told apart on validation new-label accuracy: the 95% interval of their difference, 0.000 to 0.000, does not exclude 0.`,
    );
  });

  test('runs without outcomes are left out and named, and test numbers are not used instead', async () => {
    const old = await experimentOn((await importSyntheticDataset(server, 'older', { labels: labels.length, seed: 3 })).datasetId, 'from before outcomes');
    const [runId] = await launch(old.experimentId, [{ preset: 'IMPRINT_ONLY' }], [0]);
    // As a run that finished before outcomes were kept.
    await server.sql('UPDATE run SET outcomes = NULL WHERE id = $1', [runId]);
    const result = await recommendation(old.experimentId, 0.05);
    assert.equal(result.strategy, null);
    assert.equal(result.fitsBudget, false);
    assert.equal(result.unscored.length, 1);
    assert.match(result.reason, /^No strategy can be recommended: no run has validation outcomes of both old and new labels to decide on; 1 strategy without validation outcomes of old and new labels \(IMPRINT_ONLY\) could not be considered, and test numbers are never used to choose/);
    const { experiment } = await server.ok(`query($id: ID!) { experiment(id: $id) { leaderboard { ${INTERVALS} } } }`, { id: old.experimentId });
    assert.deepEqual(experiment.leaderboard[0].intervals, { newAccuracy: null, oldAccuracy: null, forgetting: null });
  });
});

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { buildDashboard } from '../scripts/build-ide.js';
import { launchChromium, skipWithoutChromium } from './support/chromium.js';
import { screenshot, watchDashboard, waitForNumber } from './support/dashboard-page.js';
import { startTestServer } from './support/test-server.js';
import { importSyntheticDataset, SMALL_MODEL, trainBaseModel, waitForRun } from './support/training-fixtures.js';

const TRADEOFF = '[data-chart="new-label accuracy against forgetting"]';
const NEW_CURVES = 'section[data-metric="new-label accuracy"] [data-chart]';
/** A run that trains for minutes: one example per step over all old data, the most epochs allowed. */
const SLOW = { preset: 'REHEARSAL_HEAD', epochs: 1000, batchSize: 1, rehearseAllOldData: true };

test(
  'the dashboard draws an experiment live from the real server, launches and cancels runs, and asks nothing of any other host',
  { skip: skipWithoutChromium(), timeout: 240_000 },
  async (t) => {
    await buildDashboard();
    const server = await startTestServer({ workers: 2 });
    const browser = await launchChromium().catch(async (error: unknown) => {
      await server.stop();
      throw error;
    });
    const { context } = browser;
    try {
      const { datasetId, labels } = await importSyntheticDataset(server, 'intents', { labels: 4 });
      const { createLabelSet } = await server.ok(`mutation($input: CreateLabelSetInput!) { createLabelSet(input: $input) { id } }`, {
        input: { name: 'intents', labels: labels.slice(0, -1) },
      });
      const baseRunId = await trainBaseModel(server, { datasetId, labelSetId: createLabelSet.id, ...SMALL_MODEL });
      const base = await waitForRun(server, baseRunId, ['SUCCEEDED', 'FAILED']);
      assert.equal(base.status, 'SUCCEEDED', base.error);
      const { extendLabelSet } = await server.ok(`mutation($input: ExtendLabelSetInput!) { extendLabelSet(input: $input) { id } }`, {
        input: { parentId: createLabelSet.id, addLabels: [labels.at(-1)] },
      });
      const { createExperiment } = await server.ok(`mutation($input: CreateExperimentInput!) { createExperiment(input: $input) { id } }`, {
        input: { name: 'add one intent', tags: ['browser'], datasetId, targetLabelSetId: extendLabelSet.id, baseCheckpointId: base.outputCheckpoint.id },
      });
      const experimentId: string = createExperiment.id;
      const runsOf = async () =>
        (
          await server.ok(`query($id: ID!) { experiment(id: $id) { runs(first: 100) { nodes { id status preset seed settings { ... on StrategySettings { epochs } } } } } }`, { id: experimentId })
        ).experiment.runs.nodes as Array<{ id: string; status: string; preset: string; seed: number; settings: { epochs: number } }>;

      const page = context.pages()[0] ?? (await context.newPage());
      await page.setViewportSize({ width: 1400, height: 900 });
      const watched = watchDashboard(context, page, server.url);

      await t.test('the launch form queues strategies x seeds', async () => {
        await page.goto(`${server.url}/#/experiments/${experimentId}`);
        await page.locator('main[data-page="experiment"][data-loaded]').waitFor();
        const form = page.locator('form[aria-label="launch runs"]');
        await form.locator('input[value="IMPRINT_FROZEN"]').check();
        await form.locator('input[name="seeds"]').fill('0-1');
        await form.locator('input[name="epochs"]').fill('3');
        await form.getByRole('button', { name: 'Queue 4 runs' }).click();
        await form.getByRole('status').filter({ hasText: 'Queued 4 runs.' }).waitFor();

        const runs = await runsOf();
        assert.deepEqual(runs.map((run) => `${run.preset}/${run.seed}/${run.settings.epochs}`).sort(), [
          'IMPRINT_FROZEN/0/3', 'IMPRINT_FROZEN/1/3', 'ORIGINAL_RECIPE/0/3', 'ORIGINAL_RECIPE/1/3',
        ]);
        await screenshot(page, 'dashboard-1-launched');
      });

      await t.test('the experiment page shows one point per finished run, and the Pareto front', async () => {
        for (const run of await runsOf()) assert.equal((await waitForRun(server, run.id, ['SUCCEEDED', 'FAILED', 'CANCELLED'])).status, 'SUCCEEDED');
        await waitForNumber(page, TRADEOFF, 'data-points', { equals: 4 });
        const legend = await page.locator(`${TRADEOFF} .u-legend .u-series`).allInnerTexts();
        for (const strategy of ['IMPRINT_FROZEN', 'ORIGINAL_RECIPE', 'Pareto front']) assert.ok(legend.some((text) => text.includes(strategy)), `${strategy} in ${legend}`);
        assert.ok(Number(await page.locator('figure.tradeoff').getAttribute('data-front')) >= 1, 'no point is on the Pareto front');
        assert.equal(await page.locator('table.leaderboard tbody tr').count(), 2, 'one leaderboard row per strategy');
        await screenshot(page, 'dashboard-2-finished');
      });

      let slowRunId = '';
      await t.test('a curve gains points while its run trains, and a cancelled run shows as cancelled', async () => {
        const { launchHeadExpansion } = await server.ok(`mutation($input: LaunchHeadExpansionInput!) { launchHeadExpansion(input: $input) { id } }`, {
          input: { experimentId, seeds: [7], strategies: [SLOW] },
        });
        slowRunId = launchHeadExpansion[0].id;
        const row = `tr[data-run-id="${slowRunId}"]`;
        // Launched elsewhere: the page learns of it from the subscription alone.
        await page.locator(`${row}[data-status="RUNNING"]`).waitFor({ timeout: 60_000 });
        const before = await waitForNumber(page, `${row} td.epochs`, 'text', { atLeast: 2 });
        const drawn = await waitForNumber(page, NEW_CURVES, 'data-points', { atLeast: 4 * 4 + before });
        await waitForNumber(page, NEW_CURVES, 'data-points', { above: drawn });
        await waitForNumber(page, `${row} td.epochs`, 'text', { above: before });
        const { run } = await server.ok(`query($id: ID!) { run(id: $id) { status epochs { epoch } } }`, { id: slowRunId });
        assert.equal(run.status, 'RUNNING', 'the curve grew while the run was training');
        assert.ok(run.epochs.length < SLOW.epochs + 1);
        await screenshot(page, 'dashboard-3-training');

        await page.locator(`${row} button[data-action="cancel"]`).click();
        await page.locator(`${row}[data-status="CANCELLED"]`).waitFor({ timeout: 30_000 });
        assert.equal((await waitForRun(server, slowRunId, ['CANCELLED', 'SUCCEEDED', 'FAILED'])).status, 'CANCELLED');
        assert.equal(await page.locator(`${row} [data-status]`).last().textContent(), 'CANCELLED');
        await page.locator(`${row} button[data-action="retry"]`).waitFor();
        await screenshot(page, 'dashboard-4-cancelled');
      });

      await t.test('exports the runs and their epochs as CSV', async () => {
        const read = async (button: string) => {
          const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: button }).click()]);
          return fs.readFileSync((await download.path())!, 'utf8').trim().split('\r\n');
        };
        const runRows = await read('Runs CSV');
        assert.equal(runRows.length, 1 + 5);
        assert.match(runRows[0], /^runId,status,strategy,preset,seed,/);
        assert.ok(runRows.some((line) => line.startsWith(`${slowRunId},CANCELLED,`)));
        const epochRows = await read('Epochs CSV');
        const { experiment } = await server.ok(`query($id: ID!) { experiment(id: $id) { runs { nodes { epochs { epoch } } } } }`, { id: experimentId });
        const epochCount = experiment.runs.nodes.reduce((sum: number, run: { epochs: unknown[] }) => sum + run.epochs.length, 0);
        assert.equal(epochRows.length, 1 + epochCount);
      });

      await t.test("a run's page shows its lineage, settings, epochs and downloads", async () => {
        const [finished] = (await runsOf()).filter((run) => run.status === 'SUCCEEDED');
        await page.goto(`${server.url}/#/runs/${finished.id}`);
        await page.locator('main[data-page="run"][data-status="SUCCEEDED"]').waitFor();
        const lineage = await page.locator('section.lineage').innerText();
        assert.match(lineage, new RegExp(`written by run ${baseRunId.slice(0, 8)}`));
        assert.equal(await page.locator('table.epochs-table tbody tr').count(), 4, 'epochs 0 to 3');
        assert.equal(await page.locator('table.settings th', { hasText: /^epochs$/ }).count(), 1);
        const model = page.locator('.downloads a', { hasText: 'model.json' });
        const response = await page.request.get((await model.getAttribute('href'))!);
        assert.equal((await response.json()).format, 'headroom-embedding-bag');
        await screenshot(page, 'dashboard-5-run');
      });

      await t.test('compare marks the settings that differ, as compareRuns reports them', async () => {
        const runs = await runsOf();
        const ids = [runs.find((run) => run.preset === 'ORIGINAL_RECIPE')!.id, runs.find((run) => run.preset === 'IMPRINT_FROZEN')!.id];
        await page.goto(`${server.url}/#/compare/${ids.join(',')}`);
        await page.locator('table.compare').waitFor();
        const { compareRuns } = await server.ok(`query($ids: [ID!]!) { compareRuns(ids: $ids) { differingSettings { setting } } }`, { ids });
        const expected = compareRuns.differingSettings.map((d: { setting: string }) => d.setting).sort();
        assert.ok(expected.length > 0);
        const marked = await page.locator('table.compare tr.differs').evaluateAll((rows) => rows.map((row) => (row as unknown as { dataset: { setting: string } }).dataset.setting.split('.')[0]));
        assert.deepEqual([...new Set(marked)].sort(), expected);
        await waitForNumber(page, NEW_CURVES, 'data-points', { equals: 2 * 4 });
        await screenshot(page, 'dashboard-6-compare');
      });

      await t.test('the experiments list shows the experiment with its runs by status', async () => {
        await page.goto(`${server.url}/`);
        const row = page.locator(`tr[data-experiment-id="${experimentId}"]`);
        await row.waitFor();
        assert.match(await row.innerText(), /add one intent\s+browser\s+intents\s+4 succeeded\s*1 cancelled/);
        await page.getByRole('searchbox').fill('no such experiment');
        await page.getByText('Nothing matches.').waitFor();
        await screenshot(page, 'dashboard-7-list');
      });

      await t.test('asked nothing of any host but the server, and logged no error', () => {
        assert.ok(watched.requested.some((url) => url.startsWith(`${server.wsUrl}`)), 'saw no websocket');
        assert.deepEqual(watched.foreign, []);
        assert.deepEqual(watched.offMachine(), []);
        assert.deepEqual(watched.errors, []);
      });
    } finally {
      await browser.close();
      await server.stop();
    }
  },
);

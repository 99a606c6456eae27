import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { MAX_NOTIFIED_ERROR_LENGTH } from '../src/events/publish.js';
import { RUN_PROGRESS_CHANNEL, RunProgressEvent } from '../src/events/run-progress.js';
import { Claim } from '../src/jobs/run-lifecycle.js';
import { decodeOutcomes, encodeOutcomes, outcomeMetrics, splitOutcomes } from '../src/training/outcomes.js';
import { ThreadResult } from '../src/training/training-thread.js';
import { createLabelSet, importTinyDataset, insertRunRow } from './support/fixtures.js';
import { listenTo } from './support/pg-session.js';
import { startTestServer, TestServer } from './support/test-server.js';
import { collect, connectWs } from './support/ws-client.js';

function epoch(n: number) {
  return { epoch: n, loss: 1, oldAccuracy: 1, newAccuracy: 0, overallAccuracy: 0.5, macroF1: 0.5, forgetting: 0, intrusion: 0, oldLogitDrift: 0, seconds: 0 };
}

describe('writes of a run attempt', () => {
  let server: TestServer;
  let datasetId: string;
  let labelSetId: string;
  before(async () => {
    // No supervisor sweep within the tests: they decide when an attempt is presumed dead.
    server = await startTestServer({ heartbeatSeconds: 60 });
    datasetId = await importTinyDataset(server, 'intents', ['a', 'b']);
    labelSetId = await createLabelSet(server, 'ab', ['a', 'b']);
  });
  after(() => server.stop());

  /** A queued run claimed by a worker, as its job would start it. */
  async function claimedRun(): Promise<Claim> {
    const runId = await insertRunRow(server, { datasetId, labelSetId, status: 'QUEUED' });
    const jobId = randomUUID();
    await server.sql('UPDATE run SET job_id = $2 WHERE id = $1', [runId, jobId]);
    const claim = await server.headroom.lifecycle.claim(runId, jobId);
    assert.ok(claim, 'the job starts its run');
    return claim;
  }

  test('an epoch from an attempt presumed dead is refused, unwritten and unannounced; the current attempt\'s is stored', async () => {
    const { lifecycle } = server.headroom;
    const stale = await claimedRun();
    // Its heartbeats stopped: the run is queued again and another worker claims it.
    assert.equal(await lifecycle.requeue(stale, 'the worker stopped responding', true), true);
    const [{ job_id: jobId }] = await server.sql('SELECT job_id FROM run WHERE id = $1', [stale.run.id]);
    const current = (await lifecycle.claim(stale.run.id, jobId))!;
    assert.equal(current.attempt, stale.attempt + 1);

    const notifications = await listenTo(server.database.url, RUN_PROGRESS_CHANNEL);
    try {
      assert.equal(await lifecycle.recordEpoch(stale, epoch(7)), false);
      assert.equal(await lifecycle.recordEpoch(current, epoch(0)), true);
      // Notifications arrive in commit order: one for the stale epoch would come first.
      const heard = await notifications.until((payload) => (JSON.parse(payload) as RunProgressEvent).epoch !== null);
      const epochs = heard.map((payload) => JSON.parse(payload) as RunProgressEvent).filter((event) => event.epoch !== null);
      assert.deepEqual(epochs.map((event) => [event.runId, event.epoch!.epoch]), [[current.run.id, 0]]);
    } finally {
      await notifications.close();
    }
    const rows = await server.sql('SELECT epoch FROM epoch_metric WHERE run_id = $1', [current.run.id]);
    assert.deepEqual(rows, [{ epoch: 0 }]);
  });

  test('the outcome of an attempt presumed dead is refused, metrics, per-example outcomes and training notes with it; the current attempt\'s is stored', async () => {
    const { lifecycle } = server.headroom;
    const stale = await claimedRun();
    assert.equal(await lifecycle.requeue(stale, 'the worker stopped responding', true), true);
    const [{ job_id: jobId }] = await server.sql('SELECT job_id FROM run WHERE id = $1', [stale.run.id]);
    const current = (await lifecycle.claim(stale.run.id, jobId))!;

    // What two attempts of one run finished with: the same test examples, different predictions.
    const labels = Int32Array.from([0, 1, 1, 0]);
    const result = (predicted: number[], note: string): ThreadResult & { notes: string[] } => ({
      epochs: [epoch(0)],
      final: { ...epoch(0), trainSeconds: 0 },
      perLabelAccuracy: [1, 0],
      keptEpoch: 0,
      outcomes: {
        test: splitOutcomes({ labels, predicted: Int32Array.from(predicted), basePredicted: Int32Array.from([0, 0, 0, 0]) }, 1),
        validation: splitOutcomes({ labels: Int32Array.from([1]), predicted: Int32Array.from([1]), basePredicted: Int32Array.from([0]) }, 1),
      },
      encoder: { kind: 'embedding-bag', dim: 2, layerNorm: false, tokenizer: { buckets: 4, wordNgrams: 1, charNgramMin: 0, charNgramMax: 0, hashSeed: 0 } },
      checkpoint: { files: [], sizeBytes: 0 },
      notes: [note],
    });
    const checkpoint = () => ({ id: randomUUID(), artifactPath: 'none' });
    assert.equal(await lifecycle.succeed(stale, result([1, 1, 1, 1], 'the stale attempt'), checkpoint(), ['a', 'b']), false);
    const [untouched] = await server.sql('SELECT status, outcomes, final_metrics, training_notes FROM run WHERE id = $1', [stale.run.id]);
    assert.deepEqual(untouched, { status: 'RUNNING', outcomes: null, final_metrics: null, training_notes: [] });

    const currentResult = result([0, 1, 0, 0], 'the current attempt');
    assert.equal(await lifecycle.succeed(current, currentResult, checkpoint(), ['a', 'b']), true);
    const [stored] = await server.sql('SELECT status, outcomes, training_notes FROM run WHERE id = $1', [current.run.id]);
    assert.equal(stored.status, 'SUCCEEDED');
    assert.deepEqual(stored.training_notes, ['the current attempt']);
    assert.deepEqual(stored.outcomes, encodeOutcomes(currentResult.outcomes!));
    assert.deepEqual(outcomeMetrics(decodeOutcomes(stored.outcomes).test), { oldAccuracy: 1, newAccuracy: 0.5, overallAccuracy: 0.75, forgetting: 0, intrusion: 0 });
  });

  test('a run failing with a 20 kB error still ends FAILED, and its subscribers hear it', async () => {
    const claim = await claimedRun();
    // Quotes, control characters and emoji: what JSON makes longest, and pairs not to split.
    const error = `the training thread failed: ${'"\u0001😀'.repeat(5000)}`;
    const client = connectWs(server.wsUrl);
    const notifications = await listenTo(server.database.url, RUN_PROGRESS_CHANNEL);
    try {
      const progress = collect<{ runProgress: { status: string; final: boolean; error: string | null } }>(
        client,
        `subscription($id: ID!) { runProgress(runId: $id) { status final error } }`,
        { id: claim.run.id },
        (results) => results.some((result) => result.data?.runProgress.final),
      );
      assert.equal(await server.headroom.lifecycle.fail(claim, error), true);
      await progress.done;
      const final = progress.results.at(-1)!.data!.runProgress;
      assert.equal(final.status, 'FAILED');
      assert.ok(final.error?.startsWith(error.slice(0, 500)), final.error ?? 'no error');

      const heard = await notifications.until((payload) => (JSON.parse(payload) as RunProgressEvent).status === 'FAILED');
      const failed = heard.map((payload) => JSON.parse(payload) as RunProgressEvent).find((event) => event.status === 'FAILED')!;
      assert.ok(failed.error!.length <= MAX_NOTIFIED_ERROR_LENGTH && error.startsWith(failed.error!.slice(0, 900)), 'the notification carries the error\'s start');
    } finally {
      await notifications.close();
      await client.dispose();
    }
    const { run } = await server.ok(`query($id: ID!) { run(id: $id) { status error } }`, { id: claim.run.id });
    assert.deepEqual(run, { status: 'FAILED', error });
  });
});

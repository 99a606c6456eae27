import { useMemo, useState } from 'react';
import { ExperimentPageDocument, LeaderboardMetric } from '../generated/graphql';
import { EpochChart, type EpochLine } from '../components/epoch-chart';
import { LaunchForm } from '../components/launch-form';
import { Leaderboard } from '../components/leaderboard';
import { RunsTable } from '../components/runs-table';
import { ErrorMessage } from '../components/status';
import { TradeoffChart } from '../components/tradeoff-chart';
import { downloadCsv } from '../lib/csv';
import { epochsCsv, runsCsv } from '../lib/exports';
import { dateTime } from '../lib/format';
import { href } from '../lib/router';
import { strategyColours, strategyOf } from '../lib/strategy';
import { useCurves, type Curve } from '../lib/use-curves';
import { useQuery } from '../lib/use-query';
import { useRunProgress } from '../lib/use-run-progress';
import { useCoalesced, useExperimentRuns } from '../lib/use-runs';

/** Until the reader picks, the newest runs get their curves drawn. */
const DEFAULT_CURVES = 8;

/** An experiment: leaderboard, trade-off chart, runs with live curves, launching, exports. */
export function ExperimentPage({ id }: { id: string }) {
  const [metric, setMetric] = useState<LeaderboardMetric>(LeaderboardMetric.OverallAccuracy);
  const page = useQuery(ExperimentPageDocument, { id, metric });
  const { runs, error: runsError, refetch: refetchRuns, patch } = useExperimentRuns(id);
  const [picked, setPicked] = useState<Set<string> | null>(null);
  const [exportError, setExportError] = useState<string | null>(null);

  const chosen = useMemo(() => picked ?? new Set((runs ?? []).slice(0, DEFAULT_CURVES).map((run) => run.id)), [picked, runs]);
  const chosenIds = useMemo(() => (runs ?? []).filter((run) => chosen.has(run.id)).map((run) => run.id), [runs, chosen]);
  const { curves, addEpoch, error: curvesError } = useCurves(chosenIds);

  const refreshAll = useCoalesced(() => {
    refetchRuns();
    page.refetch();
  }, 300);
  const progressError = useRunProgress({ experimentId: id }, (progress) => {
    const known = runs?.find((run) => run.id === progress.runId);
    if (!known) return refreshAll();
    if (progress.epoch && chosen.has(progress.runId)) addEpoch(progress.runId, progress.epoch);
    if (progress.final) return refreshAll();
    if (known.status !== progress.status) patch(progress.runId, { status: progress.status });
  }, refreshAll);

  const toggle = (runId: string) => {
    const next = new Set(chosen);
    if (!next.delete(runId)) next.add(runId);
    setPicked(next);
  };
  const colours = useMemo(
    () => strategyColours([...(runs ?? []).map(strategyOf), ...(page.data?.experiment?.leaderboard ?? []).map((entry) => entry.variant)]),
    [runs, page.data],
  );
  // Coloured by strategy, as on the trade-off chart: the seeds of one strategy read as a group.
  const lines = useMemo(() => {
    const of = (key: 'oldAccuracy' | 'newAccuracy'): EpochLine[] =>
      (runs ?? [])
        .filter((run) => chosen.has(run.id))
        .map((run) => ({
          id: run.id,
          label: `${strategyOf(run)} seed ${run.seed}`,
          colour: colours.get(strategyOf(run)) ?? '#888',
          values: valuesOf(curves.get(run.id), key),
        }));
    return { old: of('oldAccuracy'), new: of('newAccuracy') };
  }, [runs, chosen, curves, colours]);
  const epochCounts = useMemo(() => new Map([...curves].map(([runId, curve]) => [runId, curve.size])), [curves]);

  const experiment = page.data?.experiment;
  if (!experiment) {
    return (
      <main data-page="experiment">
        <ErrorMessage error={page.error} />
        {page.loading ? <p className="muted">Loading…</p> : null}
      </main>
    );
  }
  const exportEpochs = () => {
    setExportError(null);
    epochsCsv(runs ?? []).then(
      (text) => downloadCsv(`${fileName(experiment.name)}-epochs.csv`, text),
      (failure: Error) => setExportError(failure.message),
    );
  };

  return (
    <main data-page="experiment" data-loaded={runs ? 'true' : undefined}>
      <p className="crumbs">
        <a href={href.experiments()}>Experiments</a> /
      </p>
      <h1>{experiment.name}</h1>
      {experiment.description ? <p>{experiment.description}</p> : null}
      <p className="facts">
        {experiment.tags.map((tag) => (
          <span key={tag} className="tag">
            {tag}
          </span>
        ))}
        <span>dataset {experiment.dataset.name}</span>
        <span>
          base{' '}
          {experiment.baseCheckpoint ? (
            experiment.baseCheckpoint.producedByRun ? (
              <a href={href.run(experiment.baseCheckpoint.producedByRun.id)}>{experiment.baseCheckpoint.name ?? experiment.baseCheckpoint.id.slice(0, 8)}</a>
            ) : (
              (experiment.baseCheckpoint.name ?? experiment.baseCheckpoint.id.slice(0, 8))
            )
          ) : (
            'not set'
          )}
        </span>
        <span>adds {experiment.newLabels?.map((label) => label.name).join(', ') || '–'}</span>
        <span>created {dateTime(experiment.createdAt)}</span>
      </p>
      <ErrorMessage error={page.error ?? runsError ?? curvesError ?? progressError ?? exportError} />

      <div className="columns">
        <Leaderboard entries={experiment.leaderboard} metric={metric} onMetric={setMetric} colours={colours} />
        <section className="panel">
          <h2>New labels against forgetting</h2>
          <TradeoffChart runs={runs ?? []} colours={colours} />
        </section>
      </div>

      <section className="panel">
        <h2>
          Runs
          <span className="tools">
            <button type="button" disabled={chosenIds.length < 2} onClick={() => (location.hash = href.compare(chosenIds))}>
              Compare ticked
            </button>
            <button type="button" disabled={!runs?.length} onClick={() => downloadCsv(`${fileName(experiment.name)}-runs.csv`, runsCsv(runs ?? []))}>
              Runs CSV
            </button>
            <button type="button" disabled={!runs?.length} onClick={exportEpochs}>
              Epochs CSV
            </button>
          </span>
        </h2>
        {runs ? <RunsTable runs={runs} chosen={chosen} onToggle={toggle} epochCounts={epochCounts} onChanged={refreshAll} colours={colours} /> : <p className="muted">Loading…</p>}
      </section>

      <div className="columns">
        <EpochChart title="new-label accuracy" lines={lines.new} />
        <EpochChart title="old-label accuracy" lines={lines.old} />
      </div>

      {experiment.baseCheckpoint ? <LaunchForm experimentId={experiment.id} onLaunched={refreshAll} /> : <p className="empty">Set a base checkpoint (updateExperiment) to launch runs.</p>}
    </main>
  );
}

function valuesOf(curve: Curve | undefined, key: 'oldAccuracy' | 'newAccuracy'): Map<number, number | null> {
  return new Map([...(curve ?? new Map())].map(([epoch, point]) => [epoch, point[key]]));
}

/** The experiment's name as a file name. */
function fileName(name: string): string {
  return name.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'experiment';
}

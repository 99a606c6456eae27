import { useMemo } from 'react';
import { CompareRunsDocument, type CompareRunsQuery } from '../generated/graphql';
import { EpochChart, type EpochLine } from '../components/epoch-chart';
import { ErrorMessage, StatusBadge } from '../components/status';
import { percent, settingValue } from '../lib/format';
import { href } from '../lib/router';
import { flattenSettings, topSetting } from '../lib/settings';
import { colourOfIndex, strategyOf } from '../lib/strategy';
import { useQuery } from '../lib/use-query';
import { useRunProgress } from '../lib/use-run-progress';
import { useCoalesced } from '../lib/use-runs';

type Comparison = CompareRunsQuery['compareRuns'];

/** Runs side by side: settings with the differing ones marked, final metrics, curves overlaid. */
export function ComparePage({ ids }: { ids: string[] }) {
  const page = useQuery(CompareRunsDocument, { ids });
  const refresh = useCoalesced(page.refetch, 300);
  const comparison = page.data?.compareRuns;
  const active = comparison?.runs.filter((run) => run.status === 'QUEUED' || run.status === 'RUNNING') ?? [];

  return (
    <main data-page="compare">
      <h1>Compare {ids.length} runs</h1>
      {active.map((run) => (
        <FollowRun key={run.id} id={run.id} onProgress={refresh} />
      ))}
      <ErrorMessage error={page.error} />
      {comparison ? <ComparisonView comparison={comparison} /> : page.loading ? <p className="muted">Loading…</p> : null}
    </main>
  );
}

/** Keeps the comparison fresh while one of its runs trains. */
function FollowRun({ id, onProgress }: { id: string; onProgress: () => void }) {
  useRunProgress({ runId: id }, onProgress);
  return null;
}

function ComparisonView({ comparison }: { comparison: Comparison }) {
  const { runs, differingSettings, series } = comparison;
  const differing = new Map(differingSettings.map((difference) => [difference.setting, difference.values]));
  const flats = runs.map((run) => flattenSettings(run.settings));
  const differs = (name: string) => differing.has(topSetting(name));
  const names = [...new Set(flats.flatMap((flat) => Object.keys(flat)))].sort((a, b) => Number(differs(b)) - Number(differs(a)) || a.localeCompare(b));
  // Differences that are not settings of the runs (the seed) show as compareRuns words them.
  const others = [...differing].filter(([setting]) => !names.some((name) => topSetting(name) === setting));
  const lines = useMemo(() => {
    const of = (key: 'oldAccuracy' | 'newAccuracy'): EpochLine[] =>
      series.map((one, index) => {
        const run = runs[index];
        return {
          id: one.run.id,
          label: `${strategyOf(run)} seed ${run.seed}`,
          colour: colourOfIndex(index),
          values: new Map(one.epochs.map((epoch, i) => [epoch, one[key][i] ?? null])),
        };
      });
    return { old: of('oldAccuracy'), new: of('newAccuracy') };
  }, [runs, series]);

  return (
    <>
      <section className="panel scroll">
        <table className="compare">
          <thead>
            <tr>
              <th />
              {runs.map((run, index) => (
                <th key={run.id}>
                  <span className="swatch" style={{ background: colourOfIndex(index) }} />
                  <a href={href.run(run.id)}>{strategyOf(run)}</a> <span className="muted">s{run.seed}</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            <tr>
              <th>status</th>
              {runs.map((run) => (
                <td key={run.id}>
                  <StatusBadge status={run.status} cancelRequested={run.cancelRequested} />
                </td>
              ))}
            </tr>
            <tr>
              <th>experiment</th>
              {runs.map((run) => (
                <td key={run.id}>{run.experiment ? <a href={href.experiment(run.experiment.id)}>{run.experiment.name}</a> : 'base training'}</td>
              ))}
            </tr>
            {(['newAccuracy', 'oldAccuracy', 'forgetting', 'overallAccuracy'] as const).map((metric) => (
              <tr key={metric} className="metric">
                <th>{metric}</th>
                {runs.map((run) => (
                  <td key={run.id}>{percent(run.finalMetrics?.[metric])}</td>
                ))}
              </tr>
            ))}
            {others.map(([setting, values]) => (
              <tr key={setting} className="differs" data-setting={setting}>
                <th>{setting}</th>
                {values.map((value, index) => (
                  <td key={runs[index]?.id ?? index}>{value}</td>
                ))}
              </tr>
            ))}
            {names.map((name) => (
              <tr key={name} className={differs(name) ? 'differs' : undefined} data-setting={name}>
                <th>{name}</th>
                {runs.map((run, index) => (
                  <td key={run.id}>{settingValue(flats[index][name])}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        <p className="muted">{differing.size === 0 ? 'The settings are the same in every run.' : `Highlighted: the ${differing.size} settings that differ (${[...differing.keys()].join(', ')}).`}</p>
      </section>
      <div className="columns">
        <EpochChart title="new-label accuracy" lines={lines.new} />
        <EpochChart title="old-label accuracy" lines={lines.old} />
      </div>
    </>
  );
}

import type { RunSummaryFragment } from '../generated/graphql';
import { percent, seconds } from '../lib/format';
import { href } from '../lib/router';
import { strategyOf } from '../lib/strategy';
import { RunActions } from './run-actions';
import { StatusBadge } from './status';

export interface RunsTableProps {
  runs: RunSummaryFragment[];
  /** Runs whose curves are drawn; their boxes are ticked. */
  chosen: Set<string>;
  onToggle: (runId: string) => void;
  /** Epochs seen so far per run, live. */
  epochCounts: Map<string, number>;
  onChanged: () => void;
  /** The page's colour per strategy. */
  colours: Map<string, string>;
}

/** Every run of an experiment, newest first, with its status, final metrics and actions. */
export function RunsTable({ runs, chosen, onToggle, epochCounts, onChanged, colours }: RunsTableProps) {
  if (runs.length === 0) return <p className="empty">No runs yet: launch some below.</p>;
  return (
    <table className="runs">
      <thead>
        <tr>
          <th title="draw its curves">curve</th>
          <th>run</th>
          <th>status</th>
          <th>strategy</th>
          <th>seed</th>
          <th>epochs</th>
          <th>new acc.</th>
          <th>old acc.</th>
          <th>forgetting</th>
          <th>overall</th>
          <th>time</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {runs.map((run) => {
          const strategy = strategyOf(run);
          return (
            <tr key={run.id} data-run-id={run.id} data-status={run.status}>
              <td>
                <input type="checkbox" aria-label={`draw the curves of run ${run.id}`} checked={chosen.has(run.id)} onChange={() => onToggle(run.id)} />
              </td>
              <td>
                <a href={href.run(run.id)}>{run.id.slice(0, 8)}</a>
              </td>
              <td>
                <StatusBadge status={run.status} cancelRequested={run.cancelRequested} />
              </td>
              <td>
                <span className="swatch" style={{ background: colours.get(strategy) }} />
                {strategy}
              </td>
              <td>{run.seed}</td>
              <td className="epochs">{epochCounts.get(run.id) ?? '–'}</td>
              <td>{percent(run.finalMetrics?.newAccuracy)}</td>
              <td>{percent(run.finalMetrics?.oldAccuracy)}</td>
              <td>{percent(run.finalMetrics?.forgetting)}</td>
              <td>{percent(run.finalMetrics?.overallAccuracy)}</td>
              <td>{seconds(run.durationSeconds)}</td>
              <td>
                <RunActions run={run} onChanged={onChanged} />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

import { LeaderboardMetric, type ExperimentPageQuery } from '../generated/graphql';
import { percent, points, seconds } from '../lib/format';
import { href } from '../lib/router';

type Entry = NonNullable<ExperimentPageQuery['experiment']>['leaderboard'][number];

const SECONDS_METRICS: string[] = [LeaderboardMetric.TrainSeconds];

/** Settings pooled over seeds, ranked by `metric`: mean, spread over seeds, and the seeds. */
export function Leaderboard({ entries, metric, onMetric, colours }: { entries: Entry[]; metric: LeaderboardMetric; onMetric: (metric: LeaderboardMetric) => void; colours: Map<string, string> }) {
  const show = (value: number | null) => (SECONDS_METRICS.includes(metric) ? seconds(value) : percent(value));
  return (
    <section className="panel">
      <h2>
        Leaderboard
        <label className="inline">
          ranked by{' '}
          <select value={metric} onChange={(event) => onMetric(event.target.value as LeaderboardMetric)}>
            {Object.values(LeaderboardMetric).map((value) => (
              <option key={value} value={value}>
                {value.toLowerCase().replace(/_/g, ' ')}
              </option>
            ))}
          </select>
        </label>
      </h2>
      {entries.length === 0 ? (
        <p className="empty">No run has succeeded yet.</p>
      ) : (
        <table className="leaderboard">
          <thead>
            <tr>
              <th>#</th>
              <th>strategy</th>
              <th>ranked metric</th>
              <th>new acc.</th>
              <th>old acc.</th>
              <th>forgetting</th>
              <th title="each opens its run">seeds</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => {
              const strategy = entry.variant;
              return (
                <tr key={`${entry.rank}-${strategy}`}>
                  <td>{entry.rank}</td>
                  <td>
                    <span className="swatch" style={{ background: colours.get(strategy) }} />
                    {strategy}
                  </td>
                  <td>
                    {show(entry.value)} {entry.std === null ? '' : <span className="muted">{SECONDS_METRICS.includes(metric) ? `±${entry.std.toFixed(1)}` : points(entry.std)}</span>}
                  </td>
                  <td>{percent(entry.means.newAccuracy)}</td>
                  <td>{percent(entry.means.oldAccuracy)}</td>
                  <td>{percent(entry.means.forgetting)}</td>
                  <td>
                    {entry.runs.map((run, i) => (
                      <a key={run.id} href={href.run(run.id)}>
                        {i === 0 ? '' : ', '}
                        {run.seed}
                      </a>
                    ))}
                    {entry.runs.length > 1 ? (
                      <>
                        {' '}
                        <a href={href.compare(entry.runs.map((run) => run.id))}>compare</a>
                      </>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

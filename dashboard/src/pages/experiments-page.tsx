import { useEffect, useState } from 'react';
import { ApiError, request } from '../api/graphql-client';
import { ExperimentListDocument, type ExperimentListQuery } from '../generated/graphql';
import { useQuery } from '../lib/use-query';
import { dateTime } from '../lib/format';
import { href } from '../lib/router';
import { ErrorMessage } from '../components/status';

type Experiment = ExperimentListQuery['experiments']['nodes'][number];

const STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;

/** Active experiments, newest first, with a search over names and descriptions. */
export function ExperimentsPage() {
  const [typed, setTyped] = useState('');
  const [search, setSearch] = useState('');
  // Asks once typing pauses, not per key.
  useEffect(() => {
    const timer = setTimeout(() => setSearch(typed.trim()), 250);
    return () => clearTimeout(timer);
  }, [typed]);

  const first = useQuery(ExperimentListDocument, { search: search || null, after: null });
  const [more, setMore] = useState<{ nodes: Experiment[]; endCursor: string | null; hasNextPage: boolean } | null>(null);
  const [moreError, setMoreError] = useState<ApiError | null>(null);
  useEffect(() => setMore(null), [first.data]);

  const page = first.data?.experiments;
  const nodes = [...(page?.nodes ?? []), ...(more?.nodes ?? [])];
  const hasNextPage = more ? more.hasNextPage : (page?.pageInfo.hasNextPage ?? false);
  const loadMore = () => {
    const after = more ? more.endCursor : (page?.pageInfo.endCursor ?? null);
    request(ExperimentListDocument, { search: search || null, after }).then(
      (data) =>
        setMore((previous) => ({
          nodes: [...(previous?.nodes ?? []), ...data.experiments.nodes],
          endCursor: data.experiments.pageInfo.endCursor,
          hasNextPage: data.experiments.pageInfo.hasNextPage,
        })),
      (error: ApiError) => setMoreError(error),
    );
  };

  return (
    <main data-page="experiments" data-loaded={first.data ? 'true' : undefined}>
      <h1>Experiments</h1>
      <input className="search" type="search" aria-label="search experiments" placeholder="Search names and descriptions" value={typed} onChange={(event) => setTyped(event.target.value)} />
      <ErrorMessage error={first.error ?? moreError} />
      {page ? (
        <>
          <p className="muted">
            {page.totalCount} experiment{page.totalCount === 1 ? '' : 's'}
            {search ? ` matching “${search}”` : ''}
          </p>
          {nodes.length === 0 ? (
            <p className="empty">{search ? 'Nothing matches.' : 'No experiments yet: create one with createExperiment (README has a worked session).'}</p>
          ) : (
            <table className="experiments">
              <thead>
                <tr>
                  <th>name</th>
                  <th>tags</th>
                  <th>dataset</th>
                  <th>runs</th>
                  <th>created</th>
                </tr>
              </thead>
              <tbody>
                {nodes.map((experiment) => (
                  <tr key={experiment.id} data-experiment-id={experiment.id}>
                    <td>
                      <a href={href.experiment(experiment.id)}>{experiment.name}</a>
                    </td>
                    <td>
                      {experiment.tags.map((tag) => (
                        <span key={tag} className="tag">
                          {tag}
                        </span>
                      ))}
                    </td>
                    <td>{experiment.dataset.name}</td>
                    <td className="counts">
                      {STATUSES.filter((status) => experiment[status].totalCount > 0).map((status) => (
                        <span key={status} className={`badge status-${status}`} data-status={status.toUpperCase()} title={status}>
                          {experiment[status].totalCount} {status}
                        </span>
                      ))}
                    </td>
                    <td>{dateTime(experiment.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {hasNextPage ? (
            <button type="button" onClick={loadMore}>
              Show more
            </button>
          ) : null}
        </>
      ) : first.loading ? (
        <p className="muted">Loading…</p>
      ) : null}
    </main>
  );
}

import { RunPageDocument } from '../generated/graphql';
import { DownloadLink } from '../components/download-link';
import { EpochChart } from '../components/epoch-chart';
import { RunActions } from '../components/run-actions';
import { SettingsTable } from '../components/settings-table';
import { ErrorMessage, StatusBadge } from '../components/status';
import { bytes, dateTime, percent, seconds } from '../lib/format';
import { href } from '../lib/router';
import { flattenSettings } from '../lib/settings';
import { colourOfIndex, strategyOf } from '../lib/strategy';
import { useQuery } from '../lib/use-query';
import { useRunProgress } from '../lib/use-run-progress';
import { useCoalesced } from '../lib/use-runs';

/** One run: lineage, final metrics, curves and epochs (live while it trains), settings, downloads. */
export function RunPage({ id }: { id: string }) {
  const page = useQuery(RunPageDocument, { id });
  const refresh = useCoalesced(page.refetch, 200);
  const progressError = useRunProgress({ runId: id }, refresh, refresh);
  const run = page.data?.run;
  if (!run) {
    return (
      <main data-page="run">
        <ErrorMessage error={page.error} />
        {page.loading ? <p className="muted">Loading…</p> : null}
      </main>
    );
  }
  const strategy = strategyOf(run);
  const checkpoint = run.outputCheckpoint;
  const lines = [
    { id: 'new', label: 'new-label accuracy', colour: colourOfIndex(0), values: new Map(run.epochs.map((e) => [e.epoch, e.newAccuracy])) },
    { id: 'old', label: 'old-label accuracy', colour: colourOfIndex(1), values: new Map(run.epochs.map((e) => [e.epoch, e.oldAccuracy])) },
  ];
  return (
    <main data-page="run" data-status={run.status}>
      <p className="crumbs">
        {run.experiment ? <a href={href.experiment(run.experiment.id)}>{run.experiment.name}</a> : 'base training'} /
      </p>
      <h1>
        {strategy} <span className="muted">seed {run.seed}</span> <StatusBadge status={run.status} cancelRequested={run.cancelRequested} />{' '}
        <RunActions run={run} onChanged={page.refetch} />
      </h1>
      <ErrorMessage error={page.error ?? progressError} />
      {run.error ? <pre className="error">{run.error}</pre> : null}

      <section className="panel lineage" aria-label="lineage">
        <h2>Lineage</h2>
        <ol>
          <li>
            <span className="muted">input checkpoint</span>
            {run.baseCheckpoint ? (
              <>
                {run.baseCheckpoint.name ?? run.baseCheckpoint.id.slice(0, 8)}
                {run.baseCheckpoint.imported ? ' (imported)' : ''}
                {run.baseCheckpoint.producedByRun ? <a href={href.run(run.baseCheckpoint.producedByRun.id)}> written by run {run.baseCheckpoint.producedByRun.id.slice(0, 8)}</a> : null}
              </>
            ) : (
              'none: trained from scratch'
            )}
          </li>
          <li>
            <span className="muted">this run</span>
            {run.kind === 'BASE_TRAINING' ? 'base training' : 'head expansion'} on {run.dataset.name}, {run.labelSet.labelCount} labels ({run.labelSet.name})
          </li>
          <li>
            <span className="muted">output checkpoint</span>
            {checkpoint ? `${checkpoint.id.slice(0, 8)}, ${bytes(checkpoint.sizeBytes)}` : run.status === 'SUCCEEDED' ? '–' : 'written when it succeeds'}
          </li>
        </ol>
      </section>

      <div className="columns">
        <section className="panel">
          <h2>Final metrics</h2>
          {run.finalMetrics ? (
            <table className="settings">
              <tbody>
                <tr><th>new-label accuracy</th><td>{percent(run.finalMetrics.newAccuracy)}</td></tr>
                <tr><th>old-label accuracy</th><td>{percent(run.finalMetrics.oldAccuracy)}</td></tr>
                <tr><th>forgetting</th><td>{percent(run.finalMetrics.forgetting)}</td></tr>
                <tr><th>overall accuracy</th><td>{percent(run.finalMetrics.overallAccuracy)}</td></tr>
                <tr><th>macro-F1</th><td>{percent(run.finalMetrics.macroF1)}</td></tr>
                <tr><th>intrusion</th><td>{percent(run.finalMetrics.intrusion)}</td></tr>
                <tr><th>old-logit drift</th><td>{run.finalMetrics.oldLogitDrift ?? '–'}</td></tr>
                <tr><th>training time</th><td>{seconds(run.finalMetrics.trainSeconds)}</td></tr>
              </tbody>
            </table>
          ) : (
            <p className="empty">Until the run succeeds.</p>
          )}
          <p className="muted">
            queued {dateTime(run.createdAt)}, started {dateTime(run.startedAt)}, ended {dateTime(run.finishedAt)}; {run.attempts} attempt{run.attempts === 1 ? '' : 's'}
            {run.backend ? `, on ${run.backend}` : ''}
          </p>
        </section>
        <EpochChart title="accuracy per epoch" lines={lines} />
      </div>

      <section className="panel">
        <h2>Epochs</h2>
        {run.epochs.length === 0 ? (
          <p className="empty">No epoch has finished yet.</p>
        ) : (
          <table className="epochs-table">
            <thead>
              <tr>
                <th>epoch</th><th>loss</th><th>new acc.</th><th>old acc.</th><th>overall</th><th>macro-F1</th><th>forgetting</th><th>intrusion</th><th>drift</th><th>time</th>
              </tr>
            </thead>
            <tbody>
              {run.epochs.map((epoch) => (
                <tr key={epoch.epoch}>
                  <td>{epoch.epoch}</td>
                  <td>{epoch.loss.toFixed(4)}</td>
                  <td>{percent(epoch.newAccuracy)}</td>
                  <td>{percent(epoch.oldAccuracy)}</td>
                  <td>{percent(epoch.overallAccuracy)}</td>
                  <td>{percent(epoch.macroF1)}</td>
                  <td>{percent(epoch.forgetting)}</td>
                  <td>{percent(epoch.intrusion)}</td>
                  <td>{epoch.oldLogitDrift === null ? '–' : epoch.oldLogitDrift.toPrecision(3)}</td>
                  <td>{seconds(epoch.seconds)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <div className="columns">
        <section className="panel">
          <h2>Settings</h2>
          <SettingsTable settings={flattenSettings(run.settings)} />
        </section>
        <section className="panel">
          <h2>Downloads</h2>
          {checkpoint ? (
            <ul className="downloads">
              {checkpoint.files.map((file) => (
                <li key={file.url}>
                  <DownloadLink file={file} />
                </li>
              ))}
              <li>
                <DownloadLink file={{ name: 'head.safetensors', url: checkpoint.headSafetensorsUrl }} /> <span className="muted">the head, for PyTorch</span>
              </li>
              {(checkpoint.huggingFaceFiles ?? []).map((file) => (
                <li key={file.url}>
                  <DownloadLink file={file} /> <span className="muted">Hugging Face folder</span>
                </li>
              ))}
            </ul>
          ) : (
            <p className="empty">A checkpoint is written when the run succeeds.</p>
          )}
          {run.perLabelAccuracy ? (
            <>
              <h3>Accuracy per label</h3>
              <table className="settings">
                <tbody>
                  {run.perLabelAccuracy.map((label) => (
                    <tr key={label.label}>
                      <th>{label.label}</th>
                      <td>{percent(label.accuracy)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          ) : null}
          {run.versions ? (
            <>
              <h3>Versions</h3>
              <SettingsTable settings={Object.fromEntries(run.versions.map((software) => [software.name, software.version]))} />
            </>
          ) : null}
        </section>
      </div>
    </main>
  );
}

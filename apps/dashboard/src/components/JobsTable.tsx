import { api, call } from '../api';
import { formatBytes, formatTime } from '../format';
import { Link, modelPath } from '../router';
import { useAction } from '../use-resource';
import { isActive, scoredPercent } from './job-list';
import { ErrorNote, StatusBadge } from './Notice';
import type { Jobs } from './use-jobs';

/**
 * A list of batch jobs with their progress, their results once they have ended, and Cancel and
 * Delete; `showModel` adds a column linking each job to its model's page.
 */
export function JobsTable({ jobs, showModel }: { jobs: Jobs; showModel: boolean }) {
  const cancel = useAction(async (id: string) => call(api.POST('/api/jobs/{id}/cancel', { params: { path: { id } } })));
  const remove = useAction(async (id: string) => {
    await call(api.DELETE('/api/jobs/{id}', { params: { path: { id } } }));
    return true;
  });
  const items = jobs.data?.items ?? [];

  return (
    <>
      <ErrorNote>{jobs.error ?? cancel.error ?? remove.error}</ErrorNote>
      {jobs.data && items.length === 0 && <p className="empty">No batch jobs yet.</p>}
      {items.length > 0 && (
        <table className="list" aria-label="Batch jobs">
          <thead>
            <tr>
              <th>Status</th>
              {showModel && <th>Model</th>}
              <th>Version</th>
              <th>File</th>
              <th className="number">Rows scored</th>
              <th className="number">Failed rows</th>
              <th>Submitted</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {items.map((job) => (
              <tr key={job.id} data-job-id={job.id}>
                <td>
                  <StatusBadge state={job.status} />
                  {job.error && <div className="muted small">{job.error}</div>}
                </td>
                {showModel && (
                  <td>
                    <Link href={modelPath(job.model)}>{job.model}</Link>
                  </td>
                )}
                <td>v{job.version}</td>
                <td>
                  {job.filename ?? '—'}
                  <div className="muted small">
                    {job.format}, {formatBytes(job.inputBytes)}
                  </div>
                </td>
                <td className="number">
                  <progress value={job.processedRows} max={Math.max(job.totalRows, 1)} aria-label="Rows scored" /> {job.processedRows} / {job.totalRows}
                  {isActive(job) && <div className="muted small">{scoredPercent(job)}%</div>}
                </td>
                <td className="number">{job.failedRows}</td>
                <td>
                  {formatTime(job.createdAt)}
                  <div className="muted small">by {job.createdBy}</div>
                </td>
                <td>
                  {job.expiresAt && <div className="muted small expires">kept until {formatTime(job.expiresAt)}</div>}
                  <span className="row">
                    {job.resultsUrl && (
                      <a href={job.resultsUrl} download>
                        Download results
                      </a>
                    )}
                    {isActive(job) ? (
                      <button type="button" className="link" disabled={cancel.busy} onClick={() => void cancel.run(job.id).then((done) => done && jobs.reload())}>
                        Cancel
                      </button>
                    ) : (
                      <button
                        type="button"
                        className="link danger-link"
                        disabled={remove.busy}
                        onClick={() => {
                          if (window.confirm(`Delete the job on ${job.filename ?? 'its file'}, with its input and results?`)) {
                            void remove.run(job.id).then(async (done) => {
                              if (done) await jobs.reload();
                            });
                          }
                        }}
                      >
                        Delete
                      </button>
                    )}
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {jobs.loading && !jobs.data && <p className="loading">Loading…</p>}
      {jobs.data?.more && (
        <p>
          <button type="button" className="secondary" onClick={jobs.showMore}>
            Older jobs
          </button>
        </p>
      )}
    </>
  );
}

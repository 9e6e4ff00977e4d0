import { useRef, useState, type FormEvent } from 'react';
import { submitJob, type Schemas } from '../api';
import { useUpload } from '../use-resource';
import { FormFooter } from './FormFooter';
import { JobsTable } from './JobsTable';
import { UploadProgress } from './UploadProgress';
import { useJobs } from './use-jobs';
import { VersionSelect } from './VersionSelect';

/** A model's batch jobs: a file of rows scored in the background by one version, and their results. */
export function JobsPanel({ name, versions }: { name: string; versions: Array<Schemas['VersionDto']> }) {
  const jobs = useJobs(name);
  const [submitting, setSubmitting] = useState(false);
  const ready = versions.filter((version) => version.status === 'ready').map((version) => version.version);

  return (
    <section aria-label="Batch jobs">
      <div className="heading">
        <h2>Batch jobs</h2>
        {!submitting && ready.length > 0 && (
          <button type="button" onClick={() => setSubmitting(true)}>
            New batch job
          </button>
        )}
      </div>
      {submitting && (
        <SubmitForm
          name={name}
          ready={ready}
          onDone={async (submitted) => {
            setSubmitting(false);
            if (submitted) await jobs.reload();
          }}
        />
      )}
      <JobsTable jobs={jobs} showModel={false} />
    </section>
  );
}

function SubmitForm({ name, ready, onDone }: { name: string; ready: number[]; onDone(submitted: boolean): Promise<void> }) {
  const file = useRef<HTMLInputElement>(null);
  const [version, setVersion] = useState<number>();
  /** '' leaves the format to the file name's extension. */
  const [format, setFormat] = useState<'' | 'jsonl' | 'csv'>('');
  const submit = useUpload((form, onProgress) => submitJob(name, form, onProgress));

  const send = async (event: FormEvent) => {
    event.preventDefault();
    const chosen = file.current?.files?.[0];
    if (!chosen) return;
    const form = new FormData();
    if (version !== undefined) form.append('version', String(version));
    if (format !== '') form.append('format', format);
    form.append('file', chosen, chosen.name);
    if (await submit.run(form)) await onDone(true);
  };

  return (
    <form className="card" onSubmit={(event) => void send(event)} aria-label="New batch job">
      <h3>Score a file of rows</h3>
      <label>
        Input file
        <input ref={file} name="file" type="file" accept=".jsonl,.ndjson,.csv" required />
        <span className="hint">
          JSON Lines (.jsonl, .ndjson), one instance per line, e.g. <code>[5.1, 3.5, 1.4, 0.2]</code>; or CSV (.csv), one row of numbers per instance, for a model with one input.
          Every row is checked against the model before the job is queued.
        </span>
      </label>
      <label className="inline">
        Format{' '}
        <select value={format} onChange={(event) => setFormat(event.target.value as typeof format)} aria-label="Format">
          <option value="">from the file name (.jsonl, .ndjson, .csv)</option>
          <option value="jsonl">JSON Lines</option>
          <option value="csv">CSV</option>
        </select>
      </label>
      <label className="inline">
        Version <VersionSelect versions={ready} value={version} onChange={setVersion} none="where the traffic goes (stable)" label="Version" />
      </label>
      {submit.progress !== undefined && <UploadProgress sentShare={submit.progress} then="Checking every row against the model…" />}
      <FormFooter error={submit.error} busy={submit.busy} submit="Submit job" onCancel={() => void onDone(false)} />
    </form>
  );
}

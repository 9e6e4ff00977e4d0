import { useRef, useState, type FormEvent } from 'react';
import { api, call, uploadVersion, type Schemas } from '../api';
import { formatBytes, formatTime } from '../format';
import { useSession } from '../session';
import { useAction, useUpload } from '../use-resource';
import { ErrorNote, StatusBadge } from './Notice';
import { FormFooter } from './FormFooter';
import { SettingsForm } from './SettingsForm';
import { UploadProgress } from './UploadProgress';

type Version = Schemas['VersionDto'];

export function VersionsPanel({ name, versions, onChanged }: { name: string; versions: Version[]; onChanged(): Promise<void> }) {
  const { can } = useSession();
  const [uploading, setUploading] = useState(false);
  const [editing, setEditing] = useState<number>();
  const edited = versions.find((version) => version.version === editing);
  const setStatus = useAction(async (version: number, status: 'ready' | 'retired') =>
    call(api.PATCH('/api/models/{name}/versions/{version}', { params: { path: { name, version } }, body: { status } })),
  );
  // The API refuses to delete a version the deployment still routes to, and says so.
  const remove = useAction(async (version: number) => {
    await call(api.DELETE('/api/models/{name}/versions/{version}', { params: { path: { name, version } } }));
    return true;
  });

  return (
    <section aria-label="Versions">
      <div className="heading">
        <h2>Versions</h2>
        {can('models:write') && !uploading && (
          <button type="button" onClick={() => setUploading(true)}>
            Upload version
          </button>
        )}
      </div>
      {uploading && (
        <UploadForm
          name={name}
          onDone={async (uploaded) => {
            setUploading(false);
            if (uploaded) await onChanged();
          }}
        />
      )}
      <ErrorNote>{setStatus.error ?? remove.error}</ErrorNote>
      {versions.length === 0 ? (
        <p className="empty">No versions yet.</p>
      ) : (
        <table className="list" aria-label="Versions">
          <thead>
            <tr>
              <th>Version</th>
              <th>Status</th>
              <th>Format</th>
              <th className="number">File</th>
              <th>Batching</th>
              <th>Served</th>
              <th>Uploaded</th>
              {can('models:write') && <th />}
            </tr>
          </thead>
          <tbody>
            {[...versions]
              .sort((a, b) => b.version - a.version)
              .map((version) => (
                <tr key={version.version} data-version={version.version}>
                  <td title={version.description || undefined}>
                    v{version.version}
                    {version.description && <div className="muted small">{version.description}</div>}
                  </td>
                  <td>
                    <StatusBadge state={version.status === 'ready' ? version.serving.state : version.status} />
                    {version.statusDetail && <div className="muted small">{version.statusDetail}</div>}
                  </td>
                  <td>
                    {version.format}
                    {version.engine && <div className="muted small">{version.engine}</div>}
                  </td>
                  <td className="number" title={version.artifact.sha256}>
                    {formatBytes(version.artifact.size)}
                  </td>
                  <td>{batchingOf(version)}</td>
                  <td>{servedOf(version)}</td>
                  <td>{formatTime(version.createdAt)}</td>
                  {can('models:write') && (
                    <td>
                      {version.status === 'ready' && (
                        <button type="button" className="link" onClick={() => setEditing(version.version)}>
                          Settings
                        </button>
                      )}{' '}
                      {version.status === 'ready' ? (
                        <button type="button" className="link" disabled={setStatus.busy} onClick={() => void setStatus.run(version.version, 'retired').then((done) => done && onChanged())}>
                          Retire
                        </button>
                      ) : (
                        <button type="button" className="link" disabled={setStatus.busy} onClick={() => void setStatus.run(version.version, 'ready').then((done) => done && onChanged())}>
                          Restore
                        </button>
                      )}{' '}
                      <button
                        type="button"
                        className="link danger-link"
                        disabled={remove.busy}
                        onClick={() => {
                          if (window.confirm(`Delete v${version.version} of ${name}? Its file is removed unless another version shares it.`)) {
                            void remove.run(version.version).then(async (done) => {
                              if (done) await onChanged();
                            });
                          }
                        }}
                      >
                        Delete
                      </button>
                    </td>
                  )}
                </tr>
              ))}
          </tbody>
        </table>
      )}
      {edited && (
        <SettingsForm
          key={edited.version}
          name={name}
          version={edited}
          onDone={async (changed) => {
            setEditing(undefined);
            if (changed) await onChanged();
          }}
        />
      )}
    </section>
  );
}

function batchingOf(version: Version): string {
  const batching = version.serving.batching;
  if (!batching) return '—';
  if (batching.axis === null) return `one by one (${batching.reason})`;
  return `up to ${batching.maxBatchSize}, waits ${batching.maxQueueDelayMs} ms`;
}

function servedOf(version: Version): string {
  const observed = version.serving.observed;
  const instances = version.serving.instances?.length ?? 0;
  const where = instances > 0 ? `${instances} × ${version.serving.instances![0].device}` : '';
  if (!observed || observed.requests.completed === 0) return where || '—';
  const mean = observed.meanBatchSize === null ? '' : `, mean batch ${observed.meanBatchSize.toFixed(1)}`;
  return `${where}; ${observed.requests.completed} answered${mean}`;
}

function UploadForm({ name, onDone }: { name: string; onDone(uploaded: boolean): Promise<void> }) {
  const file = useRef<HTMLInputElement>(null);
  const [description, setDescription] = useState('');
  const [instances, setInstances] = useState('');
  const [maxBatchSize, setMaxBatchSize] = useState('');
  const [maxQueueDelayMs, setMaxQueueDelayMs] = useState('');
  const upload = useUpload((form, onProgress) => uploadVersion(name, form, onProgress));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const chosen = file.current?.files?.[0];
    if (!chosen) return;
    const form = new FormData();
    if (description) form.append('description', description);
    const batching = {
      ...(maxBatchSize ? { maxBatchSize: Number(maxBatchSize) } : {}),
      ...(maxQueueDelayMs ? { maxQueueDelayMs: Number(maxQueueDelayMs) } : {}),
    };
    const config = { ...(instances ? { instances: Number(instances) } : {}), ...(Object.keys(batching).length > 0 ? { batching } : {}) };
    if (Object.keys(config).length > 0) form.append('config', JSON.stringify(config));
    // The file goes last: the server reads the fields before it streams the file to disk.
    form.append('file', chosen, chosen.name);
    if (await upload.run(form)) await onDone(true);
  };

  return (
    <form className="card" onSubmit={(event) => void submit(event)} aria-label="Upload version">
      <h3>Upload a new version</h3>
      <label>
        Model file
        <input ref={file} name="file" type="file" accept=".onnx,.zip,.tar.gz,.tgz" required />
        <span className="hint">An .onnx file, or a .zip / .tar.gz of a TensorFlow.js model folder or a SavedModel. It is loaded and warmed up before it is listed.</span>
      </label>
      <label>
        Description
        <input name="description" value={description} onChange={(event) => setDescription(event.target.value)} placeholder="retrained on November's data" />
      </label>
      <fieldset>
        <legend>Serving settings (optional; the defaults suit most models)</legend>
        <label className="inline">
          Instances <input name="instances" type="number" min={1} value={instances} onChange={(event) => setInstances(event.target.value)} />
        </label>
        <label className="inline">
          Max batch size <input name="maxBatchSize" type="number" min={1} value={maxBatchSize} onChange={(event) => setMaxBatchSize(event.target.value)} />
        </label>
        <label className="inline">
          Max queue delay (ms) <input name="maxQueueDelayMs" type="number" min={0} step="any" value={maxQueueDelayMs} onChange={(event) => setMaxQueueDelayMs(event.target.value)} />
        </label>
      </fieldset>
      {upload.progress !== undefined && <UploadProgress sentShare={upload.progress} then="Loading and warming up the model…" />}
      <FormFooter error={upload.error} busy={upload.busy} submit="Upload" onCancel={() => void onDone(false)} />
    </form>
  );
}

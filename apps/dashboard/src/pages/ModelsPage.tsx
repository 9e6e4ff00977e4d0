import { useState, type FormEvent } from 'react';
import { allPages, api, call, type Schemas } from '../api';
import { LabelChips } from '../components/ModelDetails';
import { ErrorNote, StatusBadge } from '../components/Notice';
import { trafficSummary } from '../components/traffic-summary';
import { FormFooter } from '../components/FormFooter';
import { formatTime } from '../format';
import { Link, modelPath, navigate } from '../router';
import { useSession } from '../session';
import { useAction, useResource } from '../use-resource';

export function ModelsPage() {
  const { can } = useSession();
  const models = useResource(() => allPages((query) => call(api.GET('/api/models', { params: { query } }))), []);
  const deployments = useResource(
    async () => new Map((await allPages((query) => call(api.GET('/api/deployments', { params: { query } })))).items.map((deployment) => [deployment.model, deployment])),
    [],
  );
  const [creating, setCreating] = useState(false);

  return (
    <section>
      <div className="heading">
        <h1>Models</h1>
        {can('models:write') && !creating && (
          <button type="button" onClick={() => setCreating(true)}>
            New model
          </button>
        )}
      </div>
      {creating && <CreateModel onCancel={() => setCreating(false)} />}
      <ErrorNote>{models.error ?? deployments.error}</ErrorNote>
      {models.data && models.data.items.length === 0 && (
        <p className="empty">No models yet.{can('models:write') ? ' Create one, then upload an ONNX or TensorFlow.js file as its first version.' : ''}</p>
      )}
      {models.data && models.data.items.length > 0 && (
        <table className="list" aria-label="Models">
          <thead>
            <tr>
              <th>Name</th>
              <th>Description</th>
              <th>Task</th>
              <th>Labels</th>
              <th>Traffic</th>
              <th className="number">Latest version</th>
              <th>Updated</th>
            </tr>
          </thead>
          <tbody>
            {models.data.items.map((model) => (
              <tr key={model.name}>
                <td className="nowrap">
                  <Link href={modelPath(model.name)}>{model.name}</Link>
                </td>
                <td>{model.description}</td>
                <td>{model.task ?? '—'}</td>
                <td>
                  <LabelChips labels={model.labels} />
                </td>
                <td>{deployments.data ? <Traffic deployment={deployments.data.get(model.name)} latestVersion={model.latestVersion} /> : '…'}</td>
                <td className="number">{model.latestVersion || '—'}</td>
                <td>{formatTime(model.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {models.loading && !models.data && <p className="loading">Loading…</p>}
    </section>
  );
}

/** How a model's unpinned requests are split now: routed versions, a plan's progress, the shadow. */
function Traffic({ deployment, latestVersion }: { deployment: Schemas['DeploymentDto'] | undefined; latestVersion: number }) {
  const summary = trafficSummary(deployment, latestVersion);
  if (summary.unrouted !== null) return <span className="muted">{summary.unrouted}</span>;
  return (
    <span>
      {summary.routes.map((route, index) => (
        <span key={route.text}>
          {index > 0 && ' · '}
          <span className="nowrap">
            {route.text}
            {route.role && <span className="muted"> {route.role}</span>}
          </span>
        </span>
      ))}
      {summary.plan && (
        <span>
          {' '}
          <StatusBadge state={summary.plan.status} /> <span className="muted">plan {summary.plan.progress}</span>
        </span>
      )}
      {summary.shadow && <span className="muted"> · {summary.shadow}</span>}
    </span>
  );
}

function CreateModel({ onCancel }: { onCancel(): void }) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [task, setTask] = useState('');
  const create = useAction(async () => call(api.POST('/api/models', { body: { name, description, ...(task ? { task } : {}) } })));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const model = await create.run();
    if (model) navigate(modelPath(model.name));
  };

  return (
    <form className="card" onSubmit={(event) => void submit(event)} aria-label="New model">
      <h2>New model</h2>
      <label>
        Name
        <input name="name" value={name} onChange={(event) => setName(event.target.value)} placeholder="iris-classifier" required autoFocus />
        <span className="hint">Lowercase letters, digits, ".", "_" or "-": it becomes part of the prediction URLs.</span>
      </label>
      <label>
        Description
        <input name="description" value={description} onChange={(event) => setDescription(event.target.value)} />
      </label>
      <label>
        Task
        <input name="task" value={task} onChange={(event) => setTask(event.target.value)} placeholder="classification" />
      </label>
      <FormFooter error={create.error} busy={create.busy} submit="Create" onCancel={onCancel} />
    </form>
  );
}

import { api, call, deploymentOf } from '../api';
import { CallExamples } from '../components/CallExamples';
import { DeleteModel } from '../components/DeleteModel';
import { DeploymentPanel } from '../components/DeploymentPanel';
import { JobsPanel } from '../components/JobsPanel';
import { ModelDetails } from '../components/ModelDetails';
import { ErrorNote } from '../components/Notice';
import { TrafficCharts } from '../components/TrafficCharts';
import { VersionsPanel } from '../components/VersionsPanel';
import { Link } from '../router';
import { useSession } from '../session';
import { useResource } from '../use-resource';

/** How often versions are read again: a version loads, warms up or fails on its own time. */
const REFRESH_MS = 10_000;
/** How often the deployment is read again: its serving state and a running plan's progress move on their own. */
const DEPLOYMENT_REFRESH_MS = 5_000;

export function ModelPage({ name }: { name: string }) {
  const { can } = useSession();
  const model = useResource(() => call(api.GET('/api/models/{name}', { params: { path: { name } } })), [name]);
  const versions = useResource(() => call(api.GET('/api/models/{name}/versions', { params: { path: { name } } })), [name], REFRESH_MS);
  // One reading of the deployment for the cards that show it: the deployment panel, and the call examples (the version unpinned calls reach).
  const deployment = useResource(() => deploymentOf(name), [name], DEPLOYMENT_REFRESH_MS);

  if (model.error && !model.data) {
    return (
      <section>
        <p>
          <Link href="/">← Models</Link>
        </p>
        <ErrorNote>{model.error}</ErrorNote>
      </section>
    );
  }
  const items = versions.data ?? [];
  return (
    <section className="model">
      <p>
        <Link href="/">← Models</Link>
      </p>
      <h1>{name}</h1>
      {model.data && <ModelDetails model={model.data} canEdit={can('models:write')} onChanged={model.reload} />}
      <p className="muted small">
        Predict with <code>POST /v2/models/{name}/infer</code> (Open Inference Protocol) or <code>POST /v1/models/{name}:predict</code> (TensorFlow Serving REST).
      </p>
      <CallExamples name={name} versions={items} deployment={deployment.data} />
      <ErrorNote>{versions.error}</ErrorNote>
      {versions.data && (
        <>
          <DeploymentPanel name={name} versions={items} deployment={deployment} onChanged={() => void versions.reload()} />
          <TrafficCharts name={name} />
          <VersionsPanel name={name} versions={items} onChanged={versions.reload} />
          {can('predict') && <JobsPanel name={name} versions={items} />}
          {can('models:write') && <DeleteModel name={name} />}
        </>
      )}
      {versions.loading && !versions.data && <p className="loading">Loading…</p>}
    </section>
  );
}


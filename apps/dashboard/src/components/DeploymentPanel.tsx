import { useEffect, useState, type FormEvent } from 'react';
import { api, call, type Schemas } from '../api';
import { formatTime } from '../format';
import { useSession } from '../session';
import { useAction, useResource, type Resource } from '../use-resource';
import { ErrorNote, StatusBadge } from './Notice';
import { canarySplit } from './deployment-change';
import { DeploymentOptions } from './DeploymentOptions';
import { inputsFit } from './inputs-fit';
import { PlanForm } from './PlanForm';
import { ShadowReport } from './ShadowReport';
import { SplitForm } from './SplitForm';
import { VersionSelect } from './VersionSelect';

type Deployment = Schemas['DeploymentDto'];
type Version = Schemas['VersionDto'];

/**
 * Where a model's traffic goes, and the operator's controls over it: the canary's share, promote,
 * roll back, a progressive plan's pause, resume and abort, and the shadow, fallback and sticky
 * routing (with how the shadow's answers compare). Every change goes through the
 * deployment API, which checks it (versions ready, weights summing to 100) and records it.
 * `deployment`: the model page's reading of it (deploymentOf), which this panel reloads after a change.
 */
export function DeploymentPanel({ name, versions, deployment, onChanged }: { name: string; versions: Version[]; deployment: Resource<Deployment | null>; onChanged(): void }) {
  const { can } = useSession();
  const history = useResource(() => call(api.GET('/api/models/{name}/deployment/history', { params: { path: { name } } })), [name, deployment.data?.revision]);
  const ready = versions.filter((version) => version.status === 'ready').map((version) => version.version);
  const [planning, setPlanning] = useState(false);
  const [splitting, setSplitting] = useState(false);
  const changed = async () => {
    await deployment.reload();
    onChanged();
  };
  const current = deployment.data;
  const stable = current ? stableOf(current) : undefined;
  // Beside stable, the API routes (with weight), shadows and falls back only to versions that take
  // its inputs; the others are not offered here (a switch of all traffic stays in the split form).
  const stableInputs = versions.find((version) => version.version === stable)?.signature.inputs;
  const fitsStable = (number: number) => stableInputs === undefined || inputsFit(versions.find((version) => version.version === number)!.signature.inputs, stableInputs);
  const fitting = ready.filter(fitsStable);
  const otherInputs = ready.filter((version) => !fitsStable(version));
  const candidates = fitting.filter((version) => version !== stable);
  const planActive = current?.planState?.status === 'running' || current?.planState?.status === 'paused';

  return (
    <section aria-label="Deployment">
      <h2>Deployment</h2>
      <ErrorNote>{deployment.error}</ErrorNote>
      {deployment.data === null && <NoDeployment name={name} ready={ready} canDeploy={can('deploy')} onChanged={changed} />}
      {deployment.data && (
        <>
          <Routes deployment={deployment.data} />
          {deployment.data.planState && <PlanControls name={name} deployment={deployment.data} canDeploy={can('deploy')} onChanged={changed} />}
          {can('deploy') && <CanaryControls name={name} deployment={deployment.data} ready={ready} candidates={candidates} onChanged={changed} />}
          {can('deploy') && otherInputs.length > 0 && (
            <p className="muted small" role="note">
              {otherInputs.map((version) => `v${version}`).join(', ')} {otherInputs.length === 1 ? 'takes' : 'take'} other inputs than stable v{stable}: not offered as a
              canary, shadow or fallback, since callers who name no version would get errors from {otherInputs.length === 1 ? 'it' : 'them'}. Call{' '}
              {otherInputs.length === 1 ? 'it' : 'them'} with a version in the path, or move all traffic at once with &quot;Split traffic among versions…&quot;.
            </p>
          )}
          {can('deploy') && <DeploymentOptions name={name} deployment={deployment.data} ready={fitting} onChanged={changed} />}
          <ShadowReport name={name} revision={deployment.data.revision} />
          {can('deploy') && !planning && !splitting && (
            <p className="actions">
              {stable !== undefined && candidates.length > 0 && !planActive && (
                <button type="button" className="secondary" onClick={() => setPlanning(true)}>
                  Start a progressive rollout…
                </button>
              )}
              {ready.length > 0 && (
                <button type="button" className="secondary" onClick={() => setSplitting(true)}>
                  Split traffic among versions…
                </button>
              )}
            </p>
          )}
          {splitting && (
            <SplitForm
              name={name}
              deployment={deployment.data}
              ready={ready}
              onCancel={() => setSplitting(false)}
              onDone={async () => {
                setSplitting(false);
                await changed();
              }}
            />
          )}
          {planning && stable !== undefined && (
            <PlanForm
              name={name}
              deployment={deployment.data}
              stable={stable}
              candidates={candidates}
              onCancel={() => setPlanning(false)}
              onStarted={async () => {
                setPlanning(false);
                await changed();
              }}
            />
          )}
        </>
      )}
      {history.data && history.data.items.length > 0 && (
        <details className="history">
          <summary>History ({history.data.total} changes)</summary>
          <ol>
            {history.data.items.slice(0, 20).map((event) => (
              <li key={event.id}>
                <time dateTime={event.at}>{formatTime(event.at)}</time> <strong>{event.action}</strong> by {event.actor}: {describeRoutes(event.deployment)}
                {event.reason && <span className="muted"> — {event.reason}</span>}
              </li>
            ))}
          </ol>
        </details>
      )}
    </section>
  );
}

/** A history line's deployment: its routes, and its shadow, fallback and sticky routing where set. */
function describeRoutes(deployment: Deployment): string {
  const parts = [deployment.routes.map((route) => `v${route.version} ${route.weight}%`).join(', ')];
  if (deployment.shadow) parts.push(`shadow v${deployment.shadow.version} ${deployment.shadow.percent}%`);
  if (deployment.fallback) parts.push(`fallback v${deployment.fallback.version}`);
  if (deployment.sticky !== 'header') parts.push(`sticky by ${deployment.sticky}`);
  return parts.join('; ');
}

function Routes({ deployment }: { deployment: Deployment }) {
  const label = (version: number) => (version === deployment.stable ? 'stable' : version === deployment.canary ? 'canary' : '');
  return (
    <>
      <table className="list" aria-label="Routes">
        <thead>
          <tr>
            <th>Version</th>
            <th>Label</th>
            <th className="number">Traffic</th>
            <th>Serving here</th>
          </tr>
        </thead>
        <tbody>
          {deployment.routes.map((route) => (
            <tr key={route.version} data-version={route.version}>
              <td>v{route.version}</td>
              <td>{label(route.version)}</td>
              <td className="number">
                <span className="weight-bar" style={{ width: `${route.weight * 1.2}px` }} />
                {route.weight}%
              </td>
              <td>
                <StatusBadge state={route.serving} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">
        Revision {deployment.revision}, changed {formatTime(deployment.updatedAt)}
        {deployment.updatedBy ? ` by ${deployment.updatedBy}` : ''}.
        {deployment.shadow && ` Shadow: ${deployment.shadow.percent}% of requests are also sent to v${deployment.shadow.version}, its answers compared and never returned.`}
        {deployment.fallback && ` Fallback: v${deployment.fallback.version} answers when a routed version fails or is overloaded.`}
        {deployment.sticky === 'none' ? ' Requests are not sticky.' : ` Sticky by ${deployment.sticky === 'key' ? 'X-Routing-Key or the API key' : 'X-Routing-Key'}.`}
      </p>
    </>
  );
}

function NoDeployment({ name, ready, canDeploy, onChanged }: { name: string; ready: number[]; canDeploy: boolean; onChanged(): Promise<void> }) {
  const latest = ready.length > 0 ? Math.max(...ready) : undefined;
  const [version, setVersion] = useState<number | undefined>(latest);
  useEffect(() => setVersion((current) => current ?? latest), [latest]);
  const create = useAction(async (target: number) => call(api.PUT('/api/models/{name}/deployment', { params: { path: { name } }, body: { routes: [{ version: target, weight: 100 }] } })));
  return (
    <div>
      <p>
        No deployment yet: requests that name no version go to the latest ready version{latest ? ` (v${latest})` : ''}. A deployment pins the traffic to versions you
        choose, so that a new upload does not take it, and lets you move it by canary.
      </p>
      {canDeploy && latest !== undefined && version !== undefined && (
        <form
          className="inline-form"
          onSubmit={(event) => {
            event.preventDefault();
            void create.run(version).then((done) => done && onChanged());
          }}
        >
          <label className="inline">
            Send all traffic to{' '}
            <VersionSelect versions={ready} value={version} onChange={setVersion} label="Version for all traffic" />
          </label>
          <button type="submit" disabled={create.busy}>
            Create deployment
          </button>
        </form>
      )}
      <ErrorNote>{create.error}</ErrorNote>
    </div>
  );
}

/** The version labelled stable, or else the one with the most traffic. */
function stableOf(deployment: Deployment): number | undefined {
  return deployment.stable ?? [...deployment.routes].sort((a, b) => b.weight - a.weight)[0]?.version;
}

/** `ready`: every ready version (a rollback may go to any); `candidates`: those that can be stable's canary. */
function CanaryControls({ name, deployment, ready, candidates, onChanged }: { name: string; deployment: Deployment; ready: number[]; candidates: number[]; onChanged(): Promise<void> }) {
  const stable = stableOf(deployment);
  const routedCanary = deployment.canary ?? undefined;
  const [canary, setCanary] = useState<number | undefined>(routedCanary ?? candidates[candidates.length - 1]);
  const currentPercent = deployment.routes.find((route) => route.version === canary)?.weight ?? 0;
  const [percent, setPercent] = useState(currentPercent);
  const [reason, setReason] = useState('');
  // Follow the server when the deployment changes under us (another operator, a plan step).
  useEffect(() => setPercent(currentPercent), [currentPercent, deployment.revision]);
  useEffect(() => setCanary((current) => (current !== undefined && candidates.includes(current) ? current : (routedCanary ?? candidates[candidates.length - 1]))), [candidates.join(','), routedCanary]); // eslint-disable-line react-hooks/exhaustive-deps

  const split = useAction(async () => {
    if (stable === undefined || canary === undefined) return undefined;
    return call(api.PUT('/api/models/{name}/deployment', { params: { path: { name } }, body: canarySplit(deployment, { stable, canary, canaryWeight: percent, reason }) }));
  });
  const promote = useAction(async () => call(api.POST('/api/models/{name}/deployment/promote', { params: { path: { name } }, body: reason ? { reason } : {} })));
  const rollback = useAction(async () => call(api.POST('/api/models/{name}/deployment/rollback', { params: { path: { name } }, body: reason ? { reason } : {} })));
  const after = async (result: unknown) => {
    if (result === undefined) return;
    setReason('');
    await onChanged();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void split.run().then(after);
  };
  const planRunning = deployment.planState?.status === 'running' || deployment.planState?.status === 'paused';
  // Versions with traffic that a stable/canary split would take it from (an A/B test among three, say).
  const others = deployment.routes.filter((route) => route.weight > 0 && route.version !== stable && route.version !== canary).map((route) => route.version);
  // Where a rollback without a canary goes, while that version can still serve (it may be retired or deleted since).
  const previous = deployment.previousStable != null && ready.includes(deployment.previousStable) ? deployment.previousStable : undefined;

  return (
    <form className="card" onSubmit={submit} aria-label="Canary">
      <h3>Canary</h3>
      {stable === undefined || candidates.length === 0 ? (
        <p className="muted">
          {ready.some((version) => version !== stable)
            ? `No other ready version takes the inputs of v${stable}: upload one to run it as a canary.`
            : `Upload another version to run it as a canary beside v${stable}.`}
        </p>
      ) : (
        <>
          <div className="row">
            <label className="inline">
              Canary version{' '}
              <VersionSelect versions={candidates} value={canary} onChange={setCanary} label="Canary version" />
            </label>
            <span className="muted">beside stable v{stable}</span>
          </div>
          <label>
            Share of traffic for v{canary}: <output aria-label="Canary share">{percent}%</output>
            <input type="range" min={0} max={100} step={1} value={percent} onChange={(event) => setPercent(Number(event.target.value))} aria-label="Canary percentage" />
          </label>
          <div className="presets">
            {[0, 1, 5, 10, 25, 50, 100].map((preset) => (
              <button key={preset} type="button" className={`chip${preset === percent ? ' selected' : ''}`} onClick={() => setPercent(preset)}>
                {preset}%
              </button>
            ))}
          </div>
        </>
      )}
      <label>
        Reason <span className="muted">(kept in the history)</span>
        <input name="reason" value={reason} onChange={(event) => setReason(event.target.value)} placeholder="v3 passed offline evaluation" maxLength={1000} />
      </label>
      {planRunning && <p className="notice">A progressive plan is moving this canary. Applying a split by hand replaces the plan.</p>}
      {others.length > 0 && (
        <p className="notice">
          {others.map((version) => `v${version}`).join(', ')} also {others.length === 1 ? 'takes' : 'take'} traffic now: a canary split sends everything to v{stable} and the canary. Use
          &quot;Split traffic among versions&quot; to keep them.
        </p>
      )}
      <ErrorNote>{split.error ?? promote.error ?? rollback.error}</ErrorNote>
      <div className="actions">
        {stable !== undefined && candidates.length > 0 && (
          <button type="submit" disabled={split.busy || canary === undefined}>
            Apply {100 - percent}/{percent} split
          </button>
        )}
        {deployment.canary != null && (
          <button type="button" className="secondary" disabled={promote.busy} onClick={() => void promote.run().then(after)}>
            Promote v{deployment.canary} to stable
          </button>
        )}
        {(deployment.canary != null || previous !== undefined) && (
          <button type="button" className="danger" disabled={rollback.busy} onClick={() => void rollback.run().then(after)}>
            Roll back{deployment.canary == null && previous !== undefined ? ` to v${previous}` : ''}
          </button>
        )}
      </div>
    </form>
  );
}

function PlanControls({ name, deployment, canDeploy, onChanged }: { name: string; deployment: Deployment; canDeploy: boolean; onChanged(): Promise<void> }) {
  const state = deployment.planState!;
  const steps = deployment.plan?.steps ?? [];
  const act = useAction(async (action: 'pause' | 'resume' | 'abort') => {
    const path = `/api/models/{name}/deployment/plan/${action}` as const;
    return call(api.POST(path, { params: { path: { name } }, body: {} }));
  });
  const run = (action: 'pause' | 'resume' | 'abort') => void act.run(action).then((done) => done && onChanged());
  return (
    <div className="card" role="group" aria-label="Progressive plan">
      <h3>
        Progressive plan <StatusBadge state={state.status} />
      </h3>
      {state.status === 'running' || state.status === 'paused' ? (
        <p>
          Step {state.step + 1} of {steps.length}: the canary at {state.weight}% (steps {steps.map((step) => `${step}%`).join(' → ')}), since {formatTime(state.stepStartedAt)}.
          {state.reason && <span className="muted"> {state.reason}</span>}
        </p>
      ) : (
        <p>
          Ended at step {state.step + 1} of {steps.length} ({steps.map((step) => `${step}%`).join(' → ')}){state.reason ? `: ${state.reason}` : '.'}
        </p>
      )}
      {deployment.evaluation && <p className="muted small">{deployment.evaluation.reason}</p>}
      <ErrorNote>{act.error}</ErrorNote>
      {canDeploy && (
        <div className="actions">
          {state.status === 'running' && (
            <button type="button" className="secondary" disabled={act.busy} onClick={() => run('pause')}>
              Pause
            </button>
          )}
          {state.status === 'paused' && (
            <button type="button" className="secondary" disabled={act.busy} onClick={() => run('resume')}>
              Resume
            </button>
          )}
          {(state.status === 'running' || state.status === 'paused') && (
            <button type="button" className="danger" disabled={act.busy} onClick={() => run('abort')}>
              Abort (canary to 0%)
            </button>
          )}
        </div>
      )}
    </div>
  );
}

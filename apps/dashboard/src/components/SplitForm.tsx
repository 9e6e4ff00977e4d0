import { useState, type FormEvent } from 'react';
import { api, call, type Schemas } from '../api';
import { useAction } from '../use-resource';
import { weightedSplit, weightsProblem } from './deployment-change';
import { FormFooter } from './FormFooter';

type Deployment = Schemas['DeploymentDto'];

/**
 * Sets the share of traffic of every ready version at once: an A/B test among two or more, or a
 * blue-green switch (one at 100%). The weights must be whole percents that add up to 100; the
 * API checks again that every version that gets traffic is loaded, and says so if not.
 */
export function SplitForm({ name, deployment, ready, onDone, onCancel }: { name: string; deployment: Deployment; ready: number[]; onDone(): Promise<void>; onCancel(): void }) {
  const versions = [...new Set([...ready, ...deployment.routes.map((route) => route.version)])].sort((a, b) => a - b);
  const [weights, setWeights] = useState<Map<number, number>>(() => new Map(versions.map((version) => [version, deployment.routes.find((route) => route.version === version)?.weight ?? 0])));
  const [reason, setReason] = useState('');
  const problem = weightsProblem(weights);
  const total = [...weights.values()].reduce((sum, weight) => sum + (Number.isFinite(weight) ? weight : 0), 0);
  const apply = useAction(async () => call(api.PUT('/api/models/{name}/deployment', { params: { path: { name } }, body: weightedSplit(deployment, weights, reason) })));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (problem === undefined && (await apply.run())) await onDone();
  };
  const planRunning = deployment.planState?.status === 'running' || deployment.planState?.status === 'paused';

  return (
    <form className="card" onSubmit={(event) => void submit(event)} aria-label="Traffic split">
      <h3>Traffic split</h3>
      <p className="muted small">
        Each version&apos;s share of the requests that name no version, in whole percents adding up to 100: an A/B test among several versions, or a switch of all traffic to one.
        Sticky clients keep their version while the weights stay.
      </p>
      <table className="list" aria-label="Weights">
        <thead>
          <tr>
            <th>Version</th>
            <th className="number">Share of traffic, %</th>
          </tr>
        </thead>
        <tbody>
          {versions.map((version) => (
            <tr key={version} data-version={version}>
              <td>
                v{version}
                {version === deployment.stable ? <span className="muted"> (stable)</span> : version === deployment.canary ? <span className="muted"> (canary)</span> : null}
              </td>
              <td className="number">
                <input
                  type="number"
                  min={0}
                  max={100}
                  step={1}
                  required
                  className="weight"
                  value={Number.isFinite(weights.get(version)) ? weights.get(version) : ''}
                  onChange={(event) => setWeights(new Map(weights).set(version, event.target.value === '' ? Number.NaN : Number(event.target.value)))}
                  aria-label={`Weight of v${version}`}
                />
              </td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <td>Total</td>
            <td className="number" aria-label="Total weight">
              {total}%
            </td>
          </tr>
        </tfoot>
      </table>
      {problem !== undefined && <p className="muted small">{problem}</p>}
      {planRunning && <p className="notice">A progressive plan is moving the canary. Applying a split by hand replaces the plan.</p>}
      <label>
        Reason <span className="muted">(kept in the history)</span>
        <input value={reason} onChange={(event) => setReason(event.target.value)} placeholder="A/B test of v2 and v3" maxLength={1000} aria-label="Reason for the split" />
      </label>
      <FormFooter error={apply.error} busy={apply.busy} submit="Apply split" submitDisabled={problem !== undefined} onCancel={onCancel} />
    </form>
  );
}

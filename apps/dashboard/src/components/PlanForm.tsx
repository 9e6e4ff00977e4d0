import { useState, type FormEvent } from 'react';
import { api, call, type Schemas } from '../api';
import { useAction } from '../use-resource';
import { canarySplit } from './deployment-change';
import { FormFooter } from './FormFooter';
import { VersionSelect } from './VersionSelect';
import { planOf } from './plan-fields';

type Deployment = Schemas['DeploymentDto'];

/**
 * Starts a progressive rollout: the canary moves through the steps by itself while its gates
 * hold (error rate, latency against stable), and is rolled back the moment one is breached
 * (docs/rollout.md). Blank gates are not checked; the API refuses steps that do not rise to 100.
 */
export function PlanForm({ name, deployment, stable, candidates, onStarted, onCancel }: {
  name: string;
  deployment: Deployment;
  stable: number;
  candidates: number[];
  onStarted(): Promise<void>;
  onCancel(): void;
}) {
  const [canary, setCanary] = useState(deployment.canary ?? candidates[candidates.length - 1]);
  const [steps, setSteps] = useState('5, 25, 50, 100');
  const [minRequests, setMinRequests] = useState('100');
  const [minDuration, setMinDuration] = useState('60');
  const [maxErrorPercent, setMaxErrorPercent] = useState('1');
  const [maxLatencyRatio, setMaxLatencyRatio] = useState('1.5');
  const [maxP99Ms, setMaxP99Ms] = useState('');
  const [reason, setReason] = useState('');
  const start = useAction(async () => {
    const plan = planOf(steps, { minRequests, minDuration, maxErrorPercent, maxLatencyRatio, maxP99Ms });
    // The canary starts at the plan's first step.
    return call(api.PUT('/api/models/{name}/deployment', { params: { path: { name } }, body: canarySplit(deployment, { stable, canary, canaryWeight: plan.steps[0], plan, reason }) }));
  });
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (await start.run()) await onStarted();
  };

  return (
    <form className="card" onSubmit={(event) => void submit(event)} aria-label="Progressive rollout">
      <h3>Progressive rollout</h3>
      <p className="muted small">
        The canary takes each step&apos;s share of traffic, for at least the time and requests below, and moves on while its gates hold; reaching 100% promotes it. A
        breached gate rolls it back at once.
      </p>
      <div className="row">
        <label className="inline">
          Canary{' '}
          <VersionSelect versions={candidates} value={canary} onChange={setCanary} label="Plan canary version" />
        </label>
        <span className="muted">beside stable v{stable}</span>
      </div>
      <label>
        Steps, % of traffic
        <input name="steps" value={steps} onChange={(event) => setSteps(event.target.value)} required />
        <span className="hint">Rising whole percentages ending at 100, e.g. 5, 25, 50, 100.</span>
      </label>
      <div>
        <label className="inline">
          Requests per step <input name="minRequests" type="number" min={1} value={minRequests} onChange={(event) => setMinRequests(event.target.value)} />
        </label>
        <label className="inline">
          Seconds per step <input name="minDuration" type="number" min={0} step="any" value={minDuration} onChange={(event) => setMinDuration(event.target.value)} />
        </label>
      </div>
      <fieldset>
        <legend>Gates (blank: not checked)</legend>
        <label className="inline">
          Max error rate, % <input name="maxErrorPercent" type="number" min={0} max={100} step="any" value={maxErrorPercent} onChange={(event) => setMaxErrorPercent(event.target.value)} />
        </label>
        <label className="inline">
          Max p95 vs stable, × <input name="maxLatencyRatio" type="number" min={1} step="any" value={maxLatencyRatio} onChange={(event) => setMaxLatencyRatio(event.target.value)} />
        </label>
        <label className="inline">
          Max p99, ms <input name="maxP99Ms" type="number" min={0} step="any" value={maxP99Ms} onChange={(event) => setMaxP99Ms(event.target.value)} />
        </label>
      </fieldset>
      <label>
        Reason <span className="muted">(kept in the history)</span>
        <input name="reason" value={reason} onChange={(event) => setReason(event.target.value)} maxLength={1000} />
      </label>
      <FormFooter error={start.error} busy={start.busy} submit="Start rollout" onCancel={onCancel} />
    </form>
  );
}

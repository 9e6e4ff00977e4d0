import { useEffect, useState, type FormEvent } from 'react';
import { api, call, type Schemas } from '../api';
import { useAction } from '../use-resource';
import { ErrorNote } from './Notice';
import { optionsChange, optionsFormOf, type OptionsForm } from './deployment-change';
import { VersionSelect } from './VersionSelect';

type Deployment = Schemas['DeploymentDto'];

const STICKY: Array<{ value: Deployment['sticky']; label: string }> = [
  { value: 'header', label: 'by X-Routing-Key, when the client sends one' },
  { value: 'key', label: 'by X-Routing-Key, or else by the calling API key' },
  { value: 'none', label: 'never: every request is weighed on its own' },
];

/**
 * The shadow, the fallback and sticky routing of a deployment. They change through PATCH, which
 * leaves the routes and a running plan as they are, and only what the operator edited is sent.
 */
export function DeploymentOptions({ name, deployment, ready, onChanged }: { name: string; deployment: Deployment; ready: number[]; onChanged(): Promise<void> }) {
  const [form, setForm] = useState<OptionsForm>(() => optionsFormOf(deployment));
  // Follow the server when the deployment changes under us (another operator, a plan step), keeping the reason typed.
  useEffect(() => setForm((current) => ({ ...optionsFormOf(deployment), reason: current.reason })), [deployment.revision]); // eslint-disable-line react-hooks/exhaustive-deps
  const set = (fields: Partial<OptionsForm>) => setForm((current) => ({ ...current, ...fields }));
  const routed = new Set(deployment.routes.filter((route) => route.weight > 0).map((route) => route.version));
  // A shadow's copies are compared with another version's answers, so a routed version cannot be one.
  const shadowCandidates = ready.filter((version) => !routed.has(version) || version === deployment.shadow?.version);
  const change = optionsChange(deployment, form);
  const apply = useAction(async () => (change === undefined ? undefined : call(api.PATCH('/api/models/{name}/deployment', { params: { path: { name } }, body: change }))));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void apply.run().then(async (result) => {
      if (result === undefined) return;
      set({ reason: '' });
      await onChanged();
    });
  };

  return (
    <form className="card" onSubmit={submit} aria-label="Shadow and fallback">
      <h3>Shadow, fallback and sticky routing</h3>
      <fieldset>
        <legend>Shadow</legend>
        <p className="muted small">A share of the requests is also sent to a version that gets no traffic; its answers are compared with the real ones and never returned.</p>
        <div className="row">
          <label className="inline">
            Version <VersionSelect versions={shadowCandidates} value={form.shadowVersion} onChange={(version) => set({ shadowVersion: version })} none="none" label="Shadow version" />
          </label>
          {form.shadowVersion !== undefined && (
            <label className="inline">
              copies{' '}
              <input type="number" min={0.01} max={100} step="any" required value={form.shadowPercent} onChange={(event) => set({ shadowPercent: Number(event.target.value) })} aria-label="Shadow percent" />
              % of requests
            </label>
          )}
        </div>
        {shadowCandidates.length === 0 && <p className="muted small">Every ready version that takes stable&apos;s inputs is routed: upload another version to shadow it.</p>}
      </fieldset>
      <fieldset>
        <legend>Fallback</legend>
        <p className="muted small">The version that answers when a routed one is overloaded, or failing often enough to open its circuit.</p>
        <div className="row">
          <label className="inline">
            Version <VersionSelect versions={ready} value={form.fallbackVersion} onChange={(version) => set({ fallbackVersion: version })} none="none" label="Fallback version" />
          </label>
          {form.fallbackVersion !== undefined && (
            <>
              <label className="inline">
                after{' '}
                <input type="number" min={1} max={10000} step={1} required value={form.errorThreshold} onChange={(event) => set({ errorThreshold: Number(event.target.value) })} aria-label="Fallback error threshold" />{' '}
                failures in a row
              </label>
              <label className="inline">
                for{' '}
                <input type="number" min={1} max={86400} step={1} required value={form.openSeconds} onChange={(event) => set({ openSeconds: Number(event.target.value) })} aria-label="Fallback open seconds" /> s
              </label>
            </>
          )}
        </div>
      </fieldset>
      <label>
        Sticky routing{' '}
        <select value={form.sticky} onChange={(event) => set({ sticky: event.target.value as Deployment['sticky'] })} aria-label="Sticky routing">
          {STICKY.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Reason <span className="muted">(kept in the history)</span>
        <input value={form.reason} onChange={(event) => set({ reason: event.target.value })} placeholder="compare v3 on live traffic" maxLength={1000} aria-label="Reason for the change" />
      </label>
      <ErrorNote>{apply.error}</ErrorNote>
      <div className="actions">
        <button type="submit" disabled={apply.busy || change === undefined}>
          Apply
        </button>
        {change !== undefined && (
          <button type="button" className="secondary" onClick={() => setForm(optionsFormOf(deployment))}>
            Undo edits
          </button>
        )}
      </div>
    </form>
  );
}

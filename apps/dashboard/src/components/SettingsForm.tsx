import { useState, type FormEvent } from 'react';
import { api, call, type Schemas } from '../api';
import { useAction } from '../use-resource';
import { FormFooter } from './FormFooter';
import { changedSettings, settingsFieldsOf, type SettingsFields } from './settings-fields';

type Version = Schemas['VersionDto'];

const FIELDS: Array<{ key: keyof SettingsFields; label: string; hint: string }> = [
  { key: 'instances', label: 'Instances', hint: 'worker instances, 1-16' },
  { key: 'device', label: 'Device', hint: 'cpu or gpu:N' },
  { key: 'maxBatchSize', label: 'Max batch size', hint: 'rows an engine call joins, 1-4096' },
  { key: 'maxQueueDelayMs', label: 'Max queue delay (ms)', hint: 'how long a request waits for others, 0-1000' },
  { key: 'maxQueueSize', label: 'Max queue size', hint: 'queued requests before 429' },
  { key: 'defaultTimeoutMs', label: 'Default timeout (ms)', hint: 'a request\u2019s deadline unless it names one' },
];

/**
 * A version's serving settings, changed without a restart: the server loads the version again
 * with them and moves its traffic over once it is ready (nothing in flight fails). Only the
 * fields changed here are sent; the API checks each and says what it accepts.
 */
export function SettingsForm({ name, version, onDone }: { name: string; version: Version; onDone(changed: boolean): Promise<void> }) {
  const initial = settingsFieldsOf(version);
  const [fields, setFields] = useState<SettingsFields>(initial);
  const apply = useAction(async () => {
    const config = changedSettings(initial, fields);
    if (Object.keys(config).length === 0) throw new Error('nothing changed: edit a setting, or cancel');
    return call(api.PATCH('/api/models/{name}/versions/{version}', { params: { path: { name, version: version.version } }, body: { config } }));
  });
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (await apply.run()) await onDone(true);
  };

  return (
    <form className="card" onSubmit={(event) => void submit(event)} aria-label={`Settings of v${version.version}`}>
      <h3>Serving settings of v{version.version}</h3>
      <p className="muted small">Applied without a restart: the version is loaded again with them, and its traffic moves over once it is ready.</p>
      <div className="settings">
        {FIELDS.map(({ key, label, hint }) => (
          <label key={key} className="inline" title={hint}>
            {label}{' '}
            <input name={key} value={fields[key]} onChange={(event) => setFields({ ...fields, [key]: event.target.value })} inputMode={key === 'device' ? 'text' : 'decimal'} />
          </label>
        ))}
      </div>
      <FormFooter error={apply.error} busy={apply.busy} submit="Apply settings" onCancel={() => void onDone(false)} />
    </form>
  );
}

import { useState, type FormEvent } from 'react';
import { allPages, api, call, type Schemas } from '../api';
import { ErrorNote, StatusBadge } from '../components/Notice';
import { FormFooter } from '../components/FormFooter';
import { formatTime } from '../format';
import { useSession, type Scope } from '../session';
import { useAction, useResource } from '../use-resource';

type Key = Schemas['KeyDto'];

const SCOPES: Array<{ scope: Scope; what: string }> = [
  { scope: 'predict', what: 'call the prediction routes' },
  { scope: 'models:read', what: 'read models and versions' },
  { scope: 'models:write', what: 'upload and change models' },
  { scope: 'deploy', what: 'move traffic, promote, roll back' },
  { scope: 'keys', what: 'manage the keys it creates' },
  { scope: 'admin', what: 'everything' },
];

export function KeysPage() {
  const keys = useResource(() => allPages((query) => call(api.GET('/api/keys', { params: { query } }))), []);
  const [shown, setShown] = useState<{ name: string; key: string }>();
  const revoke = useAction(async (id: string) => call(api.DELETE('/api/keys/{id}', { params: { path: { id } } })));
  const rotate = useAction(async (id: string) => call(api.POST('/api/keys/{id}/rotate', { params: { path: { id } }, body: {} })));

  return (
    <section>
      <h1>API keys</h1>
      <p className="muted">
        Clients send a key as <code>Authorization: Bearer mg_…</code> or <code>X-API-Key</code>. Only a hash of its secret is stored: the full key is shown once, when it is
        created or rotated.
      </p>
      {shown && (
        <div className="card notice" role="status" aria-label="New key">
          <p>
            The key for <strong>{shown.name}</strong>. Copy it now: it will not be shown again.
          </p>
          <div className="secret">
            <code data-testid="new-key">{shown.key}</code>
            <button type="button" className="secondary" onClick={() => void navigator.clipboard?.writeText(shown.key)}>
              Copy
            </button>
            <button type="button" className="secondary" onClick={() => setShown(undefined)}>
              Done
            </button>
          </div>
        </div>
      )}
      <CreateKey
        onCreated={async (created) => {
          setShown({ name: created.name, key: created.key });
          await keys.reload();
        }}
      />
      <ErrorNote>{keys.error ?? revoke.error ?? rotate.error}</ErrorNote>
      {keys.data && keys.data.items.length === 0 && <p className="empty">No keys yet.</p>}
      {keys.data && keys.data.items.length > 0 && (
        <table className="list" aria-label="Keys">
          <thead>
            <tr>
              <th>Name</th>
              <th>Scopes</th>
              <th>Models</th>
              <th>State</th>
              <th>Last used</th>
              <th>Expires</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {keys.data.items.map((key) => (
              <tr key={key.id} data-key-id={key.id}>
                <td>
                  {key.name}
                  <div className="muted small">
                    <code>mg_{key.id}_…</code>
                  </div>
                </td>
                <td>{key.scopes.join(', ')}</td>
                <td>{key.models ? key.models.join(', ') : 'all'}</td>
                <td>
                  <StatusBadge state={stateOf(key)} />
                </td>
                <td>{formatTime(key.lastUsedAt)}</td>
                <td>{key.expiresAt ? formatTime(key.expiresAt) : 'never'}</td>
                <td>
                  {!key.revokedAt && (
                    <span className="row">
                      <button
                        type="button"
                        className="link"
                        disabled={rotate.busy}
                        onClick={() =>
                          void rotate.run(key.id).then(async (rotated) => {
                            if (!rotated) return;
                            setShown({ name: rotated.name, key: rotated.key });
                            await keys.reload();
                          })
                        }
                      >
                        Rotate
                      </button>
                      <button
                        type="button"
                        className="link"
                        disabled={revoke.busy}
                        onClick={() => {
                          if (window.confirm(`Revoke "${key.name}"? Clients using it are refused from now on.`)) void revoke.run(key.id).then(() => keys.reload());
                        }}
                      >
                        Revoke
                      </button>
                    </span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function stateOf(key: Key): string {
  if (key.revokedAt) return 'revoked';
  if (key.expiresAt && Date.parse(key.expiresAt) <= Date.now()) return 'expired';
  return 'active';
}

function CreateKey({ onCreated }: { onCreated(key: Schemas['CreatedKeyDto']): Promise<void> }) {
  const { can } = useSession();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Scope[]>(['predict']);
  const [models, setModels] = useState('');
  const [expires, setExpires] = useState('');
  const [perSecond, setPerSecond] = useState('');
  const [burst, setBurst] = useState('');
  const create = useAction(async () => {
    const allowed = models
      .split(',')
      .map((model) => model.trim())
      .filter(Boolean);
    return call(
      api.POST('/api/keys', {
        body: {
          name,
          scopes,
          ...(allowed.length > 0 ? { models: allowed } : {}),
          // The date input gives a day: the key works through the end of it, in the operator's time zone.
          ...(expires ? { expiresAt: new Date(`${expires}T23:59:59`).toISOString() } : {}),
          ...(perSecond ? { rateLimit: { perSecond: Number(perSecond), burst: Number(burst || perSecond) } } : {}),
        },
      }),
    );
  });
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const created = await create.run();
    if (!created) return;
    setOpen(false);
    setName('');
    setModels('');
    setExpires('');
    setPerSecond('');
    setBurst('');
    await onCreated(created);
  };
  const toggle = (scope: Scope) => setScopes((current) => (current.includes(scope) ? current.filter((each) => each !== scope) : [...current, scope]));

  if (!open) {
    return (
      <p>
        <button type="button" onClick={() => setOpen(true)}>
          New key
        </button>
      </p>
    );
  }
  return (
    <form className="card" onSubmit={(event) => void submit(event)} aria-label="New key">
      <h2>New key</h2>
      <label>
        Name
        <input name="name" value={name} onChange={(event) => setName(event.target.value)} placeholder="checkout-service" required autoFocus />
      </label>
      <fieldset>
        <legend>Scopes (a key can only be given scopes you hold yourself)</legend>
        <div className="checks">
          {SCOPES.filter(({ scope }) => can(scope)).map(({ scope, what }) => (
            <label key={scope}>
              <input type="checkbox" checked={scopes.includes(scope)} onChange={() => toggle(scope)} />
              <code>{scope}</code> <span className="muted small">{what}</span>
            </label>
          ))}
        </div>
      </fieldset>
      <label>
        Models <span className="muted">(comma-separated; empty: every model)</span>
        <input name="models" value={models} onChange={(event) => setModels(event.target.value)} placeholder="iris, fraud-detector" />
      </label>
      <label>
        Expires <span className="muted">(empty: never)</span>
        <input name="expires" type="date" value={expires} onChange={(event) => setExpires(event.target.value)} />
      </label>
      <div>
        <label className="inline">
          Rate limit, requests/s <input name="perSecond" type="number" min={0} step="any" value={perSecond} onChange={(event) => setPerSecond(event.target.value)} />
        </label>
        <label className="inline">
          Burst <input name="burst" type="number" min={1} value={burst} onChange={(event) => setBurst(event.target.value)} placeholder={perSecond || ''} />
        </label>
      </div>
      <FormFooter error={create.error} busy={create.busy} submit="Create key" onCancel={() => setOpen(false)} />
    </form>
  );
}

import { useState, type FormEvent } from 'react';
import { allPages, api, call, type Schemas } from '../api';
import { ErrorNote, StatusBadge } from '../components/Notice';
import { FormFooter } from '../components/FormFooter';
import { formatTime } from '../format';
import { useSession } from '../session';
import { useAction, useResource } from '../use-resource';

type Operator = Schemas['OperatorDto'];
type Role = Operator['role'];
const ROLES: Array<{ role: Role; what: string }> = [
  { role: 'viewer', what: 'reads models, deployments and charts' },
  { role: 'operator', what: 'uploads, deploys, predicts, manages its keys' },
  { role: 'admin', what: 'everything, accounts and the audit log included' },
];

/** Dashboard accounts (admins only): create, change role, disable, set a password. */
export function OperatorsPage() {
  const { session } = useSession();
  const operators = useResource(() => allPages((query) => call(api.GET('/api/operators', { params: { query } }))), []);
  const update = useAction(async (username: string, body: Schemas['UpdateOperatorDto']) =>
    call(api.PATCH('/api/operators/{username}', { params: { path: { username } }, body })),
  );
  const [done, setDone] = useState<string>();
  const change = async (username: string, body: Schemas['UpdateOperatorDto'], what: string) => {
    setDone(undefined);
    if (await update.run(username, body)) {
      setDone(`${username}: ${what}`);
      await operators.reload();
    }
  };

  return (
    <section>
      <h1>Operators</h1>
      <p className="muted">Accounts that sign in to this dashboard. Disabling an account or setting its password ends its sessions at once.</p>
      <CreateOperator onCreated={operators.reload} />
      <ErrorNote>{operators.error ?? update.error}</ErrorNote>
      {done && (
        <p className="notice" role="status">
          {done}
        </p>
      )}
      {operators.data && (
        <table className="list" aria-label="Operators">
          <thead>
            <tr>
              <th>Username</th>
              <th>Role</th>
              <th>State</th>
              <th>Last sign-in</th>
              <th>Created</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {operators.data.items.map((operator) => (
              <tr key={operator.username} data-username={operator.username}>
                <td>
                  {operator.username}
                  {operator.username === session.operator.username && <span className="muted"> (you)</span>}
                </td>
                <td>
                  <select
                    aria-label={`Role of ${operator.username}`}
                    value={operator.role}
                    disabled={update.busy || operator.username === session.operator.username}
                    onChange={(event) => void change(operator.username, { role: event.target.value as Role }, `role set to ${event.target.value}`)}
                  >
                    {ROLES.map(({ role }) => (
                      <option key={role} value={role}>
                        {role}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  <StatusBadge state={stateOf(operator)} />
                </td>
                <td>{formatTime(operator.lastLoginAt)}</td>
                <td>{formatTime(operator.createdAt)}</td>
                <td>
                  {operator.username !== session.operator.username && (
                    <span className="row">
                      <button
                        type="button"
                        className="link"
                        disabled={update.busy}
                        onClick={() => void change(operator.username, { disabled: !operator.disabled }, operator.disabled ? 'enabled' : 'disabled, its sessions ended')}
                      >
                        {operator.disabled ? 'Enable' : 'Disable'}
                      </button>
                      <button
                        type="button"
                        className="link"
                        disabled={update.busy}
                        onClick={() => {
                          const password = window.prompt(`A new password for ${operator.username} (at least 12 characters). Its sessions end.`);
                          if (password) void change(operator.username, { password }, 'password set, its sessions ended');
                        }}
                      >
                        Set password
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

function stateOf(operator: Operator): string {
  if (operator.disabled) return 'disabled';
  if (operator.lockedUntil && Date.parse(operator.lockedUntil) > Date.now()) return 'locked';
  return 'active';
}

function CreateOperator({ onCreated }: { onCreated(): Promise<void> }) {
  const [open, setOpen] = useState(false);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('operator');
  const create = useAction(async () => call(api.POST('/api/operators', { body: { username, password, role } })));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!(await create.run())) return;
    setOpen(false);
    setUsername('');
    setPassword('');
    await onCreated();
  };
  if (!open) {
    return (
      <p>
        <button type="button" onClick={() => setOpen(true)}>
          New operator
        </button>
      </p>
    );
  }
  return (
    <form className="card" onSubmit={(event) => void submit(event)} aria-label="New operator">
      <h2>New operator</h2>
      <label>
        Username
        <input name="username" autoComplete="off" value={username} onChange={(event) => setUsername(event.target.value)} placeholder="alice" required autoFocus />
      </label>
      <label>
        Password <span className="muted">(give it to them; they can change it under their name, top right)</span>
        <input name="password" type="password" autoComplete="new-password" value={password} onChange={(event) => setPassword(event.target.value)} required />
      </label>
      <fieldset>
        <legend>Role</legend>
        <div className="checks">
          {ROLES.map((option) => (
            <label key={option.role}>
              <input type="radio" name="role" checked={role === option.role} onChange={() => setRole(option.role)} />
              <code>{option.role}</code> <span className="muted small">{option.what}</span>
            </label>
          ))}
        </div>
      </fieldset>
      <FormFooter error={create.error} busy={create.busy} submit="Create operator" onCancel={() => setOpen(false)} />
    </form>
  );
}

import { useState, type FormEvent } from 'react';
import { api, call } from '../api';
import { ErrorNote } from '../components/Notice';
import { formatTime } from '../format';
import { useSession } from '../session';
import { useAction } from '../use-resource';

/** The signed-in operator: role, scopes, session, and changing the password (the first admin's is generated). */
export function AccountPage() {
  const { session } = useSession();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [changed, setChanged] = useState(false);
  const change = useAction(async () => {
    if (next !== again) throw new Error('the new password and its repetition differ: type the same new password twice');
    await call(api.POST('/api/auth/password', { body: { currentPassword: current, newPassword: next } }));
    return true;
  });
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setChanged(false);
    if (!(await change.run())) return;
    setCurrent('');
    setNext('');
    setAgain('');
    setChanged(true);
  };

  return (
    <section>
      <h1>{session.operator.username}</h1>
      <p>
        Role <code>{session.operator.role}</code>, which may: {session.scopes.join(', ')}. This session ends {formatTime(session.expiresAt)}.
      </p>
      <form className="card" onSubmit={(event) => void submit(event)} aria-label="Change password">
        <h2>Change password</h2>
        <label>
          Current password
          <input name="current" type="password" autoComplete="current-password" value={current} onChange={(event) => setCurrent(event.target.value)} required />
        </label>
        <label>
          New password <span className="muted">(12 characters or more; a passphrase is best)</span>
          <input name="new" type="password" autoComplete="new-password" value={next} onChange={(event) => setNext(event.target.value)} required />
        </label>
        <label>
          New password again
          <input name="again" type="password" autoComplete="new-password" value={again} onChange={(event) => setAgain(event.target.value)} required />
        </label>
        <ErrorNote>{change.error}</ErrorNote>
        {changed && (
          <p className="notice" role="status">
            Password changed. Your other sessions have ended; this one goes on.
          </p>
        )}
        <div className="actions">
          <button type="submit" disabled={change.busy}>
            Change password
          </button>
        </div>
      </form>
    </section>
  );
}

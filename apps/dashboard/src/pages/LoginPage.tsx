import { useState, type FormEvent } from 'react';
import { api, call } from '../api';
import { ErrorNote } from '../components/Notice';
import type { Session } from '../session';
import { useAction } from '../use-resource';

export function LoginPage({ notice, onSignedIn }: { notice?: string; onSignedIn(session: Session): void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const login = useAction(async () => call(api.POST('/api/auth/login', { body: { username, password } })));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const session = await login.run();
    if (session) onSignedIn(session);
  };

  return (
    <main className="login">
      <form onSubmit={(event) => void submit(event)} aria-label="Sign in">
        <h1>Modelgate</h1>
        <p className="muted">Sign in with an operator account. The first start printed the admin's password and saved it to <code>data/admin-password</code>.</p>
        {notice && <p className="notice">{notice}</p>}
        <label>
          Username
          <input name="username" autoComplete="username" value={username} onChange={(event) => setUsername(event.target.value)} required autoFocus />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" value={password} onChange={(event) => setPassword(event.target.value)} required />
        </label>
        <ErrorNote>{login.error}</ErrorNote>
        <button type="submit" disabled={login.busy}>
          {login.busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}

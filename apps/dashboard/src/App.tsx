import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, call, messageOf, onSessionLost } from './api';
import { Link, navigate, useRoute, type Route } from './router';
import { SessionContext, sessionState, type Session } from './session';
import { LoginPage } from './pages/LoginPage';
import { ModelsPage } from './pages/ModelsPage';
import { ModelPage } from './pages/ModelPage';
import { JobsPage } from './pages/JobsPage';
import { KeysPage } from './pages/KeysPage';
import { AuditPage } from './pages/AuditPage';
import { AccountPage } from './pages/AccountPage';
import { OperatorsPage } from './pages/OperatorsPage';

type Auth = { status: 'checking' } | { status: 'signed-out'; notice?: string } | { status: 'signed-in'; session: Session };

export function App() {
  const [auth, setAuth] = useState<Auth>({ status: 'checking' });
  const route = useRoute();

  useEffect(() => {
    let live = true;
    call(api.GET('/api/auth/session'))
      .then((session) => live && setAuth({ status: 'signed-in', session }))
      .catch(() => live && setAuth({ status: 'signed-out' }));
    return () => {
      live = false;
    };
  }, []);
  useEffect(() => onSessionLost(() => setAuth({ status: 'signed-out', notice: 'Your session ended. Sign in again.' })), []);

  const signOut = useCallback(async () => {
    try {
      await call(api.POST('/api/auth/logout'));
    } catch (error) {
      console.warn(`Sign-out: ${messageOf(error)}`);
    }
    setAuth({ status: 'signed-out' });
  }, []);
  const state = useMemo(() => (auth.status === 'signed-in' ? sessionState(auth.session) : null), [auth]);

  if (auth.status === 'checking') return <p className="loading page-loading">Loading…</p>;
  if (auth.status === 'signed-out' || !state) {
    return <LoginPage notice={auth.status === 'signed-out' ? auth.notice : undefined} onSignedIn={(session) => setAuth({ status: 'signed-in', session })} />;
  }
  return (
    <SessionContext.Provider value={state}>
      <header className="topbar">
        <Link href="/" className="brand">
          Modelgate
        </Link>
        <nav>
          <NavLink href="/" active={route.page === 'models' || route.page === 'model'}>
            Models
          </NavLink>
          {state.can('predict') && (
            <NavLink href="/jobs" active={route.page === 'jobs'}>
              Jobs
            </NavLink>
          )}
          {state.can('keys') && (
            <NavLink href="/keys" active={route.page === 'keys'}>
              API keys
            </NavLink>
          )}
          {state.can('admin') && (
            <NavLink href="/operators" active={route.page === 'operators'}>
              Operators
            </NavLink>
          )}
          {state.can('admin') && (
            <NavLink href="/audit" active={route.page === 'audit'}>
              Audit log
            </NavLink>
          )}
          <a href="/docs" target="_blank" rel="noreferrer">
            API docs
          </a>
        </nav>
        <Link href="/account" className="who" title={`Your account; scopes: ${state.session.scopes.join(', ')}`}>
          {state.session.operator.username} <span className="muted">({state.session.operator.role})</span>
        </Link>
        <button type="button" className="secondary" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      <main>
        <Page route={route} />
      </main>
    </SessionContext.Provider>
  );
}

function NavLink({ href, active, children }: { href: string; active: boolean; children: string }) {
  return (
    <Link href={href} className={active ? 'active' : undefined} aria-current={active ? 'page' : undefined}>
      {children}
    </Link>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'models':
      return <ModelsPage />;
    case 'model':
      return <ModelPage key={route.name} name={route.name} />;
    case 'jobs':
      return <JobsPage />;
    case 'keys':
      return <KeysPage />;
    case 'audit':
      return <AuditPage />;
    case 'operators':
      return <OperatorsPage />;
    case 'account':
      return <AccountPage />;
    case 'not-found':
      return (
        <section>
          <h1>Not found</h1>
          <p>
            Nothing lives at <code>{route.path}</code>.{' '}
            <a href="/" onClick={(event) => (event.preventDefault(), navigate('/'))}>
              Back to the models
            </a>
          </p>
        </section>
      );
  }
}

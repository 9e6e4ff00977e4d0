import { createContext, useContext } from 'react';
import type { Schemas } from './api';

export type Session = Schemas['SessionDto'];
export type Scope = 'predict' | 'models:read' | 'models:write' | 'deploy' | 'keys' | 'admin';

export interface SessionState {
  session: Session;
  /** Whether the operator's role allows it (admin allows everything), as the API decides. */
  can(scope: Scope): boolean;
}

export const SessionContext = createContext<SessionState | null>(null);

export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error('useSession outside a signed-in dashboard');
  return state;
}

export function sessionState(session: Session): SessionState {
  return { session, can: (scope) => session.scopes.includes('admin') || session.scopes.includes(scope) };
}

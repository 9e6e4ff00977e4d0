/**
 * How repeated failed logins slow down and lock an account. Every attempt is counted as a failure
 * when it starts (and cleared when the password turns out right), so parallel guesses cannot slip
 * past the count. From the second consecutive failure on, the next attempt must wait 1 s, then 2,
 * 4... (at most 30 s); at `maxFailures` the account locks for `lockMs`. A successful login resets
 * everything.
 */
export interface LoginPolicy {
  maxFailures: number;
  lockMs: number;
}

export interface LoginState {
  failedLogins: number;
  lastFailedLoginAt: Date | null;
  lockedUntil: Date | null;
}

export const CLEAN_LOGIN_STATE: LoginState = { failedLogins: 0, lastFailedLoginAt: null, lockedUntil: null };
export const MAX_BACKOFF_MS = 30_000;

/** Milliseconds until the account takes another attempt; 0: now. */
export function loginWaitMs(state: LoginState, now: number): number {
  if (state.lockedUntil && state.lockedUntil.getTime() > now) return state.lockedUntil.getTime() - now;
  if (state.failedLogins >= 2 && state.lastFailedLoginAt) {
    const backoff = Math.min(1000 * 2 ** (state.failedLogins - 2), MAX_BACKOFF_MS);
    return Math.max(0, state.lastFailedLoginAt.getTime() + backoff - now);
  }
  return 0;
}

/** The state to store as an attempt starts: one more failure, locking at the limit. */
export function stateForAttempt(state: LoginState, now: number, policy: LoginPolicy): LoginState {
  const lockOver = state.lockedUntil !== null && state.lockedUntil.getTime() <= now;
  const failures = (lockOver ? 0 : state.failedLogins) + 1;
  if (failures >= policy.maxFailures) return { failedLogins: 0, lastFailedLoginAt: new Date(now), lockedUntil: new Date(now + policy.lockMs) };
  return { failedLogins: failures, lastFailedLoginAt: new Date(now), lockedUntil: lockOver ? null : state.lockedUntil };
}

/**
 * The same policy in memory, for usernames that do not exist: they answer exactly like real
 * accounts (slowing down, then "locked"), so lockouts do not reveal which usernames exist.
 */
export class UnknownAccountThrottle {
  private readonly states = new Map<string, LoginState>();

  constructor(
    private readonly policy: LoginPolicy,
    private readonly maxEntries = 10_000,
  ) {}

  waitMs(username: string, now: number): number {
    const state = this.states.get(username);
    return state ? loginWaitMs(state, now) : 0;
  }

  fail(username: string, now: number): void {
    if (this.states.size >= this.maxEntries && !this.states.has(username)) this.states.clear();
    this.states.set(username, stateForAttempt(this.states.get(username) ?? CLEAN_LOGIN_STATE, now, this.policy));
  }
}

import { CLEAN_LOGIN_STATE, loginWaitMs, stateForAttempt, UnknownAccountThrottle, type LoginState } from './login-throttle';

const policy = { maxFailures: 5, lockMs: 15 * 60_000 };

describe('login throttle', () => {
  it('takes two attempts at once, then backs off 1 s, 2 s, 4 s, and locks at the limit', () => {
    let now = 1_000_000;
    let state: LoginState = CLEAN_LOGIN_STATE;
    const waits: number[] = [];
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      const wait = loginWaitMs(state, now);
      waits.push(wait);
      now += wait;
      state = stateForAttempt(state, now, policy);
    }
    expect(waits).toEqual([0, 0, 1000, 2000, 4000]);
    expect(state.lockedUntil?.getTime()).toBe(now + policy.lockMs);
    expect(loginWaitMs(state, now)).toBe(policy.lockMs);
    expect(loginWaitMs(state, now + policy.lockMs - 1)).toBe(1);
    // The lock over, the count starts again.
    now += policy.lockMs;
    expect(loginWaitMs(state, now)).toBe(0);
    state = stateForAttempt(state, now, policy);
    expect(state).toEqual({ failedLogins: 1, lastFailedLoginAt: new Date(now), lockedUntil: null });
  });

  it('caps the backoff at 30 seconds', () => {
    const state = { failedLogins: 40, lastFailedLoginAt: new Date(0), lockedUntil: null };
    expect(loginWaitMs(state, 0)).toBe(30_000);
  });

  it('treats unknown usernames alike', () => {
    const throttle = new UnknownAccountThrottle({ maxFailures: 3, lockMs: 60_000 });
    expect(throttle.waitMs('ghost', 0)).toBe(0);
    throttle.fail('ghost', 0);
    throttle.fail('ghost', 0);
    expect(throttle.waitMs('ghost', 0)).toBe(1000);
    throttle.fail('ghost', 1000);
    expect(throttle.waitMs('ghost', 1000)).toBe(60_000);
    expect(throttle.waitMs('other', 1000)).toBe(0);
  });

  it('stays bounded', () => {
    const throttle = new UnknownAccountThrottle(policy, 10);
    for (let index = 0; index < 100; index += 1) throttle.fail(`user${index}`, 0);
    expect((throttle as unknown as { states: Map<string, unknown> }).states.size).toBeLessThanOrEqual(10);
  });
});

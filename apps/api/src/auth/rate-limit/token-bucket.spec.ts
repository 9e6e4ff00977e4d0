import { describeBucket, refillMs, takeToken, type BucketState } from './token-bucket';

const limit = { perSecond: 2, burst: 3 };

describe('token bucket', () => {
  it('allows a burst, then refuses until tokens come back at the rate', () => {
    let state: BucketState | undefined;
    const allowed: boolean[] = [];
    for (let index = 0; index < 4; index += 1) {
      const result = takeToken(state, limit, 1000);
      state = result.state;
      allowed.push(result.allowed);
    }
    expect(allowed).toEqual([true, true, true, false]);
    expect(takeToken(state, limit, 1499).allowed).toBe(false);
    const later = takeToken(state, limit, 1500);
    expect(later.allowed).toBe(true);
    expect(later.state.tokens).toBeCloseTo(0);
  });

  it('never holds more than the burst, however long it was idle', () => {
    const idle = takeToken({ tokens: 0, updatedAt: 0 }, limit, 3_600_000);
    expect(idle.state.tokens).toBe(2);
  });

  it('ignores a clock that goes back', () => {
    const state = { tokens: 0.5, updatedAt: 10_000 };
    const result = takeToken(state, limit, 5_000);
    expect(result.allowed).toBe(false);
    expect(result.state.updatedAt).toBe(10_000);
  });

  it('applies a lowered limit at once', () => {
    const result = takeToken({ tokens: 100, updatedAt: 0 }, { perSecond: 1, burst: 5 }, 0);
    expect(result.state.tokens).toBe(4);
  });

  it('describes the bucket for the RateLimit headers and Retry-After', () => {
    expect(describeBucket(2, limit, true)).toEqual({ allowed: true, limit: 3, remaining: 2, resetSeconds: 1, retryAfterSeconds: 0 });
    expect(describeBucket(0.2, limit, false)).toEqual({ allowed: false, limit: 3, remaining: 0, resetSeconds: 2, retryAfterSeconds: 1 });
    expect(describeBucket(0, { perSecond: 0.1, burst: 1 }, false).retryAfterSeconds).toBe(10);
    expect(refillMs({ tokens: 1, updatedAt: 0 }, limit)).toBe(1000);
  });
});

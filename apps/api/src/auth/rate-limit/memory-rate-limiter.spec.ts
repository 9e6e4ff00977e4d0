import { MemoryRateLimiter } from './memory-rate-limiter';

describe('MemoryRateLimiter', () => {
  let now = 0;
  const clock = () => now;

  beforeEach(() => {
    now = 1_000_000;
  });

  it('keeps one bucket per name: one client at its limit does not touch another', () => {
    const limiter = new MemoryRateLimiter(100, clock);
    const limit = { perSecond: 1, burst: 2 };
    expect(limiter.consumeNow('a', limit).allowed).toBe(true);
    expect(limiter.consumeNow('a', limit).allowed).toBe(true);
    expect(limiter.consumeNow('a', limit)).toMatchObject({ allowed: false, retryAfterSeconds: 1, remaining: 0 });
    expect(limiter.consumeNow('b', limit)).toMatchObject({ allowed: true, remaining: 1 });
  });

  it('sweeps buckets that have refilled and stays under its cap', () => {
    const limiter = new MemoryRateLimiter(50, clock);
    const limit = { perSecond: 10, burst: 10 };
    for (let index = 0; index < 40; index += 1) limiter.consumeNow(`client${index}`, limit);
    now += 20_000;
    limiter.consumeNow('late', limit);
    expect(limiter.size).toBe(1);
    for (let index = 0; index < 500; index += 1) limiter.consumeNow(`flood${index}`, limit);
    expect(limiter.size).toBeLessThanOrEqual(50);
  });
});

import type { LoadResult } from './load';
import { medianOfRounds } from './load';

function round(requestsPerSecond: number, p50Ms: number, p99Ms: number, extra: Partial<LoadResult> = {}): LoadResult {
  return { requestsPerSecond, completed: requestsPerSecond * 2, seconds: 2, p50Ms, p90Ms: p99Ms / 2, p99Ms, maxMs: p99Ms * 2, meanMs: p50Ms, non2xx: {}, errors: 0, timeouts: 0, ...extra };
}

describe('medianOfRounds', () => {
  it('keeps the median of each figure on its own, so that one round in a slow spell moves none of them', () => {
    const combined = medianOfRounds([round(20_000, 2.5, 7), round(9_000, 6.8, 16), round(21_000, 2.4, 6.5)]);
    expect(combined.requestsPerSecond).toBe(20_000);
    expect(combined.p50Ms).toBe(2.5);
    expect(combined.p99Ms).toBe(7);
    expect(combined.meanMs).toBe(2.5);
  });

  it('adds up what every round answered, and keeps the longest latency and the errors of any round', () => {
    const combined = medianOfRounds([
      round(100, 1, 2, { non2xx: { 503: 2 }, errors: 1 }),
      round(300, 1, 2, { maxMs: 90, non2xx: { 503: 1, 429: 4 }, firstError: 'ECONNRESET' }),
      round(200, 1, 2, { timeouts: 3 }),
    ]);
    expect(combined).toMatchObject({ completed: 1_200, seconds: 6, maxMs: 90, non2xx: { 503: 3, 429: 4 }, errors: 1, timeouts: 3, firstError: 'ECONNRESET' });
  });

  it('returns a single round as it is', () => {
    const only = round(500, 1, 3);
    expect(medianOfRounds([only])).toBe(only);
  });

  it('refuses no rounds', () => {
    expect(() => medianOfRounds([])).toThrow(/no rounds/);
  });
});

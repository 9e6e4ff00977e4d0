import { ROLLUP_BUCKET_COUNT, ROLLUP_LATENCY_BOUNDS_MS, bucketIndex } from './latency-buckets';
import { percentileFromBuckets } from './percentiles';
import { VERSION_WINDOW_SECONDS, VersionWindow } from './version-window';

describe('VersionWindow', () => {
  const start = 1_700_000_000_000;
  const second = 1_000;

  it('counts requests, server errors and percentiles per version from a start time', () => {
    const window = new VersionWindow();
    const latencies = Array.from({ length: 200 }, (_, index) => 1 + (index % 100));
    latencies.forEach((latency, index) => window.record('iris', 2, latency, index % 10 === 0, start + index * 10));
    window.record('iris', 1, 500, true, start);

    const figures = window.since('iris', 2, start, start + 5 * second);
    const buckets = new Array<number>(ROLLUP_BUCKET_COUNT).fill(0);
    for (const latency of latencies) buckets[bucketIndex(ROLLUP_LATENCY_BOUNDS_MS, latency)]++;
    expect(figures).toEqual({
      requests: 200,
      errors: 20,
      errorRate: 0.1,
      p95Ms: percentileFromBuckets(ROLLUP_LATENCY_BOUNDS_MS, buckets, 0.95),
      p99Ms: percentileFromBuckets(ROLLUP_LATENCY_BOUNDS_MS, buckets, 0.99),
    });
    expect(figures.p95Ms).toBeGreaterThan(80);
    expect(figures.p95Ms).toBeLessThanOrEqual(100);
    expect(window.since('iris', 1, start, start + second)).toMatchObject({ requests: 1, errors: 1, errorRate: 1, p95Ms: expect.any(Number) });
  });

  it('answers no figures for a version, model or period without requests', () => {
    const window = new VersionWindow();
    window.record('iris', 1, 3, false, start);
    const none = { requests: 0, errors: 0, errorRate: null, p95Ms: null, p99Ms: null };
    expect(window.since('iris', 2, start, start + second)).toEqual(none);
    expect(window.since('other', 1, start, start + second)).toEqual(none);
    expect(window.since('iris', 1, start + 2 * second, start + 3 * second)).toEqual(none);
  });

  it('counts whole seconds: the second that holds the start counts in full, later seconds only up to now', () => {
    const window = new VersionWindow();
    window.record('iris', 1, 3, false, start + 100);
    window.record('iris', 1, 3, false, start + 900);
    window.record('iris', 1, 3, false, start + 1_500);
    window.record('iris', 1, 3, false, start + 3_200);
    expect(window.since('iris', 1, start + 800, start + 2_000).requests).toBe(3);
    expect(window.since('iris', 1, start + 1_000, start + 5_000).requests).toBe(2);
    expect(window.since('iris', 1, start, start + 1_999).requests).toBe(3);
  });

  it('forgets seconds older than the window, also when their slot is reused', () => {
    const window = new VersionWindow();
    const windowMs = VERSION_WINDOW_SECONDS * second;
    window.record('iris', 1, 3, true, start);
    window.record('iris', 1, 3, false, start + 10 * second);
    // The slot of `start` is reused one window later: the old count must not leak into it.
    window.record('iris', 1, 7, false, start + windowMs);
    expect(window.since('iris', 1, 0, start + windowMs)).toMatchObject({ requests: 2, errors: 0 });
    // A start before the window answers the window.
    expect(window.since('iris', 1, start - windowMs, start + windowMs + 10 * second).requests).toBe(1);
    expect(window.since('iris', 1, start, start + 3 * windowMs).requests).toBe(0);
  });

  it('keeps a ring only for versions with recent traffic', () => {
    const window = new VersionWindow();
    const windowMs = VERSION_WINDOW_SECONDS * second;
    window.record('iris', 1, 3, false, start);
    window.record('iris', 2, 3, false, start + second);
    window.record('wine', 1, 3, false, start + windowMs);
    expect(window.trackedVersions()).toBe(3);
    // A new version is allocated more than a window after iris 1 and 2 were last seen.
    window.record('wine', 2, 3, false, start + windowMs + 2 * second);
    expect(window.trackedVersions()).toBe(2);
    expect(window.since('iris', 2, 0, start + windowMs + 2 * second).requests).toBe(0);
    window.record('iris', 1, 3, false, start + windowMs + 3 * second);
    expect(window.since('iris', 1, start, start + windowMs + 3 * second).requests).toBe(1);
  });
});

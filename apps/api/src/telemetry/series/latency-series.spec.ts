import { LatencySeries, MINUTE_MS } from './latency-series';

describe('LatencySeries', () => {
  const minute = 1_700_000_000_000 - (1_700_000_000_000 % MINUTE_MS);

  it('keeps one rollup per version and minute, and hands each to exactly one flush', () => {
    const series = new LatencySeries();
    series.record('iris', 1, 2, false, minute + 1_000);
    series.record('iris', 1, 3, true, minute + 2_000);
    series.record('iris', 2, 4, false, minute + 3_000);
    series.record('iris', 1, 5, false, minute + MINUTE_MS + 1);
    const taken = series.takeForFlush();
    expect(taken.map((rollup) => [rollup.version, rollup.minute, rollup.requests, rollup.errors, rollup.latencySumMs])).toEqual([
      [1, minute, 2, 1, 5],
      [1, minute + MINUTE_MS, 1, 0, 5],
      [2, minute, 1, 0, 4],
    ]);
    // Once stored, not taken again.
    series.flushed();
    expect(series.takeForFlush()).toEqual([]);
  });

  it('gives back what a failed flush took, merged with what came meanwhile', () => {
    const series = new LatencySeries();
    series.record('iris', 1, 2, false, minute);
    series.takeForFlush();
    series.record('iris', 1, 3, false, minute + 10);
    series.flushFailed();
    const retried = series.takeForFlush();
    expect(retried).toHaveLength(1);
    expect(retried[0].requests).toBe(2);
    expect(retried[0].buckets.reduce((sum, count) => sum + count, 0)).toBe(2);
  });
});

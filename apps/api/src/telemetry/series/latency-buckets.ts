/**
 * Bucket bounds shared by everything that keeps latency histograms, and the search that places a
 * value in them. Bounds are upper bounds (a value equal to a bound falls in that bucket); the last
 * bucket of every histogram is the overflow above the largest bound.
 */

/**
 * Prometheus histograms (seconds): 100 µs to 30 s on a 1-2.5-5 ladder, the same for every version
 * so that `sum by (le)` aggregates replicas and versions.
 */
export const PROMETHEUS_LATENCY_BUCKETS_SECONDS: readonly number[] = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
];

/** Engine calls joined this many requests or fewer (per-call batch sizes). */
export const BATCH_SIZE_BUCKETS: readonly number[] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

/**
 * The per-minute rollups behind the charts (milliseconds): ten buckets per decade (the R10
 * preferred numbers) from 0.1 ms to 30 s, so a percentile interpolated inside a bucket is off by at
 * most a quarter of the value. Stored in `latency_rollups.latency_buckets` by position: never change
 * or reorder these bounds, only append new ones (older rows then read as zero in the new buckets).
 */
export const ROLLUP_LATENCY_BOUNDS_MS: readonly number[] = (() => {
  const mantissas = [1, 1.25, 1.6, 2, 2.5, 3.2, 4, 5, 6.3, 8];
  const bounds: number[] = [];
  for (let exponent = -1; exponent <= 4; exponent++) {
    for (const mantissa of mantissas) {
      const bound = Number((mantissa * 10 ** exponent).toPrecision(3));
      if (bound <= 30_000) bounds.push(bound);
    }
  }
  bounds.push(30_000);
  return Object.freeze(bounds);
})();

/** Number of counts a rollup holds: one per bound plus the overflow. */
export const ROLLUP_BUCKET_COUNT = ROLLUP_LATENCY_BOUNDS_MS.length + 1;

/** Index of the bucket that holds `value`: the first bound >= value, or bounds.length (overflow). */
export function bucketIndex(bounds: readonly number[], value: number): number {
  let low = 0;
  let high = bounds.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (value <= bounds[middle]) high = middle;
    else low = middle + 1;
  }
  return low;
}

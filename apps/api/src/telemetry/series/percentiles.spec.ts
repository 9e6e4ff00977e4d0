import { bucketIndex, PROMETHEUS_LATENCY_BUCKETS_SECONDS, ROLLUP_BUCKET_COUNT, ROLLUP_LATENCY_BOUNDS_MS } from './latency-buckets';
import { addCounts, percentileFromBuckets } from './percentiles';

/** Buckets `values` into the rollup bounds, as the recorder does. */
function bucketed(values: number[]): number[] {
  const counts = new Array<number>(ROLLUP_BUCKET_COUNT).fill(0);
  for (const value of values) counts[bucketIndex(ROLLUP_LATENCY_BOUNDS_MS, value)]++;
  return counts;
}

/** The exact percentile of a sample (nearest rank), to compare the estimate with. */
function exact(values: number[], quantile: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(quantile * sorted.length) - 1)];
}

describe('bucket bounds', () => {
  it('span 100 µs to 30 s, ascending', () => {
    expect(PROMETHEUS_LATENCY_BUCKETS_SECONDS[0]).toBe(0.0001);
    expect(PROMETHEUS_LATENCY_BUCKETS_SECONDS.at(-1)).toBe(30);
    expect(ROLLUP_LATENCY_BOUNDS_MS[0]).toBe(0.1);
    expect(ROLLUP_LATENCY_BOUNDS_MS.at(-1)).toBe(30_000);
    for (const bounds of [PROMETHEUS_LATENCY_BUCKETS_SECONDS, ROLLUP_LATENCY_BOUNDS_MS]) {
      for (let index = 1; index < bounds.length; index++) expect(bounds[index]).toBeGreaterThan(bounds[index - 1]);
    }
    // Ten per decade: neighbouring bounds differ by at most 30 %.
    for (let index = 1; index < ROLLUP_LATENCY_BOUNDS_MS.length; index++) {
      expect(ROLLUP_LATENCY_BOUNDS_MS[index] / ROLLUP_LATENCY_BOUNDS_MS[index - 1]).toBeLessThanOrEqual(1.3);
    }
  });

  it('put a value equal to a bound in that bucket, and values past the last in the overflow', () => {
    const bounds = [1, 2, 4];
    expect(bucketIndex(bounds, 0)).toBe(0);
    expect(bucketIndex(bounds, 1)).toBe(0);
    expect(bucketIndex(bounds, 1.0001)).toBe(1);
    expect(bucketIndex(bounds, 4)).toBe(2);
    expect(bucketIndex(bounds, 4.5)).toBe(3);
  });
});

describe('percentileFromBuckets', () => {
  it('interpolates within the bucket like histogram_quantile', () => {
    const bounds = [1, 2, 4];
    expect(percentileFromBuckets(bounds, [1, 1, 2, 0], 0.5)).toBe(2);
    expect(percentileFromBuckets(bounds, [1, 1, 2, 0], 0.75)).toBe(3);
    // The first bucket starts at zero.
    expect(percentileFromBuckets(bounds, [10, 0, 0, 0], 0.5)).toBe(0.5);
    // A rank in the overflow answers the largest bound.
    expect(percentileFromBuckets(bounds, [0, 0, 1, 9], 0.99)).toBe(4);
    expect(percentileFromBuckets(bounds, [0, 0, 0, 0], 0.5)).toBeNull();
    expect(() => percentileFromBuckets(bounds, [1, 0, 0, 0], 0)).toThrow(RangeError);
  });

  it('recovers the percentiles of a uniform distribution almost exactly', () => {
    const values = Array.from({ length: 100_000 }, (_, index) => ((index + 0.5) / 100_000) * 100);
    const counts = bucketed(values);
    for (const quantile of [0.5, 0.95, 0.99]) {
      const estimate = percentileFromBuckets(ROLLUP_LATENCY_BOUNDS_MS, counts, quantile)!;
      expect(Math.abs(estimate - exact(values, quantile)) / exact(values, quantile)).toBeLessThan(0.01);
    }
  });

  it('stays within the bucket resolution for a skewed (exponential) distribution', () => {
    // Quantiles of Exp(mean 10 ms) taken at evenly spaced probabilities: a noiseless sample.
    const values = Array.from({ length: 50_000 }, (_, index) => -10 * Math.log(1 - (index + 0.5) / 50_000));
    const counts = bucketed(values);
    for (const [quantile, truth] of [
      [0.5, 10 * Math.log(2)],
      [0.95, 10 * Math.log(20)],
      [0.99, 10 * Math.log(100)],
    ] as const) {
      const estimate = percentileFromBuckets(ROLLUP_LATENCY_BOUNDS_MS, counts, quantile)!;
      expect(Math.abs(estimate - truth) / truth).toBeLessThan(0.1);
    }
  });

  it('places a constant latency inside its bucket', () => {
    const counts = bucketed(new Array<number>(1000).fill(3));
    const p50 = percentileFromBuckets(ROLLUP_LATENCY_BOUNDS_MS, counts, 0.5)!;
    expect(p50).toBeGreaterThan(2.5);
    expect(p50).toBeLessThanOrEqual(3.2);
  });

  it('gives the same answer for summed buckets as for the pooled sample (downsampling)', () => {
    const first = Array.from({ length: 1000 }, (_, index) => 1 + (index % 50));
    const second = Array.from({ length: 3000 }, (_, index) => 200 + (index % 400));
    const summed = bucketed(first);
    addCounts(summed, bucketed(second));
    expect(summed).toEqual(bucketed([...first, ...second]));
    const p99 = percentileFromBuckets(ROLLUP_LATENCY_BOUNDS_MS, summed, 0.99)!;
    expect(Math.abs(p99 - exact([...first, ...second], 0.99)) / exact([...first, ...second], 0.99)).toBeLessThan(0.15);
  });
});

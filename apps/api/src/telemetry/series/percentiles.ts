/**
 * Percentiles from bucketed counts, the way Prometheus's histogram_quantile computes them: find the
 * bucket that holds the wanted rank and interpolate linearly between its lower and upper bound (the
 * first bucket starts at 0). A rank that lands in the overflow bucket answers the largest bound, as
 * nothing better is known about values past it.
 *
 * @param bounds  upper bounds, ascending
 * @param counts  counts per bucket (not cumulative): bounds.length + 1 entries, the last the overflow
 * @param quantile 0 < quantile <= 1 (0.99 for p99)
 * @returns the estimate, or null when there are no counts
 */
export function percentileFromBuckets(bounds: readonly number[], counts: ArrayLike<number>, quantile: number): number | null {
  if (!(quantile > 0 && quantile <= 1)) throw new RangeError(`quantile must be in (0, 1], got ${quantile}`);
  let total = 0;
  for (let index = 0; index < counts.length; index++) total += counts[index];
  if (total === 0) return null;
  const rank = quantile * total;
  let below = 0;
  for (let index = 0; index < counts.length; index++) {
    const count = counts[index];
    if (count > 0 && below + count >= rank) {
      if (index >= bounds.length) return bounds[bounds.length - 1];
      const lower = index === 0 ? 0 : bounds[index - 1];
      const upper = bounds[index];
      return lower + (upper - lower) * ((rank - below) / count);
    }
    below += count;
  }
  return bounds[bounds.length - 1];
}

/** Adds `source` into `target` element by element (arrays of different lengths add over the shorter). */
export function addCounts(target: { [index: number]: number; length: number }, source: ArrayLike<number>): void {
  const length = Math.min(target.length, source.length);
  for (let index = 0; index < length; index++) target[index] += source[index];
}

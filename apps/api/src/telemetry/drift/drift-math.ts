import { bucketIndex } from '../series/latency-buckets';

/**
 * The statistics behind drift: bin edges from a baseline sample, histograms over those bins, and
 * the population stability index between two histograms. Pure functions, unit-tested beside.
 */

/** Equal-frequency bins: ten, so that each holds a tenth of the baseline. */
export const QUANTILE_BINS = 10;

/** Stands in for an empty bin's share, so that PSI stays finite (the usual 1e-4). */
export const PSI_EPSILON = 1e-4;

/**
 * Inner bin edges at the baseline's deciles (upper bounds, ascending, duplicates removed). A value
 * equal to an edge falls in the bin below it; values past the last edge in the last bin. A feature
 * with few distinct values gets fewer bins (a constant one gets a single edge at its value).
 */
export function quantileEdges(values: ArrayLike<number>, bins = QUANTILE_BINS): number[] {
  const sorted = Float64Array.from(values).sort();
  if (sorted.length === 0) return [];
  const edges: number[] = [];
  for (let step = 1; step < bins; step++) {
    const position = (step / bins) * (sorted.length - 1);
    const below = Math.floor(position);
    const above = Math.min(sorted.length - 1, below + 1);
    const edge = sorted[below] + (sorted[above] - sorted[below]) * (position - below);
    if (edges.length === 0 || edge > edges[edges.length - 1]) edges.push(edge);
  }
  return edges;
}

/** Bin of a numeric value for the given edges: 0 ... edges.length. */
export function numericBin(edges: readonly number[], value: number): number {
  return bucketIndex(edges, value);
}

/** Bin of a class index among `categories` (the last category also takes anything out of range). */
export function categoricalBin(categories: number, value: number): number {
  const index = Math.trunc(value);
  return index >= 0 && index < categories - 1 ? index : categories - 1;
}

/** Shares of each bin (counts divided by their total); zeros when the total is 0. */
export function proportions(counts: ArrayLike<number>): number[] {
  let total = 0;
  for (let index = 0; index < counts.length; index++) total += counts[index];
  return Array.from(counts, (count) => (total > 0 ? count / total : 0));
}

/**
 * Population stability index: sum over bins of (actual - expected) * ln(actual / expected), shares
 * below PSI_EPSILON raised to it. 0 for identical distributions; by convention under 0.1 is
 * stable, 0.1 to 0.25 a moderate shift, over 0.25 a significant one.
 */
export function populationStabilityIndex(expected: readonly number[], actual: readonly number[]): number {
  let psi = 0;
  for (let index = 0; index < expected.length; index++) {
    const e = Math.max(expected[index], PSI_EPSILON);
    const a = Math.max(actual[index] ?? 0, PSI_EPSILON);
    psi += (a - e) * Math.log(a / e);
  }
  return psi;
}

/** Mean and standard deviation (population) from a count, a sum and a sum of squares. */
export function meanAndStd(count: number, sum: number, sumOfSquares: number): { mean: number | null; std: number | null } {
  if (count === 0) return { mean: null, std: null };
  const mean = sum / count;
  return { mean, std: Math.sqrt(Math.max(0, sumOfSquares / count - mean * mean)) };
}

/** IEEE 754 half precision (FP16 tensors hold raw bits) to a number. */
export function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

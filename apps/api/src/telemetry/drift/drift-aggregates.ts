import { categoricalBin, meanAndStd, numericBin, populationStabilityIndex, proportions, quantileEdges } from './drift-math';
import type { FeatureSpec } from './drift-layout';

/** One feature of a baseline: its bins and the baseline's share in each, mean and deviation. */
export interface BaselineFeature extends FeatureSpec {
  /** Numeric features: inner bin edges (edges.length + 1 bins). */
  edges?: number[];
  /** Share of the baseline rows in each bin. */
  expected: number[];
  mean: number;
  std: number;
}

/** What a version's first window of traffic looked like; stored once per version, never changed. */
export interface DriftBaseline {
  rows: number;
  startedAt: Date;
  completedAt: Date;
  features: BaselineFeature[];
}

export function binCount(feature: BaselineFeature): number {
  return feature.kind === 'categorical' ? feature.categories! : feature.edges!.length + 1;
}

/** Builds the baseline from its sampled row vectors. */
export function buildBaseline(features: readonly FeatureSpec[], rows: readonly Float64Array[], startedAt: Date, completedAt: Date): DriftBaseline {
  const count = rows.length;
  const column = new Float64Array(count);
  return {
    rows: count,
    startedAt,
    completedAt,
    features: features.map((spec, position) => {
      let sum = 0;
      let sumOfSquares = 0;
      for (let index = 0; index < count; index++) {
        const value = rows[index][position];
        column[index] = value;
        sum += value;
        sumOfSquares += value * value;
      }
      const { mean, std } = meanAndStd(count, sum, sumOfSquares);
      const feature: BaselineFeature = { ...spec, expected: [], mean: mean ?? 0, std: std ?? 0 };
      if (spec.kind === 'numeric') feature.edges = quantileEdges(column);
      const counts = new Float64Array(binCount(feature));
      for (let index = 0; index < count; index++) counts[binOf(feature, column[index])]++;
      feature.expected = proportions(counts);
      return feature;
    }),
  };
}

/** Whether two baselines bin rows the same way (then windows binned with one add to the other's). */
export function sameBins(a: DriftBaseline, b: DriftBaseline): boolean {
  return (
    a.features.length === b.features.length &&
    a.features.every((feature, index) => {
      const other = b.features[index];
      const edges = feature.edges ?? [];
      const otherEdges = other.edges ?? [];
      return feature.name === other.name && feature.kind === other.kind && feature.categories === other.categories && edges.length === otherEdges.length && edges.every((edge, position) => edge === otherEdges[position]);
    })
  );
}

export function binOf(feature: BaselineFeature, value: number): number {
  return feature.kind === 'categorical' ? categoricalBin(feature.categories!, value) : numericBin(feature.edges!, value);
}

/** A baseline's bins as flat typed arrays, so that binning a row reads no objects. */
class BinPlan {
  readonly categorical: Uint8Array;
  readonly categories: Int32Array;
  readonly edgeStart: Int32Array;
  readonly edgeCount: Int32Array;
  readonly edges: Float64Array;
  /** Position of each feature's first bin in a window's `counts`. */
  readonly binOffset: Int32Array;
  readonly totalBins: number;

  constructor(features: readonly BaselineFeature[]) {
    const count = features.length;
    this.categorical = new Uint8Array(count);
    this.categories = new Int32Array(count);
    this.edgeStart = new Int32Array(count);
    this.edgeCount = new Int32Array(count);
    this.binOffset = new Int32Array(count);
    const edges: number[] = [];
    let bins = 0;
    features.forEach((feature, position) => {
      this.categorical[position] = feature.kind === 'categorical' ? 1 : 0;
      this.categories[position] = feature.categories ?? 0;
      this.edgeStart[position] = edges.length;
      this.edgeCount[position] = feature.edges?.length ?? 0;
      edges.push(...(feature.edges ?? []));
      this.binOffset[position] = bins;
      bins += binCount(feature);
    });
    this.edges = Float64Array.from(edges);
    this.totalBins = bins;
  }

  /** Bin of `value` for feature `position` (the same as binOf). */
  bin(position: number, value: number): number {
    if (this.categorical[position] === 1) {
      const last = this.categories[position] - 1;
      const index = Math.trunc(value);
      return index >= 0 && index < last ? index : last;
    }
    let low = this.edgeStart[position];
    const first = low;
    let high = first + this.edgeCount[position];
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (value <= this.edges[middle]) high = middle;
      else low = middle + 1;
    }
    return low - first;
  }
}

const BIN_PLANS = new WeakMap<DriftBaseline, BinPlan>();

function binPlanOf(baseline: DriftBaseline): BinPlan {
  let plan = BIN_PLANS.get(baseline);
  if (plan === undefined) BIN_PLANS.set(baseline, (plan = new BinPlan(baseline.features)));
  return plan;
}

/**
 * Rows seen in one window (an hour) after the baseline, binned with the baseline's edges. Every
 * field adds up, so that replicas' windows sum in the database and hours sum into longer windows.
 */
export class DriftWindow {
  rows = 0;
  readonly sums: Float64Array;
  readonly sumsOfSquares: Float64Array;
  /** All features' bins, one after another. */
  readonly counts: Float64Array;
  private readonly plan: BinPlan;

  constructor(
    readonly baseline: DriftBaseline,
    /** Start of the hour, epoch milliseconds. */
    readonly windowStart: number,
  ) {
    this.plan = binPlanOf(baseline);
    this.sums = new Float64Array(baseline.features.length);
    this.sumsOfSquares = new Float64Array(baseline.features.length);
    this.counts = new Float64Array(this.plan.totalBins);
  }

  add(vector: Float64Array): void {
    const plan = this.plan;
    const sums = this.sums;
    const squares = this.sumsOfSquares;
    const counts = this.counts;
    this.rows++;
    for (let position = 0; position < sums.length; position++) {
      const value = vector[position];
      sums[position] += value;
      squares[position] += value * value;
      counts[plan.binOffset[position] + plan.bin(position, value)]++;
    }
  }
}

/** Sums of a version's windows over a period, as read back from the database. */
export interface WindowTotals {
  rows: number;
  sums: ArrayLike<number>;
  sumsOfSquares: ArrayLike<number>;
  counts: ArrayLike<number>;
  from: Date | null;
  to: Date | null;
}

export interface FeatureDrift {
  name: string;
  source: 'input' | 'output';
  kind: 'numeric' | 'categorical';
  psi: number | null;
  drifted: boolean;
  baseline: { mean: number; std: number };
  current: { mean: number | null; std: number | null };
}

/** PSI of every feature of the current totals against the baseline, flagged past `threshold`. */
export function compareToBaseline(baseline: DriftBaseline, totals: WindowTotals, threshold: number, minRows: number): FeatureDrift[] {
  let offset = 0;
  return baseline.features.map((feature, position) => {
    const bins = binCount(feature);
    const counts = Array.from({ length: bins }, (_, bin) => Number(totals.counts[offset + bin] ?? 0));
    offset += bins;
    const enough = totals.rows >= minRows;
    const psi = totals.rows > 0 ? populationStabilityIndex(feature.expected, proportions(counts)) : null;
    const current = meanAndStd(totals.rows, Number(totals.sums[position] ?? 0), Number(totals.sumsOfSquares[position] ?? 0));
    return {
      name: feature.name,
      source: feature.source,
      kind: feature.kind,
      psi,
      drifted: enough && psi !== null && psi > threshold,
      baseline: { mean: feature.mean, std: feature.std },
      current,
    };
  });
}

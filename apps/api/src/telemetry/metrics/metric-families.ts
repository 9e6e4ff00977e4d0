import { PROMETHEUS_LATENCY_BUCKETS_SECONDS, bucketIndex } from '../series/latency-buckets';
import { OUTCOMES, statusClassOf } from './request-outcome';

/**
 * Counters and histograms that the prediction path updates without prom-client's per-call label
 * hashing: each (model, version, route) owns one RouteCounters, found through three Map lookups on
 * strings the request already has, whose fields are plain numbers in typed arrays. The exporter
 * (below) turns them into Prometheus families at scrape time.
 */
export class HistogramCells {
  /** Per bucket, not cumulative; the last is the overflow (+Inf). */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    this.counts[bucketIndex(this.bounds, value)]++;
    this.sum += value;
    this.count++;
  }
}

export class RouteCounters {
  /** Requests by OUTCOMES index. */
  readonly outcomes = new Float64Array(OUTCOMES.length);
  readonly requestSeconds = new HistogramCells(PROMETHEUS_LATENCY_BUCKETS_SECONDS);
  readonly queueSeconds = new HistogramCells(PROMETHEUS_LATENCY_BUCKETS_SECONDS);
  readonly computeSeconds = new HistogramCells(PROMETHEUS_LATENCY_BUCKETS_SECONDS);

  constructor(
    readonly model: string,
    readonly version: string,
    readonly route: string,
  ) {}
}

/** One sample line of a family: `name{labels} value`. */
export interface MetricSample {
  metricName?: string;
  labels: Record<string, string | number>;
  value: number;
}

/**
 * A metric family whose samples are computed when Prometheus scrapes, registered in a prom-client
 * Registry beside its own metrics (the registry reads `name`, `help`, `type` and `get()`).
 */
export class CollectedFamily {
  readonly aggregator = 'sum';

  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'gauge' | 'histogram',
    private readonly collect: () => MetricSample[],
  ) {}

  async get() {
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values: this.collect() };
  }

  reset(): void {
    // Nothing is kept between scrapes.
  }
}

/** The samples of one histogram: cumulative `_bucket` lines with `le`, then `_sum` and `_count`. */
export function histogramSamples(name: string, labels: Record<string, string | number>, bounds: readonly number[], counts: ArrayLike<number>, sum: number): MetricSample[] {
  const samples: MetricSample[] = [];
  let cumulative = 0;
  for (let index = 0; index < bounds.length; index++) {
    cumulative += counts[index];
    samples.push({ metricName: `${name}_bucket`, labels: { ...labels, le: bounds[index] }, value: cumulative });
  }
  cumulative += counts[bounds.length];
  samples.push({ metricName: `${name}_bucket`, labels: { ...labels, le: '+Inf' }, value: cumulative });
  samples.push({ metricName: `${name}_sum`, labels, value: sum });
  samples.push({ metricName: `${name}_count`, labels, value: cumulative });
  return samples;
}

/** modelgate_requests_total: one sample per outcome seen, with its status class as `code`. */
export function requestCountSamples(counters: Iterable<RouteCounters>): MetricSample[] {
  const samples: MetricSample[] = [];
  for (const route of counters) {
    route.outcomes.forEach((value, index) => {
      if (value === 0) return;
      const outcome = OUTCOMES[index];
      samples.push({ labels: { model: route.model, version: route.version, route: route.route, code: statusClassOf(outcome), outcome }, value });
    });
  }
  return samples;
}

/** A latency family over every route: the histogram that `pick` selects. */
export function latencySamples(name: string, counters: Iterable<RouteCounters>, pick: (route: RouteCounters) => HistogramCells): MetricSample[] {
  const samples: MetricSample[] = [];
  for (const route of counters) {
    const cells = pick(route);
    if (cells.count === 0) continue;
    samples.push(...histogramSamples(name, { model: route.model, version: route.version, route: route.route }, cells.bounds, cells.counts, cells.sum));
  }
  return samples;
}

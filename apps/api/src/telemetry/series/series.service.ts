import { Injectable } from '@nestjs/common';
import { ROLLUP_BUCKET_COUNT, ROLLUP_LATENCY_BOUNDS_MS } from './latency-buckets';
import { LatencyRollupsRepository } from './latency-rollups.repository';
import { LatencySeries, MINUTE_MS } from './latency-series';
import { addCounts, percentileFromBuckets } from './percentiles';

/** A version's figures over a window: what charts plot per step. */
export interface WindowFigures {
  requests: number;
  /** Answered 5xx. */
  errors: number;
  /** Requests per second over the window. */
  requestRate: number;
  /** errors / requests; null without requests. */
  errorRate: number | null;
  /** Latency percentiles in ms, from the rollup buckets; null without requests. */
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  meanMs: number | null;
}

/** Sums of rollups, before they are turned into figures. */
class RollupTotals {
  requests = 0;
  errors = 0;
  latencySumMs = 0;
  readonly buckets = new Float64Array(ROLLUP_BUCKET_COUNT);

  add(rollup: { requests: number; errors: number; latencySumMs: number; buckets: ArrayLike<number> }): void {
    this.requests += rollup.requests;
    this.errors += rollup.errors;
    this.latencySumMs += rollup.latencySumMs;
    addCounts(this.buckets, rollup.buckets);
  }

  figures(seconds: number): WindowFigures {
    const any = this.requests > 0;
    const percentile = (quantile: number) => percentileFromBuckets(ROLLUP_LATENCY_BOUNDS_MS, this.buckets, quantile);
    return {
      requests: this.requests,
      errors: this.errors,
      requestRate: seconds > 0 ? this.requests / seconds : 0,
      errorRate: any ? this.errors / this.requests : null,
      p50Ms: percentile(0.5),
      p95Ms: percentile(0.95),
      p99Ms: percentile(0.99),
      meanMs: any ? this.latencySumMs / this.requests : null,
    };
  }
}

export interface SeriesPoint extends WindowFigures {
  /** Start of the step. */
  time: Date;
}

/**
 * The per-minute rollups: written by the flusher, read back as chart series (summed into steps).
 * Only the TelemetryService calls this, inside its flush lock, so reads never see a flush half-way.
 */
@Injectable()
export class SeriesService {
  constructor(
    private readonly repository: LatencyRollupsRepository,
    private readonly series: LatencySeries,
  ) {}

  /** Writes what is in memory in one statement; on failure keeps it for the next flush. */
  async flush(): Promise<void> {
    const rollups = this.series.takeForFlush();
    if (rollups.length === 0) return this.series.flushed();
    try {
      await this.repository.add(rollups);
      this.series.flushed();
    } catch (error) {
      this.series.flushFailed();
      throw error;
    }
  }

  /**
   * Per version, one point per `stepMs` from `from` (aligned down to the minute) until `to`: the
   * minutes of each step summed, then rates and percentiles computed from the summed buckets.
   * Every step is present (zero requests, null percentiles where nothing was served); `include`
   * names versions to chart even without rows (those serving now).
   */
  async chart(modelName: string, from: Date, to: Date, stepMs: number, notBefore: Date, include: readonly number[]): Promise<Map<number, SeriesPoint[]>> {
    const start = from.getTime() - (from.getTime() % MINUTE_MS);
    const steps = Math.max(1, Math.ceil((to.getTime() - start) / stepMs));
    const rows = await this.repository.find(modelName, new Date(Math.max(start, notBefore.getTime() - (notBefore.getTime() % MINUTE_MS))), to);
    const totals = new Map<number, RollupTotals[]>();
    for (const version of include) totals.set(version, Array.from({ length: steps }, () => new RollupTotals()));
    for (const row of rows) {
      let perStep = totals.get(row.version);
      if (perStep === undefined) totals.set(row.version, (perStep = Array.from({ length: steps }, () => new RollupTotals())));
      const step = Math.floor((row.minute - start) / stepMs);
      if (step >= 0 && step < steps) perStep[step].add(row);
    }
    const chart = new Map<number, SeriesPoint[]>();
    for (const [version, perStep] of [...totals].sort(([a], [b]) => a - b)) {
      chart.set(
        version,
        perStep.map((sums, step) => {
          const stepStart = start + step * stepMs;
          const seconds = (Math.min(stepStart + stepMs, to.getTime()) - stepStart) / 1000;
          return { time: new Date(stepStart), ...sums.figures(seconds) };
        }),
      );
    }
    return chart;
  }

  /** Deletes minutes older than the retention. */
  deleteBefore(cutoff: Date): Promise<number> {
    return this.repository.deleteBefore(cutoff);
  }
}

import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, type Metric } from 'prom-client';
import { CollectedFamily, RouteCounters, latencySamples, requestCountSamples } from './metric-families';
import { outcomeIndexOf } from './request-outcome';

/** Load plus warm-up of a version: from tens of milliseconds (tiny ONNX) to minutes (large TF models). */
const LOAD_SECONDS_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/** Where a prediction's time went, in milliseconds, as the runtime reports it. */
export interface PredictionTiming {
  queueMs: number;
  computeMs: number;
}

/**
 * The Prometheus side of telemetry: one registry per app, holding the process metrics, the
 * per-route prediction counters (updated on the hot path without label hashing), model load
 * metrics, and families computed at scrape time that other services register (queue depth, workers,
 * batch sizes).
 */
@Injectable()
export class ServingMetrics {
  readonly registry = new Registry();
  private readonly routes = new Map<string, Map<number | undefined, Map<string, RouteCounters>>>();
  private readonly loadSeconds: Histogram<'format'>;
  private readonly loadFailures: Counter<'format'>;
  private readonly fallbacks: Counter<'model' | 'version' | 'reason'>;
  private readonly shadowRequests: Counter<'model' | 'version' | 'outcome'>;
  private readonly jobRows: Counter<'model' | 'version' | 'outcome'>;
  private readonly jobsRunningNow: Gauge;

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    const routes = () => this.allRouteCounters();
    this.register(
      new CollectedFamily('modelgate_requests_total', 'Prediction requests by model, version, traffic route and outcome (code: status class)', 'counter', () =>
        requestCountSamples(routes()),
      ),
    );
    this.register(
      new CollectedFamily('modelgate_request_duration_seconds', 'Whole prediction request, from arrival to the response being sent', 'histogram', () =>
        latencySamples('modelgate_request_duration_seconds', routes(), (route) => route.requestSeconds),
      ),
    );
    this.register(
      new CollectedFamily('modelgate_queue_wait_seconds', "Time a prediction waited in its version's batching queue", 'histogram', () =>
        latencySamples('modelgate_queue_wait_seconds', routes(), (route) => route.queueSeconds),
      ),
    );
    this.register(
      new CollectedFamily('modelgate_compute_seconds', 'Engine time of the batch that computed a prediction', 'histogram', () =>
        latencySamples('modelgate_compute_seconds', routes(), (route) => route.computeSeconds),
      ),
    );
    this.loadSeconds = new Histogram({
      name: 'modelgate_model_load_duration_seconds',
      help: 'Loading a version into its workers, warm-up included (successful loads)',
      labelNames: ['format'],
      buckets: LOAD_SECONDS_BUCKETS,
      registers: [this.registry],
    });
    this.loadFailures = new Counter({
      name: 'modelgate_model_load_failures_total',
      help: 'Versions that failed to load (at upload, at start or on a configuration change)',
      labelNames: ['format'],
      registers: [this.registry],
    });
    this.fallbacks = new Counter({
      name: 'modelgate_fallback_total',
      help: "Predictions answered by a deployment's fallback version (version: the fallback), by why the routed version did not answer",
      labelNames: ['model', 'version', 'reason'],
      registers: [this.registry],
    });
    this.shadowRequests = new Counter({
      name: 'modelgate_shadow_requests_total',
      help: "Requests copied to a deployment's shadow version (version: the shadow), by outcome: compared with the real answer, dropped (not ready or at its load bound), or error",
      labelNames: ['model', 'version', 'outcome'],
      registers: [this.registry],
    });
    this.jobRows = new Counter({
      name: 'modelgate_job_rows_total',
      help: 'Rows of batch jobs scored on this replica, by outcome: predicted, or failed (an error line in the results)',
      labelNames: ['model', 'version', 'outcome'],
      registers: [this.registry],
    });
    this.jobsRunningNow = new Gauge({ name: 'modelgate_jobs_running', help: 'Batch jobs this replica is running', registers: [this.registry] });
  }

  /** Rows of a batch job scored since its last report. */
  jobRowsScored(model: string, version: number, predicted: number, failed: number): void {
    if (predicted > 0) this.jobRows.inc({ model, version: String(version), outcome: 'predicted' }, predicted);
    if (failed > 0) this.jobRows.inc({ model, version: String(version), outcome: 'failed' }, failed);
  }

  jobsRunning(count: number): void {
    this.jobsRunningNow.set(count);
  }

  /** A copy of a request for a shadow version was compared, dropped or failed. */
  shadowRequest(model: string, version: number, outcome: 'compared' | 'dropped' | 'error'): void {
    this.shadowRequests.inc({ model, version: String(version), outcome });
  }

  /** A deployment's fallback answered instead of the routed version. */
  fallbackUsed(model: string, version: number, reason: string): void {
    this.fallbacks.inc({ model, version: String(version), reason });
  }

  /**
   * The counters of one (model, version, route), created on first use. `version` is undefined
   * (label "") for requests that never reached a version (unknown version, refused before routing)
   * and `model` is "" for names that are not models, so labels stay bounded by what the registry
   * holds, whatever clients send.
   */
  routeCounters(model: string, version: number | undefined, route: string): RouteCounters {
    let versions = this.routes.get(model);
    if (versions === undefined) this.routes.set(model, (versions = new Map()));
    let routes = versions.get(version);
    if (routes === undefined) versions.set(version, (routes = new Map()));
    let counters = routes.get(route);
    if (counters === undefined) routes.set(route, (counters = new RouteCounters(model, version === undefined ? '' : String(version), route)));
    return counters;
  }

  /** Counts one prediction request; timing is present when the version computed it. */
  observePrediction(counters: RouteCounters, status: number, elapsedMs: number, timing: PredictionTiming | undefined): void {
    counters.outcomes[outcomeIndexOf(status)]++;
    counters.requestSeconds.observe(elapsedMs / 1000);
    if (timing !== undefined) {
      counters.queueSeconds.observe(timing.queueMs / 1000);
      counters.computeSeconds.observe(timing.computeMs / 1000);
    }
  }

  modelLoaded(format: string, loadMs: number): void {
    this.loadSeconds.observe({ format }, loadMs / 1000);
  }

  modelLoadFailed(format: string): void {
    this.loadFailures.inc({ format });
  }

  /** Adds a family computed at scrape time. */
  register(family: CollectedFamily): void {
    this.registry.registerMetric(family as unknown as Metric);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The text a Prometheus scrape receives. */
  exposition(): Promise<string> {
    return this.registry.metrics();
  }

  private *allRouteCounters(): Iterable<RouteCounters> {
    for (const versions of this.routes.values()) {
      for (const routes of versions.values()) yield* routes.values();
    }
  }
}

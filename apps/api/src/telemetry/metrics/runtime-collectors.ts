import { Injectable, OnModuleInit } from '@nestjs/common';
import type { VersionStats } from '@modelgate/runtime';
import { ModelServer, type ServedVersion } from '../../inference/model-server.service';
import { BATCH_SIZE_BUCKETS, bucketIndex } from '../series/latency-buckets';
import { CollectedFamily, histogramSamples, type MetricSample } from './metric-families';
import { ServingMetrics } from './serving-metrics';

interface VersionSnapshot {
  served: ServedVersion;
  labels: { model: string; version: string };
  stats: VersionStats | undefined;
}

/** Scrapes read several families in one go; the runtime is asked once per scrape. */
const SNAPSHOT_TTL_MS = 200;

/**
 * Families read from the runtime when Prometheus scrapes, so the prediction path pays nothing for
 * them: queue depth, workers, in-flight requests, the batch-size histogram (per engine call, from
 * the batcher's own counts), whether each version is ready and how long it took to load.
 */
@Injectable()
export class RuntimeCollectors implements OnModuleInit {
  private snapshot: { at: number; versions: VersionSnapshot[] } | undefined;

  constructor(
    private readonly metrics: ServingMetrics,
    private readonly modelServer: ModelServer,
  ) {}

  onModuleInit(): void {
    const family = (name: string, help: string, type: 'counter' | 'gauge' | 'histogram', collect: (version: VersionSnapshot) => MetricSample[]) =>
      this.metrics.register(new CollectedFamily(name, help, type, () => this.versions().flatMap(collect)));
    const gauge = (name: string, help: string, value: (version: VersionSnapshot) => number | undefined) =>
      family(name, help, 'gauge', (version) => {
        const sample = value(version);
        return sample === undefined ? [] : [{ labels: version.labels, value: sample }];
      });

    family('modelgate_queue_depth', 'Requests waiting in the batching queue of a version, by priority (online, batch)', 'gauge', (version) =>
      version.stats === undefined
        ? []
        : Object.entries(version.stats.queueDepth).map(([priority, depth]) => ({ labels: { ...version.labels, priority }, value: depth })),
    );
    gauge('modelgate_requests_in_flight', 'Requests in batches a worker is computing', (version) => version.stats?.inFlight.requests);
    gauge('modelgate_workers_busy', 'Worker instances of a version computing a batch', (version) => version.stats?.workers.busy);
    gauge('modelgate_workers_ready', 'Worker instances of a version loaded and taking requests', (version) => version.stats?.workers.ready);
    gauge('modelgate_workers_configured', 'Worker instances a version is configured with', (version) => version.stats?.workers.total);
    family('modelgate_batch_size', 'Requests joined per engine call (one observation per call, not per request)', 'histogram', (version) => {
      const sizes = version.stats?.batches.sizes;
      if (sizes === undefined) return [];
      const counts = new Float64Array(BATCH_SIZE_BUCKETS.length + 1);
      let sum = 0;
      for (const [size, calls] of Object.entries(sizes)) {
        counts[bucketIndex(BATCH_SIZE_BUCKETS, Number(size))] += calls;
        sum += Number(size) * calls;
      }
      return histogramSamples('modelgate_batch_size', version.labels, BATCH_SIZE_BUCKETS, counts, sum);
    });
    family(
      'modelgate_engine_calls_total',
      'Engine calls of a version by the intra-op threads of the session that ran them: an instance split in two lanes under load runs on fewer',
      'counter',
      (version) =>
        Object.entries(version.stats?.batches.threads ?? {}).map(([threads, calls]) => ({ labels: { ...version.labels, threads }, value: calls })),
    );
    family(
      'modelgate_idle_spin_handovers_total',
      'Engine calls of a version handed to a worker that was spinning for them (idle spin, MODELGATE_IDLE_SPIN_MS) instead of waking it with a message',
      'counter',
      (version) => (version.stats === undefined ? [] : [{ labels: version.labels, value: version.stats.batches.handedOver }]),
    );
    family(
      'modelgate_batch_retries_total',
      'Requests of a version queued again apart because the engine failed the batch they were joined in (the request at fault then fails alone)',
      'counter',
      (version) => (version.stats === undefined ? [] : [{ labels: version.labels, value: version.stats.requests.retriedApart }]),
    );
    gauge('modelgate_model_version_ready', '1 when the version is loaded and serving here, 0 when it should serve but could not be loaded', (version) =>
      version.served.state === 'ready' ? 1 : 0,
    );
    gauge('modelgate_model_version_load_seconds', 'Load plus warm-up time of the workers serving the version', (version) =>
      version.served.loadMs === undefined ? undefined : version.served.loadMs / 1000,
    );
  }

  private versions(): VersionSnapshot[] {
    const now = Date.now();
    if (this.snapshot !== undefined && now - this.snapshot.at < SNAPSHOT_TTL_MS) return this.snapshot.versions;
    const versions = [...this.modelServer.allVersions()].map((served) => ({
      served,
      labels: { model: served.modelName, version: String(served.version) },
      stats: this.modelServer.stats(served),
    }));
    this.snapshot = { at: now, versions };
    return versions;
  }
}

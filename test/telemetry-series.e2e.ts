import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelRuntime } from '@modelgate/runtime';
import { ModelServer } from '../apps/api/src/inference/model-server.service';
import { bucketIndex, ROLLUP_BUCKET_COUNT, ROLLUP_LATENCY_BOUNDS_MS } from '../apps/api/src/telemetry/series/latency-buckets';
import { LatencySeries } from '../apps/api/src/telemetry/series/latency-series';
import { percentileFromBuckets } from '../apps/api/src/telemetry/series/percentiles';
import type { ModelSeriesDto, SeriesPointDto } from '../apps/api/src/telemetry/dto/series.dto';
import { TelemetryService } from '../apps/api/src/telemetry/telemetry.service';
import { onnxMlp } from './fixtures/models';
import { enableRuntimeTestHooks, runtimeOf, startServer, uploadVersion, type TestServer } from './support/server';

type Point = SeriesPointDto;
/** The chart answer, or an error body. */
type Chart = ModelSeriesDto & { error?: string };

/** A version number no upload reaches: latencies recorded straight into the series go there. */
const SYNTHETIC_VERSION = 7;

describe('latency series for charts', () => {
  let server: TestServer;
  let fixtures: string;
  let runtime: ModelRuntime;
  let restoreHooks: () => void;
  /** Latencies recorded for SYNTHETIC_VERSION: 1 ... 100 ms ten times over, every twentieth an error. */
  const synthetic = Array.from({ length: 1000 }, (_, index) => 1 + (index % 100));
  const expectedBuckets = new Array<number>(ROLLUP_BUCKET_COUNT).fill(0);
  for (const latency of synthetic) expectedBuckets[bucketIndex(ROLLUP_LATENCY_BOUNDS_MS, latency)]++;

  const chart = (query: string) => server.json<Chart>(`/api/models/mlp/metrics${query}`);
  const infer = (headers: Record<string, string> = {}, data = [0.5, 1, 1.5, 2]) =>
    server.fetch('/v2/models/mlp/infer', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, data.length], data }] }),
    });
  const totals = (points: Point[]) => ({
    requests: points.reduce((sum, point) => sum + point.requests, 0),
    errors: points.reduce((sum, point) => sum + point.errors, 0),
  });
  const nextMinute = () => Math.floor(Date.now() / 60_000) * 60_000 + 60_000;
  /** The last hour up to the end of this minute, one point per minute. */
  const lastHour = () => {
    const to = new Date(nextMinute());
    return `?from=${new Date(to.getTime() - 3_600_000).toISOString()}&to=${to.toISOString()}&step=60`;
  };

  beforeAll(async () => {
    restoreHooks = enableRuntimeTestHooks();
    fixtures = await mkdtemp(join(tmpdir(), 'modelgate-series-'));
    server = await startServer({ env: { MODELGATE_METRICS_FLUSH_SECONDS: '1' } });
    runtime = runtimeOf(server);
    await server.json('/api/models', { method: 'POST', body: JSON.stringify({ name: 'mlp' }) });
    const uploaded = await uploadVersion(server, 'mlp', (await onnxMlp(fixtures)).path);
    expect(uploaded.status).toBe(201);
  });
  afterAll(async () => {
    await server?.close();
    await rm(fixtures, { recursive: true, force: true });
    restoreHooks?.();
  });

  it('answers the rates and percentiles of the requests served, per version', async () => {
    for (let index = 0; index < 10; index++) expect((await infer()).status).toBe(200);
    for (let index = 0; index < 2; index++) expect((await infer({}, [1, 2, 3])).status).toBe(400);
    // Slow: queued behind a 600 ms stall of the only worker; then one that times out (504, an error).
    runtime.simulateWorkerStall(server.modelgate.app.get(ModelServer).resolve('mlp').runtimeKey, 0, 600);
    const slow = await Promise.all([infer(), infer()]);
    expect(slow.map((answer) => answer.status)).toEqual([200, 200]);
    runtime.simulateWorkerStall(server.modelgate.app.get(ModelServer).resolve('mlp').runtimeKey, 0, 600);
    expect((await infer({ 'x-request-timeout-ms': '100' })).status).toBe(504);

    const answer = await chart(lastHour());
    expect(answer.status).toBe(200);
    expect(answer.body.step).toBe(60);
    expect(answer.body.versions.map((version) => version.version)).toEqual([1]);
    const points = answer.body.versions[0]!.points;
    expect(points).toHaveLength(60);
    expect(totals(points)).toEqual({ requests: 15, errors: 1 });
    const busy = points.filter((point) => point.requests > 0);
    for (const point of busy) {
      expect(point.requestRate).toBeCloseTo(point.requests / 60, 10);
      expect(point.errorRate).toBeCloseTo(point.errors / point.requests, 10);
    }
    for (const point of points.filter((point) => point.requests === 0)) expect([point.p50Ms, point.p99Ms, point.errorRate]).toEqual([null, null, null]);
    // One point for the whole hour: most requests are fast; the two slow ones (13 %) set p95 and p99.
    const hour = await chart(lastHour().replace('step=60', 'step=3600'));
    const [whole] = hour.body.versions[0]!.points;
    expect(whole!.requests).toBe(15);
    expect(whole!.requestRate).toBeCloseTo(15 / 3600, 10);
    expect(whole!.p50Ms!).toBeLessThan(100);
    expect(whole!.p95Ms!).toBeGreaterThan(400);
    expect(whole!.p99Ms!).toBeGreaterThanOrEqual(whole!.p95Ms!);
  });

  it('computes percentiles from the summed buckets of every minute in a step', async () => {
    const series = server.modelgate.app.get(LatencySeries);
    const now = Date.now();
    synthetic.forEach((latency, index) => series.record('mlp', SYNTHETIC_VERSION, latency, index % 20 === 0, now));
    const to = new Date(nextMinute() + 60_000);
    const from = new Date(to.getTime() - 600_000);
    const answer = await chart(`?from=${from.toISOString()}&to=${to.toISOString()}&step=600`);
    expect(answer.status).toBe(200);
    const version = answer.body.versions.find((candidate) => candidate.version === SYNTHETIC_VERSION)!;
    expect(version.points).toHaveLength(1);
    const [point] = version.points;
    expect(point!.requests).toBe(1000);
    expect(point!.errors).toBe(50);
    expect(point!.errorRate).toBeCloseTo(0.05, 10);
    expect(point!.requestRate).toBeCloseTo(1000 / 600, 10);
    expect(point!.meanMs).toBeCloseTo(50.5, 6);
    for (const [quantile, field, truth] of [
      [0.5, 'p50Ms', 50],
      [0.95, 'p95Ms', 95],
      [0.99, 'p99Ms', 99],
    ] as const) {
      // Exactly what the bucket math gives, and within the buckets' resolution of the truth.
      expect(point![field]).toBeCloseTo(percentileFromBuckets(ROLLUP_LATENCY_BOUNDS_MS, expectedBuckets, quantile)!, 6);
      expect(Math.abs(point![field]! - truth) / truth).toBeLessThan(0.1);
    }
    // The same minutes one point per minute: they add up to the ten-minute point.
    const perMinute = await chart(`?from=${from.toISOString()}&to=${to.toISOString()}&step=60`);
    const minutes = perMinute.body.versions.find((candidate) => candidate.version === SYNTHETIC_VERSION)!.points;
    expect(minutes).toHaveLength(10);
    expect(totals(minutes)).toEqual({ requests: 1000, errors: 50 });
  });

  it('keeps the series across a restart', async () => {
    // Version 1 has 15 requests from the tests before; one more makes the 16 counted below.
    expect((await infer()).status).toBe(200);
    const before = await chart(lastHour());
    await server.restart();
    const after = await chart(lastHour());
    expect(after.status).toBe(200);
    const summary = (body: Chart) => body.versions.map((version) => ({ version: version.version, ...totals(version.points) }));
    expect(summary(after.body)).toEqual(summary(before.body));
    expect(summary(after.body)).toEqual([
      { version: 1, requests: 16, errors: 1 },
      { version: SYNTHETIC_VERSION, requests: 1000, errors: 50 },
    ]);
    expect((await infer()).status).toBe(200);
    expect(summary((await chart(lastHour())).body)[0]).toEqual({ version: 1, requests: 17, errors: 1 });
  });

  it('refuses bad ranges and steps, naming the problem, and answers 404 for an unknown model', async () => {
    const now = new Date();
    const hourAgo = new Date(now.getTime() - 3_600_000);
    expect((await chart('?step=45')).body.error).toContain('multiple of 60');
    expect((await chart('?step=abc')).status).toBe(400);
    expect((await chart(`?from=${now.toISOString()}&to=${hourAgo.toISOString()}`)).body.error).toContain('must be before');
    expect((await chart('?from=yesterday')).body.error).toContain('from must be an ISO 8601 time');
    // Forms Date cannot read answered "step ... got NaN" before.
    expect((await chart('?from=2026-W01-1')).body.error).toContain('from must be an ISO 8601 time');
    expect((await chart('?to=%2B2026-01-01T00:00:00Z')).body.error).toContain('to must be an ISO 8601 time');
    const tooMany = await chart(`?from=${new Date(now.getTime() - 30 * 86_400_000).toISOString()}&to=${now.toISOString()}&step=60`);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error).toContain('use a step of at least');
    expect((await chart('?unexpected=1')).status).toBe(400);
    expect((await server.json<Chart>('/api/models/nosuch/metrics')).status).toBe(404);
    // The default: the last hour, about sixty points.
    const defaults = await chart('');
    expect(defaults.status).toBe(200);
    expect(defaults.body.step).toBe(60);
  });

  it('deletes minutes past the retention', async () => {
    const series = server.modelgate.app.get(LatencySeries);
    const telemetry = server.modelgate.app.get(TelemetryService);
    series.record('mlp', 1, 5, false, Date.now() - 40 * 86_400_000);
    await telemetry.flush();
    const deleted = await telemetry.applyRetention();
    expect(deleted.rollups).toBe(1);
    expect((await telemetry.applyRetention()).rollups).toBe(0);
  });
});

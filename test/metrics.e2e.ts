import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelRuntime } from '@modelgate/runtime';
import { ModelServer } from '../apps/api/src/inference/model-server.service';
import { createKey } from './support/credentials';
import { corruptOnnx, onnxMlp } from './fixtures/models';
import { enableRuntimeTestHooks, runtimeOf, startServer, uploadVersion, type TestServer } from './support/server';

const METRICS_TOKEN = 'scrape-token-for-tests-0123456789';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a Prometheus text exposition. */
function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, name, value] of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[name!] = value!;
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** The value of the one sample with that name and (at least) those labels; 0 when there is none. */
function valueOf(samples: Sample[], name: string, labels: Record<string, string>): number {
  const found = samples.filter((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value));
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return found[0]?.value ?? 0;
}

describe('/metrics', () => {
  let server: TestServer;
  let fixtures: string;
  let runtime: ModelRuntime;
  let restoreHooks: () => void;

  const row = (index: number) => [index * 0.25, 1 - index * 0.1, 0.5, 2];
  const v2 = (path: string, data: number[], headers: Record<string, string> = {}, key?: string | null) =>
    server.fetch(path, {
      method: 'POST',
      key,
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, data.length], data }] }),
    });
  const scrape = async (init: { key?: string | null; headers?: Record<string, string> } = {}) => {
    const response = await server.fetch('/metrics', init);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    return parseExposition(await response.text());
  };
  const stall = (ms: number) => runtime.simulateWorkerStall(server.modelgate.app.get(ModelServer).resolve('mlp').runtimeKey, 0, ms);

  beforeAll(async () => {
    restoreHooks = enableRuntimeTestHooks();
    fixtures = await mkdtemp(join(tmpdir(), 'modelgate-metrics-'));
    server = await startServer({ env: { METRICS_TOKEN } });
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

  it('counts a known sequence of requests once each, by version, route and outcome, with matching histogram counts', async () => {
    const statuses: number[] = [];
    const send = async (response: Promise<Response>) => {
      const answered = await response;
      await answered.arrayBuffer();
      statuses.push(answered.status);
      return answered.status;
    };
    for (let index = 0; index < 5; index++) await send(v2('/v2/models/mlp/infer', row(index)));
    for (let index = 0; index < 3; index++) await send(v2('/v2/models/mlp/versions/1/infer', row(index)));
    for (let index = 0; index < 2; index++) {
      await send(server.fetch('/v1/models/mlp:predict', { method: 'POST', body: JSON.stringify({ instances: [row(index)] }) }));
    }
    // Client errors: a wrong shape (reaches version 1), an unknown version, no credentials.
    for (let index = 0; index < 2; index++) await send(v2('/v2/models/mlp/infer', [1, 2, 3]));
    await send(v2('/v2/models/mlp/versions/9/infer', row(0)));
    await send(v2('/v2/models/mlp/infer', row(0), {}, null));
    await send(v2('/v2/models/nosuchmodel/infer', row(0)));
    // A deadline that passes while the only worker is stalled: 504, counted against version 1.
    stall(700);
    await send(v2('/v2/models/mlp/infer', row(1), { 'x-request-timeout-ms': '100' }));
    await new Promise((resolve) => setTimeout(resolve, 800));
    // Two slow successes: queued behind a 700 ms stall.
    stall(700);
    await Promise.all([send(v2('/v2/models/mlp/infer', row(2))), send(v2('/v2/models/mlp/infer', row(3)))]);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 400, 400, 404, 401, 404, 504, 200, 200]);

    const samples = await scrape();
    const latest = { model: 'mlp', version: '1', route: 'latest' };
    const pinned = { model: 'mlp', version: '1', route: 'pinned' };
    const requests = (labels: Record<string, string>) => valueOf(samples, 'modelgate_requests_total', labels);
    expect(requests({ ...latest, outcome: 'success', code: '2xx' })).toBe(9);
    expect(requests({ ...pinned, outcome: 'success' })).toBe(3);
    expect(requests({ ...latest, outcome: 'invalid_input', code: '4xx' })).toBe(2);
    expect(requests({ ...latest, outcome: 'deadline_exceeded', code: '5xx' })).toBe(1);
    // Refused before reaching a version: labelled by the model when it is one, never by what was sent.
    expect(requests({ model: 'mlp', version: '', route: 'pinned', outcome: 'not_found' })).toBe(1);
    expect(requests({ model: 'mlp', version: '', route: 'latest', outcome: 'unauthorized' })).toBe(1);
    expect(requests({ model: '', version: '', route: 'latest', outcome: 'not_found' })).toBe(1);
    expect(samples.some((sample) => JSON.stringify(sample.labels).includes('nosuchmodel'))).toBe(false);
    const total = samples.filter((sample) => sample.name === 'modelgate_requests_total').reduce((sum, sample) => sum + sample.value, 0);
    expect(total).toBe(statuses.length);

    // Whole-request latency: every request of the route once; the two slow ones above 0.5 s.
    const duration = (labels: Record<string, string>) => valueOf(samples, 'modelgate_request_duration_seconds_bucket', labels);
    expect(valueOf(samples, 'modelgate_request_duration_seconds_count', latest)).toBe(9 + 2 + 1);
    expect(duration({ ...latest, le: '+Inf' })).toBe(12);
    expect(duration({ ...latest, le: '0.5' })).toBe(10);
    expect(duration({ ...latest, le: '30' })).toBe(12);
    expect(valueOf(samples, 'modelgate_request_duration_seconds_count', pinned)).toBe(3);
    expect(valueOf(samples, 'modelgate_request_duration_seconds_sum', latest)).toBeGreaterThan(1.2);
    // Queue wait and compute: the computed requests only.
    expect(valueOf(samples, 'modelgate_queue_wait_seconds_count', latest)).toBe(9);
    expect(valueOf(samples, 'modelgate_compute_seconds_count', latest)).toBe(9);
    expect(valueOf(samples, 'modelgate_queue_wait_seconds_bucket', { ...latest, le: '0.25' })).toBe(7);
    expect(valueOf(samples, 'modelgate_compute_seconds_count', pinned)).toBe(3);

    // Batch sizes: one observation per engine call, as the batcher counted them.
    const stats = runtime.stats(server.modelgate.app.get(ModelServer).resolve('mlp').runtimeKey)!;
    const version = { model: 'mlp', version: '1' };
    expect(valueOf(samples, 'modelgate_batch_size_count', version)).toBe(stats.batches.count);
    expect(valueOf(samples, 'modelgate_batch_size_sum', version)).toBe(stats.batches.computedRequests);
    expect(stats.batches.count).toBeGreaterThan(0);
    // Engine calls by the threads that ran them, which together are every call.
    const byThreads = Object.entries(stats.batches.threads);
    expect(byThreads.reduce((calls, [, count]) => calls + count, 0)).toBe(stats.batches.count);
    for (const [threads, calls] of byThreads) expect(valueOf(samples, 'modelgate_engine_calls_total', { ...version, threads })).toBe(calls);
    // Engine calls a spinning worker took through its bell (idle spin), as the batcher counted them.
    expect(samples.filter((sample) => sample.name === 'modelgate_idle_spin_handovers_total')).toHaveLength(1);
    expect(valueOf(samples, 'modelgate_idle_spin_handovers_total', version)).toBe(stats.batches.handedOver);
    expect(valueOf(samples, 'modelgate_workers_configured', version)).toBe(1);
    expect(valueOf(samples, 'modelgate_workers_ready', version)).toBe(1);
    expect(valueOf(samples, 'modelgate_queue_depth', { ...version, priority: 'online' })).toBe(0);
    expect(valueOf(samples, 'modelgate_model_version_ready', version)).toBe(1);
    expect(valueOf(samples, 'modelgate_model_version_load_seconds', version)).toBeGreaterThan(0);
    expect(valueOf(samples, 'modelgate_model_load_duration_seconds_count', { format: 'onnx' })).toBe(1);
    // Process metrics come along.
    expect(samples.some((sample) => sample.name === 'process_cpu_user_seconds_total')).toBe(true);
    expect(samples.some((sample) => sample.name === 'nodejs_eventloop_lag_seconds')).toBe(true);
  });

  it('counts model load failures', async () => {
    const refused = await uploadVersion(server, 'mlp', (await corruptOnnx(fixtures)).path);
    expect(refused.status).toBe(422);
    const samples = await scrape();
    expect(valueOf(samples, 'modelgate_model_load_failures_total', { format: 'onnx' })).toBe(1);
  });

  it('is for admins and for scrapers holding METRICS_TOKEN', async () => {
    expect((await server.fetch('/metrics', { key: null })).status).toBe(401);
    const predictOnly = await createKey(server, { name: 'predict only', scopes: ['predict'] });
    expect((await server.fetch('/metrics', { key: predictOnly.key })).status).toBe(403);
    expect((await server.fetch('/metrics', { key: null, headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
    const scraped = await scrape({ key: null, headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(scraped.some((sample) => sample.name === 'modelgate_requests_total')).toBe(true);
  });
});

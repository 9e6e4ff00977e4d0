import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InferOptions, NamedTensors } from '@modelgate/runtime';
import { ModelServer, type ServedVersion } from '../apps/api/src/inference/model-server.service';
import { DEFAULT_SHADOW_LIMITS } from '../apps/api/src/rollout/shadow/shadow.service';
import { onnxMlp, onnxMlpVariant, type OnnxMlpFixture } from './fixtures/models';
import { createKey } from './support/credentials';
import { eventually } from './support/eventually';
import { enableRuntimeTestHooks, runtimeOf, startServer, uploadVersion, type TestServer } from './support/server';

interface Figures {
  requests: number;
  rows: number;
  agreeingRows: number;
  agreementRate: number | null;
  values: number;
  meanAbsDiff: number | null;
  maxAbsDiff: number | null;
  errors: number;
  dropped: number;
}
interface Report {
  model: string;
  from: string;
  to: string;
  shadow: { version: number; percent: number } | null;
  comparisons: Array<{ primaryVersion: number; shadowVersion: number; totals: Figures; points: Array<Figures & { time: string }> }>;
  error?: string;
}

const MODEL = 'shadowed';
/** Rows spread over the iris feature ranges, so that v1 and the variant disagree on some. */
const ROWS = Array.from({ length: 24 }, (_, index) => [4.3 + (index % 6) * 0.7, 2 + (index % 4) * 0.6, 1 + ((index * 7) % 12) * 0.5, 0.1 + ((index * 5) % 8) * 0.3]);
const argmax = (row: readonly number[]) => row.indexOf(Math.max(...row));

describe('rollout: shadow traffic compared with the real answers', () => {
  let server: TestServer;
  let fixtures: string;
  let primary: OnnxMlpFixture;
  let variant: OnnxMlpFixture;
  let restoreHooks: () => void;

  const report = (query = '') => server.json<Report>(`/api/models/${MODEL}/deployment/shadow${query}`);
  const pair = async (shadowVersion: number) => (await report()).body.comparisons.find((entry) => entry.shadowVersion === shadowVersion && entry.primaryVersion === 1);
  const deploy = (shadow: { version: number; percent: number }) =>
    server.json(`/api/models/${MODEL}/deployment`, { method: 'PUT', body: JSON.stringify({ routes: [{ version: 1, weight: 100 }], shadow }) });
  /** One unpinned prediction; checks that version 1 answered it, with version 1's numbers. */
  async function infer(row: readonly number[]): Promise<void> {
    const response = await server.fetch(`/v2/models/${MODEL}/infer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: row }] }),
    });
    const body = (await response.json()) as { model_version: string; outputs: Array<{ name: string; data: number[] }> };
    expect(response.status).toBe(200);
    expect(response.headers.get('x-model-version')).toBe('1');
    expect(body.model_version).toBe('1');
    const expected = primary.predict([row])[0];
    body.outputs[0].data.forEach((value, index) => expect(value).toBeCloseTo(expected[index], 5));
  }
  const accounted = (figures: Figures | undefined) => (figures === undefined ? 0 : figures.requests + figures.errors + figures.dropped);

  beforeAll(async () => {
    restoreHooks = enableRuntimeTestHooks();
    fixtures = await mkdtemp(join(tmpdir(), 'modelgate-shadow-'));
    primary = await onnxMlp(fixtures);
    variant = await onnxMlpVariant(fixtures);
    // Flushed only by reads and at shutdown: the report must include what is still in memory.
    server = await startServer({ env: { MODELGATE_METRICS_FLUSH_SECONDS: '300' } });
    expect((await server.json('/api/models', { method: 'POST', body: JSON.stringify({ name: MODEL }) })).status).toBe(201);
    for (const path of [primary.path, primary.path, variant.path]) {
      const uploaded = await uploadVersion(server, MODEL, path);
      expect(uploaded.status).toBe(201);
    }
  });
  afterAll(async () => {
    await server?.close();
    await rm(fixtures, { recursive: true, force: true });
    restoreHooks?.();
  });

  it('compares every copied request with an identical shadow: full agreement, no difference, and clients only see version 1', async () => {
    expect((await deploy({ version: 2, percent: 100 })).status).toBe(200);
    for (const row of ROWS) await infer(row);
    await eventually(async () => accounted((await pair(2))?.totals) >= ROWS.length, 10_000);

    const answer = await report();
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ model: MODEL, shadow: { version: 2, percent: 100 } });
    const identical = answer.body.comparisons.find((entry) => entry.shadowVersion === 2)!;
    expect(identical.totals).toEqual({
      requests: ROWS.length,
      rows: ROWS.length,
      agreeingRows: ROWS.length,
      agreementRate: 1,
      values: ROWS.length * 3,
      meanAbsDiff: 0,
      maxAbsDiff: 0,
      errors: 0,
      dropped: 0,
    });
    expect(identical.points.reduce((sum, point) => sum + point.requests, 0)).toBe(ROWS.length);
    expect(identical.points.every((point) => Number.isFinite(Date.parse(point.time)) && new Date(point.time).getUTCSeconds() === 0)).toBe(true);
    const metrics = await (await server.fetch('/metrics')).text();
    expect(metrics).toContain(`modelgate_shadow_requests_total{model="${MODEL}",version="2",outcome="compared"} ${ROWS.length}`);
  });

  it('reports the disagreement of a different model, as the reference numbers predict', async () => {
    const expectedV1 = primary.predict(ROWS);
    const expectedV3 = variant.predict(ROWS);
    const agreeing = ROWS.filter((_, index) => argmax(expectedV1[index]) === argmax(expectedV3[index])).length;
    const largest = Math.max(...expectedV1.flatMap((row, index) => row.map((value, column) => Math.abs(value - expectedV3[index][column]))));
    expect(agreeing).toBeLessThan(ROWS.length); // the fixtures do differ on these rows

    expect((await deploy({ version: 3, percent: 100 })).status).toBe(200);
    for (const row of ROWS) await infer(row);
    await eventually(async () => accounted((await pair(3))?.totals) >= ROWS.length, 10_000);

    const different = (await pair(3))!;
    expect(different.totals).toMatchObject({ requests: ROWS.length, rows: ROWS.length, agreeingRows: agreeing, errors: 0, dropped: 0 });
    expect(different.totals.agreementRate).toBeCloseTo(agreeing / ROWS.length, 10);
    expect(different.totals.maxAbsDiff).toBeCloseTo(largest, 4);
    expect(different.totals.meanAbsDiff!).toBeGreaterThan(0);
    // The identical pair's figures stay as they were.
    expect((await pair(2))!.totals.requests).toBe(ROWS.length);
  });

  it('bounds the shadow load: past the bound copies are dropped, and clients never wait for the shadow', async () => {
    const modelServer = server.modelgate.app.get(ModelServer);
    const shadowVersion = modelServer.find(MODEL, 3)!;
    // Counts the shadow runs on version 3 that are in flight at once.
    const predict = modelServer.predict.bind(modelServer);
    let running = 0;
    let peak = 0;
    modelServer.predict = (served: ServedVersion, inputs: NamedTensors, options?: InferOptions) => {
      if (served !== shadowVersion) return predict(served, inputs, options);
      peak = Math.max(peak, ++running);
      const result = predict(served, inputs, options);
      const settle = () => void running--;
      result.then(settle, settle);
      return result;
    };
    try {
      const before = accounted((await pair(3))?.totals);
      const stallMs = 4_000;
      runtimeOf(server).simulateWorkerStall(shadowVersion.runtimeKey, 0, stallMs);
      const started = Date.now();
      const burst = 60;
      await Promise.all(Array.from({ length: burst }, (_, index) => infer(ROWS[index % ROWS.length])));
      // Answered while the shadow's only worker is still stalled.
      expect(Date.now() - started).toBeLessThan(stallMs);
      expect(running).toBeGreaterThan(0);
      await eventually(async () => accounted((await pair(3))?.totals) === before + burst, 15_000, 200);
      const totals = (await pair(3))!.totals;
      expect(peak).toBeLessThanOrEqual(DEFAULT_SHADOW_LIMITS.maxInFlight);
      expect(totals.dropped).toBeGreaterThan(0);
      expect(totals.errors).toBe(0);
    } finally {
      delete (modelServer as { predict?: unknown }).predict;
    }
  });

  it('keeps the comparisons across a restart, those still in memory at shutdown included', async () => {
    const before = (await report()).body.comparisons;
    // Their copies may still be running, and are in memory only: shutdown waits for them and stores them.
    for (const row of ROWS.slice(0, 5)) await infer(row);
    await server.restart();
    const after = (await report()).body.comparisons;
    expect(after.map((entry) => [entry.primaryVersion, entry.shadowVersion])).toEqual([
      [1, 2],
      [1, 3],
    ]);
    expect(after[0].totals).toEqual(before[0].totals);
    expect(after[1].totals.requests).toBe(before[1].totals.requests + 5);
    expect(after[1].totals.dropped).toBe(before[1].totals.dropped);
  });

  it('answers 404 for an unknown model, 400 for a bad range, and needs models:read', async () => {
    const unknown = await server.json<Report>('/api/models/nosuch/deployment/shadow');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatch(/nosuch/);
    const reversed = await report('?from=2025-11-23T11:00:00Z&to=2025-11-23T10:00:00Z');
    expect(reversed.status).toBe(400);
    expect(reversed.body.error).toMatch(/must be before/);
    expect((await report('?from=yesterday')).status).toBe(400);
    const past = await report('?from=2020-01-01T00:00:00Z&to=2020-01-01T01:00:00Z');
    expect(past.body).toMatchObject({ from: '2020-01-01T00:00:00.000Z', comparisons: [] });

    const predictOnly = await createKey(server, { name: 'client', scopes: ['predict'] });
    expect((await server.json(`/api/models/${MODEL}/deployment/shadow`, { key: predictOnly.key })).status).toBe(403);
    const reader = await createKey(server, { name: 'reader', scopes: ['models:read'] });
    expect((await server.json(`/api/models/${MODEL}/deployment/shadow`, { key: reader.key })).status).toBe(200);
  });
});

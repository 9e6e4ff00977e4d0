import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { onnxMlp } from './fixtures/models';
import { startServer, uploadForm, type TestServer } from './support/server';

interface FeatureDrift {
  name: string;
  source: string;
  kind: string;
  psi: number | null;
  drifted: boolean;
  baseline: { mean: number; std: number };
  current: { mean: number | null; std: number | null };
}
interface VersionDrift {
  version: number;
  status: string;
  drifted: boolean;
  maxPsi: number | null;
  baseline: { rows: number };
  current: { rows: number };
  features: FeatureDrift[];
}
interface DriftReport {
  model: string;
  threshold: number;
  windowHours: number;
  versions: VersionDrift[];
}

/** Iris-like features: means and standard deviations of the four inputs. */
const MEANS = [5.8, 3.0, 4.3, 1.3];
const STDS = [0.8, 0.4, 1.7, 0.7];
const BASELINE_ROWS = 300;
const ROWS_PER_REQUEST = 10;

/** A seeded normal sampler (mulberry32 + Box-Muller), so the fixture is the same on every run. */
function normalSampler(seed: number): () => number {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** `count` rows of the iris-like distribution, every feature moved by `shift` standard deviations. */
function rows(count: number, seed: number, shift = 0): number[][] {
  const normal = normalSampler(seed);
  return Array.from({ length: count }, () => MEANS.map((mean, feature) => mean + STDS[feature]! * (shift + normal())));
}

describe('drift', () => {
  let server: TestServer;
  let fixtures: string;

  const send = async (version: number, data: number[][]) => {
    for (let start = 0; start < data.length; start += ROWS_PER_REQUEST) {
      const batch = data.slice(start, start + ROWS_PER_REQUEST);
      const answer = await server.fetch(`/v2/models/iris/versions/${version}/infer`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ inputs: [{ name: 'x', datatype: 'FP32', shape: [batch.length, 4], data: batch.flat() }] }),
      });
      expect(answer.status).toBe(200);
      await answer.arrayBuffer();
    }
  };
  const report = async () => {
    const answer = await server.json<DriftReport>('/api/models/iris/drift');
    expect(answer.status).toBe(200);
    return answer.body;
  };

  beforeAll(async () => {
    fixtures = await mkdtemp(join(tmpdir(), 'modelgate-drift-'));
    server = await startServer({
      env: {
        MODELGATE_DRIFT_SAMPLE_PERCENT: '100',
        MODELGATE_DRIFT_BASELINE_ROWS: String(BASELINE_ROWS),
        MODELGATE_DRIFT_MIN_ROWS: '100',
        MODELGATE_METRICS_FLUSH_SECONDS: '1',
      },
    });
    await server.json('/api/models', { method: 'POST', body: JSON.stringify({ name: 'iris' }) });
    const model = await readFile((await onnxMlp(fixtures)).path);
    for (let version = 1; version <= 2; version++) {
      expect((await server.json('/api/models/iris/versions', { method: 'POST', body: uploadForm(model, 'mlp.onnx') })).status).toBe(201);
    }
  });
  afterAll(async () => {
    await server?.close();
    await rm(fixtures, { recursive: true, force: true });
  });

  it('collects a baseline from the first rows each version answers', async () => {
    const collecting = await report();
    expect(collecting.versions.map((version) => [version.version, version.status])).toEqual([
      [1, 'collecting_baseline'],
      [2, 'collecting_baseline'],
    ]);
    await send(1, rows(BASELINE_ROWS, 11));
    await send(2, rows(BASELINE_ROWS, 12));
    const baselined = await report();
    for (const version of baselined.versions) {
      expect(version.status).toBe('insufficient_data');
      expect(version.baseline.rows).toBe(BASELINE_ROWS);
      expect(version.features.map((feature) => feature.name)).toEqual([
        'x[0]',
        'x[1]',
        'x[2]',
        'x[3]',
        'probabilities[0]',
        'probabilities[1]',
        'probabilities[2]',
        'probabilities:class',
      ]);
      const first = version.features[0]!;
      expect(first.baseline.mean).toBeCloseTo(MEANS[0]!, 0);
      expect(first.baseline.std).toBeGreaterThan(0.6);
      expect(first.baseline.std).toBeLessThan(1.0);
    }
  });

  it('flags inputs shifted by two standard deviations, and not an unshifted sample', async () => {
    await send(1, rows(300, 21, 2));
    await send(2, rows(300, 22));
    const { versions, threshold } = await report();
    expect(threshold).toBe(0.2);
    const [shifted, unshifted] = versions;

    expect(shifted!.current.rows).toBe(300);
    expect(shifted!.status).toBe('drift');
    expect(shifted!.drifted).toBe(true);
    for (const feature of shifted!.features.filter((candidate) => candidate.source === 'input')) {
      expect(feature.drifted, feature.name).toBe(true);
      expect(feature.psi!, feature.name).toBeGreaterThan(1);
      expect(feature.current.mean!).toBeGreaterThan(feature.baseline.mean + 1.5 * feature.baseline.std);
    }

    expect(unshifted!.current.rows).toBe(300);
    expect(unshifted!.status).toBe('stable');
    expect(unshifted!.drifted).toBe(false);
    expect(unshifted!.maxPsi!).toBeLessThan(threshold);
    for (const feature of unshifted!.features) expect(feature.drifted, feature.name).toBe(false);
  });

  it('keeps only aggregates, and keeps them across a restart', async () => {
    const before = await report();
    await server.restart();
    const after = await report();
    expect(after.versions.map((version) => [version.status, version.baseline.rows, version.current.rows])).toEqual(
      before.versions.map((version) => [version.status, version.baseline.rows, version.current.rows]),
    );
    if (!process.env.DATABASE_URL) return; // the embedded database holds the same tables; inspected on PostgreSQL
    const client = new Client({ connectionString: server.databaseUrl });
    await client.connect();
    try {
      const baselines = await client.query(`SELECT "rows", jsonb_array_length("features") AS features FROM "drift_baselines" ORDER BY "version"`);
      expect(baselines.rows).toEqual([
        { rows: BASELINE_ROWS, features: 8 },
        { rows: BASELINE_ROWS, features: 8 },
      ]);
      const windows = await client.query(`SELECT sum("rows")::int AS rows, count(*)::int AS windows FROM "drift_windows"`);
      expect(windows.rows[0].rows).toBe(600);
      // Per window and version: one count per bin and sums per feature, never the rows themselves.
      const sizes = await client.query(`SELECT array_length("sums", 1) AS sums, array_length("bin_counts", 1) AS bins FROM "drift_windows"`);
      for (const size of sizes.rows) {
        expect(size.sums).toBe(8);
        expect(size.bins).toBeLessThanOrEqual(7 * 10 + 3);
      }
    } finally {
      await client.end();
    }
  });

  it('answers 404 for an unknown model and 400 for a bad window', async () => {
    expect((await server.json('/api/models/nosuch/drift')).status).toBe(404);
    const bad = await server.json<{ error: string }>('/api/models/iris/drift?hours=0');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toContain('hours must be a whole number');
  });
});

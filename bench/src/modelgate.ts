/**
 * Target (d): Modelgate itself, as a user starts it (`node apps/api/dist/main.js`), on loopback,
 * with the embedded database in a temporary data dir and no demo model; the bench models are
 * uploaded through the management API.
 */
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { BenchModel } from './models';
import { type Child, freePort, removeAtExit, residentBytes, startNode } from './processes';

export const ADMIN_KEY = `mg_benchadmin1_${'b'.repeat(40)}`;
const START_TIMEOUT_MS = 120_000;
const READY_TIMEOUT_MS = 120_000;
/** Resident memory counts as settled once it held still this long (before and after each upload). */
export const UPLOAD_SETTLE_SECONDS = 1;
const SETTLE_TIMEOUT_MS = 15_000;

export interface ModelgateServer {
  url: string;
  child: Child;
  authorization: Record<string, string>;
  upload(model: BenchModel, config?: string): Promise<UploadResult>;
  rss(): Promise<number | undefined>;
  /** The version's engine calls and the requests they computed so far, and the main thread's time in the collector, from /metrics. */
  metricCounters(model: BenchModel): Promise<MetricCounters | undefined>;
  stop(): Promise<void>;
}

export interface MetricCounters {
  engineCalls: number;
  requests: number;
  /** Engine calls handed to a worker spinning for them (idle spin); undefined from a Modelgate without it. */
  handedOver?: number;
  /**
   * Seconds the main thread has spent collecting garbage (`nodejs_gc_duration_seconds_sum`), in all
   * and in full collections (mark-compacts and their incremental marking steps), and when they were
   * read (performance.now(), ms).
   */
  gc?: { seconds: number; fullSeconds: number; readAtMs: number };
}

/**
 * Sums `modelgate_batch_size` _count (engine calls) and _sum (requests), and
 * `modelgate_idle_spin_handovers_total`, over the model's versions; and the main thread's time in
 * the garbage collector, by kind.
 */
export function parseMetricCounters(metrics: string, modelName: string, readAtMs = 0): MetricCounters | undefined {
  let engineCalls: number | undefined;
  let requests: number | undefined;
  let handedOver: number | undefined;
  let gcSeconds: number | undefined;
  let fullGcSeconds = 0;
  for (const line of metrics.split('\n')) {
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (line.startsWith('nodejs_gc_duration_seconds_sum{')) {
      gcSeconds = (gcSeconds ?? 0) + value;
      if (line.includes('kind="major"') || line.includes('kind="incremental"')) fullGcSeconds += value;
      continue;
    }
    if (!line.startsWith('modelgate_') || !line.includes(`model="${modelName}"`)) continue;
    if (line.startsWith('modelgate_batch_size_count{')) engineCalls = (engineCalls ?? 0) + value;
    else if (line.startsWith('modelgate_batch_size_sum{')) requests = (requests ?? 0) + value;
    else if (line.startsWith('modelgate_idle_spin_handovers_total{')) handedOver = (handedOver ?? 0) + value;
  }
  if (engineCalls === undefined || requests === undefined) return undefined;
  return {
    engineCalls,
    requests,
    ...(handedOver === undefined ? {} : { handedOver }),
    ...(gcSeconds === undefined ? {} : { gc: { seconds: gcSeconds, fullSeconds: fullGcSeconds, readAtMs } }),
  };
}

export interface CellCounters {
  meanBatchSize?: number;
  handedOverShare?: number;
  /** The share of the cell's time the main thread spent in the garbage collector, and in full collections. */
  gcShare?: number;
  fullGcShare?: number;
}

/** Requests per engine call during the cell, the share of its calls idle spin handed over, and the main thread's time in the collector. */
export function cellCounters(before: MetricCounters | undefined, after: MetricCounters | undefined): CellCounters {
  if (before === undefined || after === undefined || after.engineCalls <= before.engineCalls) return {};
  const calls = after.engineCalls - before.engineCalls;
  const counters: CellCounters = { meanBatchSize: (after.requests - before.requests) / calls };
  if (before.handedOver !== undefined && after.handedOver !== undefined) counters.handedOverShare = (after.handedOver - before.handedOver) / calls;
  if (before.gc !== undefined && after.gc !== undefined && after.gc.readAtMs > before.gc.readAtMs) {
    const seconds = (after.gc.readAtMs - before.gc.readAtMs) / 1000;
    counters.gcShare = (after.gc.seconds - before.gc.seconds) / seconds;
    counters.fullGcShare = (after.gc.fullSeconds - before.gc.fullSeconds) / seconds;
  }
  return counters;
}

export interface UploadResult {
  version: number;
  status: string;
  /** From creating the model to the version being ready. */
  seconds: number;
  /** Resident memory of the server, settled, before and after the upload, in bytes. */
  rssBefore?: number;
  rssAfter?: number;
}

/**
 * `checkout`: the repository (or a copy of another commit) whose built apps/api/dist/main.js runs;
 * `settings`: environment variables of its own (MODELGATE_IDLE_SPIN_MS, say).
 */
export async function startModelgate(checkout: string, settings: Record<string, string> = {}): Promise<ModelgateServer> {
  const main = join(checkout, 'apps/api/dist/main.js');
  await access(main).catch(() => {
    throw new Error(`${main} is missing: build Modelgate first (npx nx run api:build)`);
  });
  const dataDir = await mkdtemp(join(tmpdir(), 'modelgate-bench-'));
  removeAtExit(dataDir);
  const port = await freePort();
  // TLS_CERT among the settings: the server speaks HTTPS (the caller trusts its certificate).
  const url = `${settings.TLS_CERT ? 'https' : 'http'}://127.0.0.1:${port}`;
  const child = startNode('Modelgate', {
    args: [main],
    cwd: checkout,
    env: {
      HOST: '127.0.0.1',
      PORT: String(port),
      MODELGATE_DATA_DIR: dataDir,
      MODELGATE_ADMIN_KEY: ADMIN_KEY,
      MODELGATE_DEMO: 'false',
      LOG_LEVEL: 'warn',
      DATABASE_URL: undefined,
      REDIS_URL: undefined,
      // The bench speaks HTTP; without this, two servers at once (paced targets) would both claim gRPC's 8081.
      MODELGATE_GRPC_PORT: 'off',
      ...settings,
    },
  });
  const authorization = { authorization: `Bearer ${ADMIN_KEY}` };
  const stop = async () => {
    await child.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await waitUntilLive(url, child);
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    url,
    child,
    authorization,
    rss: () => settledRss(child.pid),
    async metricCounters(model) {
      const response = await fetch(`${url}/metrics`, { headers: authorization });
      const readAtMs = performance.now();
      return response.ok ? parseMetricCounters(await response.text(), model.name, readAtMs) : undefined;
    },
    stop,
    async upload(model, config) {
      const rssBefore = await settledRss(child.pid);
      const started = performance.now();
      const created = await fetch(`${url}/api/models`, {
        method: 'POST',
        headers: { ...authorization, 'content-type': 'application/json' },
        body: JSON.stringify({ name: model.name, description: `bench: ${model.description}` }),
      });
      if (created.status !== 201) throw new Error(`POST /api/models answered ${created.status}: ${await created.text()}`);
      const form = new FormData();
      form.append('file', new Blob([await readFile(model.path)], { type: 'application/octet-stream' }), basename(model.path));
      if (config !== undefined) form.append('config', config);
      const uploaded = await fetch(`${url}/api/models/${model.name}/versions`, { method: 'POST', headers: authorization, body: form });
      const text = await uploaded.text();
      if (uploaded.status !== 201) throw new Error(`uploading ${model.name} answered ${uploaded.status}: ${text}`);
      const answer = JSON.parse(text) as { version: number; status: string };
      if (answer.status !== 'ready') await waitUntilReady(url, model.name, answer.version, authorization);
      const seconds = (performance.now() - started) / 1000;
      return { version: answer.version, status: 'ready', seconds, rssBefore, rssAfter: await settledRss(child.pid) };
    },
  };
}

async function waitUntilLive(url: string, child: Child): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let exited: string | undefined;
  void child.exited.then((how) => (exited = how));
  while (Date.now() < deadline) {
    if (exited !== undefined) throw new Error(`Modelgate exited (${exited}) while starting:\n${child.output()}`);
    try {
      const response = await fetch(`${url}/health/live`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`Modelgate did not answer ${url}/health/live within ${START_TIMEOUT_MS / 1000} s:\n${child.output()}`);
}

async function waitUntilReady(url: string, name: string, version: number, headers: Record<string, string>): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const response = await fetch(`${url}/api/models/${name}/versions/${version}`, { headers });
    const body = (await response.json()) as { status?: string; statusDetail?: string };
    if (body.status === 'ready') return;
    if (body.status === 'failed') throw new Error(`version ${version} of ${name} failed to load: ${body.statusDetail ?? 'no detail'}`);
    await sleep(250);
  }
  throw new Error(`version ${version} of ${name} was not ready within ${READY_TIMEOUT_MS / 1000} s`);
}

/**
 * Waits until the server's resident memory holds still (within 2 MiB for a second; at most 15 s),
 * so that a reading is not taken in the middle of start-up or of a garbage collection.
 */
async function settledRss(pid: number): Promise<number | undefined> {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  let previous = await residentBytes(pid);
  let stableSince = Date.now();
  while (previous !== undefined && Date.now() < deadline) {
    await sleep(250);
    const current = await residentBytes(pid);
    if (current === undefined) return undefined;
    if (Math.abs(current - previous) > 2 * 1024 * 1024) stableSince = Date.now();
    else if (Date.now() - stableSince >= UPLOAD_SETTLE_SECONDS * 1000) return current;
    previous = current;
  }
  return previous;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

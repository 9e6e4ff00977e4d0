import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Client } from 'pg';
import { hostileArchives, onnxMlp, zipFolder } from './fixtures/models';
import { createKey } from './support/credentials';
import { writeDashboardBuild } from './support/dashboard';
import { listFiles } from './support/files';
import { send, sendRaw, type FuzzAnswer, type FuzzRequest } from './support/fuzz/http';
import { Random, seedFromEnvironment } from './support/fuzz/random';
import { FIXTURE_MODEL, nextRequest, rawRequests, type Credentials, type Fixtures } from './support/fuzz/requests';
import { changesState, snapshot } from './support/fuzz/snapshot';
import { ADMIN_PASSWORD, startServer, type TestServer } from './support/server';

/**
 * Thousands of random and mutated requests against every route the app registers: bodies,
 * headers, paths, multipart uploads, and bytes no HTTP client would send. Nothing may answer 5xx,
 * the process must live on, and a refused request must leave every table and every stored file
 * as it was. The run is seeded: FUZZ_SEED=<seed> replays it.
 */
const SEED = seedFromEnvironment();
const MAX_REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 4000);
const TIME_BUDGET_MS = Number(process.env.FUZZ_TIME_MS ?? 25_000);
const BATCH = 20;

describe(`fuzz (seed ${SEED})`, () => {
  let server: TestServer;
  let client: Client;
  let workspace: string;
  const random = new Random(SEED);
  const bodyLimit = 1024 * 1024;

  beforeAll(async () => {
    console.log(`fuzz seed ${SEED}: replay with FUZZ_SEED=${SEED}`);
    workspace = await mkdtemp(join(tmpdir(), 'modelgate-fuzz-'));
    // A dashboard build, so that its routes are fuzzed as they serve (unbuilt, pages answer 503).
    const dashboard = await writeDashboardBuild(join(workspace, 'dashboard'));
    server = await startServer({
      env: {
        MODELGATE_DASHBOARD_DIR: dashboard.dir,
        MODELGATE_MAX_BODY_MB: '1',
        MODELGATE_MAX_UPLOAD_MB: '1',
        MODELGATE_MAX_UNPACKED_MB: '2',
        MODELGATE_MAX_ARCHIVE_ENTRIES: '50',
        MODELGATE_MAX_JSON_DEPTH: '32',
      },
    });
    client = new Client({ connectionString: server.databaseUrl });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    await server?.close();
    await rm(workspace, { recursive: true, force: true });
  });

  it('answers every random and mutated request without a 5xx or a crash, and a refused request changes nothing', { timeout: 110_000 }, async () => {
    // Fixtures: a served model, a scratch model, keys of several powers, an operator session.
    const onnx = await readFile((await onnxMlp(workspace)).path);
    const hostile = await hostileArchives(workspace);
    const bomb = join(workspace, 'bomb');
    await mkdir(bomb);
    await writeFile(join(bomb, 'model.json'), Buffer.alloc(5 * 1024 * 1024));
    const crowd = join(workspace, 'crowd');
    await mkdir(crowd);
    for (let index = 0; index < 60; index += 1) await writeFile(join(crowd, `f${index}.bin`), 'x');
    const files = [
      ...(await Promise.all(Object.values(hostile).map((path) => readFile(path)))),
      await readFile(await zipFolder(bomb, join(workspace, 'bomb.zip'))),
      await readFile(await zipFolder(crowd, join(workspace, 'crowd.zip'))),
      gzipSync(random.bytes(2000)),
    ];
    const fixtures: Fixtures = { onnx, files };
    for (const name of [FIXTURE_MODEL, 'scratch']) expect((await server.json('/api/models', { method: 'POST', body: JSON.stringify({ name }) })).status).toBe(201);
    const form = new FormData();
    form.append('file', new Blob([onnx]), 'mlp.onnx');
    expect((await server.fetch(`/api/models/${FIXTURE_MODEL}/versions`, { method: 'POST', body: form })).status).toBe(201);
    expect((await server.json('/api/operators', { method: 'POST', body: JSON.stringify({ username: 'fuzz-viewer', password: 'fuzz viewer password', role: 'viewer' }) })).status).toBe(201);
    const login = await server.fetch('/api/auth/login', { method: 'POST', key: null, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }) });
    const credentials: Credentials = {
      reader: (await createKey(server, { name: 'reader', scopes: ['models:read', 'predict'] })).key,
      limited: (await createKey(server, { name: 'limited', scopes: ['predict', 'models:write'], rateLimit: { perSecond: 5, burst: 10 } })).key,
      cookie: login.headers.get('set-cookie')!.split(';')[0]!,
    };
    const probe = { inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: [5.1, 3.5, 1.4, 0.2] }] };
    const before = await server.json<{ outputs: Array<{ data: number[] }> }>(`/v2/models/${FIXTURE_MODEL}/infer`, { method: 'POST', body: JSON.stringify(probe) });
    expect(before.status).toBe(200);

    const routes = server.modelgate.routes.filter((route) => !['HEAD', 'OPTIONS'].includes(route.method) && !route.url.startsWith('/docs'));
    const base = new URL(server.url);
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    let sent = 0;
    let verifiedBatches = 0;
    let rebaselined = 0;
    let transportErrors = 0;
    const slowest: Array<[number, string]> = [];
    const started = Date.now();
    let baseline = await snapshot(client, server.dataDir);

    /** A well-framed request must get an answer (no hang); raw bytes may also just be hung up on. */
    const record = (label: string, answer: FuzzAnswer, raw = false) => {
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      if (answer.transportError) transportErrors += 1;
      if (answer.status >= 500) failures.push(`${answer.status} for ${label}\n    answer: ${answer.body.slice(0, 300)}`);
      if (!raw && answer.transportError && !answer.transportError.startsWith('not sent')) failures.push(`no answer (${answer.transportError}) for ${label}`);
    };

    for (const raw of rawRequests(random)) {
      record(`raw ${raw.label}`, await sendRaw(base, raw.bytes), true);
      sent += 1;
    }
    while (sent < MAX_REQUESTS && Date.now() - started < TIME_BUDGET_MS) {
      const batch: Array<[FuzzRequest, FuzzAnswer]> = [];
      for (let index = 0; index < BATCH; index += 1) {
        const request = nextRequest(random, routes, credentials, fixtures, bodyLimit);
        const sentAt = performance.now();
        const answer = await send(base, request, 10_000);
        slowest.push([performance.now() - sentAt, `${answer.status} ${answer.transportError ?? ''} ${request.label.slice(0, 160)}`]);
        slowest.sort((a, b) => b[0] - a[0]).splice(5);
        record(request.label, answer);
        batch.push([request, answer]);
        sent += 1;
      }
      const current = await snapshot(client, server.dataDir);
      if (batch.some(([request, answer]) => changesState(request, answer))) {
        rebaselined += 1;
      } else {
        verifiedBatches += 1;
        if (JSON.stringify(current) !== JSON.stringify(baseline)) {
          expect(current, `stored data changed although every request of this batch was refused (seed ${SEED}):\n${batch.map(([request, answer]) => `  ${answer.status} ${answer.requestId ?? ''} ${request.label}`).join('\n')}`).toEqual(baseline);
        }
      }
      baseline = current;
      expect(failures, `seed ${SEED}`).toEqual([]);
    }

    const summary = [...statuses.entries()].sort(([a], [b]) => a - b).map(([status, count]) => `${status}: ${count}`).join(', ');
    console.log(`fuzz seed ${SEED}: ${sent} requests in ${Date.now() - started} ms (${summary}); ${verifiedBatches} batches checked unchanged, ${rebaselined} held an accepted change; ${transportErrors} closed connections`);
    console.log(`slowest: ${slowest.map(([ms, label]) => `\n  ${Math.round(ms)} ms ${label}`).join('')}`);
    expect(failures, `seed ${SEED}`).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(Math.min(MAX_REQUESTS, 1000));
    expect(verifiedBatches).toBeGreaterThan(rebaselined);

    // Alive, serving the same numbers, and no upload left anything in the scratch area.
    expect((await server.fetch('/health/live', { key: null })).status).toBe(200);
    const after = await server.json<{ outputs: Array<{ data: number[] }> }>(`/v2/models/${FIXTURE_MODEL}/infer`, { method: 'POST', body: JSON.stringify(probe) });
    expect(after.status).toBe(200);
    expect(after.body.outputs[0]!.data).toEqual(before.body.outputs[0]!.data);
    expect(await listFiles(join(server.dataDir, 'tmp'))).toEqual([]);
  });
});

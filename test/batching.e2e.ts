import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelRuntime } from '@modelgate/runtime';
import { Logger } from '@nestjs/common';
import * as ort from 'onnxruntime-node';
import { ModelServer } from '../apps/api/src/inference/model-server.service';
import type { ObservedServingDto } from '../apps/api/src/registry/dto/version.dto';
import { onnxMlp, onnxMlpFailingOnLargeInputs } from './fixtures/models';
import { eventually } from './support/eventually';
import { ADMIN_KEY, enableRuntimeTestHooks, runtimeOf, startServer, uploadVersion, type TestServer } from './support/server';

interface Answer {
  status: number;
  body: { outputs?: Array<{ data: number[] }>; error?: string };
  headers: Headers;
}

describe('dynamic batching over HTTP', () => {
  let server: TestServer;
  let fixtures: string;
  let mlpPath: string;
  let runtime: ModelRuntime;
  let restoreHooks: () => void;

  /** Holds the version's only worker busy, so that requests sent meanwhile queue up together. */
  const stall = (ms: number, model = 'mlp') => {
    const served = server.modelgate.app.get(ModelServer).resolve(model);
    runtime.simulateWorkerStall(served.runtimeKey, 0, ms);
    return served.runtimeKey;
  };
  /** Waits until the version's worker holds `batches` engine calls, running and posted. */
  const untilInFlight = (key: string, batches: number) =>
    eventually(async () => runtime.stats(key)!.workers.instances[0]!.inFlightBatches >= batches, 5_000, 2);
  const infer = (row: number[], headers: Record<string, string> = {}, parameters?: Record<string, unknown>, model = 'mlp') =>
    server.json(`/v2/models/${model}/infer`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: row }], ...(parameters ? { parameters } : {}) }),
    }) as Promise<Answer>;

  beforeAll(async () => {
    restoreHooks = enableRuntimeTestHooks();
    fixtures = await mkdtemp(join(tmpdir(), 'modelgate-batching-'));
    mlpPath = (await onnxMlp(fixtures)).path;
    server = await startServer();
    runtime = runtimeOf(server);
    await server.json('/api/models', { method: 'POST', body: JSON.stringify({ name: 'mlp' }) });
    const uploaded = await uploadVersion<{ serving: { batching: { axis: number | null } } }>(server, 'mlp', mlpPath, {
      config: JSON.stringify({ batching: { maxQueueSize: 12 } }),
    });
    expect(uploaded.status).toBe(201);
    expect(uploaded.body.serving.batching.axis).toBe(0);
  });
  afterAll(async () => {
    await server?.close();
    await rm(fixtures, { recursive: true, force: true });
    restoreHooks?.();
  });

  it('joins concurrent requests into one engine call and answers each with its own unbatched numbers', async () => {
    const rows = Array.from({ length: 8 }, (_, index) => [index * 0.5, 1 - index, index % 3, 2.5 - index * 0.25]);
    stall(400);
    const answers = await Promise.all(rows.map((row) => infer(row)));
    const session = await ort.InferenceSession.create(mlpPath);
    try {
      for (const [index, answer] of answers.entries()) {
        expect(answer.status).toBe(200);
        const alone = await session.run({ x: new ort.Tensor('float32', Float32Array.from(rows[index]!), [1, 4]) });
        const expected = Array.from(alone.probabilities!.data as Float32Array);
        answer.body.outputs![0]!.data.forEach((value, position) => expect(Math.abs(value - expected[position]!)).toBeLessThan(1e-6));
        expect(answer.headers.get('server-timing')).toMatch(/^queue;dur=[\d.]+, compute;dur=[\d.]+$/);
      }
    } finally {
      await session.release();
    }
    // They queued behind the stalled worker together, so they ran in shared engine calls.
    expect(Math.max(...answers.map((answer) => Number(answer.headers.get('x-batch-size'))))).toBeGreaterThan(1);
  });

  it('answers 504 when the deadline passes in the queue, without computing the request', async () => {
    const key = stall(600);
    const computedBefore = runtime.stats(key)!.batches.computedRequests;
    // Two fillers take the worker's two batch slots (running and posted), so the two requests
    // with deadlines wait in the queue. Each filler is seen in the worker before the next request
    // goes: with fixed pauses, a loaded machine let both fillers join one engine call, and a
    // request with a deadline took the free slot and was computed.
    const fillers = [infer([0, 0, 0, 0])];
    await untilInFlight(key, 1);
    fillers.push(infer([0, 0, 0, 1]));
    await untilInFlight(key, 2);
    const [byHeader, byParameter] = await Promise.all([
      infer([1, 2, 3, 4], { 'x-request-timeout-ms': '100' }),
      infer([1, 2, 3, 4], {}, { timeout: 100_000 }),
    ]);
    for (const filler of await Promise.all(fillers)) expect(filler.status).toBe(200);
    for (const answer of [byHeader, byParameter]) {
      expect(answer.status).toBe(504);
      // Named as the client names it, not by the runtime's key for the version.
      expect(answer.body.error).toMatch(/^the request waited \d+ ms in the queue of model "mlp" version 1 and passed its deadline of 100 ms; it was not computed$/);
    }
    expect(runtime.stats(key)!.requests.deadlineExceededQueued).toBeGreaterThanOrEqual(2);
    // Only the fillers were computed.
    expect(runtime.stats(key)!.batches.computedRequests).toBe(computedBefore + 2);
    const bad = await infer([1, 2, 3, 4], { 'x-request-timeout-ms': 'soon' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toContain('x-request-timeout-ms');
  });

  it('answers 429 with Retry-After when the queue is full, and computes only what it accepted', async () => {
    const key = stall(500);
    const computedBefore = runtime.stats(key)!.batches.computedRequests;
    const answers = await Promise.all(Array.from({ length: 30 }, (_, index) => infer([index, 1, 2, 3])));
    const refused = answers.filter((answer) => answer.status === 429);
    const served = answers.filter((answer) => answer.status === 200);
    expect(refused.length).toBeGreaterThan(0);
    expect(served.length + refused.length).toBe(30);
    // The refused requests never reached the engine: it computed exactly the ones answered 200.
    expect(runtime.stats(key)!.batches.computedRequests).toBe(computedBefore + served.length);
    for (const answer of refused) {
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(answer.body.error).toMatch(/^the queue of model "mlp" version 1 is full \(\d+ requests waiting, batching\.maxQueueSize 12\); retry in about \d+ ms$/);
    }
  });

  it('shows in the version what it served since it loaded: requests by outcome, and how many each engine call joined', async () => {
    const { status, body } = await server.json<{ serving: { observed: ObservedServingDto } }>('/api/models/mlp/versions/1');
    expect(status).toBe(200);
    const observed = body.serving.observed;
    // What the tests above did: requests joined in one call, two dropped at their deadline, some refused.
    expect(Math.max(...Object.keys(observed.batchSizes).map(Number))).toBeGreaterThan(1);
    expect(observed.requests.deadlineExceededQueued).toBeGreaterThanOrEqual(2);
    expect(observed.requests.refusedQueueFull).toBeGreaterThan(0);
    expect(observed.requests.completed).toBeGreaterThan(8);
    expect(observed.requests.completed).toBeLessThanOrEqual(observed.requests.accepted);
    const calls = Object.values(observed.batchSizes).reduce((sum, count) => sum + count, 0);
    const computed = Object.entries(observed.batchSizes).reduce((sum, [size, count]) => sum + Number(size) * count, 0);
    expect(observed.engineCalls).toBe(calls);
    expect(observed.meanBatchSize).toBeCloseTo(computed / calls, 2);
    expect(observed.queueDepth).toEqual({ online: 0, batch: 0 });
  });

  it('shows and changes the batching settings without a restart', async () => {
    const patched = await server.json<{ config: unknown; serving: { batching: { maxBatchSize: number; axis: number | null }; observed: ObservedServingDto } }>(
      '/api/models/mlp/versions/1',
      { method: 'PATCH', body: JSON.stringify({ config: { batching: { maxBatchSize: 1 } } }) },
    );
    expect(patched.status).toBe(200);
    expect(patched.body.config).toEqual({ batching: { maxQueueSize: 12, maxBatchSize: 1 } });
    expect(patched.body.serving.batching.maxBatchSize).toBe(1);
    // Reloaded with the new settings: what it shows served starts again.
    expect(patched.body.serving.observed).toMatchObject({ requests: { accepted: 0 }, engineCalls: 0, meanBatchSize: null, batchSizes: {} });
    const refused = await server.json<{ error: string }>('/api/models/mlp/versions/1', {
      method: 'PATCH',
      body: JSON.stringify({ config: { batching: { maxBatchSize: 0 } } }),
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toContain('maxBatchSize must not be less than 1');
  });

  it('serves the small MLP on its worker, inline once the config says inline: true, and back, without a restart', async () => {
    type Shown = { config: Record<string, unknown>; serving: { execution: { mode: string; reason: string }; instances: Array<{ inline?: boolean }> } };
    const version = '/api/models/mlp/versions/1';
    expect((await server.json<Shown>(version)).body.serving.execution).toEqual({ mode: 'workers', reason: 'inline execution is off for this version' });
    const shown = await server.json<Shown>(version, { method: 'PATCH', body: JSON.stringify({ config: { inline: true } }) });
    expect(shown.status).toBe(200);
    expect(shown.body.serving.execution.mode).toBe('inline');
    expect(shown.body.serving.execution.reason).toMatch(/^a warm batch-1 run takes [\d.]+ ms and one of \d+ rows [\d.]+ ms, within 0.25 and 1 ms$/);
    expect(shown.body.serving.instances).toMatchObject([{ instance: 0, device: 'cpu', ready: true, inline: true }]);
    expect(runtime.stats(server.modelgate.app.get(ModelServer).resolve('mlp').runtimeKey)!.workers.instances).toMatchObject([{ inline: true }]);

    const off = await server.json<Shown>(version, { method: 'PATCH', body: JSON.stringify({ config: { inline: false } }) });
    expect(off.status).toBe(200);
    expect(off.body.serving.execution).toEqual({ mode: 'workers', reason: 'inline execution is off for this version' });
    expect(off.body.serving.instances.map((instance) => instance.inline)).toEqual([undefined]);
    expect((await infer([1, 2, 3, 4])).status).toBe(200);
    const refused = await server.json<{ error: string }>(version, { method: 'PATCH', body: JSON.stringify({ config: { inline: 'yes' } }) });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toContain('inline must be true or false');
    expect((await server.json<Shown>(version)).body.config.inline).toBe(false);
  });

  it('queues requests marked batch (X-Request-Priority or parameters.priority) behind online ones sent later', async () => {
    // One request per engine call, so that the order of the calls is the order of the queue.
    const patched = await server.json('/api/models/mlp/versions/1', { method: 'PATCH', body: JSON.stringify({ config: { batching: { maxQueueSize: 12, maxBatchSize: 1 } } }) });
    expect(patched.status).toBe(200);
    const key = stall(800);
    const depth = () => runtime.stats(key)!.queueDepth;
    const until = async (condition: () => boolean) => {
      const limit = Date.now() + 500;
      while (!condition()) {
        if (Date.now() > limit) throw new Error(`the queue did not reach the depth expected: ${JSON.stringify(depth())}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    };
    // Two fillers take the worker's two slots (running and posted); the rest wait in the queue.
    const fillers = [infer([0, 0, 0, 0])];
    await untilInFlight(key, 1);
    fillers.push(infer([0, 0, 0, 1]));
    await untilInFlight(key, 2);
    const batch = [
      infer([1, 0, 0, 0], { 'x-request-priority': 'batch' }),
      infer([1, 0, 0, 1], { 'x-request-priority': 'Batch' }),
      infer([1, 0, 1, 0], {}, { priority: 'batch' }),
      infer([1, 0, 1, 1], { 'x-request-priority': 'batch' }, { priority: 'online' }),
    ];
    await until(() => depth().batch === 4);
    const online = [infer([2, 0, 0, 0]), infer([2, 0, 0, 1], { 'x-request-priority': 'online' }), infer([2, 0, 1, 0], {}, { priority: 'online' })];
    await until(() => depth().online === 3);
    expect(depth()).toEqual({ online: 3, batch: 4 });

    const queued = (answer: Answer) => Number(/queue;dur=([\d.]+)/.exec(answer.headers.get('server-timing') ?? '')![1]);
    const [batchAnswers, onlineAnswers] = [await Promise.all(batch), await Promise.all(online)];
    for (const answer of [...(await Promise.all(fillers)), ...batchAnswers, ...onlineAnswers]) expect(answer.status).toBe(200);
    // Queued earlier and computed later: every batch request waited longer than every online one.
    expect(Math.min(...batchAnswers.map(queued))).toBeGreaterThan(Math.max(...onlineAnswers.map(queued)));

    const computed = runtime.stats(key)!.batches.computedRequests;
    const badHeader = await infer([3, 0, 0, 0], { 'x-request-priority': 'urgent' });
    expect(badHeader.status).toBe(400);
    expect(badHeader.body.error).toContain('X-Request-Priority header must be "online" (the default) or "batch"');
    const badParameter = await infer([3, 0, 0, 0], {}, { priority: 1 });
    expect(badParameter.status).toBe(400);
    expect(badParameter.body.error).toContain('parameters.priority must be "online" (the default) or "batch"');
    expect(runtime.stats(key)!.batches.computedRequests).toBe(computed);

    // Every prediction route documents both headers in the OpenAPI document.
    const document = (await server.json<{ paths: Record<string, Record<string, { parameters?: Array<{ in: string; name: string }> }>> }>('/docs-json')).body;
    const predictionPaths = Object.keys(document.paths).filter((path) => /\/infer$|:predict$/.test(path));
    expect(predictionPaths.length).toBe(5);
    for (const path of predictionPaths) {
      const headers = (document.paths[path]!.post!.parameters ?? []).filter((parameter) => parameter.in === 'header').map((parameter) => parameter.name);
      expect(headers, path).toEqual(expect.arrayContaining(['X-Request-Timeout-Ms', 'X-Request-Priority']));
    }
  });

  it('answers every request joined with one the engine fails on, and fails only that one (500)', async () => {
    // The fixture fails a run when a row's first feature is 4 or more; below that it answers the iris MLP.
    const failing = await onnxMlpFailingOnLargeInputs(fixtures);
    expect((await server.json('/api/models', { method: 'POST', body: JSON.stringify({ name: 'flaky' }) })).status).toBe(201);
    // Requests wait for the worker rather than fill its second slot, so they leave as one batch.
    expect((await uploadVersion(server, 'flaky', failing.path, { config: JSON.stringify({ batching: { maxQueueDelayMs: 1000 } }) })).status).toBe(201);
    const rows = [
      [0.5, 1, 2, 0.3],
      [5.1, 3.5, 1.4, 0.2],
      [1.5, 0.5, 1, 2],
      [2.5, 3.5, 1.4, 0.2],
      [3.5, 1, 0, 1],
      [7, 1, 1, 1],
      [0, 2, 2, 2],
    ];
    expect(rows.map((row) => failing.fails(row))).toEqual([false, true, false, false, false, true, false]);
    const key = stall(400, 'flaky');
    const blocker = infer([1, 1, 1, 1], {}, undefined, 'flaky');
    await untilInFlight(key, 1);
    const answers = await Promise.all(rows.map((row) => infer(row, {}, undefined, 'flaky')));
    expect((await blocker).status).toBe(200);
    for (const [index, answer] of answers.entries()) {
      if (failing.fails(rows[index]!)) {
        expect(answer.status).toBe(500);
        expect(answer.body.error).toMatch(/indices element out of data bounds/);
        continue;
      }
      expect(answer.status).toBe(200);
      const expected = failing.predict([rows[index]!])[0]!;
      answer.body.outputs![0]!.data.forEach((value, position) => expect(Math.abs(value - expected[position]!)).toBeLessThan(1e-6));
    }
    // They were joined, the batch failed, and its members went again apart.
    const { body } = await server.json<{ serving: { observed: ObservedServingDto } }>('/api/models/flaky/versions/1');
    expect(Math.max(...Object.keys(body.serving.observed.batchSizes).map(Number))).toBe(rows.length);
    expect(body.serving.observed.requests).toMatchObject({ failed: 2, completed: rows.length - 2 + 1 });
    expect(body.serving.observed.requests.retriedApart).toBeGreaterThanOrEqual(rows.length);
    const metrics = await (await server.fetch('/metrics')).text();
    expect(metrics).toContain(`modelgate_batch_retries_total{model="flaky",version="1"} ${body.serving.observed.requests.retriedApart}`);
    expect((await server.fetch('/api/models/flaky', { method: 'DELETE' })).status).toBe(204);
  });
});

describe('worker life in the log', () => {
  it('logs a crashed worker as a warning, naming the model and version, and its replacement as information', async () => {
    const restoreHooks = enableRuntimeTestHooks();
    const fixtures = await mkdtemp(join(tmpdir(), 'modelgate-worker-log-'));
    // ModelServer's Nest logger; app.ts routes it into pino (telemetry-logs.e2e.ts checks that part).
    const warn = vi.spyOn(Logger.prototype, 'warn');
    const info = vi.spyOn(Logger.prototype, 'log');
    let server: TestServer | undefined;
    try {
      server = await startServer();
      await server.json('/api/models', { method: 'POST', body: JSON.stringify({ name: 'crashy' }) });
      expect((await uploadVersion(server, 'crashy', (await onnxMlp(fixtures)).path)).status).toBe(201);
      const served = server.modelgate.app.get(ModelServer).resolve('crashy');
      runtimeOf(server).simulateWorkerCrash(served.runtimeKey, 0);
      const lines = (spy: typeof warn) => spy.mock.calls.map(([message]) => String(message)).filter((line) => line.startsWith('model "crashy" version 1, instance 0: '));
      const deadline = Date.now() + 10_000;
      while (!lines(info).some((line) => line.includes(': replaced: ')) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(lines(warn)).toEqual([expect.stringMatching(/: crashed: exit code 70$/)]);
      expect(lines(info)).toContainEqual('model "crashy" version 1, instance 0: replaced: replacement worker loaded the model');
      const answer = await server.json('/v2/models/crashy/infer', {
        method: 'POST',
        body: JSON.stringify({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: [1, 2, 3, 4] }] }),
      });
      expect(answer.status).toBe(200);
    } finally {
      warn.mockRestore();
      info.mockRestore();
      await server?.close();
      await rm(fixtures, { recursive: true, force: true });
      restoreHooks();
    }
  });
});

describe('idle spin over HTTP', () => {
  it('counts each request until its response closes, and hands a lone client its next requests through the bell', async () => {
    const restoreHooks = enableRuntimeTestHooks();
    const fixtures = await mkdtemp(join(tmpdir(), 'modelgate-idle-spin-'));
    let server: TestServer | undefined;
    try {
      // A long spin, so that a lone client's next request is in time on a busy test machine.
      server = await startServer({ env: { MODELGATE_IDLE_SPIN_MS: '100' } });
      await server.json('/api/models', { method: 'POST', body: JSON.stringify({ name: 'mlp' }) });
      expect((await uploadVersion(server, 'mlp', (await onnxMlp(fixtures)).path)).status).toBe(201);
      const modelServer = server.modelgate.app.get(ModelServer);
      const activity = modelServer.activity;
      const { runtimeKey } = modelServer.resolve('mlp');
      const runtime = runtimeOf(server);
      const body = JSON.stringify({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: [1, 2, 3, 4] }] });
      const infer = () => server!.fetch('/v2/models/mlp/infer', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const settled = async () => {
        const deadline = Date.now() + 5_000;
        while (activity.requests !== 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
        return activity.requests;
      };

      // Two requests held by a stalled worker count two; answered, none.
      runtime.simulateWorkerStall(runtimeKey, 0, 400);
      const held = [infer(), infer()];
      const deadline = Date.now() + 5_000;
      while (activity.requests < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(activity.requests).toBe(2);
      expect((await Promise.all(held)).map((response) => response.status)).toEqual([200, 200]);
      expect(await settled()).toBe(0);

      // Refusals answered by the framework, and a client gone before its body ended, count down too.
      expect((await server.fetch('/v2/models/nosuchmodel/infer', { method: 'POST', headers: { 'content-type': 'application/json' }, body })).status).toBe(404);
      expect((await server.fetch('/v2/models/mlp/infer', { method: 'POST', key: null, body })).status).toBe(401);
      await new Promise<void>((resolve) => {
        const { hostname, port } = new URL(server!.url);
        const request = httpRequest({ hostname, port, path: '/v2/models/mlp/infer', method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-length': '1000' } });
        request.on('error', () => resolve());
        request.write('{"inputs": [');
        setTimeout(() => request.destroy(), 100);
        request.on('close', () => resolve());
      });
      expect(await settled()).toBe(0);

      // One request at a time: the worker spins after each answer, and takes the next through its bell.
      const before = runtime.stats(runtimeKey)!.batches.handedOver;
      for (let sent = 0; sent < 10; sent++) expect((await infer()).status).toBe(200);
      expect(runtime.stats(runtimeKey)!.batches.handedOver - before).toBeGreaterThan(0);
    } finally {
      await server?.close();
      await rm(fixtures, { recursive: true, force: true });
      restoreHooks();
    }
  });

});

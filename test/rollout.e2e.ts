import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelServer } from '../apps/api/src/inference/model-server.service';
import { MULTI_INPUT_ROW, onnxMlp, onnxMultiInput } from './fixtures/models';
import { createKey } from './support/credentials';
import { eventually } from './support/eventually';
import { enableRuntimeTestHooks, runtimeOf, startServer, uploadForm, type TestServer } from './support/server';

interface Deployment {
  model: string;
  revision: number;
  routes: Array<{ version: number; weight: number; serving: string }>;
  stable: number | null;
  canary: number | null;
  previousStable: number | null;
  fallback: { version: number; errorThreshold: number; openSeconds: number } | null;
  sticky: string;
  error?: string;
}

const ROW = [5.1, 3.5, 1.4, 0.2];
const V2_BODY = JSON.stringify({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: ROW }] });

describe('rollout: deployments, routing, labels, promote and rollback', () => {
  let server: TestServer;
  let fixtures: string;
  let model: Buffer;
  let restoreHooks: () => void;

  const put = (name: string, body: unknown) => server.json<Deployment>(`/api/models/${name}/deployment`, { method: 'PUT', body: JSON.stringify(body) });
  const get = (name: string) => server.json<Deployment>(`/api/models/${name}/deployment`);
  const infer = (name: string, headers: Record<string, string> = {}) =>
    server.fetch(`/v2/models/${name}/infer`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: V2_BODY });

  /** Creates a model with `count` versions (the same file; each a version of its own). */
  async function modelWithVersions(name: string, count: number, config?: Record<string, unknown>): Promise<void> {
    expect((await server.json('/api/models', { method: 'POST', body: JSON.stringify({ name }) })).status).toBe(201);
    for (let index = 0; index < count; index++) {
      const fields: Record<string, string> = config ? { config: JSON.stringify(config) } : {};
      const uploaded = await server.json(`/api/models/${name}/versions`, { method: 'POST', body: uploadForm(model, 'mlp.onnx', fields) });
      expect(uploaded.status).toBe(201);
    }
  }

  /** Sends `total` unpinned predictions from `concurrency` clients; returns the count per answering version. */
  async function spread(name: string, total: number, concurrency: number, headersOf: (index: number) => Record<string, string> = () => ({})) {
    const counts = new Map<number, number>();
    let next = 0;
    const failures: string[] = [];
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < total) {
          const index = next++;
          const response = await infer(name, headersOf(index));
          if (response.status !== 200) failures.push(`${response.status} ${await response.text()}`);
          else await response.arrayBuffer();
          const version = Number(response.headers.get('x-model-version'));
          counts.set(version, (counts.get(version) ?? 0) + 1);
        }
      }),
    );
    expect(failures).toEqual([]);
    return counts;
  }

  beforeAll(async () => {
    restoreHooks = enableRuntimeTestHooks();
    fixtures = await mkdtemp(join(tmpdir(), 'modelgate-rollout-'));
    model = await readFile((await onnxMlp(fixtures)).path);
    server = await startServer();
  });
  afterAll(async () => {
    await server?.close();
    await rm(fixtures, { recursive: true, force: true });
    restoreHooks?.();
  });

  it('without a deployment, answers with the latest ready version; GET says there is none and how to make one', async () => {
    await modelWithVersions('plain', 2);
    const response = await infer('plain');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-model-version')).toBe('2');
    expect(response.headers.get('x-route')).toBe('latest');
    const missing = await get('plain');
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatch(/no deployment.*PUT/);
  });

  it('refuses a bad deployment with a message naming the problem, and changes nothing', async () => {
    await modelWithVersions('strict', 2);
    expect((await put('strict', { routes: [{ version: 1, weight: 100 }] })).status).toBe(200);
    const before = (await get('strict')).body;

    const cases: Array<[unknown, number, RegExp]> = [
      [{ routes: [{ version: 1, weight: 60 }, { version: 2, weight: 30 }] }, 400, /add up to 90; they must add up to 100/],
      [{ routes: [{ version: 1, weight: 50 }, { version: 1, weight: 50 }] }, 400, /version 1 twice/],
      [{ routes: [{ version: 7, weight: 100 }] }, 400, /no version 7 \(versions: 1, 2\)/],
      [{ routes: [{ version: 1, weight: 101 }] }, 400, /weight/],
      [{ routes: [] }, 400, /at least one version/],
      [{ routes: [{ version: 1, weight: 100 }], sticky: 'cookie' }, 400, /sticky must be one of header, key, none/],
      [{ routes: [{ version: 1, weight: 50 }, { version: 2, weight: 50 }], stable: 3 }, 400, /stable \(3\) must be one of the routed versions/],
      [
        { routes: [{ version: 1, weight: 90 }, { version: 2, weight: 10 }], plan: { steps: [5, 50, 100] } },
        400,
        /canary starts at the plan's first step: give version 2 weight 5 and version 1 weight 95/,
      ],
      [{ routes: [{ version: 1, weight: 95 }, { version: 2, weight: 5 }], plan: { steps: [5, 50, 40] } }, 400, /plan.steps must increase/],
      [{ routes: [{ version: 1, weight: 95 }, { version: 2, weight: 5 }], plan: { steps: [5, 50] } }, 400, /must end at 100/],
      [{ routes: [{ version: 1, weight: 100 }], shadow: { version: 1, percent: 10 } }, 400, /already receives traffic/],
      [{ routes: [{ version: 1, weight: 100 }], extra: true }, 400, /extra/],
    ];
    for (const [body, status, message] of cases) {
      const answer = await put('strict', body);
      expect({ body, status: answer.status }).toEqual({ body, status });
      expect(answer.body.error).toMatch(message);
    }
    expect((await put('nomodel', { routes: [{ version: 1, weight: 100 }] })).status).toBe(404);

    // A retired version cannot take traffic (409), and a routed version cannot be retired or deleted.
    expect((await server.json('/api/models/strict/versions/2', { method: 'PATCH', body: JSON.stringify({ status: 'retired' }) })).status).toBe(200);
    const retired = await put('strict', { routes: [{ version: 2, weight: 100 }] });
    expect(retired.status).toBe(409);
    expect(retired.body.error).toMatch(/version 2 is retired/);
    const deleteRouted = await server.json<{ error: string }>('/api/models/strict/versions/1', { method: 'DELETE' });
    expect(deleteRouted.status).toBe(409);
    expect(deleteRouted.body.error).toMatch(/the deployment uses it \(routed at weight 100, labelled stable\)/);

    const after = (await get('strict')).body;
    expect(after).toEqual(before);
    const history = await server.json<{ total: number }>('/api/models/strict/deployment/history');
    expect(history.body.total).toBe(1);
  });

  it('refuses to send unpinned requests to a version that takes other inputs beside stable, allows switching all traffic to it, and it answers pinned', async () => {
    await modelWithVersions('inputs', 2);
    const other = await readFile((await onnxMultiInput(fixtures)).path);
    expect((await server.json('/api/models/inputs/versions', { method: 'POST', body: uploadForm(other, 'multi-input.onnx') })).status).toBe(201);
    expect((await put('inputs', { routes: [{ version: 1, weight: 100 }] })).status).toBe(200);
    const before = (await get('inputs')).body;

    const expected = (what: string) =>
      `${what}: version 3 takes other inputs than version 1, the stable one (it has no input "x"); every version that unpinned requests reach must take the same inputs. ` +
      'Call version 3 pinned (/v2/models/inputs/versions/3/infer), or upload it as a model of its own';
    const refusals: Array<[string, string, unknown, string]> = [
      ['PUT', 'a canary', { routes: [{ version: 1, weight: 90 }, { version: 3, weight: 10 }] }, expected('routes[1]')],
      ['PUT', 'a shadow', { routes: [{ version: 1, weight: 100 }], shadow: { version: 3, percent: 50 } }, expected('shadow.version')],
      ['PATCH', 'a shadow', { shadow: { version: 3, percent: 50 } }, expected('shadow.version')],
      ['PATCH', 'a fallback', { fallback: { version: 3 } }, expected('fallback.version')],
    ];
    for (const [method, what, body, message] of refusals) {
      const answer = await server.json<Deployment>('/api/models/inputs/deployment', { method, body: JSON.stringify(body) });
      expect({ method, what, status: answer.status, error: answer.body.error }).toEqual({ method, what, status: 400, error: message });
    }
    // A switch of all traffic to the new inputs is a blue-green change, the old version kept at 0 as
    // the dashboard's split form keeps it; so is a canary at 0, promoted.
    const switched = await put('inputs', { routes: [{ version: 1, weight: 0 }, { version: 3, weight: 100 }] });
    expect(switched.status).toBe(200);
    expect(switched.body.stable).toBe(3);
    const mixed = await put('inputs', { routes: [{ version: 3, weight: 50 }, { version: 2, weight: 50 }] });
    expect(mixed.status).toBe(400);
    expect(mixed.body.error).toMatch(/^routes\[1\]: version 2 takes other inputs than version 3, the stable one \(it has no input "features"\)/);
    expect((await put('inputs', { routes: [{ version: 1, weight: 100 }, { version: 3, weight: 0 }], canary: 3 })).status).toBe(200);
    const promoted = await server.json<Deployment>('/api/models/inputs/deployment/promote', { method: 'POST', body: '{}' });
    expect(promoted.status).toBe(200);
    expect(promoted.body).toMatchObject({ stable: 3, routes: [{ version: 3, weight: 100 }] });
    expect((await put('inputs', { routes: [{ version: 1, weight: 50 }, { version: 2, weight: 50 }] })).status).toBe(200);

    // Nothing refused was stored, and version 3 answers its own inputs pinned.
    const history = await server.json<{ total: number }>('/api/models/inputs/deployment/history');
    expect(history.body.total).toBe(before.revision + 4);
    const pinned = await server.json<{ outputs: unknown[] }>('/v2/models/inputs/versions/3/infer', { method: 'POST', body: JSON.stringify({ inputs: MULTI_INPUT_ROW }) });
    expect(pinned.status).toBe(200);
  });

  it('spreads 10,000 requests within 2 points of the weights and says which version and route answered', async () => {
    await modelWithVersions('split', 2);
    const created = await put('split', { routes: [{ version: 1, weight: 80 }, { version: 2, weight: 20 }], reason: 'A/B test' });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ revision: 1, stable: 1, canary: 2, sticky: 'header' });
    expect(created.body.routes).toEqual([
      { version: 1, weight: 80, serving: 'ready' },
      { version: 2, weight: 20, serving: 'ready' },
    ]);

    const counts = await spread('split', 10_000, 20);
    const share = (counts.get(2) ?? 0) / 10_000;
    expect(Math.abs(share - 0.2)).toBeLessThan(0.02);
    expect((counts.get(1) ?? 0) + (counts.get(2) ?? 0)).toBe(10_000);

    const routes = new Set<string>();
    for (let index = 0; index < 40; index++) {
      const response = await infer('split');
      await response.arrayBuffer();
      routes.add(`${response.headers.get('x-model-version')}:${response.headers.get('x-route')}`);
    }
    expect([...routes].sort()).toEqual(['1:stable', '2:canary']);
    const pinned = await server.fetch('/v2/models/split/versions/2/infer', { method: 'POST', headers: { 'content-type': 'application/json' }, body: V2_BODY });
    expect(pinned.status).toBe(200);
    expect(pinned.headers.get('x-route')).toBe('pinned');
  });

  it('keeps a client on its version while the weights stay, and moves few clients when they change', async () => {
    await modelWithVersions('sticky', 2);
    expect((await put('sticky', { routes: [{ version: 1, weight: 50 }, { version: 2, weight: 50 }] })).status).toBe(200);
    const clients = Array.from({ length: 300 }, (_, index) => `client-${index}`);
    const versionOf = async (client: string) => {
      const response = await infer('sticky', { 'x-routing-key': client });
      await response.arrayBuffer();
      return Number(response.headers.get('x-model-version'));
    };
    const first = new Map<string, number>();
    for (const client of clients) first.set(client, await versionOf(client));
    const onTwo = [...first.values()].filter((version) => version === 2).length;
    expect(onTwo / clients.length).toBeGreaterThan(0.4);
    expect(onTwo / clients.length).toBeLessThan(0.6);
    // The same key, the same version, every time.
    for (const client of clients.slice(0, 100)) expect(await versionOf(client)).toBe(first.get(client));

    // 50/50 -> 70/30: about 20% of clients should move, all from version 2 to version 1.
    expect((await put('sticky', { routes: [{ version: 1, weight: 70 }, { version: 2, weight: 30 }] })).status).toBe(200);
    let moved = 0;
    for (const client of clients) {
      const now = await versionOf(client);
      if (now !== first.get(client)) {
        moved++;
        expect({ client, from: first.get(client), to: now }).toEqual({ client, from: 2, to: 1 });
      }
    }
    expect(moved / clients.length).toBeGreaterThan(0.1);
    expect(moved / clients.length).toBeLessThan(0.3);

    // sticky: key keys on the calling credential when no header is sent.
    expect((await put('sticky', { routes: [{ version: 1, weight: 50 }, { version: 2, weight: 50 }], sticky: 'key' })).status).toBe(200);
    // Sixteen keys (random ids) all landing on one version at 50/50 would happen once in 30,000 runs.
    const keys = await Promise.all(Array.from({ length: 16 }, (_, index) => createKey(server, { name: `sticky-${index}`, scopes: ['predict'] })));
    const seen = new Set<number>();
    for (const created of keys) {
      const versions = new Set<number>();
      for (let index = 0; index < 5; index++) {
        const response = await server.fetch('/v2/models/sticky/infer', { method: 'POST', key: created.key, headers: { 'content-type': 'application/json' }, body: V2_BODY });
        await response.arrayBuffer();
        versions.add(Number(response.headers.get('x-model-version')));
      }
      expect(versions.size).toBe(1);
      seen.add([...versions][0]);
    }
    expect(seen.size).toBe(2);
  });

  it('serves the stable and canary labels on TF Serving paths, promotes and rolls back, and keeps the history', async () => {
    await modelWithVersions('labels', 3);
    expect((await put('labels', { routes: [{ version: 1, weight: 90 }, { version: 2, weight: 10 }], reason: 'try v2' })).status).toBe(200);
    const predictLabel = async (label: string) => {
      const response = await server.fetch(`/v1/models/labels/labels/${label}:predict`, { method: 'POST', body: JSON.stringify({ instances: [ROW] }) });
      const body = (await response.json()) as { predictions?: number[][]; error?: string };
      return { status: response.status, version: response.headers.get('x-model-version'), route: response.headers.get('x-route'), body };
    };
    expect(await predictLabel('stable')).toMatchObject({ status: 200, version: '1', route: 'stable' });
    expect(await predictLabel('canary')).toMatchObject({ status: 200, version: '2', route: 'canary' });
    const unknown = await predictLabel('beta');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatch(/unknown label "beta"; the labels are stable and canary/);
    const metadata = await server.json<{ model_spec: { version: string } }>('/v1/models/labels/labels/canary/metadata');
    expect(metadata.body.model_spec.version).toBe('2');

    const promoted = await server.json<Deployment>('/api/models/labels/deployment/promote', { method: 'POST', body: JSON.stringify({ reason: 'v2 looks good' }) });
    expect(promoted.status).toBe(200);
    expect(promoted.body).toMatchObject({ stable: 2, canary: null, previousStable: 1, routes: [{ version: 2, weight: 100 }] });
    const noCanary = await predictLabel('canary');
    expect(noCanary.status).toBe(404);
    expect(noCanary.body.error).toMatch(/no version labelled canary/);
    const promoteAgain = await server.json<{ error: string }>('/api/models/labels/deployment/promote', { method: 'POST', body: '{}' });
    expect(promoteAgain.status).toBe(409);
    expect(promoteAgain.body.error).toMatch(/no canary to promote/);

    // Blue-green to 3, then roll back: 2 comes back.
    expect((await put('labels', { routes: [{ version: 3, weight: 100 }] })).body).toMatchObject({ stable: 3, previousStable: 2 });
    const rolledBack = await server.json<Deployment>('/api/models/labels/deployment/rollback', { method: 'POST' });
    expect(rolledBack.status).toBe(200);
    expect(rolledBack.body).toMatchObject({ stable: 2, previousStable: 3, routes: [{ version: 2, weight: 100 }] });
    expect((await predictLabel('stable')).version).toBe('2');

    // A canary in progress: rollback drops it, stable keeps serving.
    await put('labels', { routes: [{ version: 2, weight: 75 }, { version: 3, weight: 25 }] });
    const dropped = await server.json<Deployment>('/api/models/labels/deployment/rollback', { method: 'POST', body: JSON.stringify({ reason: 'p99 regression' }) });
    expect(dropped.body.routes.filter((route) => route.weight > 0)).toEqual([{ version: 2, weight: 100, serving: 'ready' }]);

    const history = await server.json<{ total: number; items: Array<{ action: string; actor: string; reason: string | null; revision: number; deployment: Deployment }> }>(
      '/api/models/labels/deployment/history',
    );
    expect(history.body.total).toBe(6);
    expect(history.body.items.map((event) => event.action)).toEqual([
      'deployment.rollback',
      'deployment.update',
      'deployment.rollback',
      'deployment.update',
      'deployment.promote',
      'deployment.update',
    ]);
    expect(history.body.items[0]).toMatchObject({ actor: 'key:testadmin01', reason: 'p99 regression', revision: 6 });
    expect(history.body.items[4]).toMatchObject({ reason: 'v2 looks good', deployment: { stable: 2 } });
    const audit = await server.json<{ items: Array<{ action: string; target: string }> }>('/api/audit?target=deployment:labels');
    expect(audit.body.items.map((entry) => entry.action)).toContain('deployment.promote');
  });

  it('switches versions under 20 concurrent clients without failing a request', async () => {
    await modelWithVersions('switch', 2);
    expect((await put('switch', { routes: [{ version: 1, weight: 100 }] })).status).toBe(200);
    let running = true;
    const statuses = new Map<number, number>();
    const versions = new Set<string>();
    const clients = Array.from({ length: 20 }, async () => {
      while (running) {
        const response = await infer('switch');
        await response.arrayBuffer();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        versions.add(response.headers.get('x-model-version') ?? '');
      }
    });
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    await pause(300);
    for (const [version, other] of [
      [2, 1],
      [1, 2],
    ]) {
      expect((await put('switch', { routes: [{ version, weight: 100 }] })).status).toBe(200);
      await pause(300);
      expect((await put('switch', { routes: [{ version, weight: 50 }, { version: other, weight: 50 }] })).status).toBe(200);
      await pause(300);
    }
    // New serving settings for a routed version: it is loaded again, switched to, and the old workers drained.
    expect((await server.json('/api/models/switch/versions/1', { method: 'PATCH', body: JSON.stringify({ config: { instances: 2 } }) })).status).toBe(200);
    await pause(300);
    running = false;
    await Promise.all(clients);
    expect([...statuses.keys()]).toEqual([200]);
    expect(statuses.get(200)).toBeGreaterThan(100);
    expect([...versions].sort()).toEqual(['1', '2']);
  });

  it('answers from the fallback when the routed version is overloaded, and opens its circuit after repeated failures', async () => {
    await modelWithVersions('fallback', 1);
    // Version 2 holds one queued request at most: a stalled worker makes it refuse the rest.
    const config = JSON.stringify({ batching: { maxQueueSize: 1, maxBatchSize: 1 } });
    expect((await server.json(`/api/models/fallback/versions`, { method: 'POST', body: uploadForm(model, 'mlp.onnx', { config }) })).status).toBe(201);
    const answer = await put('fallback', { routes: [{ version: 2, weight: 100 }], fallback: { version: 1, errorThreshold: 3, openSeconds: 60 } });
    expect(answer.status).toBe(200);
    expect(answer.body.fallback).toEqual({ version: 1, errorThreshold: 3, openSeconds: 60 });

    const runtimeKey = server.modelgate.app.get(ModelServer).find('fallback', 2)!.runtimeKey;
    runtimeOf(server).simulateWorkerStall(runtimeKey, 0, 1500);
    const responses = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const response = await infer('fallback');
        await response.arrayBuffer();
        return { status: response.status, version: response.headers.get('x-model-version'), route: response.headers.get('x-route'), fallback: response.headers.get('x-fallback') };
      }),
    );
    expect(responses.every((response) => response.status === 200)).toBe(true);
    const byFallback = responses.filter((response) => response.route === 'fallback');
    expect(byFallback.length).toBeGreaterThanOrEqual(3);
    for (const response of byFallback) expect(response).toMatchObject({ version: '1', fallback: expect.stringMatching(/^(overloaded|circuit-open)$/) });

    // The circuit is open now: version 2 is skipped even once it could answer again.
    await new Promise((resolve) => setTimeout(resolve, 1600));
    const skipped = await infer('fallback');
    await skipped.arrayBuffer();
    expect(skipped.headers.get('x-fallback')).toBe('circuit-open');
    expect(skipped.headers.get('x-model-version')).toBe('1');
    const metrics = await server.fetch('/metrics');
    expect(await metrics.text()).toMatch(/modelgate_fallback_total\{model="fallback",version="1",reason="circuit-open"\} [1-9]/);
  });

  it('exports the traffic split, the shadow, the revision and each change to Prometheus, and drops them with the model', async () => {
    await modelWithVersions('metered', 3);
    /** The model's deployment samples in /metrics: `name{labels}` -> value. */
    const samples = async () => {
      const text = await (await server.fetch('/metrics')).text();
      const lines = text.split('\n').filter((line) => line.startsWith('modelgate_deployment_') && line.includes('model="metered"'));
      return Object.fromEntries(lines.map((line) => [line.slice(0, line.lastIndexOf(' ')), Number(line.slice(line.lastIndexOf(' ') + 1))]));
    };
    expect(await samples()).toEqual({});

    expect((await put('metered', { routes: [{ version: 1, weight: 90 }, { version: 2, weight: 10 }], shadow: { version: 3, percent: 25 } })).status).toBe(200);
    expect(await samples()).toEqual({
      'modelgate_deployment_traffic_ratio{model="metered",version="1",role="stable"}': 0.9,
      'modelgate_deployment_traffic_ratio{model="metered",version="2",role="canary"}': 0.1,
      'modelgate_deployment_shadow_ratio{model="metered",version="3"}': 0.25,
      'modelgate_deployment_revision{model="metered"}': 1,
      // The rollbacks from 0, so that the first one reads as an increase to Prometheus.
      'modelgate_deployment_changes_total{model="metered",action="plan.rollback"}': 0,
      'modelgate_deployment_changes_total{model="metered",action="deployment.rollback"}': 0,
      'modelgate_deployment_changes_total{model="metered",action="deployment.update"}': 1,
    });

    expect((await server.json('/api/models/metered/deployment/rollback', { method: 'POST' })).status).toBe(200);
    expect((await server.json('/api/models/metered/deployment', { method: 'PATCH', body: JSON.stringify({ shadow: null }) })).status).toBe(200);
    expect(await samples()).toEqual({
      'modelgate_deployment_traffic_ratio{model="metered",version="1",role="stable"}': 1,
      'modelgate_deployment_revision{model="metered"}': 3,
      'modelgate_deployment_changes_total{model="metered",action="plan.rollback"}': 0,
      'modelgate_deployment_changes_total{model="metered",action="deployment.rollback"}': 1,
      'modelgate_deployment_changes_total{model="metered",action="deployment.update"}': 1,
      'modelgate_deployment_changes_total{model="metered",action="deployment.options"}': 1,
    });

    expect((await server.fetch('/api/models/metered', { method: 'DELETE' })).status).toBe(204);
    expect(await samples()).toEqual({});
  });

  it('PATCH changes the shadow, fallback and sticky routing and leaves the routes and a running plan as they are', async () => {
    await modelWithVersions('options', 3);
    const patch = (body: unknown) => server.json<Deployment & { shadow: { version: number; percent: number } | null; plan: unknown; planState: { status: string; step: number } | null }>(
      '/api/models/options/deployment',
      { method: 'PATCH', body: JSON.stringify(body) },
    );
    const noDeployment = await patch({ sticky: 'none' });
    expect(noDeployment.status).toBe(404);
    expect(noDeployment.body.error).toMatch(/no deployment; PUT/);

    // A plan that cannot advance while the test runs: it must still be at its first step, running, afterwards.
    const plan = { steps: [10, 100], minRequests: 1_000_000, minDurationSeconds: 3600 };
    expect((await put('options', { routes: [{ version: 1, weight: 90 }, { version: 2, weight: 10 }], plan })).status).toBe(200);
    const before = (await get('options')).body as Deployment & { plan: unknown; planState: unknown };

    const changed = await patch({ shadow: { version: 3, percent: 100 }, fallback: { version: 1 }, sticky: 'key', reason: 'compare v3 before its canary' });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      revision: before.revision + 1,
      routes: before.routes,
      stable: 1,
      canary: 2,
      shadow: { version: 3, percent: 100 },
      fallback: { version: 1, errorThreshold: 5, openSeconds: 30 },
      sticky: 'key',
      plan: before.plan,
      planState: { status: 'running', step: 0 },
    });
    // The router follows: every unpinned request is copied to version 3 and compared.
    for (let index = 0; index < 4; index++) expect((await infer('options')).status).toBe(200);
    await eventually(async () => {
      const report = await server.json<{ comparisons: Array<{ shadowVersion: number; totals: { requests: number } }> }>('/api/models/options/deployment/shadow');
      return (report.body.comparisons.find((pair) => pair.shadowVersion === 3)?.totals.requests ?? 0) >= 4;
    }, 5000);

    // Left out stays; null removes.
    const cleared = await patch({ shadow: null });
    expect(cleared.status).toBe(200);
    expect(cleared.body).toMatchObject({ shadow: null, fallback: { version: 1 }, sticky: 'key', planState: { status: 'running', step: 0 } });
    expect((await patch({ fallback: null, sticky: 'header' })).body).toMatchObject({ shadow: null, fallback: null, sticky: 'header' });

    // The plan runner's latest look (evaluation) may appear between two reads: compare what is stored.
    const stored = async () => {
      const { evaluation: _evaluation, ...deployment } = (await get('options')).body as Deployment & { evaluation?: unknown };
      return deployment;
    };
    const unchanged = await stored();
    const cases: Array<[unknown, number, RegExp]> = [
      [{}, 400, /at least one of shadow, fallback or sticky/],
      [{ reason: 'nothing else' }, 400, /at least one of shadow, fallback or sticky/],
      [{ shadow: { version: 2, percent: 10 } }, 400, /shadow \(version 2\) already receives traffic/],
      [{ shadow: { version: 9, percent: 10 } }, 400, /shadow.version: model "options" has no version 9 \(versions: 1, 2, 3\)/],
      [{ shadow: { version: 3, percent: 0 } }, 400, /percent/],
      [{ shadow: 3 }, 400, /shadow must be an object/],
      [{ fallback: 'v1' }, 400, /fallback must be an object/],
      [{ fallback: { version: 1, openSeconds: 0 } }, 400, /openSeconds/],
      [{ sticky: 'cookie' }, 400, /sticky must be one of header, key, none/],
      [{ routes: [{ version: 3, weight: 100 }] }, 400, /routes/],
    ];
    for (const [body, status, message] of cases) {
      const answer = await patch(body);
      expect({ body, status: answer.status }).toEqual({ body, status });
      expect(answer.body.error).toMatch(message);
    }
    expect(await stored()).toEqual(unchanged);

    const history = await server.json<{ items: Array<{ action: string; reason: string | null; actor: string }> }>('/api/models/options/deployment/history');
    expect(history.body.items.map((item) => item.action)).toEqual(['deployment.options', 'deployment.options', 'deployment.options', 'deployment.update']);
    expect(history.body.items[2].reason).toBe('compare v3 before its canary');

    const reader = await createKey(server, { name: 'options-reader', scopes: ['models:read'] });
    expect((await server.json('/api/models/options/deployment', { method: 'PATCH', key: reader.key, body: JSON.stringify({ sticky: 'none' }) })).status).toBe(403);
  });

  it('refuses to change a deployment without the deploy scope, and lets models:read look', async () => {
    const reader = await createKey(server, { name: 'reader', scopes: ['models:read', 'predict'] });
    const refused = await server.json<{ error: string }>('/api/models/split/deployment', {
      method: 'PUT',
      key: reader.key,
      body: JSON.stringify({ routes: [{ version: 1, weight: 100 }] }),
    });
    expect(refused.status).toBe(403);
    expect((await server.json('/api/models/split/deployment', { key: reader.key })).status).toBe(200);
    expect((await server.json('/api/models/split/deployment/rollback', { method: 'POST', key: reader.key })).status).toBe(403);
  });

  it('lists every deployment by model name, page by page, and to a key limited to some models only theirs', async () => {
    type Listed = { items: Array<Deployment & { model: string; planState: unknown; evaluation?: unknown }>; total: number };
    for (const name of ['list-b', 'list-a']) {
      await modelWithVersions(name, 2);
      expect((await put(name, { routes: [{ version: 1, weight: 80 }, { version: 2, weight: 20 }] })).status).toBe(200);
    }
    await modelWithVersions('list-c', 1);

    const all = await server.json<Listed>('/api/deployments?limit=500');
    expect(all.status).toBe(200);
    const names = all.body.items.map((deployment) => deployment.model);
    expect(names).toEqual([...names].sort());
    expect(all.body.total).toBe(names.length);
    // As GET /api/models/{name}/deployment answers it; a model without a deployment is not listed.
    expect(all.body.items.find((deployment) => deployment.model === 'list-a')).toEqual((await get('list-a')).body);
    expect(names).toEqual(expect.arrayContaining(['list-a', 'list-b']));
    expect(names).not.toContain('list-c');

    const pages: string[] = [];
    for (let offset = 0; offset < all.body.total; offset += 2) {
      const page = await server.json<Listed>(`/api/deployments?limit=2&offset=${offset}`);
      expect(page.body.total).toBe(all.body.total);
      pages.push(...page.body.items.map((deployment) => deployment.model));
    }
    expect(pages).toEqual(names);

    const limited = await createKey(server, { name: 'list-reader', scopes: ['models:read'], models: ['list-b', 'list-c'] });
    const theirs = await server.json<Listed>('/api/deployments', { key: limited.key });
    expect(theirs.body).toMatchObject({ total: 1, items: [{ model: 'list-b', routes: [{ version: 1, weight: 80 }, { version: 2, weight: 20 }] }] });

    const predictOnly = await createKey(server, { name: 'list-predictor', scopes: ['predict'] });
    expect((await server.json('/api/deployments', { key: predictOnly.key })).status).toBe(403);
    expect((await server.json('/api/deployments', { key: null })).status).toBe(401);
    const badPage = await server.json<{ error: string }>('/api/deployments?limit=many');
    expect(badPage.status).toBe(400);
    expect(badPage.body.error).toContain('limit must be a whole number from 1 to 500');
  });
});

describe.skipIf(!process.env.DATABASE_URL)('rollout across replicas (PostgreSQL LISTEN/NOTIFY)', () => {
  let first: TestServer;
  let second: TestServer;
  let fixtures: string;

  beforeAll(async () => {
    fixtures = await mkdtemp(join(tmpdir(), 'modelgate-replicas-'));
    const model = await readFile((await onnxMlp(fixtures)).path);
    first = await startServer();
    await first.json('/api/models', { method: 'POST', body: JSON.stringify({ name: 'shared' }) });
    for (let index = 0; index < 2; index++) {
      expect((await first.json('/api/models/shared/versions', { method: 'POST', body: uploadForm(model, 'mlp.onnx') })).status).toBe(201);
    }
    // A second replica on the same database and artifact store, started once the versions exist.
    second = await startServer({ env: { DATABASE_URL: first.databaseUrl, MODELGATE_DATA_DIR: first.dataDir } });
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
    await rm(fixtures, { recursive: true, force: true });
  });

  it('a change made on one replica is followed by the other within a second', async () => {
    const versionOn = async (server: TestServer) => {
      const response = await server.fetch('/v2/models/shared/infer', { method: 'POST', headers: { 'content-type': 'application/json' }, body: V2_BODY });
      await response.arrayBuffer();
      return response.headers.get('x-model-version');
    };
    expect((await first.json('/api/models/shared/deployment', { method: 'PUT', body: JSON.stringify({ routes: [{ version: 1, weight: 100 }] }) })).status).toBe(200);
    await eventually(async () => (await versionOn(second)) === '1', 1000, 20);
    expect((await first.json('/api/models/shared/deployment', { method: 'PUT', body: JSON.stringify({ routes: [{ version: 2, weight: 100 }] }) })).status).toBe(200);
    const took = await eventually(async () => (await versionOn(second)) === '2', 1000, 20);
    expect(took).toBeLessThan(1000);
    expect(await versionOn(first)).toBe('2');
    // Both export the revision and the split they follow; only the replica that made the changes counts them.
    const metricsOf = async (server: TestServer) => (await (await server.fetch('/metrics')).text()).split('\n').filter((line) => line.includes('model="shared"'));
    for (const server of [first, second]) {
      expect(await metricsOf(server)).toEqual(
        expect.arrayContaining(['modelgate_deployment_revision{model="shared"} 2', 'modelgate_deployment_traffic_ratio{model="shared",version="2",role="stable"} 1']),
      );
    }
    expect(await metricsOf(first)).toContain('modelgate_deployment_changes_total{model="shared",action="deployment.update"} 2');
    expect((await metricsOf(second)).filter((line) => line.startsWith('modelgate_deployment_changes_total') && !line.endsWith(' 0'))).toEqual([]);
  });

  it('a version uploaded, reconfigured or deleted through one replica is loaded, reloaded or released by the other', async () => {
    const servedOn = (server: TestServer, version: number) => server.modelgate.app.get(ModelServer).find('shared', version);
    const model = await readFile((await onnxMlp(fixtures, 'again.onnx')).path);
    const uploaded = await first.json<{ version: number }>('/api/models/shared/versions', { method: 'POST', body: uploadForm(model, 'mlp.onnx') });
    expect(uploaded.status).toBe(201);
    await eventually(async () => servedOn(second, 3)?.state === 'ready', 5000);
    const pinned = await second.fetch('/v2/models/shared/versions/3/infer', { method: 'POST', headers: { 'content-type': 'application/json' }, body: V2_BODY });
    expect(pinned.status).toBe(200);

    const before = servedOn(second, 3)!.runtimeKey;
    const patched = await first.json('/api/models/shared/versions/3', { method: 'PATCH', body: JSON.stringify({ config: { instances: 1, device: 'cpu', batching: { maxQueueDelayMs: 1, maxBatchSize: 4 } } }) });
    expect(patched.status).toBe(200);
    const onFirst = servedOn(first, 3)!.runtimeKey;
    await eventually(async () => servedOn(second, 3)?.runtimeKey !== before, 5000);
    expect(servedOn(second, 3)!.batching?.maxBatchSize).toBe(4);
    // The replica that made the change does not load it a second time on its own notification
    // (the settings come back from jsonb with their keys in another order).
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(servedOn(first, 3)!.runtimeKey).toBe(onFirst);

    expect((await first.json('/api/models/shared/versions/3', { method: 'DELETE' })).status).toBe(204);
    await eventually(async () => servedOn(second, 3) === undefined, 5000);
    const gone = await second.json<{ error: string }>('/v2/models/shared/versions/3/infer', { method: 'POST', body: V2_BODY });
    expect(gone.status).toBe(404);
  });
});

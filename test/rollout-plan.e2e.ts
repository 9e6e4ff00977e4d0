import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PlanRunner } from '../apps/api/src/rollout/plan/plan-runner';
import { onnxMlp, onnxMlpFailingOnLargeInputs } from './fixtures/models';
import { eventually } from './support/eventually';
import { startServer, uploadForm, type TestServer } from './support/server';

interface Figures {
  requests: number;
  errors: number;
  errorRate: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
}

interface Deployment {
  revision: number;
  routes: Array<{ version: number; weight: number }>;
  stable: number | null;
  canary: number | null;
  planState: { status: string; step: number; stepStartedAt: string; weight: number; reason?: string; canary?: Figures; stable?: Figures } | null;
  evaluation?: { revision: number; step: number; decision: string; reason: string; canary: Figures; stable: Figures };
}

interface HistoryEvent {
  action: string;
  actor: string;
  reason: string | null;
  revision: number;
  deployment: Deployment;
  details?: { canary: Figures; stable: Figures; gate?: string; limit?: number; step?: number; weight?: number };
}

interface Answer {
  status: number;
  /** X-Model-Version; null for an error answer, which does not carry it. */
  version: number | null;
  row: readonly number[];
  body: string;
}

/** Iris-like rows: a first feature under 4 every version answers. */
const GOOD_ROW = [2.5, 3.5, 1.4, 0.2];
/** A first feature of 5: the failing fixture's lookup is out of bounds (500); the plain MLP answers. */
const BAD_ROW = [5.1, 3.5, 1.4, 0.2];
const PLAN = { steps: [5, 50, 100], minRequests: 20, minDurationSeconds: 0.5, gates: { maxErrorRate: 0.05 } };
const CLIENTS = 4;

describe('rollout: progressive plans', () => {
  let server: TestServer;
  let fixtures: string;
  let mlp: Buffer;
  let failing: Awaited<ReturnType<typeof onnxMlpFailingOnLargeInputs>>;

  const get = async (name: string) => {
    const answer = await server.json<Deployment>(`/api/models/${name}/deployment`);
    expect(answer.status).toBe(200);
    return answer.body;
  };
  const post = (path: string, body: unknown = {}) => server.json<Deployment & { error?: string }>(path, { method: 'POST', body: JSON.stringify(body) });
  const history = async (name: string) =>
    (await server.json<{ items: HistoryEvent[] }>(`/api/models/${name}/deployment/history?limit=100`)).body.items.slice().reverse();
  const infer = (name: string, row: readonly number[], path = `/v2/models/${name}/infer`) =>
    server.fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: row }] }),
    });

  async function createModel(name: string, files: Array<[Buffer, string]>): Promise<void> {
    expect((await server.json('/api/models', { method: 'POST', body: JSON.stringify({ name }) })).status).toBe(201);
    for (const [file, fileName] of files) {
      expect((await server.json(`/api/models/${name}/versions`, { method: 'POST', body: uploadForm(file, fileName) })).status).toBe(201);
    }
  }

  async function startPlan(name: string, plan: unknown = PLAN): Promise<Deployment> {
    const answer = await server.json<Deployment>(`/api/models/${name}/deployment`, {
      method: 'PUT',
      body: JSON.stringify({ routes: [{ version: 1, weight: 95 }, { version: 2, weight: 5 }], plan }),
    });
    expect(answer.status).toBe(200);
    expect(answer.body.planState).toMatchObject({ status: 'running', step: 0, weight: 5 });
    return answer.body;
  }

  /** Sends unpinned predictions from CLIENTS clients, checking `done` after each round, until it holds. */
  async function trafficUntil(name: string, done: (deployment: Deployment) => boolean, rowOf: (index: number) => readonly number[] = () => GOOD_ROW): Promise<Answer[]> {
    const answers: Answer[] = [];
    const started = Date.now();
    let index = 0;
    while (!done(await get(name))) {
      if (Date.now() - started > 60_000) throw new Error(`"${name}": not done after ${answers.length} requests: ${JSON.stringify(await get(name))}`);
      await sendRound(name, 40, () => rowOf(index++), answers);
    }
    return answers;
  }

  async function sendRound(name: string, total: number, rowOf: () => readonly number[], answers: Answer[]): Promise<void> {
    let sent = 0;
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (sent < total) {
          sent++;
          const row = rowOf();
          const response = await infer(name, row);
          const version = response.headers.get('x-model-version');
          answers.push({ status: response.status, version: version === null ? null : Number(version), row, body: await response.text() });
        }
      }),
    );
  }

  const failures = (answers: Answer[]) => answers.filter((answer) => answer.status !== 200).map((answer) => `${answer.status} ${answer.body}`);
  const plansOf = (events: HistoryEvent[]) => events.filter((event) => event.action.startsWith('plan.'));

  beforeAll(async () => {
    fixtures = await mkdtemp(join(tmpdir(), 'modelgate-plan-'));
    mlp = await readFile((await onnxMlp(fixtures)).path);
    failing = await onnxMlpFailingOnLargeInputs(fixtures);
    server = await startServer({ env: { MODELGATE_ROLLOUT_INTERVAL_MS: '200' } });
  });
  afterAll(async () => {
    await server?.close();
    await rm(fixtures, { recursive: true, force: true });
  });

  it('promotes a healthy canary step by step, with no failed request at any switch', async () => {
    await createModel('healthy', [
      [mlp, 'mlp.onnx'],
      [mlp, 'mlp.onnx'],
    ]);
    const started = await startPlan('healthy');
    // Before any traffic, GET shows the plan's latest look: waiting, and for what.
    await eventually(async () => (await get('healthy')).evaluation !== undefined, 5000);
    expect((await get('healthy')).evaluation).toMatchObject({
      revision: started.revision,
      step: 0,
      decision: 'wait',
      reason: `step 1 of 3 (5%) has 0 of the ${PLAN.minRequests} canary requests it needs`,
      canary: { requests: 0 },
    });

    const answers = await trafficUntil('healthy', (deployment) => deployment.planState?.status === 'promoted');
    expect(failures(answers)).toEqual([]);
    expect(answers.some((answer) => answer.version === 2)).toBe(true);

    const promoted = await get('healthy');
    expect(promoted).toMatchObject({ stable: 2, canary: null, routes: [{ version: 2, weight: 100 }], planState: { status: 'promoted', step: 1 } });
    const events = plansOf(await history('healthy'));
    expect(events.map((event) => event.action)).toEqual(['plan.advance', 'plan.promote']);
    const [advance, promote] = events;
    expect(advance).toMatchObject({
      actor: 'system:plan',
      revision: started.revision + 1,
      details: { step: 1, weight: 50, canary: { errors: 0, errorRate: 0 }, stable: { errors: 0 } },
      deployment: { routes: [{ version: 1, weight: 50 }, { version: 2, weight: 50 }], planState: { status: 'running', step: 1, weight: 50 } },
    });
    expect(advance.reason).toBe(`step 1 of 3 (5%) passed its gates with ${advance.details!.canary.requests} canary requests (0 errors); the canary goes to 50%`);
    expect(advance.details!.canary.requests).toBeGreaterThanOrEqual(PLAN.minRequests);
    expect(advance.details!.canary.p95Ms).toBeGreaterThan(0);
    expect(promote).toMatchObject({ actor: 'system:plan', revision: started.revision + 2, reason: expect.stringMatching(/^step 2 of 3 \(50%\) passed its gates .*the canary is promoted$/) });
    expect(promote.details!.canary.requests).toBeGreaterThanOrEqual(PLAN.minRequests);
    // Each step lasted at least minDurationSeconds.
    const stepTwoStarted = Date.parse(advance.deployment.planState!.stepStartedAt);
    expect(stepTwoStarted - Date.parse(started.planState!.stepStartedAt)).toBeGreaterThanOrEqual(500);
  });

  it('rolls back a canary that fails on some inputs, records the reason and the numbers, and leaves stable serving', async () => {
    await createModel('flaky', [
      [mlp, 'mlp.onnx'],
      [await readFile(failing.path), 'mlp-failing.onnx'],
    ]);
    // The fixture: the canary answers the MLP's numbers for a small first feature and fails at run time on a large one.
    const good = await server.json<{ outputs: Array<{ data: number[] }> }>('/v2/models/flaky/versions/2/infer', {
      method: 'POST',
      body: JSON.stringify({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: GOOD_ROW }] }),
    });
    expect(good.status).toBe(200);
    good.body.outputs[0].data.forEach((value, index) => expect(value).toBeCloseTo(failing.predict([GOOD_ROW])[0][index], 5));
    expect(failing.fails(BAD_ROW)).toBe(true);
    expect((await infer('flaky', BAD_ROW, '/v2/models/flaky/versions/2/infer')).status).toBe(500);
    expect((await infer('flaky', BAD_ROW, '/v2/models/flaky/versions/1/infer')).status).toBe(200);

    // A long minimum duration: the canary cannot pass the step before its gates have judged it.
    await startPlan('flaky', { ...PLAN, minDurationSeconds: 600 });
    const answers = await trafficUntil('flaky', (deployment) => deployment.planState?.status !== 'running', (index) => (index % 2 === 0 ? GOOD_ROW : BAD_ROW));
    // Only the rows the canary cannot answer failed: a good row joined in a batch with a bad one was
    // answered all the same (the batch was retried apart). The canary never answered a row it cannot
    // answer; stable answered every row it got.
    const failed = answers.filter((answer) => answer.status !== 200);
    expect(failed.length).toBeGreaterThan(0);
    expect(new Set(failed.map((answer) => answer.status))).toEqual(new Set([500]));
    expect(failed.filter((answer) => !failing.fails(answer.row))).toEqual([]);
    expect(answers.filter((answer) => answer.version === 2 && failing.fails(answer.row))).toEqual([]);
    expect(answers.filter((answer) => answer.version === 1).length).toBeGreaterThan(answers.length / 2);

    const rolledBack = await get('flaky');
    expect(rolledBack).toMatchObject({
      stable: 1,
      canary: 2,
      routes: [{ version: 1, weight: 100 }, { version: 2, weight: 0 }],
      planState: { status: 'rolled-back', step: 0, canary: { errors: expect.any(Number) } },
    });
    expect(rolledBack.planState!.reason).toMatch(/^error rate (0\.\d{3}|1\.000) over the limit 0\.05 \(canary \d+ errors in \d+ requests\)$/);
    const events = plansOf(await history('flaky'));
    expect(events.map((event) => event.action)).toEqual(['plan.rollback']);
    // Prometheus sees it (the ModelgateAutomaticRollback alert), and the stable version with all traffic again.
    const metrics = await (await server.fetch('/metrics')).text();
    expect(metrics).toContain('modelgate_deployment_changes_total{model="flaky",action="plan.rollback"} 1\n');
    expect(metrics).toContain('modelgate_deployment_traffic_ratio{model="flaky",version="1",role="stable"} 1\n');
    expect(metrics).not.toContain('modelgate_deployment_traffic_ratio{model="flaky",version="2"');
    const [rollback] = events;
    expect(rollback).toMatchObject({ actor: 'system:plan', reason: rolledBack.planState!.reason, details: { gate: 'maxErrorRate', limit: 0.05 } });
    const { canary, stable } = rollback.details!;
    expect(canary.requests).toBeGreaterThanOrEqual(PLAN.minRequests);
    expect(canary.errorRate).toBeGreaterThan(0.05);
    expect(rollback.reason).toContain(`(canary ${canary.errors} errors in ${canary.requests} requests)`);
    expect(stable).toMatchObject({ errors: 0 });
    expect(stable.requests).toBeGreaterThan(canary.requests);

    // Stable answers everything now, the rows the canary failed on included.
    const after: Answer[] = [];
    let index = 0;
    await sendRound('flaky', 40, () => (index++ % 2 === 0 ? GOOD_ROW : BAD_ROW), after);
    expect(failures(after)).toEqual([]);
    expect(new Set(after.map((answer) => answer.version))).toEqual(new Set([1]));
  });

  it('holds the step while paused, continues once resumed, and abort takes the canary to 0', async () => {
    await createModel('paused', [
      [mlp, 'mlp.onnx'],
      [mlp, 'mlp.onnx'],
    ]);
    await startPlan('paused');
    const paused = await post('/api/models/paused/deployment/plan/pause', { reason: 'watching the dashboards' });
    expect(paused.status).toBe(200);
    expect(paused.body.planState).toMatchObject({ status: 'paused', step: 0 });

    // Far more than minRequests reach the canary, and several intervals pass: no advance.
    const answers: Answer[] = [];
    while (answers.filter((answer) => answer.version === 2).length < 2 * PLAN.minRequests) await sendRound('paused', 40, () => GOOD_ROW, answers);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await get('paused')).toMatchObject({ revision: paused.body.revision, routes: [{ version: 1, weight: 95 }, { version: 2, weight: 5 }], planState: { status: 'paused', step: 0 } });

    const resumed = await post('/api/models/paused/deployment/plan/resume');
    expect(resumed.status).toBe(200);
    expect(resumed.body.planState).toMatchObject({ status: 'running', step: 0 });
    expect(Date.parse(resumed.body.planState!.stepStartedAt)).toBeGreaterThan(Date.parse(paused.body.planState!.stepStartedAt));
    answers.push(...(await trafficUntil('paused', (deployment) => deployment.planState?.step === 1)));
    expect(await get('paused')).toMatchObject({ routes: [{ version: 1, weight: 50 }, { version: 2, weight: 50 }], planState: { status: 'running', step: 1, weight: 50 } });

    const aborted = await post('/api/models/paused/deployment/plan/abort', { reason: 'enough for today' });
    expect(aborted.status).toBe(200);
    expect(aborted.body).toMatchObject({
      stable: 1,
      canary: 2,
      routes: [{ version: 1, weight: 100 }, { version: 2, weight: 0 }],
      planState: { status: 'aborted', step: 1, reason: 'enough for today' },
    });
    // An aborted plan stays where it stopped, whatever the traffic.
    await sendRound('paused', 80, () => GOOD_ROW, answers);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect((await get('paused')).revision).toBe(aborted.body.revision);
    expect(failures(answers)).toEqual([]);
    expect((await post('/api/models/paused/deployment/plan/resume')).status).toBe(409);
    expect(plansOf(await history('paused')).map((event) => [event.action, event.actor])).toEqual([
      ['plan.pause', 'key:testadmin01'],
      ['plan.resume', 'key:testadmin01'],
      ['plan.advance', 'system:plan'],
      ['plan.abort', 'key:testadmin01'],
    ]);
  });

  it('continues a plan after a restart, from the step it was at', async () => {
    await createModel('restarted', [
      [mlp, 'mlp.onnx'],
      [mlp, 'mlp.onnx'],
    ]);
    await startPlan('restarted');
    await trafficUntil('restarted', (deployment) => deployment.planState?.step === 1);
    // Some traffic in step 2, fewer than minRequests: nothing decided before the restart.
    await sendRound('restarted', 10, () => GOOD_ROW, []);
    const before = await get('restarted');
    expect(before.planState).toMatchObject({ status: 'running', step: 1 });

    await server.restart();
    const after = await get('restarted');
    expect(after).toMatchObject({ revision: before.revision, routes: before.routes, planState: { status: 'running', step: 1, stepStartedAt: before.planState!.stepStartedAt } });
    // The step's figures start over in the new process: it needs minRequests canary requests again.
    const runner = server.modelgate.app.get(PlanRunner);
    await eventually(async () => runner.lastEvaluation('restarted') !== undefined, 5_000);
    expect(runner.lastEvaluation('restarted')).toMatchObject({
      revision: before.revision,
      step: 1,
      decision: 'wait',
      canary: { requests: 0 },
      reason: 'step 2 of 3 (50%) has 0 of the 20 canary requests it needs',
    });

    const answers = await trafficUntil('restarted', (deployment) => deployment.planState?.status === 'promoted');
    expect(failures(answers)).toEqual([]);
    expect(await get('restarted')).toMatchObject({ stable: 2, routes: [{ version: 2, weight: 100 }], planState: { status: 'promoted' } });
    const events = plansOf(await history('restarted'));
    expect(events.map((event) => event.action)).toEqual(['plan.advance', 'plan.promote']);
    expect(events[1].details!.canary.requests).toBeGreaterThanOrEqual(PLAN.minRequests);
  });
});

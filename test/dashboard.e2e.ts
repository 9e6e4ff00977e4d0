import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { formatMs, formatPercent } from '../apps/dashboard/src/format';
import { onnxMlp, onnxMlpVariant, onnxMultiInput } from './fixtures/models';
import { ADMIN_PASSWORD, startServer, uploadForm, type TestServer } from './support/server';

/**
 * The operator dashboard, driven in a real Chromium against a real server: sign in, create a
 * model, upload versions, move a canary, read the charts, roll back, manage keys. Each step checks
 * what the operator sees and what the API now holds.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const DASHBOARD_DIR = resolve(__dirname, '../apps/dashboard/dist');
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`No Chromium at ${CHROMIUM} (set CHROMIUM_PATH, or apt-get install chromium): the dashboard's browser tests are skipped`);

const ROW = [5.1, 3.5, 1.4, 0.2];
const V2_BODY = JSON.stringify({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: ROW }] });

interface Job {
  id: string;
  status: string;
  resultsUrl: string | null;
  finishedAt: string | null;
  expiresAt: string | null;
}

interface Deployment {
  revision: number;
  routes: Array<{ version: number; weight: number }>;
  stable: number | null;
  canary: number | null;
}

describe.skipIf(!haveChromium)('the dashboard in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let fixtures: string;
  const problems: string[] = [];

  const deployment = async (name: string) => (await server.json<Deployment>(`/api/models/${name}/deployment`)).body;
  const predict = (name: string, key?: string) =>
    server.fetch(`/v2/models/${name}/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: V2_BODY, ...(key ? { key } : {}) });

  beforeAll(async () => {
    if (!existsSync(join(DASHBOARD_DIR, 'index.html'))) throw new Error(`the dashboard is not built at ${DASHBOARD_DIR}: run npm run build`);
    fixtures = await mkdtemp(join(tmpdir(), 'modelgate-dashboard-'));
    await onnxMlp(fixtures, 'first.onnx');
    await onnxMlpVariant(fixtures, 11, 'second.onnx');
    await writeFile(join(fixtures, 'not-a-model.onnx'), 'this is text, not an ONNX protobuf');
    // Plans are checked every 200 ms instead of every few seconds, so a rollout finishes in the test.
    server = await startServer({ env: { MODELGATE_DASHBOARD_DIR: DASHBOARD_DIR, MODELGATE_ROLLOUT_INTERVAL_MS: '200' } });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    context = await browser.newContext({ baseURL: server.url });
    page = await context.newPage();
    // A script error, a refused resource (the Content-Security-Policy) or a failed load is a bug.
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' && !/status of 4\d\d/.test(message.text())) problems.push(`console: ${message.text()}`);
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (fixtures) await rm(fixtures, { recursive: true, force: true });
  });
  afterEach(async (test) => {
    // DASHBOARD_SCREENSHOTS=<dir>: a picture of the page after each step, to look at.
    if (process.env.DASHBOARD_SCREENSHOTS) await page.screenshot({ path: join(process.env.DASHBOARD_SCREENSHOTS, `${test.task.name.slice(0, 40)}.png`), fullPage: true });
    expect(problems).toEqual([]);
  });

  it('refuses a wrong password with the reason, then signs the admin in', async () => {
    await page.goto('/');
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/username or password/i);

    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Models' }).waitFor();
    await page.getByText('No models yet').waitFor();
    // The session is an HttpOnly cookie: scripts on the page cannot read it.
    expect(await page.evaluate('document.cookie')).toBe('');
  });

  it('creates a model, refusing a bad name with the rule, and opens it', async () => {
    await page.getByRole('button', { name: 'New model' }).click();
    const form = page.getByRole('form', { name: 'New model' });
    await form.getByLabel('Name').fill('Iris Web');
    await form.getByRole('button', { name: 'Create' }).click();
    await expect.poll(() => form.getByRole('alert').textContent()).toContain('name must be 1-63 characters of lowercase letters');
    expect((await server.json<{ total: number }>('/api/models')).body.total).toBe(0);

    await form.getByLabel('Name').fill('iris-web');
    await form.getByLabel('Description').fill('Iris species, from the dashboard');
    await form.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { name: 'iris-web' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/models/iris-web');
    expect((await server.json<{ description: string }>('/api/models/iris-web')).body.description).toBe('Iris species, from the dashboard');
  });

  it('shows why a file that is not a model is refused, and adds no version', async () => {
    await page.getByRole('button', { name: 'Upload version' }).click();
    const form = page.getByRole('form', { name: 'Upload version' });
    await form.getByLabel('Model file').setInputFiles(join(fixtures, 'not-a-model.onnx'));
    await form.getByRole('button', { name: 'Upload' }).click();
    await expect.poll(() => form.getByRole('alert').textContent(), { timeout: 20_000 }).toMatch(/onnx/i);
    expect((await server.json<unknown[]>('/api/models/iris-web/versions')).body).toEqual([]);
    await form.getByRole('button', { name: 'Cancel' }).click();
  });

  it("edits the model's description and labels, refusing a label the API does not take, and lists the labels", async () => {
    type Model = { description: string; task: string | null; labels: Record<string, string> };
    await page.getByRole('button', { name: 'Edit details' }).click();
    const form = page.getByRole('form', { name: 'Model details' });
    const labels = form.getByLabel('Labels');
    await labels.fill('team=botany\nbotany');
    await expect.poll(() => form.textContent()).toContain('line 2 of the labels is "botany": write each label as key=value');
    expect(await form.getByRole('button', { name: 'Save details' }).isDisabled()).toBe(true);
    // A key the API refuses: its own rule is shown, and the model is unchanged.
    await labels.fill('team=botany\nbad key=x');
    await form.getByRole('button', { name: 'Save details' }).click();
    await expect.poll(() => form.getByRole('alert').textContent()).toContain('labels must be an object of at most 64 string values');
    expect((await server.json<Model>('/api/models/iris-web')).body.labels).toEqual({});

    await labels.fill('team=botany\nstage = prod');
    await form.getByLabel('Description').fill('Iris species, retrained monthly');
    await form.getByLabel('Task').fill('classification');
    await form.getByRole('button', { name: 'Save details' }).click();
    await expect.poll(() => form.count()).toBe(0);
    expect((await server.json<Model>('/api/models/iris-web')).body).toMatchObject({
      description: 'Iris species, retrained monthly',
      task: 'classification',
      labels: { team: 'botany', stage: 'prod' },
    });
    // The page reads the model again once the form has closed.
    await expect.poll(() => page.locator('p.lead').textContent()).toBe('Iris species, retrained monthly');
    await expect.poll(() => page.getByRole('list', { name: 'Labels' }).getByRole('listitem').allTextContents()).toEqual(['team=botany', 'stage=prod']);

    await page.getByRole('link', { name: '← Models' }).click();
    const row = page.getByRole('table', { name: 'Models' }).getByRole('row', { name: /iris-web/ });
    await expect.poll(() => row.getByRole('listitem').allTextContents()).toEqual(['team=botany', 'stage=prod']);
    await row.getByRole('link', { name: 'iris-web' }).click();
    await page.getByRole('heading', { name: 'iris-web' }).waitFor();
  });

  it('uploads a version with serving settings, and lists it ready', async () => {
    await page.getByRole('button', { name: 'Upload version' }).click();
    const form = page.getByRole('form', { name: 'Upload version' });
    await form.getByLabel('Model file').setInputFiles(join(fixtures, 'first.onnx'));
    await form.getByLabel('Description').fill('first cut');
    await form.getByLabel('Max batch size').fill('8');
    await form.getByRole('button', { name: 'Upload' }).click();
    const row = page.getByRole('table', { name: 'Versions' }).locator('tr[data-version="1"]');
    await row.waitFor({ timeout: 30_000 });
    await expect.poll(() => row.textContent(), { timeout: 20_000 }).toContain('ready');
    expect(await row.textContent()).toContain('up to 8');
    const version = (await server.json<{ description: string; config: { batching?: { maxBatchSize?: number } } }>('/api/models/iris-web/versions/1')).body;
    expect(version.description).toBe('first cut');
    expect(version.config.batching?.maxBatchSize).toBe(8);
  });

  it('creates a deployment, then moves a canary to 25%, and the server routes that split', async () => {
    await page.getByRole('button', { name: 'Create deployment' }).click();
    await page.getByRole('table', { name: 'Routes' }).waitFor();
    expect((await deployment('iris-web')).routes).toEqual([expect.objectContaining({ version: 1, weight: 100 })]);

    await page.getByRole('button', { name: 'Upload version' }).click();
    await page.getByRole('form', { name: 'Upload version' }).getByLabel('Model file').setInputFiles(join(fixtures, 'second.onnx'));
    await page.getByRole('form', { name: 'Upload version' }).getByRole('button', { name: 'Upload' }).click();
    await page.getByRole('table', { name: 'Versions' }).locator('tr[data-version="2"]').waitFor({ timeout: 30_000 });

    const canary = page.getByRole('form', { name: 'Canary' });
    await expect.poll(() => canary.getByLabel('Canary version').inputValue()).toBe('2');
    await canary.getByRole('button', { name: '25%' }).click();
    await canary.getByLabel('Reason').fill('v2 passed offline evaluation');
    await canary.getByRole('button', { name: 'Apply 75/25 split' }).click();
    const routes = page.getByRole('table', { name: 'Routes' });
    await expect.poll(() => routes.locator('tr[data-version="2"]').textContent()).toContain('25%');
    const after = await deployment('iris-web');
    expect(after).toMatchObject({ stable: 1, canary: 2 });
    expect(after.routes.map(({ version, weight }) => ({ version, weight }))).toEqual([
      { version: 1, weight: 75 },
      { version: 2, weight: 25 },
    ]);
    // Traffic follows: both versions answer.
    const versions = new Set<string>();
    for (let index = 0; index < 60; index++) {
      const answer = await predict('iris-web');
      expect(answer.status).toBe(200);
      versions.add(answer.headers.get('x-model-version') ?? '');
      await answer.arrayBuffer();
    }
    expect([...versions].sort()).toEqual(['1', '2']);

    // The models list shows the split at a glance, from GET /api/deployments; the name leads back.
    await page.getByRole('navigation').getByRole('link', { name: 'Models' }).click();
    const row = page.getByRole('table', { name: 'Models' }).getByRole('row', { name: /iris-web/ });
    await expect.poll(() => row.getByRole('cell').nth(4).textContent()).toBe('v1 75% stable · v2 25% canary');
    await row.getByRole('link', { name: 'iris-web' }).click();
    await page.getByRole('table', { name: 'Routes' }).waitFor();
  });

  it('charts the latency and traffic of both versions, as the API reports them', async () => {
    const charts = page.getByRole('region', { name: 'Traffic and latency' });
    // The charts refresh on their own; a reload makes this one read now.
    await page.reload();
    const marks = (series: string) => charts.locator(`[data-series="${series}"] circle, [data-series="${series}"] path[d^="M"]`).count();
    await expect.poll(() => marks('v1 p50'), { timeout: 30_000 }).toBeGreaterThan(0);
    for (const series of ['v2 p50', 'v1 p99', 'v1 requests/s', 'v2 requests/s', 'v1 errors']) expect(await marks(series), series).toBeGreaterThan(0);
    // The legend's latest p50 is the API's own figure for the last minute with requests.
    const api = (await server.json<{ versions: Array<{ version: number; points: Array<{ p50Ms: number | null }> }> }>('/api/models/iris-web/metrics')).body;
    const p50s = api.versions.find((each) => each.version === 1)!.points.map((point) => point.p50Ms).filter((value): value is number => value !== null);
    expect(await charts.getByText(/^v1 p50: latest/).textContent()).toBe(`v1 p50: latest ${formatMs(p50s[p50s.length - 1])}`);
  });

  it('shows calls of the model a developer can run as they are, and its curl answers', async () => {
    const examples = page.getByRole('group', { name: 'Call this model' });
    await examples.locator('summary').click();
    // Unpinned calls reach the stable version 1 (the canary, the newer version 2, takes the same inputs).
    await expect.poll(() => examples.locator('summary').textContent()).toContain('(inputs of version 1, the stable route;');
    expect(await examples.getByRole('note').count()).toBe(0);
    // This server runs without gRPC: the HTTP examples only.
    await expect.poll(() => examples.locator('h4').allTextContents()).toEqual(['curl (Open Inference Protocol)', 'Python, tritonclient over HTTP']);
    expect((await server.json('/api/endpoints')).body).toEqual({ httpTls: false, grpc: null });
    const curl = (await examples.locator('.call-example', { hasText: 'curl (Open Inference Protocol)' }).locator('code').textContent())!;
    expect(curl).toContain(`curl -s ${server.url}/v2/models/iris-web/infer`);
    // Its body, as the page shows it, is a request the server answers.
    const answer = await server.json<{ outputs: Array<{ shape: number[] }> }>('/v2/models/iris-web/infer', { method: 'POST', body: /-d '([^']*)'/.exec(curl)![1] });
    expect(answer.status).toBe(200);
    expect(answer.body.outputs[0].shape).toEqual([1, 3]);
    await examples.locator('summary').click();
  });

  it('rolls the canary back from the dashboard, recorded with the reason', async () => {
    const canary = page.getByRole('form', { name: 'Canary' });
    await canary.getByLabel('Reason').fill('p99 regression');
    await canary.getByRole('button', { name: 'Roll back' }).click();
    await expect.poll(async () => (await deployment('iris-web')).routes.find((route) => route.version === 2)?.weight ?? 0).toBe(0);
    expect((await deployment('iris-web')).routes.find((route) => route.version === 1)?.weight).toBe(100);
    await page.locator('.history summary').click();
    await expect.poll(() => page.locator('.history').textContent()).toContain('p99 regression');
  });

  it('shadows v2 with a fallback and no stickiness, shows how its answers compare, then removes them', async () => {
    const form = page.getByRole('form', { name: 'Shadow and fallback' });
    // v1 takes all the traffic, so only v2 can be a shadow.
    expect(await form.getByLabel('Shadow version').locator('option').allTextContents()).toEqual(['none', 'v2']);
    expect(await form.getByRole('button', { name: 'Apply' }).isDisabled()).toBe(true);
    await form.getByLabel('Shadow version').selectOption('2');
    await form.getByLabel('Shadow percent').fill('100');
    await form.getByLabel('Fallback version').selectOption('1');
    await form.getByLabel('Fallback open seconds').fill('45');
    await form.getByLabel('Sticky routing').selectOption('none');
    await form.getByLabel('Reason for the change').fill('compare v2 on live traffic');
    const revision = (await deployment('iris-web')).revision;
    await form.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(async () => (await deployment('iris-web')).revision).toBe(revision + 1);
    const shadowed = (await server.json<Deployment & { shadow: unknown; fallback: unknown; sticky: string }>('/api/models/iris-web/deployment')).body;
    expect(shadowed).toMatchObject({ shadow: { version: 2, percent: 100 }, fallback: { version: 1, errorThreshold: 5, openSeconds: 45 }, sticky: 'none', stable: 1 });
    expect(shadowed.routes.map(({ version, weight }) => ({ version, weight }))).toEqual([
      { version: 1, weight: 100 },
      { version: 2, weight: 0 },
    ]);
    await expect.poll(() => page.getByRole('table', { name: 'Routes' }).locator('..').textContent()).toContain('Shadow: 100% of requests are also sent to v2');

    // Every prediction is copied to v2; the comparison shows them as the API counts them.
    for (let index = 0; index < 12; index++) {
      const answer = await predict('iris-web');
      expect(answer.headers.get('x-model-version')).toBe('1');
      await answer.arrayBuffer();
    }
    type Report = { comparisons: Array<{ primaryVersion: number; shadowVersion: number; totals: { requests: number; agreementRate: number | null } }> };
    await expect.poll(async () => (await server.json<Report>('/api/models/iris-web/deployment/shadow')).body.comparisons[0]?.totals.requests ?? 0).toBeGreaterThanOrEqual(12);
    await page.reload();
    const pair = page.getByRole('table', { name: 'Shadow pairs' }).locator('tr[data-pair="1-2"]');
    await pair.waitFor();
    const totals = (await server.json<Report>('/api/models/iris-web/deployment/shadow')).body.comparisons[0].totals;
    const cells = await pair.locator('td').allTextContents();
    expect(cells.slice(0, 3)).toEqual(['v1', 'v2', String(totals.requests)]);
    expect(cells[3]).toBe(formatPercent(totals.agreementRate));
    expect(await page.getByRole('region', { name: 'Shadow comparison' }).locator('[data-series="v1 vs shadow v2"]').count()).toBe(1);

    // Back to none: null goes to the API, and the history keeps both changes with the reason.
    await form.getByLabel('Shadow version').selectOption('');
    await form.getByLabel('Fallback version').selectOption('');
    await form.getByLabel('Sticky routing').selectOption('header');
    await form.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(async () => (await server.json<{ shadow: unknown }>('/api/models/iris-web/deployment')).body.shadow).toBeNull();
    expect((await server.json<{ fallback: unknown; sticky: string }>('/api/models/iris-web/deployment')).body).toMatchObject({ fallback: null, sticky: 'header' });
    await page.locator('.history summary').click();
    await expect.poll(() => page.locator('.history').textContent()).toContain('deployment.options by operator:admin: v1 100%, v2 0%; shadow v2 100%; fallback v1; sticky by none — compare v2 on live traffic');
  });

  it('splits the traffic 60/40 between both versions, refusing weights that do not add up, then switches it all back', async () => {
    await page.getByRole('button', { name: 'Split traffic among versions' }).click();
    const form = page.getByRole('form', { name: 'Traffic split' });
    expect(await form.getByLabel('Weight of v1').inputValue()).toBe('100');
    expect(await form.getByLabel('Weight of v2').inputValue()).toBe('0');
    await form.getByLabel('Weight of v2').fill('40');
    await expect.poll(() => form.textContent()).toContain('the weights add up to 140%; they must add up to 100%');
    expect(await form.getByRole('button', { name: 'Apply split' }).isDisabled()).toBe(true);
    await form.getByLabel('Weight of v1').fill('60');
    await form.getByLabel('Reason for the split').fill('A/B of v1 and v2');
    await form.getByRole('button', { name: 'Apply split' }).click();
    await expect.poll(() => form.count()).toBe(0);
    const split = await deployment('iris-web');
    expect(split.routes.map(({ version, weight }) => ({ version, weight }))).toEqual([
      { version: 1, weight: 60 },
      { version: 2, weight: 40 },
    ]);
    expect(split).toMatchObject({ stable: 1, canary: 2 });
    await expect.poll(() => page.getByRole('table', { name: 'Routes' }).locator('tr[data-version="2"]').textContent()).toContain('40%');

    // A blue-green switch back: v2 stays a route at 0.
    await page.getByRole('button', { name: 'Split traffic among versions' }).click();
    await form.getByLabel('Weight of v1').fill('100');
    await form.getByLabel('Weight of v2').fill('0');
    await form.getByRole('button', { name: 'Apply split' }).click();
    await expect.poll(async () => (await deployment('iris-web')).routes.map(({ version, weight }) => ({ version, weight }))).toEqual([
      { version: 1, weight: 100 },
      { version: 2, weight: 0 },
    ]);
    await page.locator('.history summary').click();
    await expect.poll(() => page.locator('.history').textContent()).toContain('v1 60%, v2 40% — A/B of v1 and v2');
  });

  it('starts a progressive rollout that promotes v2 once its steps pass their gates', async () => {
    await page.getByRole('button', { name: 'Start a progressive rollout' }).click();
    const form = page.getByRole('form', { name: 'Progressive rollout' });
    await form.getByLabel('Steps').fill('20, lots');
    await form.getByRole('button', { name: 'Start rollout' }).click();
    await expect.poll(() => form.getByRole('alert').textContent()).toContain('steps must be percentages separated by commas');
    await form.getByLabel('Steps').fill('20, 10');
    await form.getByRole('button', { name: 'Start rollout' }).click();
    // The API's own check, shown as it says it; the deployment is unchanged.
    await expect.poll(() => form.getByRole('alert').textContent()).toMatch(/step/);
    expect((await deployment('iris-web')).routes.find((route) => route.version === 2)?.weight ?? 0).toBe(0);

    await form.getByLabel('Steps').fill('20, 100');
    await form.getByLabel('Requests per step').fill('5');
    await form.getByLabel('Seconds per step').fill('0');
    await form.getByLabel('Max p95 vs stable').fill('');
    await form.getByLabel('Max error rate').fill('5');
    await form.getByRole('button', { name: 'Start rollout' }).click();
    const planCard = page.getByRole('group', { name: 'Progressive plan' });
    await expect.poll(() => planCard.textContent()).toMatch(/running|promoted/);
    const started = await server.json<Deployment & { plan: { steps: number[]; minRequests: number; gates: Record<string, number> } }>('/api/models/iris-web/deployment');
    expect(started.body.plan).toMatchObject({ steps: [20, 100], minRequests: 5, gates: { maxErrorRate: 0.05 } });
    expect(started.body.plan.gates.maxLatencyRatio).toBeUndefined();

    // Traffic carries it through its steps; reaching 100% promotes v2.
    await expect
      .poll(
        async () => {
          for (let index = 0; index < 20; index++) await (await predict('iris-web')).arrayBuffer();
          return (await server.json<{ planState: { status: string } | null }>('/api/models/iris-web/deployment')).body.planState?.status;
        },
        { timeout: 60_000, interval: 100 },
      )
      .toBe('promoted');
    expect(await deployment('iris-web')).toMatchObject({ stable: 2 });
    await expect.poll(() => page.getByRole('table', { name: 'Routes' }).locator('tr[data-version="2"]').textContent(), { timeout: 15_000 }).toContain('100%');
    await expect.poll(() => planCard.textContent()).toContain('promoted');
  });

  it("changes a version's serving settings without a restart, refusing a bad one with the API's rule", async () => {
    const row = page.getByRole('table', { name: 'Versions' }).locator('tr[data-version="1"]');
    await row.getByRole('button', { name: 'Settings' }).click();
    const form = page.getByRole('form', { name: 'Settings of v1' });
    expect(await form.getByLabel('Max batch size').inputValue()).toBe('8');
    await form.getByLabel('Max batch size').fill('0');
    await form.getByRole('button', { name: 'Apply settings' }).click();
    await expect.poll(() => form.getByRole('alert').textContent()).toContain('maxBatchSize');
    expect((await server.json<{ config: { batching?: { maxBatchSize?: number } } }>('/api/models/iris-web/versions/1')).body.config.batching?.maxBatchSize).toBe(8);

    await form.getByLabel('Max batch size').fill('16');
    await form.getByLabel('Instances').fill('2');
    await form.getByRole('button', { name: 'Apply settings' }).click();
    await expect.poll(() => form.count()).toBe(0);
    const stored = (await server.json<{ config: { instances?: number; batching?: { maxBatchSize?: number; maxQueueDelayMs?: number } } }>('/api/models/iris-web/versions/1')).body.config;
    // The edited fields changed; the ones left alone were not sent, so they are as they were.
    expect(stored).toMatchObject({ instances: 2, batching: { maxBatchSize: 16 } });
    expect(stored.batching?.maxQueueDelayMs).toBeUndefined();
    await expect.poll(() => row.textContent(), { timeout: 30_000 }).toMatch(/2 × cpu/);
    expect(await row.textContent()).toContain('up to 16');
    expect((await predict('iris-web')).status).toBe(200);
  });

  it('refuses to delete the routed version with the reason, and deletes one no longer routed', async () => {
    const versions = page.getByRole('table', { name: 'Versions' });
    page.once('dialog', (dialog) => void dialog.accept());
    await versions.locator('tr[data-version="2"]').getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => page.getByRole('region', { name: 'Versions' }).getByRole('alert').textContent()).toContain('the deployment uses it');
    expect((await server.json('/api/models/iris-web/versions/2')).status).toBe(200);

    page.once('dialog', (dialog) => void dialog.accept());
    await versions.locator('tr[data-version="1"]').getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => versions.locator('tr[data-version="1"]').count()).toBe(0);
    expect((await server.json('/api/models/iris-web/versions/1')).status).toBe(404);
    // The stable before the promotion is gone, so there is nothing to roll back to.
    await expect.poll(() => page.getByRole('form', { name: 'Canary' }).getByRole('button', { name: 'Roll back' }).count()).toBe(0);
  });

  it('scores a JSON Lines file as a batch job from the model page, its results the API\'s own predictions', async () => {
    const rows = [ROW, [6.7, 3.0, 5.2, 2.3], [5.9, 3.0, 4.2, 1.5]];
    await writeFile(join(fixtures, 'rows.jsonl'), rows.map((row) => JSON.stringify(row)).join('\n') + '\n');
    const panel = page.getByRole('region', { name: 'Batch jobs' });
    await panel.getByRole('button', { name: 'New batch job' }).click();
    const form = panel.getByRole('form', { name: 'New batch job' });
    await form.getByLabel('Input file').setInputFiles(join(fixtures, 'rows.jsonl'));
    await form.getByRole('button', { name: 'Submit job' }).click();
    const listed = panel.getByRole('table', { name: 'Batch jobs' }).locator('tr[data-job-id]');
    await expect.poll(() => listed.count(), { timeout: 20_000 }).toBe(1);
    // The list reads itself again while the job runs, so it ends on the page without a reload.
    await expect.poll(() => listed.locator('.badge').textContent(), { timeout: 30_000 }).toBe('succeeded');
    expect(await listed.textContent()).toContain('3 / 3');

    const jobs = (await server.json<{ items: Job[] }>('/api/jobs?model=iris-web')).body.items;
    expect(jobs).toHaveLength(1);
    const job = jobs[0];
    // No version chosen: the stable one, which the traffic goes to.
    expect(job).toMatchObject({ status: 'succeeded', version: 2, filename: 'rows.jsonl', totalRows: 3, processedRows: 3, failedRows: 0, resultsUrl: `/api/jobs/${job.id}/results` });
    expect(await listed.getAttribute('data-job-id')).toBe(job.id);
    const link = listed.getByRole('link', { name: 'Download results' });
    expect(await link.getAttribute('href')).toBe(job.resultsUrl);
    expect(await link.getAttribute('download')).not.toBeNull();
    // Finished jobs are deleted after MODELGATE_JOB_RETENTION_DAYS (30): the row says until when.
    expect(Date.parse(job.expiresAt!) - Date.parse(job.finishedAt!)).toBe(30 * 86_400_000);
    expect(await listed.locator('.expires').textContent()).toMatch(/^kept until \S/);

    // The link works with the operator's session cookie alone, as a click on it would.
    const download = await page.evaluate(async (url) => {
      const answer = await fetch(url);
      return { status: answer.status, disposition: answer.headers.get('content-disposition'), body: await answer.text() };
    }, job.resultsUrl!);
    expect(download.status).toBe(200);
    expect(download.disposition).toMatch(/^attachment; filename=".*\.jsonl"$/);
    const results = download.body.trim().split('\n').map((line) => JSON.parse(line) as { row: number; prediction: number[] });
    expect(results.map((result) => result.row)).toEqual([1, 2, 3]);
    for (const [index, row] of rows.entries()) {
      const answer = await server.json<{ predictions: number[][] }>('/v1/models/iris-web/versions/2:predict', { method: 'POST', body: JSON.stringify({ instances: [row] }) });
      expect(answer.status).toBe(200);
      expect(results[index].prediction).toHaveLength(3);
      results[index].prediction.forEach((value, output) => expect(value, `row ${index + 1}, output ${output}`).toBeCloseTo(answer.body.predictions[0][output], 6));
    }
  });

  it('refuses a file with a row the model cannot take, naming its line, and queues no job', async () => {
    await writeFile(join(fixtures, 'bad-rows.jsonl'), `${JSON.stringify(ROW)}\n[6.7, 3.0, 5.2]\n${JSON.stringify(ROW)}\n`);
    await page.getByRole('button', { name: 'New batch job' }).click();
    const form = page.getByRole('form', { name: 'New batch job' });
    await form.getByLabel('Input file').setInputFiles(join(fixtures, 'bad-rows.jsonl'));
    await form.getByRole('button', { name: 'Submit job' }).click();
    await expect.poll(() => form.getByRole('alert').textContent(), { timeout: 20_000 }).toContain("the input file's line 2 (row 2) does not fit the model");
    expect((await server.json<{ items: Job[] }>('/api/jobs?model=iris-web')).body.items).toHaveLength(1);
    await form.getByRole('button', { name: 'Cancel' }).click();
    await page.reload();
    await expect.poll(() => page.getByRole('table', { name: 'Batch jobs' }).locator('tr[data-job-id]').count()).toBe(1);
    expect(await page.getByRole('table', { name: 'Batch jobs' }).textContent()).not.toContain('bad-rows.jsonl');
  });

  it('lists the jobs of every model on the Jobs page, linked to their model, and deletes one', async () => {
    const [job] = (await server.json<{ items: Job[] }>('/api/jobs')).body.items;
    await page.getByRole('link', { name: 'Jobs', exact: true }).click();
    await page.getByRole('heading', { name: 'Batch jobs', level: 1 }).waitFor();
    const row = page.getByRole('table', { name: 'Batch jobs' }).locator(`tr[data-job-id="${job.id}"]`);
    await row.waitFor();
    expect(await row.getByRole('link', { name: 'iris-web' }).getAttribute('href')).toBe('/models/iris-web');
    expect(await row.getByRole('link', { name: 'Download results' }).getAttribute('href')).toBe(job.resultsUrl);

    page.once('dialog', (dialog) => void dialog.accept());
    await row.getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => row.count()).toBe(0);
    await page.getByText('No batch jobs yet.').waitFor();
    expect((await server.json(`/api/jobs/${job.id}`)).status).toBe(404);
    expect((await server.fetch(job.resultsUrl!)).status).toBe(404);
  });

  it('submits a file whose name says no format with the format chosen in the form', async () => {
    // CSV rows in a .txt file: the API cannot tell the format from the name, so the form says it.
    const rows = [ROW, [6.7, 3.0, 5.2, 2.3]];
    await writeFile(join(fixtures, 'export.txt'), `a,b,c,d\n${rows.map((row) => row.join(',')).join('\n')}\n`);
    await page.goto('/models/iris-web');
    const panel = page.getByRole('region', { name: 'Batch jobs' });
    await panel.getByRole('button', { name: 'New batch job' }).click();
    const form = panel.getByRole('form', { name: 'New batch job' });
    await form.getByLabel('Input file').setInputFiles(join(fixtures, 'export.txt'));
    await form.getByRole('button', { name: 'Submit job' }).click();
    await expect.poll(() => form.getByRole('alert').textContent(), { timeout: 20_000 }).toContain('cannot tell the format of "export.txt"');
    await form.getByLabel('Format').selectOption('csv');
    await form.getByRole('button', { name: 'Submit job' }).click();
    await expect.poll(() => form.count(), { timeout: 20_000 }).toBe(0);
    const listed = panel.getByRole('table', { name: 'Batch jobs' }).locator('tr[data-job-id]');
    await expect.poll(() => listed.locator('.badge').textContent(), { timeout: 30_000 }).toBe('succeeded');
    const [job] = (await server.json<{ items: Array<Job & { format: string; totalRows: number }> }>('/api/jobs?model=iris-web')).body.items;
    expect(job).toMatchObject({ status: 'succeeded', format: 'csv', totalRows: 2 });
    expect((await server.fetch(`/api/jobs/${job.id}`, { method: 'DELETE' })).status).toBe(204);
  });

  it('offers no version with other inputs than stable as a canary, shadow or fallback, and says why', async () => {
    const other = await readFile((await onnxMultiInput(fixtures)).path);
    const uploaded = await server.json<{ version: number }>('/api/models/iris-web/versions', { method: 'POST', body: uploadForm(other, 'multi-input.onnx') });
    expect(uploaded.status).toBe(201);
    const version = uploaded.body.version;
    try {
      await page.goto('/models/iris-web');
      const stable = (await deployment('iris-web')).stable;
      await expect
        .poll(() => page.getByRole('region', { name: 'Deployment' }).getByRole('note').textContent())
        .toContain(`v${version} takes other inputs than stable v${stable}: not offered as a canary, shadow or fallback`);
      // Stable's only other ready version takes other inputs: there is no canary to offer, and the cards say why.
      await expect.poll(() => page.getByRole('form', { name: 'Canary' }).textContent()).toContain(`No other ready version takes the inputs of v${stable}: upload one to run it as a canary.`);
      const options = page.getByRole('form', { name: 'Shadow and fallback' });
      expect(await options.getByLabel('Shadow version').locator('option').allTextContents()).toEqual(['none']);
      expect(await options.textContent()).toContain("Every ready version that takes stable's inputs is routed");
      expect(await options.getByLabel('Fallback version').locator('option').allTextContents()).toEqual(['none', `v${stable}`]);
    } finally {
      expect((await server.fetch(`/api/models/iris-web/versions/${version}`, { method: 'DELETE' })).status).toBe(204);
    }
  });

  it('keeps a client route on reload', async () => {
    await page.goto('/models/iris-web');
    await page.getByRole('heading', { name: 'iris-web' }).waitFor();
    await page.goto('/no/such/page');
    await page.getByRole('heading', { name: 'Not found' }).waitFor();
  });

  it('creates a key shown once that predicts, then revokes it', async () => {
    await page.goto('/keys');
    await page.getByRole('button', { name: 'New key' }).click();
    const form = page.getByRole('form', { name: 'New key' });
    await form.getByLabel('Name').fill('web-client');
    await form.getByRole('textbox', { name: /^Models/ }).fill('iris-web');
    await form.getByRole('button', { name: 'Create key' }).click();
    const key = (await page.getByTestId('new-key').textContent()) ?? '';
    expect(key).toMatch(/^mg_[^_\s]+_\S+$/);
    expect((await predict('iris-web', key)).status).toBe(200);
    // Limited to the model it names.
    expect((await server.json('/api/models', { key })).status).toBe(403);

    page.once('dialog', (dialog) => void dialog.accept());
    const row = page.getByRole('table', { name: 'Keys' }).locator('tr', { hasText: 'web-client' });
    await row.getByRole('button', { name: 'Revoke' }).click();
    await expect.poll(() => row.textContent()).toContain('revoked');
    expect((await predict('iris-web', key)).status).toBe(401);
  });

  it('creates a viewer on the Operators page, who sees none of the controls it may not use, changes its password, and is signed out when disabled', async () => {
    await page.goto('/operators');
    await page.getByRole('button', { name: 'New operator' }).click();
    const form = page.getByRole('form', { name: 'New operator' });
    await form.getByLabel('Username').fill('vera');
    await form.getByLabel('Password').fill('short');
    await form.getByRole('radio', { name: /viewer/ }).check();
    await form.getByRole('button', { name: 'Create operator' }).click();
    await expect.poll(() => form.getByRole('alert').textContent()).toContain('password must be 12 to');
    await form.getByLabel('Password').fill('vera-password-123');
    await form.getByRole('button', { name: 'Create operator' }).click();
    await page.getByRole('table', { name: 'Operators' }).locator('tr[data-username="vera"]').waitFor();
    const listed = await server.json<{ items: Array<{ username: string; role: string }> }>('/api/operators');
    expect(listed.body.items.find((operator) => operator.username === 'vera')?.role).toBe('viewer');

    const viewer = await browser.newContext({ baseURL: server.url });
    try {
      const view = await viewer.newPage();
      view.on('pageerror', (error) => problems.push(`viewer page error: ${error.message}`));
      await view.goto('/models/iris-web');
      await view.getByLabel('Username').fill('vera');
      await view.getByLabel('Password').fill('vera-password-123');
      await view.getByRole('button', { name: 'Sign in' }).click();
      await view.getByRole('heading', { name: 'iris-web' }).waitFor();
      await view.getByRole('table', { name: 'Routes' }).waitFor();
      await view.getByRole('table', { name: 'Versions' }).waitFor();
      expect(await view.getByRole('button', { name: 'Upload version' }).count()).toBe(0);
      expect(await view.getByRole('form', { name: 'Canary' }).count()).toBe(0);
      expect(await view.getByRole('form', { name: 'Shadow and fallback' }).count()).toBe(0);
      expect(await view.getByRole('button', { name: 'Split traffic among versions' }).count()).toBe(0);
      expect(await view.getByRole('button', { name: 'Retire' }).count()).toBe(0);
      expect(await view.getByRole('button', { name: 'Delete' }).count()).toBe(0);
      expect(await view.getByRole('form', { name: 'Delete model' }).count()).toBe(0);
      // Batch jobs take the predict scope, which a viewer has not.
      expect(await view.getByRole('region', { name: 'Batch jobs' }).count()).toBe(0);
      expect(await view.getByRole('link', { name: 'Jobs', exact: true }).count()).toBe(0);
      expect(await view.getByRole('link', { name: 'API keys' }).count()).toBe(0);
      expect(await view.getByRole('link', { name: 'Operators' }).count()).toBe(0);

      // Her own password, on her account page: a mistyped repetition is caught before it is sent.
      await view.getByRole('link', { name: /vera/ }).click();
      const change = view.getByRole('form', { name: 'Change password' });
      await change.getByLabel('Current password').fill('vera-password-123');
      await change.locator('input[name="new"]').fill('a brand new passphrase');
      await change.getByLabel('New password again').fill('a brand new passphrasf');
      await change.getByRole('button', { name: 'Change password' }).click();
      await expect.poll(() => change.getByRole('alert').textContent()).toContain('differ');
      await change.getByLabel('New password again').fill('a brand new passphrase');
      await change.getByRole('button', { name: 'Change password' }).click();
      await change.getByRole('status').waitFor();
      const login = (password: string) =>
        server.fetch('/api/auth/login', { method: 'POST', key: null, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'vera', password }) });
      expect((await login('vera-password-123')).status).toBe(401);
      expect((await login('a brand new passphrase')).status).toBe(200);

      // Disabled by the admin: her next call is refused, and the dashboard asks her to sign in.
      const row = page.getByRole('table', { name: 'Operators' }).locator('tr[data-username="vera"]');
      await row.getByRole('button', { name: 'Disable' }).click();
      await expect.poll(() => row.textContent()).toContain('disabled');
      await view.getByRole('link', { name: 'Models' }).click();
      await view.getByRole('button', { name: 'Sign in' }).waitFor();
      expect(await view.getByText('Your session ended').count()).toBe(1);
    } finally {
      await viewer.close();
    }
  });

  it('deletes a model only once its name is typed, and its predictions then answer 404', async () => {
    expect((await server.json('/api/models', { method: 'POST', body: JSON.stringify({ name: 'scratch' }) })).status).toBe(201);
    await page.goto('/models/scratch');
    const form = page.getByRole('form', { name: 'Delete model' });
    const button = form.getByRole('button', { name: 'Delete scratch' });
    expect(await button.isDisabled()).toBe(true);
    await form.getByLabel('Type').fill('scratc');
    expect(await button.isDisabled()).toBe(true);
    await form.getByLabel('Type').fill('scratch');
    await button.click();
    await page.getByRole('heading', { name: 'Models' }).waitFor();
    expect((await server.json('/api/models/scratch')).status).toBe(404);
    expect((await predict('scratch')).status).toBe(404);
    // The heading comes before the list is read: wait for the list, then look for the deleted model.
    await page.getByRole('link', { name: 'iris-web' }).waitFor();
    expect(await page.getByRole('link', { name: 'scratch', exact: true }).count()).toBe(0);
  });

  it('signs out, and the next call asks for a sign-in again', async () => {
    await page.goto('/');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.reload();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
  });
});

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBuiltServer, stopBuiltServer, type BuiltServer } from './support/built-server';
import { writeDashboardBuild } from './support/dashboard';
import { createDatabase } from './support/server';

/** Secrets a log line must never hold, each distinctive enough to be found if it leaked. */
const KEY_SECRET = 'LeakCheckSecret' + 'q'.repeat(30);
const ADMIN_KEY = `mg_logcheck01_${KEY_SECRET}`;
const WRONG_KEY_SECRET = 'WrongKeySecret' + 'z'.repeat(30);
const PASSWORD = 'Leak-Check-Password-4711';
const WRONG_PASSWORD = 'Wrong-Password-Guess-0815';
const METRICS_TOKEN = 'LeakCheckMetricsToken0123456789';
/** Inputs with digits no other line would carry: payloads must not be logged either. */
const PAYLOAD = [5.123987, 3.456987, 1.789987, 0.234987];

describe('structured logs', () => {
  let dataDir: string;
  let dashboardDir: string;
  let database: Awaited<ReturnType<typeof createDatabase>> | undefined;
  let started: BuiltServer;
  let output = '';
  const requestIds = new Map<string, string>();

  const call = async (label: string, path: string, init: RequestInit = {}) => {
    const response = await fetch(started.url + path, init);
    await response.arrayBuffer();
    requestIds.set(label, response.headers.get('x-request-id')!);
    return response;
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'modelgate-logs-'));
    dashboardDir = await mkdtemp(join(tmpdir(), 'modelgate-logs-dashboard-'));
    await writeDashboardBuild(dashboardDir);
    database = process.env.DATABASE_URL ? await createDatabase(process.env.DATABASE_URL) : undefined;
    started = await startBuiltServer({
      PORT: '0',
      HOST: '127.0.0.1',
      MODELGATE_DATA_DIR: dataDir,
      MODELGATE_ADMIN_KEY: ADMIN_KEY,
      MODELGATE_ADMIN_PASSWORD: PASSWORD,
      METRICS_TOKEN,
      MODELGATE_DASHBOARD_DIR: dashboardDir,
      MODELGATE_DEMO: 'true',
      LOG_LEVEL: 'info',
      DATABASE_URL: database?.url ?? '',
    });
    const infer = { inputs: [{ name: 'features', shape: [1, 4], datatype: 'FP32', data: PAYLOAD }] };
    const json = { 'content-type': 'application/json' };
    expect((await call('bearer', '/v2/models/iris/infer', { method: 'POST', headers: { ...json, authorization: `Bearer ${ADMIN_KEY}` }, body: JSON.stringify(infer) })).status).toBe(200);
    expect((await call('x-api-key', '/v1/models/iris:predict', { method: 'POST', headers: { 'x-api-key': ADMIN_KEY }, body: JSON.stringify({ instances: [PAYLOAD] }) })).status).toBe(200);
    const badShape = { inputs: [{ name: 'features', shape: [1, 3], datatype: 'FP32', data: PAYLOAD.slice(0, 3) }] };
    expect((await call('bad input', '/v2/models/iris/infer', { method: 'POST', headers: { ...json, authorization: `Bearer ${ADMIN_KEY}` }, body: JSON.stringify(badShape) })).status).toBe(400);
    expect((await call('wrong key', '/v2/models/iris/infer', { method: 'POST', headers: { ...json, authorization: `Bearer mg_wrongkey01_${WRONG_KEY_SECRET}` }, body: JSON.stringify(infer) })).status).toBe(401);
    const login = await call('login', '/api/auth/login', { method: 'POST', headers: json, body: JSON.stringify({ username: 'admin', password: PASSWORD }) });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    expect((await call('session', '/api/auth/session', { headers: { cookie } })).status).toBe(200);
    expect((await call('wrong password', '/api/auth/login', { method: 'POST', headers: json, body: JSON.stringify({ username: 'admin', password: WRONG_PASSWORD }) })).status).toBe(401);
    expect((await call('scrape', '/metrics', { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status).toBe(200);
    // Its last lines are written on the way out: read until its pipes close, not only until it exits.
    await stopBuiltServer(started);
    output = started.output();
    // The session token, to look for it too.
    requestIds.set('cookie value', cookie.split('=')[1]!);
  }, 120_000);

  afterAll(async () => {
    if (started?.child.exitCode === null) started.child.kill('SIGKILL');
    await database?.drop();
    await rm(dataDir, { recursive: true, force: true });
    await rm(dashboardDir, { recursive: true, force: true });
  });

  const lines = () => output.split('\n').filter((line) => line.trim() !== '');
  const records = () => lines().filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);

  it('writes one JSON object per line, except the human start-up lines', () => {
    const plain = lines().filter((line) => !line.startsWith('{'));
    expect(plain).toEqual([expect.stringMatching(/^Modelgate is serving on http:\/\/\S+ \(API docs at \/docs\)$/), `Dashboard: ${started.url}/`]);
    for (const record of records()) {
      expect(typeof record.time).toBe('string');
      expect(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).toContain(record.level);
      expect(typeof record.msg).toBe('string');
    }
    // Nest's own lines go through the same logger.
    expect(records().some((record) => record.context === 'NestApplication')).toBe(true);
  });

  it('logs each request once, with its request id, and predictions with model, version, route and timings', () => {
    const requests = records().filter((record) => record.msg === 'request');
    for (const [label, id] of requestIds) {
      if (label === 'cookie value' || label === 'scrape') continue;
      expect(requests.filter((record) => record.requestId === id), label).toHaveLength(1);
    }
    const predicted = requests.find((record) => record.requestId === requestIds.get('bearer'))!;
    expect(predicted).toMatchObject({ method: 'POST', path: '/v2/models/iris/infer', status: 200, model: 'iris', version: 1, route: 'latest' });
    expect(typeof predicted.queueMs).toBe('number');
    expect(typeof predicted.computeMs).toBe('number');
    expect(typeof predicted.durationMs).toBe('number');
    expect(requests.find((record) => record.requestId === requestIds.get('x-api-key'))).toMatchObject({ path: '/v1/models/iris:predict', status: 200, model: 'iris' });
    expect(requests.find((record) => record.requestId === requestIds.get('bad input'))).toMatchObject({ status: 400, model: 'iris', version: 1 });
    expect(requests.find((record) => record.requestId === requestIds.get('wrong key'))).toMatchObject({ status: 401 });
  });

  it('never logs keys, passwords, cookies, tokens or payloads', () => {
    const forbidden = [KEY_SECRET, WRONG_KEY_SECRET, PASSWORD, WRONG_PASSWORD, METRICS_TOKEN, requestIds.get('cookie value')!, ...PAYLOAD.map(String)];
    for (const secret of forbidden) expect(output.includes(secret), `the output holds ${secret}`).toBe(false);
    expect(output.toLowerCase()).not.toContain('authorization');
    expect(output.toLowerCase()).not.toContain('cookie');
  });
});

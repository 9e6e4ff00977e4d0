import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PREDICT_ACCESS } from '../apps/api/src/inference/data-plane';
import { ModelServer } from '../apps/api/src/inference/model-server.service';
import { onnxMlp } from './fixtures/models';
import { createKey } from './support/credentials';
import { enableRuntimeTestHooks, runtimeOf, startServer, uploadVersion, type TestServer } from './support/server';

/**
 * The inference data plane (apps/api/src/inference/data-plane.ts) answers prediction requests
 * without Fastify and Nest. These tests send the same requests to a server with it (the default)
 * and to one without it (MODELGATE_DATA_PLANE=false), and require the same answers: status, body
 * and headers, bytes for binary bodies, and the same prediction metrics afterwards. They also
 * check which requests the plane answered itself, so that a plane that took nothing cannot pass.
 * The plane takes requests on two paths, and the cases take both: a connection its own HTTP/1.1
 * reader reads, and one that node:http reads (send's `connection`).
 */

/** Which connection a request takes on the server with the plane (see send). */
type Connection = 'own' | 'node';

type KeyName = 'predict' | 'read' | 'restricted' | 'limited' | 'metered' | 'none' | 'bad';

interface Case {
  name: string;
  path: string;
  key?: KeyName;
  headers?: Record<string, string>;
  body: string | Buffer;
  /** Who answers on the server with the plane: the plane itself, Fastify after the plane handed it over, or Fastify alone. */
  by: 'plane' | 'handed-over' | 'framework';
}

interface Normalized {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** Headers whose values depend on the moment (or a timing): compared by presence only. */
const VOLATILE = new Set(['date', 'server-timing', 'ratelimit-reset', 'retry-after', 'x-batch-size']);

const ROW = [5.1, 3.5, 1.4, 0.2];
const v2 = (body: unknown) => JSON.stringify(body);
const V2_BODY = v2({ inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data: ROW }] });

/** The binary tensor extension: JSON header, then the FP32 bytes; binary outputs asked for. */
function binaryBody(): { body: Buffer; headerLength: number } {
  const tensor = Buffer.from(new Float32Array(ROW).buffer);
  const header = Buffer.from(
    JSON.stringify({
      inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', parameters: { binary_data_size: tensor.length } }],
      parameters: { binary_data_output: true },
    }),
  );
  return { body: Buffer.concat([header, tensor]), headerLength: header.length };
}

const binary = binaryBody();

const CASES: Case[] = [
  { name: 'v2 JSON', path: '/v2/models/mlp/infer', body: V2_BODY, by: 'plane' },
  { name: 'v2 JSON pinned to version 1', path: '/v2/models/mlp/versions/1/infer', body: V2_BODY, by: 'plane' },
  {
    name: 'v2 JSON with id, parameters and requested outputs',
    path: '/v2/models/mlp/infer',
    body: v2({ id: 'r-1', parameters: { timeout: 5_000_000 }, inputs: [{ name: 'x', shape: [2, 4], datatype: 'FP32', data: [...ROW, ...ROW] }], outputs: [{ name: 'probabilities' }] }),
    by: 'plane',
  },
  {
    name: 'v2 JSON asking for the top classes',
    path: '/v2/models/mlp/infer',
    body: v2({ inputs: [{ name: 'x', shape: [2, 4], datatype: 'FP32', data: [...ROW, ...ROW] }], outputs: [{ name: 'probabilities', parameters: { classification: 2 } }] }),
    by: 'plane',
  },
  {
    name: 'v2 binary in and out',
    path: '/v2/models/mlp/infer',
    headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(binary.headerLength) },
    body: binary.body,
    by: 'plane',
  },
  { name: 'v2 JSON with a deadline header', path: '/v2/models/mlp/infer', headers: { 'x-request-timeout-ms': '5000' }, body: V2_BODY, by: 'plane' },
  { name: 'v2 JSON with a routing key', path: '/v2/models/mlp/infer', headers: { 'x-routing-key': 'user-7' }, body: V2_BODY, by: 'plane' },
  { name: 'v2 JSON at batch priority', path: '/v2/models/mlp/infer', headers: { 'x-request-priority': 'batch' }, body: V2_BODY, by: 'plane' },
  { name: 'TF Serving at batch priority', path: '/v1/models/mlp:predict', headers: { 'x-request-priority': 'batch' }, body: v2({ instances: [ROW] }), by: 'plane' },
  {
    name: 'v2 JSON with a priority parameter',
    path: '/v2/models/mlp/infer',
    body: v2({ parameters: { priority: 'batch' }, inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data: ROW }] }),
    by: 'plane',
  },
  { name: 'v2 JSON with the key in X-API-Key', path: '/v2/models/mlp/infer', headers: { 'x-api-key': '<predict>' }, key: 'none', body: V2_BODY, by: 'plane' },
  { name: 'TF Serving rows', path: '/v1/models/mlp:predict', body: v2({ instances: [ROW, ROW] }), by: 'plane' },
  { name: 'TF Serving columns', path: '/v1/models/mlp:predict', body: v2({ inputs: { x: [ROW] } }), by: 'plane' },
  { name: 'TF Serving pinned version', path: '/v1/models/mlp/versions/2:predict', body: v2({ instances: [ROW] }), by: 'plane' },
  { name: 'TF Serving unknown label', path: '/v1/models/mlp/labels/stable:predict', body: v2({ instances: [ROW] }), by: 'plane' },
  // Refused once the body is read: answered by the plane, with the framework's error.
  { name: 'body that is not JSON', path: '/v2/models/mlp/infer', body: '{"inputs": [', by: 'plane' },
  { name: 'tensor of the wrong shape', path: '/v2/models/mlp/infer', body: v2({ inputs: [{ name: 'x', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] }] }), by: 'plane' },
  { name: 'unknown input name', path: '/v2/models/mlp/infer', body: v2({ inputs: [{ name: 'nope', shape: [1, 4], datatype: 'FP32', data: ROW }] }), by: 'plane' },
  { name: 'bad timeout parameter', path: '/v2/models/mlp/infer', body: v2({ parameters: { timeout: -1 }, inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data: ROW }] }), by: 'plane' },
  {
    name: 'bad classification parameter',
    path: '/v2/models/mlp/infer',
    body: v2({ inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data: ROW }], outputs: [{ name: 'probabilities', parameters: { classification: -2 } }] }),
    by: 'plane',
  },
  { name: 'bad priority parameter', path: '/v2/models/mlp/infer', body: v2({ parameters: { priority: 'high' }, inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data: ROW }] }), by: 'plane' },
  { name: 'ragged TF Serving rows', path: '/v1/models/mlp:predict', body: v2({ instances: [ROW, [1, 2]] }), by: 'plane' },
  { name: 'unknown model', path: '/v2/models/nosuch/infer', body: V2_BODY, by: 'plane' },
  { name: 'unknown version', path: '/v2/models/mlp/versions/9/infer', body: V2_BODY, by: 'plane' },
  { name: 'TF Serving unknown model', path: '/v1/models/nosuch:predict', body: v2({ instances: [ROW] }), by: 'plane' },
  // Refused before the body is read: handed to the framework, which answers.
  { name: 'key that is not valid', path: '/v2/models/mlp/infer', key: 'bad', body: V2_BODY, by: 'handed-over' },
  { name: 'key without the predict scope', path: '/v2/models/mlp/infer', key: 'read', body: V2_BODY, by: 'handed-over' },
  { name: 'key restricted to another model', path: '/v2/models/mlp/infer', key: 'restricted', body: V2_BODY, by: 'handed-over' },
  { name: 'version that is not a number', path: '/v2/models/mlp/versions/abc/infer', body: V2_BODY, by: 'handed-over' },
  { name: 'deadline header that is not a number', path: '/v2/models/mlp/infer', headers: { 'x-request-timeout-ms': 'soon' }, body: V2_BODY, by: 'handed-over' },
  { name: 'routing key too long', path: '/v2/models/mlp/infer', headers: { 'x-routing-key': 'k'.repeat(300) }, body: V2_BODY, by: 'handed-over' },
  { name: 'priority header that is not a level', path: '/v2/models/mlp/infer', headers: { 'x-request-priority': 'urgent' }, body: V2_BODY, by: 'handed-over' },
  {
    name: 'binary header length past the body',
    path: '/v2/models/mlp/infer',
    headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': 'twelve' },
    body: binary.body,
    by: 'handed-over',
  },
  // Not taken at all.
  { name: 'no credential', path: '/v2/models/mlp/infer', key: 'none', body: V2_BODY, by: 'framework' },
  { name: 'a query string', path: '/v2/models/mlp/infer?debug=1', body: V2_BODY, by: 'framework' },
  { name: 'an Origin header', path: '/v2/models/mlp/infer', headers: { origin: 'https://elsewhere.example' }, body: V2_BODY, by: 'framework' },
  { name: 'an empty body', path: '/v2/models/mlp/infer', body: '', by: 'framework' },
  { name: 'a body over the limit', path: '/v2/models/mlp/infer', body: Buffer.alloc(1024 * 1024 + 1, 0x20), by: 'framework' },
  { name: 'a percent-encoded model name', path: '/v2/models/ml%70/infer', body: V2_BODY, by: 'framework' },
  { name: 'a GET', path: '/v2/models/mlp/infer', body: '', by: 'framework' },
  // Longer than Fastify's maxParamLength (100): its router answers 414.
  { name: 'a model name of 101 characters', path: `/v2/models/${'m'.repeat(101)}/infer`, body: V2_BODY, by: 'framework' },
  { name: 'a version of 101 characters', path: `/v2/models/mlp/versions/${'1'.repeat(101)}/infer`, body: V2_BODY, by: 'framework' },
  { name: 'a TF Serving model name of 101 characters', path: `/v1/models/${'m'.repeat(101)}:predict`, body: v2({ instances: [ROW] }), by: 'framework' },
  { name: 'a model name of 100 characters', path: `/v2/models/${'m'.repeat(100)}/infer`, body: V2_BODY, by: 'plane' },
];

describe('inference data plane: the same answers as through Fastify and Nest', () => {
  let fixtures: string;
  let on: TestServer;
  let off: TestServer;
  const keys = new Map<TestServer, Record<KeyName, string | null>>();

  async function prepare(server: TestServer): Promise<void> {
    const mlp = await onnxMlp(fixtures);
    expect((await server.json('/api/models', { method: 'POST', body: JSON.stringify({ name: 'mlp' }) })).status).toBe(201);
    expect((await server.json('/api/models', { method: 'POST', body: JSON.stringify({ name: 'other' }) })).status).toBe(201);
    for (let version = 1; version <= 2; version++) expect((await uploadVersion(server, 'mlp', mlp.path)).status).toBe(201);
    keys.set(server, {
      predict: (await createKey(server, { name: 'predictor', scopes: ['predict'] })).key,
      read: (await createKey(server, { name: 'reader', scopes: ['models:read'] })).key,
      restricted: (await createKey(server, { name: 'elsewhere', scopes: ['predict'], models: ['other'] })).key,
      limited: (await createKey(server, { name: 'limited', scopes: ['predict'], rateLimit: { perSecond: 0.01, burst: 2 } })).key,
      metered: (await createKey(server, { name: 'metered', scopes: ['predict'], rateLimit: { perSecond: 100, burst: 100 } })).key,
      none: null,
      bad: 'mg_notakey01_' + 'x'.repeat(40),
    });
  }

  beforeAll(async () => {
    fixtures = await mkdtemp(join(tmpdir(), 'modelgate-data-plane-'));
    const env = { MODELGATE_MAX_BODY_MB: '1' };
    // The plane's server may stall its workers (simulateWorkerStall).
    const restoreHooks = enableRuntimeTestHooks();
    try {
      [on, off] = await Promise.all([startServer({ env }), startServer({ env: { ...env, MODELGATE_DATA_PLANE: 'false' } })]);
    } finally {
      restoreHooks();
    }
    await Promise.all([prepare(on), prepare(off)]);
  });

  afterAll(async () => {
    await Promise.all([on?.close(), off?.close()]);
    await rm(fixtures, { recursive: true, force: true });
  });

  /**
   * Sends `testCase` on a connection of its own and returns the answer. On the server with the plane,
   * `connection` picks the path: 'own' is a new connection, which the plane's HTTP/1.1 reader
   * (http1-connections.ts) reads while its requests are of the form it takes; 'node' is a new
   * connection that a request outside that form has first handed to node:http, where the plane takes
   * its requests from node:http's request objects.
   */
  async function send(server: TestServer, testCase: Case, index: number, keyName: KeyName = testCase.key ?? 'predict', connection: Connection = 'own'): Promise<Normalized> {
    const serverKeys = keys.get(server)!;
    const key = serverKeys[keyName];
    const get = testCase.name === 'a GET';
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-request-id': `case-${index}`,
      ...testCase.headers,
      ...(key === null ? {} : { authorization: `Bearer ${key}` }),
      ...(get ? {} : { 'content-length': String(Buffer.byteLength(testCase.body)) }),
    };
    for (const [name, value] of Object.entries(headers)) if (value === '<predict>') headers[name] = serverKeys.predict!;
    // One socket, kept alive between the two requests of 'node' and closed after.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      // A Keep-Alive request header is among those the reader leaves to node:http (a plain GET would stay with the reader).
      if (connection === 'node') expect((await exchange(server, agent, 'GET', '/health/live', { 'keep-alive': 'timeout=5' })).status).toBe(200);
      const answer = await exchange(server, agent, get ? 'GET' : 'POST', testCase.path, headers, get ? undefined : testCase.body);
      const normalized: Record<string, string> = {};
      for (const [name, value] of Object.entries(answer.headers)) normalized[name] = VOLATILE.has(name) ? '(present)' : [value].flat().join(', ');
      const json = (answer.headers['content-type'] ?? '').startsWith('application/json');
      return { status: answer.status, headers: normalized, body: json ? JSON.parse(answer.body.toString('utf8')) : answer.body.toString('base64') };
    } finally {
      agent.destroy();
    }
  }

  /** One request on `agent`'s socket: the answer once its body has been read. */
  const exchange = (server: TestServer, agent: Agent, method: string, path: string, headers: Record<string, string>, body?: string | Buffer) =>
    new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      let answered = false;
      const sent = request(`${server.url}${path}`, { method, headers, agent }, (response) => {
        answered = true;
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks) }));
        response.on('error', reject);
      });
      // A server that answers a body over its limit before reading it may close the socket while
      // the rest is still being written: the answer, once it has come, is what counts.
      sent.on('error', (error) => (answered ? undefined : reject(error)));
      sent.end(body);
    });

  /**
   * Sends the head of a v2 JSON request for `body` and the first `bodyBytes` of it on a raw socket,
   * then closes the socket (at once, or after `closeAfterMs`) without waiting for an answer.
   */
  const abandon = (server: TestServer, body: string, bodyBytes: number, closeAfterMs = 0) =>
    new Promise<void>((resolve, reject) => {
      const { hostname, port } = new URL(server.url);
      const socket = connect(Number(port), hostname, () => {
        const head = [
          'POST /v2/models/mlp/infer HTTP/1.1',
          `host: ${hostname}`,
          'content-type: application/json',
          `authorization: Bearer ${keys.get(server)!.predict}`,
          `content-length: ${Buffer.byteLength(body)}`,
        ].join('\r\n');
        socket.write(`${head}\r\n\r\n${body.slice(0, bodyBytes)}`, () => {
          const close = () => (socket.destroy(), resolve());
          if (closeAfterMs === 0) close();
          else setTimeout(close, closeAfterMs);
        });
      });
      socket.on('error', reject);
    });

  it('answers every case as the framework does, on its own connections and on node:http\'s, and answers itself the cases it should', async () => {
    const plane = on.modelgate.dataPlane!;
    const reader = on.modelgate.http1!;
    expect(plane, 'the plane runs by default').toBeDefined();
    expect(reader, 'and reads its own connections').toBeDefined();
    expect(off.modelgate.dataPlane, 'MODELGATE_DATA_PLANE=false turns it off').toBeUndefined();
    const statuses = new Set<number>();
    for (const [index, testCase] of CASES.entries()) {
      const get = testCase.name === 'a GET';
      for (const connection of ['own', 'node'] as const) {
        // Sent as often to both servers, whose metrics are compared afterwards.
        const viaFramework = await send(off, testCase, index, undefined, connection);
        statuses.add(viaFramework.status);
        const [before, readerBefore] = [plane.stats(), reader.stats()];
        const viaPlane = await send(on, testCase, index, undefined, connection);
        expect(viaPlane, `${testCase.name} (${connection} connection)`).toEqual(viaFramework);
        const [after, readerAfter] = [plane.stats(), reader.stats()];
        expect(
          {
            answered: after.answered - before.answered,
            handedOver: after.handedOver - before.handedOver,
            readByReader: readerAfter.requests - readerBefore.requests,
            connectionToNode: readerAfter.handedOver - readerBefore.handedOver,
            frameworkOnReader: readerAfter.framework - readerBefore.framework,
          },
          `who answered "${testCase.name}" (${viaPlane.status}) on a ${connection} connection`,
        ).toEqual({
          answered: testCase.by === 'plane' ? 1 : 0,
          handedOver: testCase.by === 'handed-over' ? 1 : 0,
          // The reader offers the plane each request of its form; the plane answers it, or hands it
          // over with its connection. On a connection already handed over, node:http reads them all.
          readByReader: connection === 'own' && testCase.by !== 'framework' ? 1 : 0,
          // A GET the reader gives the framework itself, keeping the connection.
          connectionToNode: connection === 'node' || (testCase.by !== 'plane' && !(connection === 'own' && get)) ? 1 : 0,
          frameworkOnReader: connection === 'own' && get ? 1 : 0,
        });
      }
    }
    // The cases cover success and each kind of refusal.
    expect([...statuses].sort()).toEqual(expect.arrayContaining([200, 400, 401, 403, 404, 413]));
  });

  it('applies a key rate limit alike: the allowed requests take tokens, the refused one is answered 429 by the framework', async () => {
    const limited: Case = { name: 'rate limited key', path: '/v2/models/mlp/infer', key: 'limited', body: V2_BODY, by: 'plane' };
    const plane = on.modelgate.dataPlane!;
    const before = plane.stats();
    const answers: Array<[Normalized, Normalized]> = [];
    for (let attempt = 0; attempt < 3; attempt++) answers.push([await send(on, limited, 2000 + attempt), await send(off, limited, 2000 + attempt)]);
    expect(answers.map(([viaPlane]) => viaPlane.status)).toEqual([200, 200, 429]);
    // Each server made its own key: its id is in the refusal's message.
    const sameKey = (answer: Normalized) => JSON.parse(JSON.stringify(answer).replace(/key [A-Za-z0-9]+ is over/, 'key <id> is over')) as Normalized;
    for (const [viaPlane, viaFramework] of answers) expect(sameKey(viaPlane)).toEqual(sameKey(viaFramework));
    expect(JSON.stringify(answers[2][0].body)).toContain('is over its rate limit');
    expect(plane.stats().answered - before.answered).toBe(2);
    expect(plane.stats().handedOver - before.handedOver).toBe(1);
  });

  it('records the same prediction metrics as the response hook', async () => {
    const predictionLines = async (server: TestServer) =>
      (await (await server.fetch('/metrics')).text())
        .split('\n')
        .filter((line) => /^modelgate_(requests_total|request_duration_seconds_count|queue_wait_seconds_count|compute_seconds_count)\{/.test(line))
        .sort();
    const [viaPlane, viaFramework] = await Promise.all([predictionLines(on), predictionLines(off)]);
    expect(viaPlane.length).toBeGreaterThan(3);
    expect(viaPlane).toEqual(viaFramework);
  });

  it('writes the same header names, byte for byte, in the same order', async () => {
    /** The raw header names of an answer (fetch would lower-case them), without Date. */
    const rawNames = (server: TestServer, path: string, body: string, keyName: KeyName) =>
      new Promise<string[]>((resolve, reject) => {
        const headers = { 'content-type': 'application/json', authorization: `Bearer ${keys.get(server)![keyName]}`, 'content-length': String(Buffer.byteLength(body)) };
        const sent = request(`${server.url}${path}`, { method: 'POST', headers }, (response) => {
          response.resume();
          response.on('end', () => resolve(response.rawHeaders.filter((_, index) => index % 2 === 0 && response.rawHeaders[index] !== 'Date')));
        });
        sent.on('error', reject);
        sent.end(body);
      });
    for (const [path, body, keyName] of [
      ['/v2/models/mlp/infer', V2_BODY, 'predict'],
      ['/v2/models/mlp/infer', '{"inputs": [', 'predict'],
      ['/v1/models/mlp:predict', v2({ instances: [ROW] }), 'metered'],
    ] as Array<[string, string, KeyName]>) {
      const [viaPlane, viaFramework] = [await rawNames(on, path, body, keyName), await rawNames(off, path, body, keyName)];
      expect(viaPlane, `${path} ${body.slice(0, 20)}`).toEqual(viaFramework);
      expect(viaPlane).toContain('content-security-policy');
      if (keyName === 'metered') expect(viaPlane).toContain('ratelimit-remaining');
    }
  });

  it('survives clients that go away mid-body or before the answer, and counts them as the framework does', async () => {
    const predictionLines = async (server: TestServer) =>
      (await (await server.fetch('/metrics')).text())
        .split('\n')
        .filter((line) => /^modelgate_(requests_total|request_duration_seconds_count)\{/.test(line))
        .sort();
    const plane = on.modelgate.dataPlane!;
    const before = plane.stats();
    const [linesOn, linesOff] = [await predictionLines(on), await predictionLines(off)];
    // All at once, so that most complete requests are still queued when their client is gone.
    for (const server of [on, off]) {
      await Promise.all(Array.from({ length: 20 }, () => [abandon(server, V2_BODY, 10), abandon(server, V2_BODY, Buffer.byteLength(V2_BODY))]).flat());
    }
    // Whatever the abandoned requests still do finishes; both servers then answer as before.
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const server of [on, off]) {
      expect((await send(server, CASES[0], 3000)).status).toBe(200);
    }
    // The plane dropped the cut bodies without handing them to the framework, and computed at most
    // the 20 complete ones and the one answered: a complete body whose connection Node has already
    // closed by the time the plane comes to read it (after the key check) is dropped too, as there is
    // no one to answer, so how many of the 20 it reads is a race.
    const after = plane.stats();
    expect(after.handedOver - before.handedOver).toBe(0);
    expect(after.answered - before.answered).toBeGreaterThanOrEqual(1);
    expect(after.answered - before.answered).toBeLessThanOrEqual(21);
    // Which abandoned answers were written before the close was seen is a race, so the counts may
    // differ by server; but neither counts an answer it never wrote, and every count names the
    // version that computed it (a request recorded at the close, before its answer, would not).
    const SUCCESSES = 'modelgate_requests_total{model="mlp",version="2",route="latest",code="2xx",outcome="success"}';
    const successes = (lines: string[]) => Number(lines.find((line) => line.startsWith(`${SUCCESSES} `))?.split(' ')[1] ?? 0);
    for (const [server, then] of [
      [on, linesOn],
      [off, linesOff],
    ] as const) {
      const now = await predictionLines(server);
      const grown = now.filter((line) => line.startsWith('modelgate_requests_total') && !then.includes(line));
      for (const line of grown) expect(line.startsWith(`${SUCCESSES} `), line).toBe(true);
      const added = successes(now) - successes(then);
      expect(added).toBeGreaterThanOrEqual(1);
      expect(added).toBeLessThanOrEqual(21);
    }
  });

  it('joins bodies and decodes large tensors in reused memory that nothing reads once it is given back', async () => {
    const plane = on.modelgate.dataPlane!;
    // Every block is overwritten as it goes back: a decoder that read a body after that, or a worker
    // given a tensor after that, would answer differently from the framework, or refuse the request.
    const blocks = plane.scratch;
    const give = blocks.give.bind(blocks);
    const poisoned = vi.spyOn(blocks, 'give').mockImplementation((block: ArrayBuffer) => {
      new Uint8Array(block).fill(0x5d);
      give(block);
    });
    // Holds the version's worker, so that the requests wait in the queue after their bodies are
    // decoded: their tensors are read only when the worker is free again.
    const stall = () => runtimeOf(on).simulateWorkerStall(on.modelgate.app.get(ModelServer).resolve('mlp').runtimeKey, 0, 300);
    try {
      // Bodies of 130-170 KB, which Node delivers in several chunks of at most 64 KiB; tensors of 140-180 KB.
      const rows = (seed: number) => Array.from({ length: 9000 + seed * 300 }, (_, row) => ROW.map((value, column) => Number((value + ((row * 7 + column * 3 + seed) % 50) / 10).toFixed(3))));
      /** `aligned`: the header padded to a multiple of 4 bytes, where v2.binary would view the tensor in the body. */
      const binaryCase = (data: number[][], aligned: boolean): Case => {
        const tensor = Buffer.from(new Float32Array(data.flat()).buffer);
        let json = JSON.stringify({ inputs: [{ name: 'x', shape: [data.length, 4], datatype: 'FP32', parameters: { binary_data_size: tensor.length } }] });
        if (aligned) json = json.padEnd(Math.ceil(json.length / 4) * 4, ' ');
        else if (json.length % 4 === 0) json += ' ';
        const header = Buffer.from(json);
        return {
          name: `v2 binary of ${data.length} rows`,
          path: '/v2/models/mlp/infer',
          headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(header.length) },
          body: Buffer.concat([header, tensor]),
          by: 'plane',
        };
      };
      const cases = Array.from({ length: 9 }, (_, seed): Case => {
        const data = rows(seed);
        if (seed % 3 === 2) return binaryCase(data, seed !== 5);
        return seed % 3 === 0
          ? { name: `v2 JSON of ${data.length} rows`, path: '/v2/models/mlp/infer', body: v2({ inputs: [{ name: 'x', shape: [data.length, 4], datatype: 'FP32', data: data.flat() }] }), by: 'plane' }
          : { name: `TF Serving of ${data.length} rows`, path: '/v1/models/mlp:predict', body: v2({ instances: data }), by: 'plane' };
      });
      for (const testCase of cases) expect(Buffer.byteLength(testCase.body)).toBeGreaterThan(2 * 64 * 1024);
      // Blocks per round: every body's and every tensor's (binary ones are copied, not viewed in the body).
      const perRound = 9 + 9;
      const before = plane.stats().scratch;
      // Twice, all at once behind a stalled worker: the second round finds the first round's blocks free.
      for (let round = 0; round < 2; round++) {
        stall();
        const connection: Connection = round === 0 ? 'own' : 'node';
        const viaPlane = await Promise.all(cases.map((testCase, index) => send(on, testCase, 4000 + index, undefined, connection)));
        const viaFramework = await Promise.all(cases.map((testCase, index) => send(off, testCase, 4000 + index)));
        for (const [index, answer] of viaPlane.entries()) {
          expect(answer.status, cases[index].name).toBe(200);
          expect(answer, `${cases[index].name} (${connection} connection)`).toEqual(viaFramework[index]);
        }
      }
      const after = plane.stats().scratch;
      expect(poisoned).toHaveBeenCalledTimes(2 * perRound);
      expect(after.allocated - before.allocated + after.reused - before.reused).toBe(2 * perRound);
      expect(after.reused - before.reused).toBeGreaterThanOrEqual(perRound);

      // A client gone mid-body gives its block back.
      const freeBefore = plane.stats().scratch.freeBytes;
      await abandon(on, cases[0].body as string, 100_000, 100);
      await expect.poll(() => poisoned.mock.calls.length).toBe(2 * perRound + 1);
      // The block it took from the free ones is free again.
      expect(plane.stats().scratch.freeBytes).toBe(freeBefore);
      expect((await send(on, CASES[0], 5001)).status).toBe(200);
    } finally {
      poisoned.mockRestore();
    }
  });

  it('takes only routes that declare the access it checks', () => {
    const taken = on.modelgate.routes.filter((route) => route.method === 'POST' && /(\/infer|::predict)$/.test(route.url));
    expect(taken.length).toBe(5);
    for (const route of taken) expect(route.access, route.url).toEqual(PREDICT_ACCESS);
  });

  it('is off when CORS_ORIGINS is set, so that CORS stays with the framework', async () => {
    const cors = await startServer({ env: { CORS_ORIGINS: 'https://app.example' } });
    try {
      expect(cors.modelgate.dataPlane).toBeUndefined();
    } finally {
      await cors.close();
    }
  });
});

import { mkdtemp, rm } from 'node:fs/promises';
import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelServer } from '../apps/api/src/inference/model-server.service';
import { onnxMlp } from './fixtures/models';
import { ADMIN_KEY, enableRuntimeTestHooks, runtimeOf, startServer, uploadVersion, type TestServer } from './support/server';
import { selfSignedCertificate } from './support/tls';

/**
 * The data plane reads plain HTTP/1.1 connections with a parser of its own and answers predictions
 * on the socket (apps/api/src/inference/http1-connections.ts); everything else it hands to
 * node:http. These tests send the same raw bytes to a server that does (the default) and to one
 * that leaves every connection to node:http (MODELGATE_DATA_PLANE_HTTP=node), and require the same
 * answers, byte for byte but for what changes by the moment: pipelined requests, a connection that
 * changes hands mid-way, heads and bodies in pieces, what node:http alone should answer. They also
 * check how many requests the plane's connections took, so that a parser that took nothing cannot pass.
 * All of it runs twice: over plain HTTP, and over TLS (TLS_CERT, TLS_KEY), where the plane reads the
 * TLS sockets once their handshake is done.
 */

/** A connection to `server`'s port: TCP, or TLS to a server with a self-signed certificate. */
function connectTo(server: TestServer, onConnect?: () => void): Socket {
  const { hostname, port } = new URL(server.url);
  if (server.url.startsWith('https:')) return connectTls({ host: hostname, port: Number(port), rejectUnauthorized: false }, onConnect);
  return connectTcp(Number(port), hostname, onConnect);
}

const ROW = [5.1, 3.5, 1.4, 0.2];
const V2_BODY = JSON.stringify({ inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data: ROW }] });
const TF_BODY = JSON.stringify({ instances: [ROW, ROW] });
const BINARY = (() => {
  const tensor = Buffer.from(new Float32Array(ROW).buffer);
  const header = Buffer.from(JSON.stringify({ inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', parameters: { binary_data_size: tensor.length } }], parameters: { binary_data_output: true } }));
  return { body: Buffer.concat([header, tensor]), headerLength: header.length };
})();

/** A request's bytes: `lines` the head after the request line; Host and Content-Length unless given. */
function raw(requestLine: string, lines: string[], body: string | Buffer = ''): Buffer {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const head = [requestLine, ...lines];
  if (!lines.some((line) => /^host:/i.test(line))) head.splice(1, 0, 'Host: 127.0.0.1');
  if (!lines.some((line) => /^(content-length|transfer-encoding):/i.test(line)) && bytes.length > 0) head.push(`Content-Length: ${bytes.length}`);
  return Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'), bytes]);
}

const AUTH = `Authorization: Bearer ${ADMIN_KEY}`;
const predict = (body: string | Buffer = V2_BODY, extra: string[] = []) => raw('POST /v2/models/mlp/infer HTTP/1.1', ['Content-Type: application/json', AUTH, ...extra], body);

interface Answer {
  status: string;
  headers: string[];
  body: string;
}

/** Values that change by the moment or by server: compared by presence. */
const VOLATILE = /^(date|x-request-id|server-timing|x-batch-size|ratelimit-reset):/i;

/**
 * The answers in `bytes`, a connection's whole output: status line, headers (volatile values
 * blanked) and body, read by Content-Length; an answer without one runs to the end (or is empty).
 */
function answersIn(bytes: Buffer): Answer[] {
  const answers: Answer[] = [];
  let at = 0;
  while (at < bytes.length) {
    const end = bytes.indexOf('\r\n\r\n', at);
    if (end < 0) throw new Error(`a partial answer: ${bytes.subarray(at).toString('latin1')}`);
    const [status, ...lines] = bytes.subarray(at, end).toString('latin1').split('\r\n');
    const length = lines.find((line) => /^content-length:/i.test(line));
    const bodyEnd = length === undefined ? (status.includes(' 100 ') ? end + 4 : bytes.length) : end + 4 + Number(length.split(':')[1]);
    const body = bytes.subarray(end + 4, bodyEnd).toString('latin1');
    answers.push({ status, headers: lines.map((line) => (VOLATILE.test(line) ? line.replace(/:.*/, ': (present)') : line)), body: body.replace(/"requestId":"[^"]+"/, '"requestId":"(present)"') });
    at = bodyEnd;
  }
  return answers;
}

interface Conversation {
  /** The bytes written, each after a pause, so that the server reads them apart. */
  writes: Buffer[];
  /** End this side after the last write (half-close), instead of waiting for `answers`. */
  end?: boolean;
  /** How many answers to wait for before closing; without it, until the server closes. */
  answers?: number;
}

/** Sends `conversation` on one new connection; resolves with everything the server wrote, once it closed or gave `answers` answers. */
function converse(server: TestServer, conversation: Conversation): Promise<{ bytes: Buffer; closedByServer: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let settled = false;
    const socket = connectTo(server);
    const finish = (closedByServer: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ bytes: Buffer.concat(chunks), closedByServer });
    };
    const timer = setTimeout(() => (settled ? undefined : reject(new Error(`no end to the conversation; so far: ${Buffer.concat(chunks).toString('latin1')}`))), 10_000);
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      if (conversation.answers !== undefined && !conversation.end) {
        try {
          if (answersIn(Buffer.concat(chunks)).filter((answer) => !answer.status.includes(' 100 ')).length >= conversation.answers) finish(false);
        } catch {
          // A partial answer: more to come.
        }
      }
    });
    socket.on('end', () => finish(true));
    socket.on('close', () => finish(true));
    socket.on('error', reject);
    socket.on(server.url.startsWith('https:') ? 'secureConnect' : 'connect', async () => {
      for (const [index, bytes] of conversation.writes.entries()) {
        if (index > 0) await new Promise((next) => setTimeout(next, 60));
        socket.write(bytes);
      }
      if (conversation.end) socket.end();
    });
  });
}

describe.each([{ transport: 'HTTP' }, { transport: 'HTTPS' }])('the data plane reads its own HTTP/1.1 connections: the same answers as node:http, over $transport', ({ transport }) => {
  let fixtures: string;
  let own: TestServer;
  let node: TestServer;
  let tlsEnv: Record<string, string> = {};

  beforeAll(async () => {
    fixtures = await mkdtemp(join(tmpdir(), 'modelgate-http1-'));
    if (transport === 'HTTPS') {
      const files = selfSignedCertificate(fixtures, 'server');
      if (!files) throw new Error('openssl is needed for the TLS half of this test');
      tlsEnv = { TLS_CERT: files.cert, TLS_KEY: files.key };
      // This test's own fetch calls (setting up models) trust the self-signed certificate; this file runs in a process of its own.
      process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
    }
    const restoreHooks = enableRuntimeTestHooks();
    try {
      [own, node] = await Promise.all([startServer({ env: tlsEnv }), startServer({ env: { ...tlsEnv, MODELGATE_DATA_PLANE_HTTP: 'node' } })]);
    } finally {
      restoreHooks();
    }
    const mlp = await onnxMlp(fixtures);
    for (const server of [own, node]) {
      expect((await server.json('/api/models', { method: 'POST', body: JSON.stringify({ name: 'mlp' }) })).status).toBe(201);
      expect((await uploadVersion(server, 'mlp', mlp.path)).status).toBe(201);
    }
  });

  afterAll(async () => {
    await Promise.all([own?.close(), node?.close()]);
    await rm(fixtures, { recursive: true, force: true });
    delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
  });

  it('reads its own connections by default, and MODELGATE_DATA_PLANE_HTTP=node leaves them all to node:http', () => {
    expect(own.modelgate.http1).toBeDefined();
    expect(node.modelgate.http1).toBeUndefined();
    expect(node.modelgate.dataPlane, 'the plane itself still runs').toBeDefined();
  });

  /**
   * `taken`: requests the plane took on its own connections; `refused`: of those, how many it handed
   * over (each counted once); `framework`: GETs and HEADs given to the framework with the connection
   * staying the plane's.
   */
  const CONVERSATIONS: Array<{ name: string; conversation: Conversation; taken: number; refused?: number; framework?: number }> = [
    { name: 'one prediction', conversation: { writes: [predict()], answers: 1 }, taken: 1 },
    { name: 'three predictions in one write (pipelined), v2 JSON, TF Serving and binary', conversation: { writes: [Buffer.concat([predict(), raw('POST /v1/models/mlp:predict HTTP/1.1', [AUTH], TF_BODY), predict(BINARY.body, ['Inference-Header-Content-Length: ' + BINARY.headerLength])])], answers: 3 }, taken: 3 },
    { name: 'predictions one after another, then a GET on the same connection', conversation: { writes: [predict(), predict(TF_BODY.replace('instances', 'inputs')), raw('GET /health/live HTTP/1.1', [])], answers: 3 }, taken: 2, framework: 1 },
    { name: 'a GET, then a prediction, in one write: both on the plane`s connection', conversation: { writes: [Buffer.concat([raw('GET /health/live HTTP/1.1', []), predict()])], answers: 2 }, taken: 1, framework: 1 },
    {
      name: 'a Triton client`s start: health, readiness and metadata, then predictions, one connection',
      conversation: { writes: [raw('GET /v2/health/ready HTTP/1.1', []), raw('GET /v2/models/mlp/ready HTTP/1.1', [AUTH]), raw('GET /v2/models/mlp HTTP/1.1', [AUTH, 'Accept-Encoding: identity']), Buffer.concat([predict(), predict()])], answers: 5 },
      taken: 2,
      framework: 3,
    },
    { name: 'a GET without a key (401), a prediction, a GET of a model that does not exist (404)', conversation: { writes: [raw('GET /v2/models/mlp HTTP/1.1', []), predict(), raw('GET /v2/models/nope HTTP/1.1', [AUTH])], answers: 3 }, taken: 1, framework: 2 },
    { name: 'the OpenAPI document (a large answer), then a prediction', conversation: { writes: [raw('GET /docs-json HTTP/1.1', []), predict()], answers: 2 }, taken: 1, framework: 1 },
    // A HEAD's answer has a length and no body: last, so that no answer follows it.
    { name: 'a prediction, then a HEAD', conversation: { writes: [predict(), raw('HEAD /v2/health/live HTTP/1.1', [])], answers: 2 }, taken: 1, framework: 1 },
    { name: 'a GET with a body: the whole connection is node:http`s', conversation: { writes: [raw('GET /health/live HTTP/1.1', ['Content-Type: text/plain'], 'hello'), predict()], answers: 2 }, taken: 0 },
    { name: 'a refused key, then a good one', conversation: { writes: [Buffer.concat([raw('POST /v2/models/mlp/infer HTTP/1.1', ['Authorization: Bearer mg_wrong'], V2_BODY), predict()])], answers: 2 }, taken: 1, refused: 1 },
    { name: 'a head in two pieces', conversation: { writes: [predict().subarray(0, 40), predict().subarray(40)], answers: 1 }, taken: 0 },
    { name: 'a body in three pieces', conversation: { writes: [predict().subarray(0, predict().length - 60), predict().subarray(-60, -20), predict().subarray(-20)], answers: 1 }, taken: 1 },
    { name: 'a body in pieces, with the next request behind its last piece', conversation: { writes: [predict().subarray(0, -10), Buffer.concat([predict().subarray(-10), predict()])], answers: 2 }, taken: 2 },
    { name: 'a chunked body', conversation: { writes: [raw('POST /v2/models/mlp/infer HTTP/1.1', ['Content-Type: application/json', AUTH, 'Transfer-Encoding: chunked'], `${V2_BODY.length.toString(16)}\r\n${V2_BODY}\r\n0\r\n\r\n`)], answers: 1 }, taken: 0 },
    { name: 'Expect: 100-continue', conversation: { writes: [predict(V2_BODY, ['Expect: 100-continue'])], answers: 1 }, taken: 0 },
    { name: 'Connection: close', conversation: { writes: [predict(V2_BODY, ['Connection: close'])] }, taken: 0 },
    // No half-open HTTP: a request whose client ends its side is abandoned, and the connection closed.
    { name: 'a body cut short by the client ending its side', conversation: { writes: [predict().subarray(0, -10)], end: true }, taken: 1 },
    { name: 'a bad body (400 from the plane), then a good one', conversation: { writes: [Buffer.concat([predict('{"inputs": ['), predict()])], answers: 2 }, taken: 2 },
    // Where a later request in one write is malformed, node:http answers 400 for it before it answers
    // the ones in front (it parses the whole write first); the plane answers those first. Apart, the
    // two give the same answers.
    { name: 'Content-Length twice', conversation: { writes: [predict(), raw('POST /v2/models/mlp/infer HTTP/1.1', [AUTH, `Content-Length: ${V2_BODY.length}`, `Content-Length: ${V2_BODY.length}`], V2_BODY)] }, taken: 1 },
    { name: 'a control character in a header value', conversation: { writes: [predict(V2_BODY, ['X-Thing: a\x01b'])] }, taken: 0 },
    { name: 'bytes after a body that are no request', conversation: { writes: [predict(), Buffer.from('garbage\r\n\r\n')] }, taken: 1 },
    { name: 'a request line in lower case', conversation: { writes: [predict(), raw('post /v2/models/mlp/infer HTTP/1.1', [AUTH], V2_BODY)] }, taken: 1 },
    { name: 'HTTP/1.0', conversation: { writes: [raw('POST /v2/models/mlp/infer HTTP/1.0', ['Content-Type: application/json', AUTH], V2_BODY)] }, taken: 0 },
    { name: 'no Host', conversation: { writes: [Buffer.from(`POST /v2/models/mlp/infer HTTP/1.1\r\n${AUTH}\r\nContent-Length: ${V2_BODY.length}\r\n\r\n${V2_BODY}`)] }, taken: 0 },
    { name: 'a prediction on a model that does not exist', conversation: { writes: [raw('POST /v2/models/nope/infer HTTP/1.1', ['Content-Type: application/json', AUTH], V2_BODY)], answers: 1 }, taken: 1 },
  ];

  it.each(CONVERSATIONS)('$name', async ({ conversation, taken, refused = 0, framework = 0 }) => {
    const before = own.modelgate.http1!.stats();
    const planeBefore = own.modelgate.dataPlane!.stats();
    const [viaOwn, viaNode] = [await converse(own, conversation), await converse(node, conversation)];
    const [answersOwn, answersNode] = [answersIn(viaOwn.bytes), answersIn(viaNode.bytes)];
    if (!conversation.end) expect(answersOwn.length).toBeGreaterThan(0);
    expect(answersOwn).toEqual(answersNode);
    expect(viaOwn.closedByServer, 'who closed the connection').toBe(viaNode.closedByServer);
    expect(own.modelgate.http1!.stats().requests - before.requests, 'requests the plane took on its own connections').toBe(taken);
    expect(own.modelgate.http1!.stats().framework - before.framework, 'GETs and HEADs given to the framework on them').toBe(framework);
    expect(own.modelgate.dataPlane!.stats().handedOver - planeBefore.handedOver, 'requests the plane handed to the framework').toBe(refused);
  });

  it('forgets every connection once closed, whoever closed it, and counts no request in progress after them', async () => {
    await expect.poll(() => own.modelgate.http1!.stats().open).toBe(0);
    // What idle spin and the batcher read (ModelServer.activity): each request counted once, by the reader or by the server's listener.
    await expect.poll(() => own.modelgate.app.get(ModelServer).activity.requests).toBe(0);
  });

  it('closes idle connections when the server closes, and ends the answer in progress with Connection: close', async () => {
    const restoreHooks = enableRuntimeTestHooks();
    const closing = await startServer({ env: tlsEnv }).finally(restoreHooks);
    try {
      expect((await closing.json('/api/models', { method: 'POST', body: JSON.stringify({ name: 'mlp' }) })).status).toBe(201);
      expect((await uploadVersion(closing, 'mlp', (await onnxMlp(fixtures)).path)).status).toBe(201);
      const open = (): Promise<{ socket: Socket; received: () => Buffer; closed: Promise<void> }> =>
        new Promise((resolve, reject) => {
          const chunks: Buffer[] = [];
          const socket = connectTo(closing, () => resolve({ socket, received: () => Buffer.concat(chunks), closed }));
          const closed = new Promise<void>((done) => socket.on('close', () => done()));
          socket.on('data', (chunk) => chunks.push(chunk));
          socket.on('error', reject);
        });
      const idle = await open();
      idle.socket.write(predict());
      await expect.poll(() => answersIn(idle.received()).length).toBe(1);
      const busy = await open();
      runtimeOf(closing).simulateWorkerStall(closing.modelgate.app.get(ModelServer).resolve('mlp').runtimeKey, 0, 500);
      busy.socket.write(predict());
      await expect.poll(() => closing.modelgate.http1!.stats().requests).toBe(2);
      const started = performance.now();
      await closing.modelgate.close();
      // Well inside the 72 s an idle keep-alive connection would otherwise be kept.
      expect(performance.now() - started).toBeLessThan(5_000);
      await Promise.all([idle.closed, busy.closed]);
      expect(answersIn(idle.received()).map((answer) => answer.status)).toEqual(['HTTP/1.1 200 OK']);
      const [last] = answersIn(busy.received());
      expect(last.status).toBe('HTTP/1.1 200 OK');
      expect(last.headers).toContain('Connection: close');
      expect(last.headers.some((line) => line.startsWith('Keep-Alive'))).toBe(false);
    } finally {
      // close() above closed the app; this removes its data.
      await closing.close().catch(() => undefined);
    }
  });
});

import { createServer, IncomingMessage, type Server, ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { answerHead, Http1Connections, readHead } from './http1-connections';
import type { ActivityGauge } from '@modelgate/runtime';
import { ScratchBlocks } from './scratch-blocks';

const HEAD = ['POST /v2/models/mlp/infer HTTP/1.1', 'Host: localhost:8080', 'Content-Type: application/json', 'Authorization: Bearer mg_key', 'Content-Length: 12'];
const request = (lines: string[], body = '{"inputs":[]}') => Buffer.from(`${lines.join('\r\n')}\r\n\r\n${body}`, 'latin1');

describe('readHead: the one form of request the data plane reads itself', () => {
  it('reads a prediction: target, headers by lower-case name with trimmed values, where the body starts', () => {
    const bytes = request([...HEAD.slice(0, 3), 'X-Request-Id: \t case-1 \t', ...HEAD.slice(3)]);
    const head = readHead(bytes);
    expect(head).toEqual({
      method: 'POST',
      url: '/v2/models/mlp/infer',
      headers: { host: 'localhost:8080', 'content-type': 'application/json', 'x-request-id': 'case-1', authorization: 'Bearer mg_key', 'content-length': '12' },
      bodyAt: bytes.indexOf('{'),
      rawHeaders: undefined,
    });
  });

  it.each(['GET', 'HEAD'])('reads a %s without a body, for the framework: its header lines as sent, where the next request starts', (method) => {
    const bytes = request([`${method} /v2/models/mlp/ready HTTP/1.1`, 'Host: localhost:8080', 'Authorization:  Bearer mg_key ', 'User-Agent: Python-urllib/3.11'], 'POST /next');
    expect(readHead(bytes)).toEqual({
      method,
      url: '/v2/models/mlp/ready',
      headers: { host: 'localhost:8080', authorization: 'Bearer mg_key', 'user-agent': 'Python-urllib/3.11' },
      bodyAt: bytes.indexOf('POST /next'),
      rawHeaders: ['Host', 'localhost:8080', 'Authorization', 'Bearer mg_key', 'User-Agent', 'Python-urllib/3.11'],
    });
    expect(readHead(request([`${method} /v2/health/ready HTTP/1.1`, 'Host: localhost', 'Content-Length: 0']))?.method).toBe(method);
  });

  it('reads a keep-alive Connection header, an empty value and a TF Serving target', () => {
    const head = readHead(request(['POST /v1/models/mlp:predict HTTP/1.1', ...HEAD.slice(1), 'Connection: Keep-Alive', 'X-Empty:']));
    expect(head?.url).toBe('/v1/models/mlp:predict');
    expect(head?.headers).toMatchObject({ connection: 'Keep-Alive', 'x-empty': '' });
  });

  it.each([
    ['a head not complete yet', Buffer.from(HEAD.join('\r\n') + '\r\n')],
    ['a GET with a body', request(['GET /v2/models/mlp HTTP/1.1', ...HEAD.slice(1)])],
    ['a HEAD with a body', request(['HEAD /v2/models/mlp HTTP/1.1', ...HEAD.slice(1)])],
    ['a GET with a chunked body', request(['GET /v2/models/mlp HTTP/1.1', 'Host: localhost', 'Transfer-Encoding: chunked'], '0\r\n\r\n')],
    ['a PUT', request(['PUT /api/models/mlp/deployment HTTP/1.1', ...HEAD.slice(1)])],
    ['a DELETE without a body', request(['DELETE /api/models/mlp HTTP/1.1', 'Host: localhost'], '')],
    ['an OPTIONS', request(['OPTIONS /v2/models/mlp/infer HTTP/1.1', 'Host: localhost'], '')],
    ['a lower-case method', request(['post /v2/models/mlp/infer HTTP/1.1', ...HEAD.slice(1)])],
    ['HTTP/1.0', request(['POST /v2/models/mlp/infer HTTP/1.0', ...HEAD.slice(1)])],
    ['an absolute-form target', request(['POST http://localhost/v2/models/mlp/infer HTTP/1.1', ...HEAD.slice(1)])],
    ['a target with a space', request(['POST /v2/models/m lp/infer HTTP/1.1', ...HEAD.slice(1)])],
    ['no Host', request([HEAD[0], ...HEAD.slice(2)])],
    ['no Content-Length', request(HEAD.slice(0, 4))],
    ['a Content-Length that is not a number', request([...HEAD.slice(0, 4), 'Content-Length: 12, 12'])],
    ['a negative Content-Length', request([...HEAD.slice(0, 4), 'Content-Length: -1'])],
    ['Content-Length twice', request([...HEAD, 'Content-Length: 12'])],
    ['a header named twice in other cases', request([...HEAD, 'authorization: Bearer other'])],
    ['Transfer-Encoding', request([...HEAD, 'Transfer-Encoding: chunked'])],
    ['Expect: 100-continue', request([...HEAD, 'Expect: 100-continue'])],
    ['Upgrade', request([...HEAD, 'Upgrade: websocket'])],
    ['Connection: close', request([...HEAD, 'Connection: close'])],
    ['Connection: upgrade', request([...HEAD, 'Connection: keep-alive, Upgrade'])],
    ['a space before the colon', request([...HEAD, 'X-Thing : 1'])],
    ['a folded (obsolete line-continued) value', request([...HEAD, 'X-Thing: 1', ' 2'])],
    ['a bare LF inside the head', request([...HEAD, 'X-Thing: 1\nX-Other: 2'])],
    ['a bare CR inside a value', request([...HEAD, 'X-Thing: 1\r2'])],
    ['a NUL in a value', request([...HEAD, 'X-Thing: a\0b'])],
    ['a byte past ASCII in a value', request([...HEAD, 'X-Thing: caf\xe9'])],
    ['a name that is not a token', request([...HEAD, 'X(Thing): 1'])],
    ['a head longer than 16 KiB', request([...HEAD, `X-Long: ${'a'.repeat(16 * 1024)}`])],
    ['more header lines than a prediction sends', request([...HEAD, ...Array.from({ length: 64 }, (_, index) => `X-${index}: 1`)])],
  ])('leaves %s to node:http', (_name, bytes) => {
    expect(readHead(bytes)).toBeUndefined();
  });
});

describe('answerHead: an answer as node:http writes it on a keep-alive connection', () => {
  it('writes the status line, the headers in order, then Date and the connection lines', () => {
    const date = 'Date: Mon, 07 Dec 2026 16:00:00 GMT\r\n';
    expect(answerHead(200, ['content-type', 'application/json', 'content-length', '2'], date, 'Connection: keep-alive\r\nKeep-Alive: timeout=72\r\n')).toBe(
      'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\nDate: Mon, 07 Dec 2026 16:00:00 GMT\r\nConnection: keep-alive\r\nKeep-Alive: timeout=72\r\n\r\n',
    );
    expect(answerHead(429, [], date, 'Connection: close\r\n')).toBe(`HTTP/1.1 429 Too Many Requests\r\n${date}Connection: close\r\n\r\n`);
  });

  it('writes nothing for a value node:http refuses (a line break would split the header)', () => {
    expect(answerHead(200, ['x-fallback', 'a\r\nset-cookie: x=1'], '', '')).toBeUndefined();
    expect(answerHead(200, ['x-fallback', 'tab\tand latin-1 \xe9 are fine'], '', '')).toContain('x-fallback: tab\tand latin-1 \xe9 are fine\r\n');
  });
});

describe('Http1Connections: a new connection that sends no request', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  });

  /**
   * A server with a short headersTimeout, checked often, and a shorter keep-alive timeout, read by
   * node:http alone or by the plane's connections first (whose plane answers 204 to every request).
   */
  async function serve(own: boolean, onClientError?: (error: NodeJS.ErrnoException) => void): Promise<{ port: number; connections?: Http1Connections }> {
    const server = createServer({ connectionsCheckingInterval: 25, requestTimeout: 0, headersTimeout: 300 }, (_request, response) => response.end());
    server.keepAliveTimeout = 150;
    servers.push(server);
    if (onClientError !== undefined) server.on('clientError', (error: NodeJS.ErrnoException, socket) => (onClientError(error), socket.destroy()));
    let connections: Http1Connections | undefined;
    if (own) {
      connections = new Http1Connections(server, () => undefined);
      const blocks = new ScratchBlocks();
      connections.serve({
        takeExchange: (exchange) => {
          void exchange.readBody(0, blocks).then(() => exchange.send(204, [], '', () => undefined));
          return true;
        },
      });
    }
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { port: (server.address() as AddressInfo).port, connections };
  }

  /** Connects, sends `bytes` (or nothing), and returns what came back before the server closed the connection, and when. */
  const silent = (port: number, bytes = '') =>
    new Promise<{ answer: string; afterMs: number }>((resolve, reject) => {
      const started = performance.now();
      const chunks: Buffer[] = [];
      const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('error', reject);
      socket.on('close', () => resolve({ answer: Buffer.concat(chunks).toString('latin1'), afterMs: performance.now() - started }));
    });

  it("is answered 408 after the server's headersTimeout, as node:http answers it", async () => {
    const [node, own] = await Promise.all([serve(false), serve(true)]);
    const [byNode, byOwn] = await Promise.all([silent(node.port), silent(own.port)]);
    expect(byNode.answer).toBe('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n');
    expect(byOwn.answer).toBe(byNode.answer);
    // At the headersTimeout, not before (at the keep-alive timeout, 150 ms here).
    expect(byOwn.afterMs).toBeGreaterThanOrEqual(290);
    expect(byOwn.afterMs).toBeLessThan(2_000);
    expect(own.connections!.stats()).toMatchObject({ accepted: 1, handedOver: 0 });
  });

  it("reports it to the server's clientError listeners, as node:http does (Fastify answers them)", async () => {
    const codes: Array<string | undefined> = [];
    const [node, own] = await Promise.all([serve(false, (error) => codes.push(error.code)), serve(true, (error) => codes.push(error.code))]);
    const [byNode, byOwn] = await Promise.all([silent(node.port), silent(own.port)]);
    expect(codes).toEqual(['ERR_HTTP_REQUEST_TIMEOUT', 'ERR_HTTP_REQUEST_TIMEOUT']);
    expect([byNode.answer, byOwn.answer]).toEqual(['', '']);
  });

  it('closes quietly once idle after a request, at the keep-alive timeout', async () => {
    const own = await serve(true);
    const { answer, afterMs } = await silent(own.port, 'POST /v2/models/m/infer HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 204 No Content\r\nDate: .*\r\nConnection: keep-alive\r\nKeep-Alive: timeout=0\r\n\r\n$/);
    expect(afterMs).toBeGreaterThanOrEqual(140);
    expect(afterMs).toBeLessThan(2_000);
    expect(own.connections!.stats()).toMatchObject({ requests: 1, handedOver: 0 });
  });
});

describe('Http1Connections: a GET or HEAD between predictions goes to the framework, and the connection stays', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => (server.closeAllConnections(), server.close(resolve)))));
  });

  /** A server read by the plane's connections, whose plane answers 204 to every POST and whose framework is `framework`. */
  async function serve(framework: (request: IncomingMessage, response: ServerResponse) => void, activity?: ActivityGauge): Promise<{ port: number; connections: Http1Connections }> {
    const server = createServer({ requestTimeout: 0 }, framework);
    server.keepAliveTimeout = 5_000;
    servers.push(server);
    const connections = new Http1Connections(server, () => activity);
    const blocks = new ScratchBlocks();
    connections.serve({
      takeExchange: (exchange) => {
        void exchange.readBody(Number(exchange.headers['content-length']), blocks).then(() => exchange.send(204, ['x-by', 'plane'], '', () => undefined));
        return true;
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { port: (server.address() as AddressInfo).port, connections };
  }

  /** Writes `bytes` on one connection and resolves with what came back once `count` answers (heads) have come, or the server closed it. */
  const talk = (port: number, bytes: string, count: number, keep?: (socket: Socket) => void) =>
    new Promise<{ text: string; closed: boolean }>((resolve, reject) => {
      let text = '';
      const socket = connect(port, '127.0.0.1', () => (socket.write(bytes), keep?.(socket)));
      socket.setEncoding('latin1');
      socket.on('data', (chunk: string) => {
        text += chunk;
        if (text.split('HTTP/1.1 ').length - 1 >= count && /\r\n\r\n[^]*$/.test(text) && keep === undefined) {
          socket.destroy();
          resolve({ text, closed: false });
        }
      });
      socket.on('error', reject);
      socket.on('close', () => resolve({ text, closed: true }));
    });

  const GET = 'GET /v2/models/mlp/ready?verbose=1 HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer mg_key\r\n\r\n';
  const HEAD_READY = 'HEAD /v2/models/mlp/ready HTTP/1.1\r\nHost: localhost\r\n\r\n';
  const POST = 'POST /v2/models/mlp/infer HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n\r\n{}';

  it("gives the framework node:http's own request, complete and bodiless, and answers with node:http's response, keep-alive", async () => {
    const seen: Array<Record<string, unknown>> = [];
    const { port, connections } = await serve((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        seen.push({
          method: request.method,
          url: request.url,
          httpVersion: request.httpVersion,
          headers: request.headers,
          rawHeaders: request.rawHeaders,
          body: Buffer.concat(chunks).length,
          instances: request instanceof IncomingMessage && response instanceof ServerResponse,
          remote: request.socket.remoteAddress,
        });
        response.setHeader('content-type', 'text/plain');
        response.end('ready');
      });
    });
    const { text } = await talk(port, GET + POST, 2);
    expect(seen).toEqual([
      {
        method: 'GET',
        url: '/v2/models/mlp/ready?verbose=1',
        httpVersion: '1.1',
        headers: { host: 'localhost', authorization: 'Bearer mg_key' },
        rawHeaders: ['Host', 'localhost', 'Authorization', 'Bearer mg_key'],
        body: 0,
        instances: true,
        remote: '127.0.0.1',
      },
    ]);
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\ncontent-type: text\/plain\r\nDate: .*\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\nContent-Length: 5\r\n\r\nready/);
    // The POST behind it, in the same write, is the plane's on the same connection.
    expect(text).toMatch(/readyHTTP\/1\.1 204 No Content\r\nx-by: plane\r\n/);
    expect(connections.stats()).toMatchObject({ accepted: 1, requests: 1, framework: 1, handedOver: 0 });
  });

  it('reads predictions, GETs and HEADs in turn on one connection, each answered in order', async () => {
    const { port, connections } = await serve((request, response) => {
      // Answered late, so that the requests behind wait for it.
      setTimeout(() => (response.setHeader('content-length', 2), response.end(request.method === 'HEAD' ? undefined : 'ok')), 20);
    });
    const { text, closed } = await talk(port, POST + GET + HEAD_READY + POST + GET, 5);
    expect(closed).toBe(false);
    expect(text.match(/HTTP\/1\.1 \d+/g)).toEqual(['HTTP/1.1 204', 'HTTP/1.1 200', 'HTTP/1.1 200', 'HTTP/1.1 204', 'HTTP/1.1 200']);
    // The HEAD's answer has a length but no body: the next answer follows its head.
    expect(text).toMatch(/content-length: 2\r\nDate: [^\r]*\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\n\r\nHTTP\/1\.1 204/);
    expect(connections.stats()).toMatchObject({ requests: 2, framework: 3, handedOver: 0 });
  });

  it("counts the plane's requests in progress, and leaves the framework's to the server's request listener, as it counts node:http's", async () => {
    let inProgress = 0;
    const counted: number[] = [];
    const activity = { enter: () => void inProgress++, leave: () => void inProgress-- } as unknown as ActivityGauge;
    const { port } = await serve((_request, response) => (counted.push(inProgress), response.end('ok')), activity);
    await talk(port, POST + GET + POST + GET, 4);
    expect(counted).toEqual([0, 0]);
    expect(inProgress).toBe(0);
  });

  it("closes the request and the response once answered, as node:http's (the count of requests in progress waits for the response's close)", async () => {
    const events = { own: [] as string[], node: [] as string[] };
    const listener = (log: string[]) => (request: IncomingMessage, response: ServerResponse) => {
      // The request is never read: node:http drains it once answered, so that it ends and closes.
      request.on('close', () => log.push('request close'));
      response.on('finish', () => log.push('response finish'));
      response.on('close', () => log.push('response close'));
      response.end('ok');
    };
    const { port } = await serve(listener(events.own));
    const node = createServer({ requestTimeout: 0 }, listener(events.node));
    servers.push(node);
    await new Promise<void>((resolve) => node.listen(0, '127.0.0.1', resolve));
    await talk(port, GET, 1);
    await talk((node.address() as AddressInfo).port, GET, 1);
    await vi.waitFor(() => expect(events.node).toHaveLength(3));
    await vi.waitFor(() => expect(events.own).toEqual(events.node));
    expect(events.node).toEqual(expect.arrayContaining(['request close', 'response finish', 'response close']));
  });

  it("writes a framework's answer larger than the socket takes at once, waiting for its drains, then reads the next request", async () => {
    const chunk = Buffer.alloc(256 * 1024, 0x61);
    const chunks = 64;
    const { port, connections } = await serve((_request, response) => {
      response.setHeader('content-length', chunk.length * chunks);
      let written = 0;
      // As a piped file stream writes: stop at write() false, go on at 'drain'.
      const more = () => {
        while (written < chunks) {
          written++;
          if (!response.write(chunk)) return void response.once('drain', more);
        }
        response.end();
      };
      more();
    });
    const { text } = await talk(port, GET + POST, 2);
    expect(text.length).toBeGreaterThan(chunk.length * chunks);
    expect(text).toMatch(/aHTTP\/1\.1 204 No Content\r\nx-by: plane/);
    expect(connections.stats()).toMatchObject({ requests: 1, framework: 1 });
  });

  it('closes the connection after an answer of the framework that says Connection: close', async () => {
    const { port, connections } = await serve((_request, response) => {
      response.setHeader('connection', 'close');
      response.end('bye');
    });
    const { text, closed } = await talk(port, GET + POST, 1, () => undefined);
    expect(closed).toBe(true);
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\nconnection: close\r\nDate: .*\r\nContent-Length: 3\r\n\r\nbye$/);
    expect(connections.stats()).toMatchObject({ requests: 0, framework: 1, open: 0 });
  });

  it("tells the framework when the client goes before it answers: the request's close, the response's close", async () => {
    const events: string[] = [];
    let socketOfClient: Socket | undefined;
    const { port, connections } = await serve((request, response) => {
      request.on('close', () => events.push('request close'));
      response.on('close', () => events.push(`response close, finished ${response.writableFinished}`));
      socketOfClient!.destroy();
    });
    await talk(port, GET, 1, (socket) => (socketOfClient = socket));
    await vi.waitFor(() => expect(events.sort()).toEqual(['request close', 'response close, finished false']));
    await vi.waitFor(() => expect(connections.stats().open).toBe(0));
  });

  it("hands node:http an upgrade after the plane's requests; the bytes after it reach whoever node:http gives the socket to", async () => {
    const { port, connections } = await serve((_request, response) => response.end());
    // node:http gives an upgraded connection's socket, and its reads, back to JavaScript.
    servers.at(-1)!.on('upgrade', (_request: IncomingMessage, socket: Socket) => {
      socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n');
      socket.on('data', (chunk: Buffer) => socket.write(`echo:${chunk.toString('latin1')};`));
      socket.on('end', () => socket.end());
    });
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (text += chunk));
    const until = async (pattern: RegExp) => {
      for (let waited = 0; !pattern.test(text); waited += 10) {
        if (waited > 2000) throw new Error(`no ${pattern} in ${JSON.stringify(text)}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    try {
      socket.write(POST + POST);
      await until(/(HTTP\/1\.1 204[^]*){2}/);
      socket.write('GET /echo HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n');
      await until(/101 Switching Protocols\r\n[^]*\r\n\r\n/);
      for (const message of ['one', 'two']) {
        socket.write(message);
        await until(new RegExp(`echo:${message};`));
      }
    } finally {
      socket.destroy();
    }
    expect(connections.stats()).toMatchObject({ requests: 2, handedOver: 1 });
  });

  it("hands a GET with a body to node:http, as any request outside the reader's form", async () => {
    const { port, connections } = await serve((_request, response) => response.end('node'));
    await talk(port, 'GET /x HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n\r\n{}' + POST, 2);
    expect(connections.stats()).toMatchObject({ requests: 0, framework: 0, handedOver: 1 });
  });
});

import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { answerHead, Http1Connections, readHead } from './http1-connections';
import { ScratchBlocks } from './scratch-blocks';

const HEAD = ['POST /v2/models/mlp/infer HTTP/1.1', 'Host: localhost:8080', 'Content-Type: application/json', 'Authorization: Bearer mg_key', 'Content-Length: 12'];
const request = (lines: string[], body = '{"inputs":[]}') => Buffer.from(`${lines.join('\r\n')}\r\n\r\n${body}`, 'latin1');

describe('readHead: the one form of request the data plane reads itself', () => {
  it('reads a prediction: target, headers by lower-case name with trimmed values, where the body starts', () => {
    const bytes = request([...HEAD.slice(0, 3), 'X-Request-Id: \t case-1 \t', ...HEAD.slice(3)]);
    const head = readHead(bytes);
    expect(head).toEqual({
      url: '/v2/models/mlp/infer',
      headers: { host: 'localhost:8080', 'content-type': 'application/json', 'x-request-id': 'case-1', authorization: 'Bearer mg_key', 'content-length': '12' },
      bodyAt: bytes.indexOf('{'),
    });
  });

  it('reads a keep-alive Connection header, an empty value and a TF Serving target', () => {
    const head = readHead(request(['POST /v1/models/mlp:predict HTTP/1.1', ...HEAD.slice(1), 'Connection: Keep-Alive', 'X-Empty:']));
    expect(head?.url).toBe('/v1/models/mlp:predict');
    expect(head?.headers).toMatchObject({ connection: 'Keep-Alive', 'x-empty': '' });
  });

  it.each([
    ['a head not complete yet', Buffer.from(HEAD.join('\r\n') + '\r\n')],
    ['a GET', request(['GET /v2/models/mlp HTTP/1.1', ...HEAD.slice(1)])],
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

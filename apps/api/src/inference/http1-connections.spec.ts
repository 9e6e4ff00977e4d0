import { describe, expect, it } from 'vitest';
import { answerHead, readHead } from './http1-connections';

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

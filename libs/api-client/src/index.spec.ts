import { ApiError, createApiClient, unwrap } from './index.js';

/** A client whose fetch answers `response` and keeps the request it was given. */
function clientAnswering(response: Response, options: { headers?: Record<string, string> } = {}) {
  const requests: Request[] = [];
  const api = createApiClient({
    baseUrl: 'http://modelgate.test',
    headers: options.headers,
    fetch: async (input) => {
      requests.push(input as Request);
      return response;
    },
  });
  return { api, requests };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

describe('createApiClient', () => {
  it('sends its headers to baseUrl + path, with same-origin credentials', async () => {
    const { api, requests } = clientAnswering(json(200, { items: [], total: 0 }), { headers: { Authorization: 'Bearer mg_a_b' } });
    expect(unwrap(await api.GET('/api/models', { params: { query: { limit: '10' } } }))).toEqual({ items: [], total: 0 });
    expect(requests[0]!.url).toBe('http://modelgate.test/api/models?limit=10');
    expect(requests[0]!.headers.get('authorization')).toBe('Bearer mg_a_b');
    expect(requests[0]!.credentials).toBe('same-origin');
  });
});

describe('unwrap', () => {
  it('gives undefined for an answer without a body (204)', async () => {
    const { api } = clientAnswering(new Response(null, { status: 204 }));
    expect(unwrap(await api.DELETE('/api/keys/{id}', { params: { path: { id: 'k7Hq2mZp9xRt' } } }))).toBeUndefined();
  });

  it("throws an ApiError with the status, the server's message and the request id", async () => {
    const body = { error: 'model "iris" not found; GET /api/models lists the models', requestId: 'req-1' };
    const { api } = clientAnswering(json(404, body));
    const result = await api.GET('/api/models/{name}', { params: { path: { name: 'iris' } } });
    expect(() => unwrap(result)).toThrow(ApiError);
    expect(() => unwrap(result)).toThrow(expect.objectContaining({ name: 'ApiError', status: 404, message: body.error, requestId: 'req-1', body }));
  });

  it("names the status when the body is not the API's (a proxy in between), with the X-Request-Id header", async () => {
    const { api } = clientAnswering(new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway', headers: { 'x-request-id': 'req-2' } }));
    const result = await api.GET('/api/models');
    expect(() => unwrap(result)).toThrow(expect.objectContaining({ status: 502, message: '502 Bad Gateway', requestId: 'req-2', body: '<html>bad gateway</html>' }));
  });
});

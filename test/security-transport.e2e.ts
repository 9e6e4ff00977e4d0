import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../apps/api/src/config/config';
import { ADMIN_KEY, ADMIN_PASSWORD, startServer, type TestServer } from './support/server';
import { selfSignedCertificate } from './support/tls';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function httpsCall(url: URL, options: { method?: string; path: string; headers?: Record<string, string>; body?: string; ca: Buffer }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = httpsRequest(
      { host: url.hostname, port: url.port, method: options.method ?? 'GET', path: options.path, headers: options.headers, ca: options.ca, servername: 'localhost' },
      (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}

describe('TLS', () => {
  let workspace: string;
  let files: { cert: string; key: string } | undefined;

  beforeAll(async () => {
    workspace = await mkdtemp(join(tmpdir(), 'modelgate-tls-'));
    files = selfSignedCertificate(workspace, 'server');
    if (!files) console.warn('openssl is not available: the TLS tests are skipped');
  });
  afterAll(async () => {
    await rm(workspace, { recursive: true, force: true });
  });

  it('serves HTTPS with TLS_CERT and TLS_KEY, with HSTS and a Secure __Host- session cookie', async (context) => {
    if (!files) return context.skip();
    const server = await startServer({ env: { TLS_CERT: files.cert, TLS_KEY: files.key } });
    try {
      const url = new URL(server.url.replace(/^http:/, 'https:'));
      const ca = await import('node:fs/promises').then(({ readFile }) => readFile(files!.cert));
      const live = await httpsCall(url, { path: '/health/live', ca });
      expect(live.status).toBe(200);
      expect(live.headers['strict-transport-security']).toBe('max-age=31536000');

      const models = await httpsCall(url, { path: '/api/models', headers: { authorization: `Bearer ${ADMIN_KEY}` }, ca });
      expect(models.status).toBe(200);

      const login = await httpsCall(url, {
        method: 'POST',
        path: '/api/auth/login',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
        ca,
      });
      expect(login.status).toBe(200);
      const cookie = String(login.headers['set-cookie']);
      expect(cookie).toMatch(/^__Host-mg_session=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Strict; Secure$/);
      const session = await httpsCall(url, { path: '/api/auth/session', headers: { cookie: cookie.split(';')[0]! }, ca });
      expect(session.status).toBe(200);
      // The plain cookie name is not accepted behind TLS.
      const plain = await httpsCall(url, { path: '/api/auth/session', headers: { cookie: cookie.split(';')[0]!.replace('__Host-', '') }, ca });
      expect(plain.status).toBe(401);

      // Plain HTTP on the same port gets no answer a client could mistake for the API.
      const cleartext = await new Promise<number | string>((resolve) => {
        const request = httpRequest({ host: url.hostname, port: url.port, path: '/health/live' }, (response) => resolve(response.statusCode ?? 0));
        request.on('error', (error) => resolve(error.message));
        request.end();
      });
      expect(cleartext).not.toBe(200);
    } finally {
      await server.close();
    }
  });

  it('refuses to start on a missing, partial or mismatched certificate, naming the variable', async (context) => {
    if (!files) return context.skip();
    const other = selfSignedCertificate(workspace, 'other')!;
    const notPem = join(workspace, 'not.pem');
    await writeFile(notPem, 'hello');
    const cases: Array<[Record<string, string>, string]> = [
      [{ TLS_CERT: files.cert }, 'TLS_CERT and TLS_KEY must be set together'],
      [{ TLS_KEY: files.key }, 'TLS_CERT and TLS_KEY must be set together'],
      [{ TLS_CERT: join(workspace, 'missing.crt'), TLS_KEY: files.key }, 'TLS_CERT must be the path of a readable PEM file'],
      [{ TLS_CERT: notPem, TLS_KEY: files.key }, 'TLS_CERT must be a PEM file'],
      [{ TLS_CERT: files.cert, TLS_KEY: other.key }, 'TLS_CERT and TLS_KEY are not a usable certificate and private key pair'],
    ];
    for (const [env, message] of cases) {
      expect(() => loadConfig(env), JSON.stringify(env)).toThrow(ConfigError);
      expect(() => loadConfig(env), JSON.stringify(env)).toThrow(message);
    }
    expect(loadConfig({ TLS_CERT: files.cert, TLS_KEY: files.key })).toMatchObject({ cookieSecure: true, tls: expect.any(Object) });
    expect(loadConfig({ TLS_CERT: files.cert, TLS_KEY: files.key, MODELGATE_COOKIE_SECURE: 'false' }).cookieSecure).toBe(false);
    // Behind a TLS-terminating proxy: Secure cookies without TLS here.
    expect(loadConfig({ MODELGATE_COOKIE_SECURE: 'true' })).toMatchObject({ cookieSecure: true, tls: undefined });
  });
});

describe('browser-facing headers and CORS', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('sends a restrictive CSP, frame-ancestors, nosniff and Referrer-Policy with the docs', async () => {
    for (const path of ['/docs', '/docs/swagger-ui-init.js', '/docs-json']) {
      const answer = await server.fetch(path, { key: null });
      // Read to the end: an unread answer keeps its connection busy and delays the server's close.
      await answer.arrayBuffer();
      expect(answer.status, path).toBe(200);
      const policy = answer.headers.get('content-security-policy')!;
      expect(policy, path).toContain("frame-ancestors 'none'");
      expect(policy, path).toContain("script-src 'self'");
      expect(policy, path).not.toMatch(/script-src[^;]*'unsafe-(inline|eval)'/);
      expect(answer.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(answer.headers.get('x-frame-options'), path).toBe('DENY');
      expect(answer.headers.get('referrer-policy'), path).toBe('no-referrer');
    }
    // The page itself runs no inline script, so the policy does not break it.
    const html = await (await server.fetch('/docs', { key: null })).text();
    expect(html).toContain('<script src=');
    expect(html).not.toMatch(/<script>(?!\s*<\/script>)/);
    expect(html).not.toMatch(/<script[^>]*>\s*\S[^<]*<\/script>/);
  });

  it('forbids browsers from doing anything with API answers, and caching management ones', async () => {
    for (const [path, key] of [['/api/models', ADMIN_KEY], ['/v2', ADMIN_KEY], ['/health/live', null]] as const) {
      const answer = await server.fetch(path, { key });
      await answer.arrayBuffer();
      expect(answer.headers.get('content-security-policy'), path).toBe("default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
      expect(answer.headers.get('x-content-type-options'), path).toBe('nosniff');
    }
    expect((await server.fetch('/api/keys')).headers.get('cache-control')).toBe('no-store');
    // Refusals carry them too.
    const refused = await server.fetch('/api/keys', { key: null });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(refused.headers.get('strict-transport-security')).toBeNull();
  });

  it('keeps CORS off unless CORS_ORIGINS is set', async () => {
    const simple = await server.fetch('/api/models', { headers: { origin: 'https://dashboard.example.com' } });
    expect(simple.status).toBe(200);
    expect(simple.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await server.fetch('/api/models', {
      method: 'OPTIONS',
      key: null,
      headers: { origin: 'https://dashboard.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('answers CORS for the configured origins only', async () => {
    const withCors = await startServer({ env: { CORS_ORIGINS: 'https://dashboard.example.com, http://localhost:5173' } });
    try {
      const preflight = await withCors.fetch('/api/models', {
        method: 'OPTIONS',
        key: null,
        headers: { origin: 'https://dashboard.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe('https://dashboard.example.com');
      expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
      expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
      const call = await withCors.fetch('/api/models', { headers: { origin: 'http://localhost:5173' } });
      expect(call.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
      // A page on the origin can read what a prediction says about its answer: the version, the
      // route, and how it was batched.
      for (const header of ['X-Request-Id', 'X-Model-Version', 'X-Route', 'X-Fallback', 'Server-Timing', 'X-Batch-Size', 'RateLimit-Remaining']) {
        expect(call.headers.get('access-control-expose-headers')?.split(/,\s*/), header).toContain(header);
      }
      // Preflight lets a page send a prediction's deadline and priority.
      const predictionPreflight = await withCors.fetch('/v2/models/mlp/infer', {
        method: 'OPTIONS',
        key: null,
        headers: { origin: 'https://dashboard.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-request-timeout-ms,x-request-priority' },
      });
      expect(predictionPreflight.status).toBe(204);
      expect(predictionPreflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('x-request-priority');
      const stranger = await withCors.fetch('/api/models', { headers: { origin: 'https://evil.example' } });
      expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
      // A session may write from a configured origin, not from others.
      const login = await withCors.fetch('/api/auth/login', {
        method: 'POST',
        key: null,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
      });
      const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
      const write = (origin: string) =>
        withCors.fetch('/api/models', { method: 'POST', key: null, headers: { cookie, origin, 'content-type': 'application/json' }, body: JSON.stringify({ name: `from-${origin.length}` }) });
      expect((await write('https://dashboard.example.com')).status).toBe(201);
      expect((await write('https://evil.example')).status).toBe(403);
    } finally {
      await withCors.close();
    }
    expect(() => loadConfig({ CORS_ORIGINS: '*' })).toThrow('CORS_ORIGINS must list origins');
    expect(() => loadConfig({ CORS_ORIGINS: 'https://a.example/path' })).toThrow('CORS_ORIGINS must list origins');
  });
});

import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { RouteAccess } from '../apps/api/src/auth/access.decorator';
import { ALL_SCOPES, createKey } from './support/credentials';
import { ADMIN_KEY, ADMIN_PASSWORD, startServer, type TestServer } from './support/server';

/**
 * Routes anyone may call: health, login, the dashboard's pages and files (which log in through
 * POST /api/auth/login; test/dashboard-serving.e2e.ts) and the API documentation. Any other public
 * route fails the walk.
 */
const PUBLIC_ROUTES = new Set(['GET /health/live', 'GET /health/ready', 'GET /v2/health/live', 'GET /v2/health/ready', 'POST /api/auth/login', 'GET /*', 'GET /assets/*']);
const isDocs = (url: string) => url === '/docs' || url.startsWith('/docs/') || url.startsWith('/docs-');

/** A route pattern made concrete: regex constraints dropped, "::" (a literal colon) kept, parameters filled. */
function concretePath(url: string): string {
  const values: Record<string, string> = { name: 'iris', version: '1', id: 'nosuchkey1', username: 'nobody' };
  return url
    .replace(/\([^)]*\)/g, '')
    .replace(/::/g, '\u0000')
    .replace(/:([A-Za-z]+)/g, (_match, parameter: string) => values[parameter] ?? 'x')
    .replace(/\*/g, 'x')
    .replace(/\u0000/g, ':');
}

describe('deny by default', () => {
  let server: TestServer;
  /** Per scope: a key holding every other non-admin scope, and a key holding just that one. */
  const without = new Map<string, string>();
  const holding = new Map<string, string>();

  beforeAll(async () => {
    server = await startServer();
    const ordinary = ALL_SCOPES.filter((scope) => scope !== 'admin');
    for (const scope of ordinary) {
      without.set(scope, (await createKey(server, { name: `without ${scope}`, scopes: ordinary.filter((other) => other !== scope) })).key);
      holding.set(scope, (await createKey(server, { name: `only ${scope}`, scopes: [scope] })).key);
    }
    without.set('admin', (await createKey(server, { name: 'everything but admin', scopes: ordinary })).key);
    holding.set('admin', ADMIN_KEY);
  });
  afterAll(async () => {
    await server?.close();
  });

  async function logIn(): Promise<string> {
    const answer = await server.fetch('/api/auth/login', {
      method: 'POST',
      key: null,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    });
    expect(answer.status).toBe(200);
    return answer.headers.get('set-cookie')!.split(';')[0]!;
  }

  const walkable = () => server.modelgate.routes.filter((route) => route.method !== 'HEAD' && route.method !== 'OPTIONS' && !isDocs(route.url));

  it('declares an access rule on every route, and only health, login and the dashboard are public', () => {
    const undeclared = walkable()
      .filter((route) => route.access === undefined)
      .map((route) => `${route.method} ${route.url}`);
    expect(undeclared, 'routes without @RequireScope, @RequireSession or @Public').toEqual([]);
    const publicRoutes = walkable()
      .filter((route) => route.access?.kind === 'public')
      .map((route) => `${route.method} ${route.url}`);
    expect(new Set(publicRoutes)).toEqual(PUBLIC_ROUTES);
  });

  it('refuses every non-public route without credentials (401), with a key lacking its scope (403), and lets the scope through', async () => {
    const walked: string[] = [];
    for (const route of walkable()) {
      const id = `${route.method} ${route.url}`;
      const access = route.access as RouteAccess;
      if (access.kind === 'public') continue;
      const path = concretePath(route.url);
      const body = ['POST', 'PUT', 'PATCH'].includes(route.method) ? '{}' : undefined;
      const headers = body ? { 'content-type': 'application/json' } : undefined;
      const call = (key: string | null) => server.fetch(path, { method: route.method, body, headers, key });

      const anonymous = await call(null);
      expect(anonymous.status, `${id} without credentials`).toBe(401);
      expect(((await anonymous.json()) as { error: string }).error).toContain('credentials are required');
      expect(anonymous.headers.get('www-authenticate')).toContain('Bearer');
      expect((await call('mg_nosuchkey1_' + 'z'.repeat(40))).status, `${id} with an unknown key`).toBe(401);

      if (access.kind === 'scope') {
        const refused = await call(without.get(access.scope)!);
        expect(refused.status, `${id} with a key lacking "${access.scope}"`).toBe(403);
        expect(((await refused.json()) as { error: string }).error).toContain(`"${access.scope}" scope`);
        const allowed = await call(holding.get(access.scope)!);
        expect([401, 403], `${id} with a key holding "${access.scope}" (got ${allowed.status})`).not.toContain(allowed.status);
      } else {
        const refused = await call(ADMIN_KEY);
        expect(refused.status, `${id} (operators only) with the admin key`).toBe(403);
        const cookie = await logIn();
        const allowed = await server.fetch(path, { method: route.method, body, headers: { ...headers, cookie }, key: null });
        expect([401, 403], `${id} with an operator session (got ${allowed.status})`).not.toContain(allowed.status);
      }
      walked.push(id);
    }
    // The walk must have covered the management API, the key routes and both protocols.
    expect(walked).toEqual(
      expect.arrayContaining([
        'POST /api/models',
        'POST /api/models/:name/versions',
        'POST /v2/models/:name/infer',
        'GET /v2',
        'POST /api/keys',
        'DELETE /api/keys/:id',
        'POST /api/operators',
        'POST /api/auth/logout',
      ]),
    );
    expect(walked.some((id) => id.includes(':predict'))).toBe(true);
  });

  it('serves health and the OpenAPI document without a key', async () => {
    for (const path of ['/health/live', '/health/ready', '/v2/health/live', '/v2/health/ready', '/docs-json']) {
      expect((await server.fetch(path, { key: null })).status, path).toBe(200);
    }
    const docs = await server.fetch('/docs', { key: null });
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('swagger');
  });

  it('accepts the key as a Bearer token or in X-API-Key', async () => {
    expect((await server.fetch('/api/models')).status).toBe(200);
    expect((await server.fetch('/api/models', { key: null, headers: { 'x-api-key': ADMIN_KEY } })).status).toBe(200);
    const malformed = await server.fetch('/api/models', { key: 'not-a-key' });
    expect(malformed.status).toBe(401);
    expect(((await malformed.json()) as { error: string }).error).toContain('mg_<id>_<secret>');
  });

  it('stores only a hash of the key', async () => {
    const { Client } = await import('pg');
    if (!process.env.DATABASE_URL) return; // the embedded database is checked through the same code path
    const client = new Client({ connectionString: server.databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query(`SELECT key_id, secret_hash FROM api_keys WHERE key_id = 'testadmin01'`);
      expect(rows).toHaveLength(1);
      expect(JSON.stringify(rows)).not.toContain('k'.repeat(40));
    } finally {
      await client.end();
    }
  });
});

describe('generated bootstrap credentials', () => {
  it('creates an admin key and an admin password on first start, saved under the data dir (owner only), printed once, and both work', async () => {
    const printed: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array) => {
      printed.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;
    let server: TestServer | undefined;
    try {
      server = await startServer({ env: { MODELGATE_ADMIN_KEY: '', MODELGATE_ADMIN_PASSWORD: '' } });
      const key = (await readFile(join(server.dataDir, 'admin-key'), 'utf8')).trim();
      const password = (await readFile(join(server.dataDir, 'admin-password'), 'utf8')).trim();
      expect(key).toMatch(/^mg_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
      expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
      expect((await stat(join(server.dataDir, 'admin-password'))).mode & 0o777).toBe(0o600);
      expect((await stat(join(server.dataDir, 'admin-key'))).mode & 0o777).toBe(0o600);
      expect(printed.join('')).toContain(key);
      expect(printed.join('')).toContain(password);
      expect((await server.fetch('/api/models', { key })).status).toBe(200);
      const login = () =>
        server!.fetch('/api/auth/login', { method: 'POST', key: null, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) });
      expect((await login()).status).toBe(200);
      printed.length = 0;
      await server.restart();
      expect(printed.join('')).not.toContain(key);
      expect(printed.join('')).not.toContain(password);
      expect((await server.fetch('/api/models', { key })).status).toBe(200);
      expect((await login()).status).toBe(200);
    } finally {
      process.stdout.write = write;
      await server?.close();
    }
  });
});

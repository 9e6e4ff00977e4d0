import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ADMIN_KEY, startServer, type TestServer } from './support/server';

/** Routes anyone may call: health and the API documentation. */
const PUBLIC_ROUTES = new Set(['GET /health/live', 'GET /health/ready', 'GET /v2/health/live', 'GET /v2/health/ready']);
const isDocs = (url: string) => url === '/docs' || url.startsWith('/docs/') || url.startsWith('/docs-');

/** A route pattern made concrete: regex constraints dropped, "::" (a literal colon) kept, parameters filled. */
function concretePath(url: string): string {
  const values: Record<string, string> = { name: 'iris', version: '1' };
  return url
    .replace(/\([^)]*\)/g, '')
    .replace(/::/g, '\u0000')
    .replace(/:([A-Za-z]+)/g, (_match, parameter: string) => values[parameter] ?? 'x')
    .replace(/\*/g, 'x')
    .replace(/\u0000/g, ':');
}

describe('deny by default', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('refuses every non-public route without a key (401) and with a wrong key (401)', async () => {
    const routes = server.modelgate.routes.filter((route) => route.method !== 'HEAD' && route.method !== 'OPTIONS');
    const walked: string[] = [];
    for (const route of routes) {
      const id = `${route.method} ${route.url}`;
      if (PUBLIC_ROUTES.has(id) || isDocs(route.url)) continue;
      const path = concretePath(route.url);
      const body = ['POST', 'PUT', 'PATCH'].includes(route.method) ? '{}' : undefined;
      const headers = body ? { 'content-type': 'application/json' } : undefined;
      const anonymous = await server.fetch(path, { method: route.method, body, headers, key: null });
      expect(anonymous.status, `${id} without a key`).toBe(401);
      expect(((await anonymous.json()) as { error: string }).error).toContain('API key is required');
      expect(anonymous.headers.get('www-authenticate')).toContain('Bearer');
      const wrong = await server.fetch(path, { method: route.method, body, headers, key: 'mg_nosuchkey1_' + 'z'.repeat(40) });
      expect(wrong.status, `${id} with an unknown key`).toBe(401);
      walked.push(id);
    }
    // The walk must have covered the management API and both protocols.
    expect(walked).toEqual(expect.arrayContaining(['POST /api/models', 'POST /api/models/:name/versions', 'POST /v2/models/:name/infer', 'GET /v2']));
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
      const { rows } = await client.query('SELECT key_id, secret_hash FROM api_keys');
      expect(rows).toHaveLength(1);
      expect(rows[0].key_id).toBe('testadmin01');
      expect(JSON.stringify(rows)).not.toContain('k'.repeat(40));
    } finally {
      await client.end();
    }
  });
});

describe('generated admin key', () => {
  it('is created on first start, saved under the data dir, printed once, and works', async () => {
    const printed: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      printed.push(String(chunk));
      return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stdout.write;
    let server: TestServer | undefined;
    try {
      server = await startServer({ env: { MODELGATE_ADMIN_KEY: '' } });
      const key = (await readFile(join(server.dataDir, 'admin-key'), 'utf8')).trim();
      expect(key).toMatch(/^mg_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
      expect(printed.join('')).toContain(key);
      expect((await server.fetch('/api/models', { key })).status).toBe(200);
      printed.length = 0;
      await server.restart();
      expect(printed.join('')).not.toContain(key);
      expect((await server.fetch('/api/models', { key })).status).toBe(200);
    } finally {
      process.stdout.write = write;
      await server?.close();
    }
  });
});

import { request } from 'node:http';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBuiltServerToExit } from './support/built-server';
import { writeDashboardBuild, type DashboardBuildFixture } from './support/dashboard';
import { startServer, type TestServer } from './support/server';

/** What a browser sends when it loads a page (Chromium's Accept for a navigation). */
const PAGE_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';
const SECRET = 'not-for-the-web-5b1f0c';

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request with its path sent exactly as written (fetch would resolve "..", as browsers do). */
function raw(base: string, path: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<RawAnswer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const sent = request({ host: url.hostname, port: url.port, method: options.method ?? 'GET', path, headers: options.headers }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    sent.on('error', reject);
    sent.end();
  });
}

describe('the dashboard at /', () => {
  let workspace: string;
  let build: DashboardBuildFixture;
  let server: TestServer;

  beforeAll(async () => {
    workspace = await mkdtemp(join(tmpdir(), 'modelgate-dashboard-'));
    build = await writeDashboardBuild(join(workspace, 'dist'));
    // Beside the build, and in it as dot files: none of them may be served.
    await writeFile(join(workspace, 'secret.txt'), SECRET);
    await writeFile(join(build.dir, '.env'), SECRET);
    await writeFile(join(build.dir, 'assets', '.env'), SECRET);
    server = await startServer({ env: { MODELGATE_DASHBOARD_DIR: build.dir, MODELGATE_DEMO: 'true' } });
  });
  afterAll(async () => {
    await server?.close();
    await rm(workspace, { recursive: true, force: true });
  });

  const page = (path: string, headers: Record<string, string> = {}) => server.fetch(path, { key: null, headers: { accept: PAGE_ACCEPT, ...headers } });

  it('serves index.html at /, /index.html and any client-side route a browser loads, revalidated on each load, with the page policy', async () => {
    for (const path of ['/', '/index.html', '/models/iris', '/models/iris/versions/2?tab=metrics', '/keys']) {
      const answer = await page(path);
      expect(answer.status, path).toBe(200);
      expect(await answer.text(), path).toBe(build.index);
      expect(answer.headers.get('content-type'), path).toBe('text/html; charset=utf-8');
      expect(answer.headers.get('cache-control'), path).toBe('no-cache');
      const policy = answer.headers.get('content-security-policy')!;
      for (const directive of ["script-src 'self'", "style-src 'self' 'unsafe-inline'", "connect-src 'self'", "frame-ancestors 'none'"]) expect(policy, path).toContain(directive);
      expect(answer.headers.get('x-frame-options'), path).toBe('DENY');
      expect(answer.headers.get('x-request-id'), path).toBeTruthy();
    }
    // / is the page whatever the client asks for; a curl gets it too.
    expect(await (await server.fetch('/', { key: null })).text()).toBe(build.index);
    // Revalidation costs no transfer while the build is unchanged (raw: fetch would add "Cache-Control: no-cache").
    const etag = (await page('/')).headers.get('etag')!;
    expect((await raw(server.url, '/models/iris', { headers: { accept: PAGE_ACCEPT, 'if-none-match': etag } })).status).toBe(304);
  });

  it('serves the hashed assets with their bytes, content type and a cache that never asks again', async () => {
    const answer = await server.fetch('/assets/app-abc123.js', { key: null, headers: { accept: '*/*' } });
    expect(answer.status).toBe(200);
    expect(await answer.text()).toBe(build.script);
    expect(answer.headers.get('content-type')).toMatch(/^(application|text)\/javascript(; charset=utf-8)?$/);
    expect(answer.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(answer.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  it('serves the other files at the top of the build, revalidated', async () => {
    const answer = await server.fetch('/favicon.svg', { key: null, headers: { accept: 'image/avif,image/webp,image/svg+xml,*/*;q=0.8' } });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('image/svg+xml');
    expect(answer.headers.get('cache-control')).toBe('no-cache');
    expect(await answer.text()).toBe(build.favicon);
  });

  it('answers a missing asset or file with a 404, never with the page, even to a browser', async () => {
    for (const [path, accept] of [
      ['/assets/app-old999.js', '*/*'],
      ['/assets/app-old999.js', PAGE_ACCEPT],
      ['/assets/', PAGE_ACCEPT],
      ['/app-old999.js', '*/*'],
      ['/styles-old999.css', 'text/css,*/*;q=0.1'],
      ['/models/iris', 'application/json'],
    ]) {
      const answer = await server.fetch(path!, { key: null, headers: { accept: accept! } });
      expect(answer.status, `${path} (${accept})`).toBe(404);
      expect(answer.headers.get('content-type'), path).toContain('application/json');
      expect(((await answer.json()) as { error: string }).error, path).toContain('Cannot GET');
    }
  });

  it('leaves the API as it was: credentials still required, its own JSON 404s, predictions unchanged', async () => {
    const anonymous = await page('/api/models');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toContain('Bearer');
    expect(((await anonymous.json()) as { error: string }).error).toContain('credentials are required');

    for (const path of ['/api/nosuch', '/api', '/v1/nosuch', '/v2/nosuch', '/v2/models/iris/infer', '/health/nosuch', '/metrics/nosuch', '/docs/nosuch', '/docs-nosuch', '/%61pi/nosuch']) {
      const answer = await page(path);
      expect(answer.status, path).toBe(404);
      expect(answer.headers.get('content-type'), path).toBe('application/json; charset=utf-8');
      expect(((await answer.json()) as { error: string }).error, path).toBe(`Cannot GET ${path}`);
    }
    const apiNotFound = await page('/api/nosuch');
    expect(apiNotFound.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
    expect(apiNotFound.headers.get('cache-control')).toBe('no-store');
    expect((await server.fetch('/', { method: 'POST', key: null, headers: { accept: PAGE_ACCEPT } })).status).toBe(404);

    const live = await server.fetch('/v2/health/live', { key: null });
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ live: true });
    const metadata = await server.json<{ name: string }>('/v2/models/iris');
    expect(metadata).toMatchObject({ status: 200, body: { name: 'iris' } });
    const infer = await server.json<{ outputs: Array<{ name: string; data: number[] }> }>('/v2/models/iris/infer', {
      method: 'POST',
      body: JSON.stringify({ inputs: [{ name: 'features', shape: [1, 4], datatype: 'FP32', data: [5.1, 3.5, 1.4, 0.2] }] }),
    });
    expect(infer.status).toBe(200);
    expect(infer.body.outputs[0]!.name).toBe('probabilities');
    expect(infer.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect((await server.fetch('/docs-json', { key: null })).headers.get('content-type')).toContain('application/json');
  });

  it('serves nothing outside the build and no dot file, whatever the path spells', async () => {
    for (const path of [
      '/assets/../../secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/assets/..%5c..%5csecret.txt',
      '/assets//../../secret.txt',
      '/../secret.txt',
      '/..%2fsecret.txt',
      '/%2e%2e/secret.txt',
      '/.env',
      '/assets/.env',
      '/%2eenv',
    ]) {
      for (const accept of ['*/*', PAGE_ACCEPT]) {
        const answer = await raw(server.url, path, { headers: { accept } });
        expect(answer.body, `${path} (${accept})`).not.toContain(SECRET);
        // A browser asking for a page may get the app (its router shows "not found"); nothing else may succeed.
        if (answer.status === 200) expect(answer.body, path).toBe(build.index);
        else expect([400, 403, 404], `${path} (${accept}): ${answer.status}`).toContain(answer.status);
        if (path.startsWith('/assets/')) expect(answer.status, path).not.toBe(200);
      }
    }
  });

  it('answers HEAD like GET, without a body', async () => {
    const index = await raw(server.url, '/', { method: 'HEAD', headers: { accept: PAGE_ACCEPT } });
    expect(index).toMatchObject({ status: 200, body: '' });
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.headers['cache-control']).toBe('no-cache');
    expect(index.headers['content-length']).toBe(String(Buffer.byteLength(build.index)));
    const asset = await raw(server.url, '/assets/app-abc123.js', { method: 'HEAD' });
    expect(asset).toMatchObject({ status: 200, body: '' });
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await raw(server.url, '/assets/app-old999.js', { method: 'HEAD' })).status).toBe(404);
  });

  it('lists its two routes as public, and registers nothing under the API', () => {
    const dashboard = server.modelgate.routes.filter((route) => route.url === '/*' || route.url === '/assets/*');
    expect(dashboard.map((route) => `${route.method} ${route.url}`).sort()).toEqual(['GET /*', 'GET /assets/*', 'HEAD /*', 'HEAD /assets/*']);
    for (const route of dashboard) expect(route.access).toEqual({ kind: 'public' });
  });

  // Last: it takes the build away for a while.
  it('answers 503 saying how to build the dashboard while there is no build, and serves one made after the start', async () => {
    await rename(join(build.dir, 'index.html'), join(build.dir, 'index.html.away'));
    try {
      for (const path of ['/', '/models/iris']) {
        const html = await page(path);
        expect(html.status, path).toBe(503);
        expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
        expect(html.headers.get('cache-control')).toBe('no-store');
        expect(html.headers.get('content-security-policy')).toContain("script-src 'self'");
        const text = await html.text();
        expect(text).toContain('The dashboard is not built');
        expect(text).toContain('npm run build');
        expect(text).toContain('/docs');
        expect(text).not.toContain(build.dir);
      }
      const json = await server.fetch('/', { key: null, headers: { accept: 'application/json' } });
      expect(json.status).toBe(503);
      const body = (await json.json()) as { error: string; requestId: string };
      expect(body.error).toContain('the dashboard is not built; build it with npm run build');
      expect(body.requestId).toBe(json.headers.get('x-request-id'));
      // The API does not depend on it.
      expect((await server.fetch('/api/models')).status).toBe(200);
    } finally {
      await rename(join(build.dir, 'index.html.away'), join(build.dir, 'index.html'));
    }
    expect(await (await page('/')).text()).toBe(build.index);
  });
});

describe('MODELGATE_DASHBOARD_DIR', () => {
  let workspace: string;
  beforeAll(async () => {
    workspace = await mkdtemp(join(tmpdir(), 'modelgate-dashboard-dir-'));
  });
  afterAll(async () => {
    await rm(workspace, { recursive: true, force: true });
  });

  it('stops the start, naming the variable, when it names a folder that holds no build', async () => {
    const env = { PORT: '0', HOST: '127.0.0.1', MODELGATE_DATA_DIR: join(workspace, 'data'), LOG_LEVEL: 'warn' };
    const missing = await runBuiltServerToExit({ ...env, MODELGATE_DASHBOARD_DIR: join(workspace, 'no-such-build') });
    expect(missing.code).toBe(1);
    expect(missing.output).toContain(`MODELGATE_DASHBOARD_DIR must be a directory holding the dashboard build (its index.html), got "${join(workspace, 'no-such-build')}" (no such directory)`);
    expect(missing.output).not.toContain('    at ');
    const empty = await runBuiltServerToExit({ ...env, MODELGATE_DASHBOARD_DIR: workspace });
    expect(empty.code).toBe(1);
    expect(empty.output).toContain('(no index.html in it)');
  });
});

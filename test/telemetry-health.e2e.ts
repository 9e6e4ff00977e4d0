import { readdir, rm, writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onnxMlp } from './fixtures/models';
import { startServer, uploadVersion, type TestServer } from './support/server';

interface Readiness {
  ready: boolean;
  checks: { database: boolean; migrations: boolean; models: boolean };
}

describe('health', () => {
  let server: TestServer;
  let fixtures: string;

  beforeAll(async () => {
    fixtures = await mkdtemp(join(tmpdir(), 'modelgate-health-'));
    server = await startServer();
  });
  afterAll(async () => {
    await server?.close();
    await rm(fixtures, { recursive: true, force: true });
  });

  const readiness = async () => {
    const own = await server.json<Readiness>('/health/ready', { key: null });
    const v2 = await server.json<{ ready: boolean }>('/v2/health/ready', { key: null });
    // Both forms agree, in the body and the status.
    expect(v2.status).toBe(own.status);
    expect(v2.body.ready).toBe(own.body.ready);
    return own;
  };

  it('is live, and ready once the database answers, migrations are applied and every version is loaded', async () => {
    expect((await server.json('/health/live', { key: null })).body).toEqual({ status: 'ok' });
    expect((await server.json('/v2/health/live', { key: null })).body).toEqual({ live: true });
    await server.json('/api/models', { method: 'POST', body: JSON.stringify({ name: 'mlp' }) });
    const uploaded = await uploadVersion<{ artifact: { sha256: string } }>(server, 'mlp', (await onnxMlp(fixtures)).path);
    expect(uploaded.status).toBe(201);
    const ready = await readiness();
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ ready: true, checks: { database: true, migrations: true, models: true } });

    // The version's file is damaged while the server is down: it cannot be loaded at the next start.
    const folder = join(server.dataDir, 'artifacts', uploaded.body.artifact.sha256);
    for (const entry of await readdir(folder, { recursive: true, withFileTypes: true })) {
      if (entry.isFile()) await writeFile(join(entry.parentPath, entry.name), 'not a model any more');
    }
    await server.restart();
    const notReady = await readiness();
    expect(notReady.status).toBe(503);
    expect(notReady.body).toEqual({ ready: false, checks: { database: true, migrations: true, models: false } });
    // Removing the version that cannot load makes the server ready again.
    expect((await server.fetch('/api/models/mlp/versions/1', { method: 'DELETE' })).status).toBe(204);
    expect((await readiness()).body.ready).toBe(true);
  });
});

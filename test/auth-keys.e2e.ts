import { createKey, type CreatedKey } from './support/credentials';
import { eventually } from './support/eventually';
import { ADMIN_KEY, startServer, type TestServer } from './support/server';

interface ErrorBody {
  error: string;
}

describe('API keys', () => {
  let server: TestServer;
  /** A second replica on the same database: revocations must reach it within a second. */
  let replica: TestServer | undefined;

  beforeAll(async () => {
    server = await startServer();
    replica = await startServer({ env: { DATABASE_URL: server.databaseUrl } });
    for (const name of ['iris', 'secret-model']) {
      expect((await server.json('/api/models', { method: 'POST', body: JSON.stringify({ name }) })).status).toBe(201);
    }
  });
  afterAll(async () => {
    await replica?.close();
    await server?.close();
  });

  it('creates a key shown once, lists it without its secret, and refuses scopes it lacks', async () => {
    const created = await server.json<CreatedKey>('/api/keys', {
      method: 'POST',
      body: JSON.stringify({ name: 'reader', scopes: ['models:read'], rateLimit: { perSecond: 50, burst: 100 }, expiresAt: '2099-01-01T00:00:00Z' }),
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'reader',
      scopes: ['models:read'],
      models: null,
      rateLimit: { perSecond: 50, burst: 100 },
      expiresAt: '2099-01-01T00:00:00.000Z',
      revokedAt: null,
      createdBy: 'key:testadmin01',
    });
    expect(created.body.key).toMatch(new RegExp(`^mg_${created.body.id}_[A-Za-z0-9_-]{43}$`));
    const secret = created.body.key.split('_').slice(2).join('_');

    const listed = await server.json<{ items: Array<Record<string, unknown>>; total: number }>('/api/keys');
    expect(listed.status).toBe(200);
    const entry = listed.body.items.find((item) => item.id === created.body.id);
    expect(entry).toMatchObject({ name: 'reader', scopes: ['models:read'] });
    expect(entry).not.toHaveProperty('key');
    const text = JSON.stringify(listed.body);
    expect(text).not.toContain(secret);
    expect(text).not.toMatch(/hash/i);

    expect((await server.fetch('/api/models', { key: created.body.key })).status).toBe(200);
    const refused = await server.json<ErrorBody>('/api/models', { method: 'POST', body: JSON.stringify({ name: 'nope' }), key: created.body.key });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toContain('"models:write" scope');
  });

  it('validates the request', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ scopes: ['predict'] }, 'name'],
      [{ name: 'x', scopes: [] }, 'at least one scope'],
      [{ name: 'x', scopes: ['root'] }, 'each scope must be one of'],
      [{ name: 'x', scopes: ['predict'], colour: 'red' }, 'property colour should not exist'],
      [{ name: 'x', scopes: ['predict'], expiresAt: 'tomorrow' }, 'expiresAt must be an ISO 8601'],
      // ISO 8601 forms that Date cannot read: they reached the database as an invalid date (500).
      [{ name: 'x', scopes: ['predict'], expiresAt: '-2099-01-01T00:00:00Z' }, 'expiresAt must be an ISO 8601 date-time such as 2026-12-31T23:59:59Z'],
      [{ name: 'x', scopes: ['predict'], expiresAt: '20990101T000000Z' }, 'expiresAt must be an ISO 8601'],
      [{ name: 'x', scopes: ['predict'], expiresAt: '2099-W01-1' }, 'expiresAt must be an ISO 8601'],
      [{ name: 'x', scopes: ['predict'], expiresAt: '2001-01-01T00:00:00Z' }, 'expiresAt must be in the future'],
      [{ name: 'x', scopes: ['predict'], rateLimit: { perSecond: 0, burst: 1 } }, 'perSecond'],
      [{ name: 'x', scopes: ['predict'], rateLimit: { perSecond: 1, burst: 1.5 } }, 'burst'],
      [{ name: 'x', scopes: ['predict'], models: ['../etc'] }, 'models'],
      [{ name: 'bad\u0007name', scopes: ['predict'] }, 'printable'],
    ];
    for (const [body, message] of cases) {
      const answer = await server.json<ErrorBody>('/api/keys', { method: 'POST', body: JSON.stringify(body) });
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.error, JSON.stringify(body)).toContain(message);
    }
  });

  it('lets a key with the keys scope hand out only what it holds, and manage only the keys it created', async () => {
    const manager = await createKey(server, { name: 'team manager', scopes: ['keys', 'predict'], models: ['iris'] });
    const child = await createKey(server, { name: 'team client', scopes: ['predict'], models: ['iris'] }, manager.key);
    expect(child.createdBy).toBe(`key:${manager.id}`);

    for (const [body, message] of [
      [{ name: 'escalate', scopes: ['models:write'] }, 'scopes you do not hold: models:write'],
      [{ name: 'escalate', scopes: ['admin'] }, 'scopes you do not hold: admin'],
      [{ name: 'all models', scopes: ['predict'] }, 'list them in "models"'],
      [{ name: 'other model', scopes: ['predict'], models: ['secret-model'] }, 'models you may not use: secret-model'],
    ] as const) {
      const refused = await server.json<ErrorBody>('/api/keys', { method: 'POST', body: JSON.stringify(body), key: manager.key });
      expect(refused.status, body.name).toBe(403);
      expect(refused.body.error).toContain(message);
    }

    const listed = await server.json<{ items: Array<{ id: string }> }>('/api/keys', { key: manager.key });
    expect(listed.body.items.map((item) => item.id)).toEqual([child.id]);
    // Keys it did not create look like missing ones.
    const foreign = await server.json<ErrorBody>('/api/keys/testadmin01', { method: 'DELETE', key: manager.key });
    expect(foreign.status).toBe(404);
    expect((await server.fetch('/api/models', { key: ADMIN_KEY })).status).toBe(200);
    expect((await server.fetch(`/api/keys/${child.id}`, { method: 'DELETE', key: manager.key })).status).toBe(204);
  });

  it('answers 404 for a model outside the key list, exactly as for a model that does not exist', async () => {
    const restricted = await createKey(server, { name: 'iris only', scopes: ['predict', 'models:read', 'models:write'], models: ['iris'] });
    const hidden = await server.json<ErrorBody>('/api/models/secret-model', { key: restricted.key });
    const missing = await server.json<ErrorBody>('/api/models/no-such-model', { key: ADMIN_KEY });
    expect(hidden.status).toBe(404);
    expect(hidden.body.error).toBe(missing.body.error.replace('no-such-model', 'secret-model'));
    const inference = await server.json<ErrorBody>('/v2/models/secret-model/infer', { method: 'POST', body: '{"inputs": []}', key: restricted.key });
    expect(inference.status).toBe(404);
    expect(inference.body.error).toContain('model "secret-model" not found');
    expect((await server.json('/v1/models/secret-model', { key: restricted.key })).status).toBe(404);

    const listed = await server.json<{ items: Array<{ name: string }>; total: number }>('/api/models', { key: restricted.key });
    expect(listed.body).toMatchObject({ total: 1, items: [{ name: 'iris' }] });
    expect((await server.json('/api/models/iris', { key: restricted.key })).status).toBe(200);

    const create = await server.json<ErrorBody>('/api/models', { method: 'POST', body: JSON.stringify({ name: 'elsewhere' }), key: restricted.key });
    expect(create.status).toBe(403);
    expect((await server.json('/api/models/elsewhere')).status).toBe(404);
  });

  it('refuses a revoked key at once here and within a second on another replica', async () => {
    const key = await createKey(server, { name: 'leaked', scopes: ['models:read'] });
    expect((await server.fetch('/api/models', { key: key.key })).status).toBe(200);
    expect((await replica!.fetch('/api/models', { key: key.key })).status).toBe(200);

    expect((await server.fetch(`/api/keys/${key.id}`, { method: 'DELETE' })).status).toBe(204);
    const refused = await server.json<ErrorBody>('/api/models', { key: key.key });
    expect(refused.status).toBe(401);
    expect(refused.body.error).toContain('revoked');
    const took = await eventually(async () => (await replica!.fetch('/api/models', { key: key.key })).status === 401, 1200, 25);
    expect(took).toBeLessThanOrEqual(1100);

    // Revoking again is harmless; the list shows when.
    expect((await server.fetch(`/api/keys/${key.id}`, { method: 'DELETE' })).status).toBe(204);
    const listed = await server.json<{ items: CreatedKey[] }>('/api/keys');
    expect(listed.body.items.find((item) => item.id === key.id)?.revokedAt).toEqual(expect.any(String));
    expect((await server.fetch('/api/keys/no_such-key', { method: 'DELETE' })).status).toBe(404);
  });

  it('rotates a key: new secret at once, the old one for the grace period only', async () => {
    const original = await createKey(server, { name: 'rotating', scopes: ['models:read'] });
    const rotated = await server.json<CreatedKey>(`/api/keys/${original.id}/rotate`, { method: 'POST', body: JSON.stringify({ graceSeconds: 1 }) });
    expect(rotated.status).toBe(200);
    expect(rotated.body.id).toBe(original.id);
    expect(rotated.body.key).not.toBe(original.key);
    expect(rotated.body.key.startsWith(`mg_${original.id}_`)).toBe(true);
    expect(rotated.body.previousSecretExpiresAt).toEqual(expect.any(String));

    expect((await server.fetch('/api/models', { key: rotated.body.key })).status).toBe(200);
    expect((await replica!.fetch('/api/models', { key: original.key })).status).toBe(200);
    await eventually(async () => (await server.fetch('/api/models', { key: original.key })).status === 401, 2500);
    await eventually(async () => (await replica!.fetch('/api/models', { key: original.key })).status === 401, 1500);
    expect((await replica!.fetch('/api/models', { key: rotated.body.key })).status).toBe(200);

    // A leaked key: no grace at all.
    const again = await server.json<CreatedKey>(`/api/keys/${original.id}/rotate`, { method: 'POST', body: JSON.stringify({ graceSeconds: 0 }) });
    expect(again.body.previousSecretExpiresAt).toBeNull();
    expect((await server.fetch('/api/models', { key: rotated.body.key })).status).toBe(401);
    expect((await server.fetch('/api/models', { key: again.body.key })).status).toBe(200);

    // The default grace period is a day.
    const daily = await server.json<CreatedKey>(`/api/keys/${original.id}/rotate`, { method: 'POST' });
    const graceMs = Date.parse(daily.body.previousSecretExpiresAt!) - Date.now();
    expect(graceMs).toBeGreaterThan(23.9 * 3600_000);
    expect(graceMs).toBeLessThanOrEqual(24 * 3600_000);
    expect((await server.fetch('/api/models', { key: again.body.key })).status).toBe(200);

    expect((await server.json(`/api/keys/${original.id}/rotate`, { method: 'POST', body: JSON.stringify({ graceSeconds: -1 }) })).status).toBe(400);
    await server.fetch(`/api/keys/${original.id}`, { method: 'DELETE' });
    expect((await server.fetch('/api/models', { key: again.body.key })).status).toBe(401);
    expect((await server.fetch('/api/models', { key: daily.body.key })).status).toBe(401);
    const revoked = await server.json<ErrorBody>(`/api/keys/${original.id}/rotate`, { method: 'POST' });
    expect(revoked.status).toBe(409);
  });

  it('stops an expired key', async () => {
    const key = await createKey(server, { name: 'short-lived', scopes: ['models:read'], expiresAt: new Date(Date.now() + 1500).toISOString() });
    expect((await server.fetch('/api/models', { key: key.key })).status).toBe(200);
    await eventually(async () => (await server.fetch('/api/models', { key: key.key })).status === 401, 3000);
    const refused = await server.json<ErrorBody>('/api/models', { key: key.key });
    expect(refused.body.error).toContain('expired');
  });

  it('records when a key was last used', async () => {
    const key = await createKey(server, { name: 'used', scopes: ['models:read'] });
    expect(key.lastUsedAt).toBeNull();
    expect((await server.fetch('/api/models', { key: key.key })).status).toBe(200);
    // Use is flushed every 10 seconds and at shutdown.
    await replica?.close();
    replica = undefined;
    await server.restart();
    const listed = await server.json<{ items: CreatedKey[] }>('/api/keys');
    expect(listed.body.items.find((item) => item.id === key.id)?.lastUsedAt).toEqual(expect.any(String));
  });
});

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onnxMlp } from './fixtures/models';
import { createKey } from './support/credentials';
import { ADMIN_PASSWORD, startServer, uploadForm, type TestServer } from './support/server';

interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  action: string;
  target: string;
  ip: string | null;
  requestId: string | null;
  changes: Record<string, unknown>;
}
interface AuditPage {
  items: AuditEntry[];
  nextCursor: string | null;
}

/** A number that must never reach the audit log or a log line: it only travels in a prediction. */
const PAYLOAD_MARKER = 1234.56789;

describe('audit log', () => {
  let server: TestServer;
  let fixtures: string;
  const output: string[] = [];
  const restore: Array<() => void> = [];
  /** Everything secret the test handled; none may appear in the log or in any output line. */
  const secrets: string[] = [ADMIN_PASSWORD];

  beforeAll(async () => {
    for (const stream of [process.stdout, process.stderr]) {
      const write = stream.write.bind(stream);
      // Captured, not shown: debug logging is verbose.
      stream.write = ((chunk: string | Uint8Array) => {
        output.push(String(chunk));
        return true;
      }) as typeof stream.write;
      restore.push(() => (stream.write = write));
    }
    fixtures = await mkdtemp(join(tmpdir(), 'modelgate-audit-'));
    // Logging at debug, so that any line that could leak would be printed.
    server = await startServer({ env: { LOG_LEVEL: 'debug' } });
  });
  afterAll(async () => {
    for (const undo of restore) undo();
    await server?.close();
    await rm(fixtures, { recursive: true, force: true });
  });

  const audit = (query = '') => server.json<AuditPage>(`/api/audit${query}`);
  async function entryOf(requestId: string | null): Promise<AuditEntry | undefined> {
    return (await audit('?limit=500')).body.items.find((entry) => entry.requestId === requestId);
  }

  it('records every management change: who, what, when, from where, and the change', async () => {
    const before = new Date(Date.now() - 1000).toISOString();
    const writer = await createKey(server, { name: 'ci deployer', scopes: ['models:write', 'models:read', 'predict'] });
    secrets.push(writer.key);
    const as = { key: writer.key };

    const created = await server.json('/api/models', { ...as, method: 'POST', body: JSON.stringify({ name: 'audited', description: 'first' }) });
    expect(created.status).toBe(201);
    const patched = await server.json('/api/models/audited', { ...as, method: 'PATCH', body: JSON.stringify({ description: 'second', labels: { team: 'a' } }) });
    const model = await readFile((await onnxMlp(fixtures)).path);
    const uploaded = await server.json<{ version: number }>('/api/models/audited/versions', { ...as, method: 'POST', body: uploadForm(model, 'mlp.onnx') });
    expect(uploaded.status).toBe(201);
    const prediction = await server.json('/v2/models/audited/infer', {
      ...as,
      method: 'POST',
      body: JSON.stringify({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: [PAYLOAD_MARKER, 1, 2, 3] }] }),
    });
    expect(prediction.status).toBe(200);
    const versionPatched = await server.json('/api/models/audited/versions/1', { ...as, method: 'PATCH', body: JSON.stringify({ description: 'tuned' }) });
    const versionDeleted = await server.fetch('/api/models/audited/versions/1', { ...as, method: 'DELETE' });
    const modelDeleted = await server.fetch('/api/models/audited', { ...as, method: 'DELETE' });

    const expectEntry = async (requestId: string | null, expected: Partial<AuditEntry>) => {
      const entry = await entryOf(requestId);
      expect(entry, `${expected.action} (request ${requestId})`).toMatchObject({ actor: `key:${writer.id}`, ip: '127.0.0.1', ...expected });
      expect(Date.parse(entry!.at)).toBeGreaterThanOrEqual(Date.parse(before));
    };
    await expectEntry(created.headers.get('x-request-id'), { action: 'model.create', target: 'model:audited', changes: { description: 'first', task: null, labels: {} } });
    await expectEntry(patched.headers.get('x-request-id'), { action: 'model.update', target: 'model:audited', changes: { description: 'second', labels: { team: 'a' } } });
    await expectEntry(uploaded.headers.get('x-request-id'), {
      action: 'version.upload',
      target: 'version:audited/1',
      changes: { status: 'ready', format: 'onnx', size: model.length, filename: 'mlp.onnx', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    await expectEntry(versionPatched.headers.get('x-request-id'), { action: 'version.update', target: 'version:audited/1', changes: { description: 'tuned' } });
    await expectEntry(versionDeleted.headers.get('x-request-id'), { action: 'version.delete', target: 'version:audited/1' });
    await expectEntry(modelDeleted.headers.get('x-request-id'), { action: 'model.delete', target: 'model:audited' });
    // Predictions are not management changes.
    expect(await entryOf(prediction.headers.get('x-request-id'))).toBeUndefined();
  });

  it('records key and operator changes, logins and failed logins, without secrets', async () => {
    const key = await server.json<{ id: string; key: string }>('/api/keys', { method: 'POST', body: JSON.stringify({ name: 'to rotate', scopes: ['predict'] }) });
    secrets.push(key.body.key);
    const rotated = await server.json<{ key: string }>(`/api/keys/${key.body.id}/rotate`, { method: 'POST', body: '{"graceSeconds": 60}' });
    secrets.push(rotated.body.key);
    const revoked = await server.fetch(`/api/keys/${key.body.id}`, { method: 'DELETE' });
    const operatorPassword = 'auditor password 123';
    secrets.push(operatorPassword);
    const operator = await server.json('/api/operators', { method: 'POST', body: JSON.stringify({ username: 'auditor', password: operatorPassword, role: 'viewer' }) });
    const promoted = await server.json('/api/operators/auditor', { method: 'PATCH', body: JSON.stringify({ role: 'operator' }) });
    const login = (password: string) =>
      server.fetch('/api/auth/login', { method: 'POST', key: null, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'auditor', password }) });
    const failed = await login('a wrong password!');
    const succeeded = await login(operatorPassword);
    const cookie = succeeded.headers.get('set-cookie')!.split(';')[0]!;
    secrets.push(cookie.split('=')[1]!);
    const newPassword = 'auditor password 456';
    secrets.push(newPassword);
    const changed = await server.fetch('/api/auth/password', {
      method: 'POST',
      key: null,
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ currentPassword: operatorPassword, newPassword }),
    });
    expect(changed.status).toBe(204);
    const loggedOut = await server.fetch('/api/auth/logout', { method: 'POST', key: null, headers: { cookie } });

    const expectations: Array<[Response | { headers: Headers }, Partial<AuditEntry>]> = [
      [key, { action: 'key.create', actor: 'key:testadmin01', target: `key:${key.body.id}`, changes: { name: 'to rotate', scopes: ['predict'], models: null, expiresAt: null, rateLimit: null } }],
      [rotated, { action: 'key.rotate', target: `key:${key.body.id}`, changes: { graceSeconds: 60, previousSecretExpiresAt: expect.any(String) } }],
      [revoked, { action: 'key.revoke', target: `key:${key.body.id}` }],
      [operator, { action: 'operator.create', target: 'operator:auditor', changes: { role: 'viewer' } }],
      [promoted, { action: 'operator.update', target: 'operator:auditor', changes: { role: { from: 'viewer', to: 'operator' } } }],
      [failed, { action: 'auth.login_failed', actor: 'anonymous', target: 'operator:auditor', changes: { reason: 'wrong-password' } }],
      [succeeded, { action: 'auth.login', actor: 'operator:auditor', target: 'operator:auditor' }],
      [changed, { action: 'operator.password', actor: 'operator:auditor', target: 'operator:auditor', changes: {} }],
      [loggedOut, { action: 'auth.logout', actor: 'operator:auditor', target: 'operator:auditor' }],
    ];
    for (const [response, expected] of expectations) {
      expect(await entryOf(response.headers.get('x-request-id')), expected.action).toMatchObject({ ip: '127.0.0.1', ...expected });
    }
  });

  it('records nothing for a refused change', async () => {
    const reader = await createKey(server, { name: 'reader', scopes: ['models:read'] });
    const refused = [
      await server.json('/api/models', { method: 'POST', key: reader.key, body: JSON.stringify({ name: 'not-allowed' }) }),
      await server.json('/api/models', { method: 'POST', body: JSON.stringify({ name: 'Bad Name' }) }),
      await server.json('/api/models/missing', { method: 'PATCH', body: JSON.stringify({ description: 'x' }) }),
      await server.json('/api/keys', { method: 'POST', body: JSON.stringify({ name: 'x', scopes: ['nope'] }) }),
    ];
    for (const answer of refused) {
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(await entryOf(answer.headers.get('x-request-id'))).toBeUndefined();
    }
  });

  it('pages through the log with filters', async () => {
    const keyEntries = await audit('?action=key.*&limit=500');
    expect(keyEntries.status).toBe(200);
    expect(keyEntries.body.items.length).toBeGreaterThanOrEqual(4);
    expect(keyEntries.body.items.every((entry) => entry.action.startsWith('key.'))).toBe(true);

    const byActor = await audit('?actor=operator:auditor');
    expect(new Set(byActor.body.items.map((entry) => entry.action))).toEqual(new Set(['auth.login', 'operator.password', 'auth.logout']));
    const byTarget = await audit('?target=version:audited/*');
    expect(byTarget.body.items.map((entry) => entry.action)).toEqual(['version.delete', 'version.update', 'version.upload']);
    expect((await audit('?target=model:audited&action=model.update')).body.items).toHaveLength(1);
    expect((await audit(`?from=${new Date(Date.now() + 60_000).toISOString()}`)).body.items).toEqual([]);
    expect((await audit(`?to=${new Date(Date.now() - 3600_000).toISOString()}`)).body.items).toEqual([]);
    // ISO 8601 forms that Date cannot read are refused, not sent to the database (they answered 500).
    for (const query of ['?from=2026-W01-1', '?to=%2B2026-01-01T00:00:00Z']) {
      const refused = await audit(query);
      expect(refused.status, query).toBe(400);
      expect((refused.body as unknown as { error: string }).error, query).toMatch(/^(from|to) must be an ISO 8601 date-time such as /);
    }

    // Newest first, in pages that fit together without gaps or repeats.
    const all = (await audit('?limit=500')).body.items;
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: AuditPage = (await audit(`?limit=3${cursor ? `&cursor=${cursor}` : ''}`)).body;
      seen.push(...page.items.map((entry) => entry.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.map((entry) => entry.id));
    expect(all.map((entry) => Number(entry.id))).toEqual([...all.map((entry) => Number(entry.id))].sort((a, b) => b - a));

    for (const bad of ['?from=yesterday', '?cursor=abc', '?limit=0x10', '?colour=red']) expect((await audit(bad)).status, bad).toBe(400);
  });

  it('is for admins only', async () => {
    const manager = await createKey(server, { name: 'manager', scopes: ['keys', 'models:read', 'models:write', 'deploy', 'predict'] });
    expect((await server.json('/api/audit', { key: manager.key })).status).toBe(403);
  });

  it('holds no secret and no prediction payload, and neither does any log line', async () => {
    const everything = JSON.stringify((await audit('?limit=500')).body);
    const printed = output.join('');
    for (const secret of secrets) {
      expect(everything).not.toContain(secret);
      expect(printed).not.toContain(secret);
    }
    expect(everything).not.toContain(String(PAYLOAD_MARKER));
    expect(printed).not.toContain(String(PAYLOAD_MARKER));
    expect(everything).not.toMatch(/scrypt\$|secretHash|passwordHash/);
  });
});

describe('client address behind a reverse proxy', () => {
  const addressOf = async (server: TestServer, forwardedFor: string) => {
    const created = await server.json<{ name: string }>('/api/models', {
      method: 'POST',
      headers: { 'x-forwarded-for': forwardedFor },
      body: JSON.stringify({ name: `proxied-${Math.random().toString(36).slice(2, 8)}` }),
    });
    expect(created.status).toBe(201);
    const page = await server.json<AuditPage>(`/api/audit?action=model.create&limit=1`);
    return page.body.items[0]?.ip;
  };

  it('is the TCP peer unless MODELGATE_TRUST_PROXY names the proxy, then the forwarded client', async () => {
    const direct = await startServer();
    try {
      // A client cannot claim another address by sending the header itself.
      expect(await addressOf(direct, '203.0.113.9')).toBe('127.0.0.1');
    } finally {
      await direct.close();
    }
    const proxied = await startServer({ env: { MODELGATE_TRUST_PROXY: '127.0.0.1' } });
    try {
      expect(await addressOf(proxied, '203.0.113.9')).toBe('203.0.113.9');
    } finally {
      await proxied.close();
    }
  });
});

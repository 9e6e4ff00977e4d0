import { eventually } from './support/eventually';
import { ADMIN_KEY, ADMIN_PASSWORD, startServer, withDatabase, type TestServer } from './support/server';

interface ErrorBody {
  error: string;
}
interface SessionBody {
  operator: { username: string; role: string; disabled: boolean; lockedUntil: string | null };
  scopes: string[];
  expiresAt: string;
}

describe('operators and sessions', () => {
  let server: TestServer;

  beforeAll(async () => {
    // Three failures lock an account here, so the lock can be seen without long waits.
    server = await startServer({ env: { MODELGATE_LOGIN_MAX_FAILURES: '3', MODELGATE_LOGIN_ATTEMPTS_PER_MINUTE: '1000' } });
  });
  afterAll(async () => {
    await server?.close();
  });

  const login = (username: string, password: string, headers: Record<string, string> = {}) =>
    server.fetch('/api/auth/login', {
      method: 'POST',
      key: null,
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ username, password }),
    });
  /** Logs in and returns the Cookie header value to send back. */
  async function session(username: string, password: string): Promise<string> {
    const answer = await login(username, password);
    expect(answer.status, await answer.clone().text()).toBe(200);
    return answer.headers.get('set-cookie')!.split(';')[0]!;
  }
  const withCookie = (cookie: string, path: string, init: RequestInit = {}) =>
    server.fetch(path, { ...init, key: null, headers: { cookie, 'content-type': 'application/json', ...(init.headers as Record<string, string>) } });
  const createOperator = (username: string, role: string, password = `${username}-password-123`) =>
    server.json('/api/operators', { method: 'POST', body: JSON.stringify({ username, password, role }) });
  it('logs the first admin in with an HttpOnly, SameSite=Strict cookie and keeps only a hash of it', async () => {
    const answer = await login('admin', ADMIN_PASSWORD);
    expect(answer.status).toBe(200);
    const cookie = answer.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^mg_session=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=43200; HttpOnly; SameSite=Strict$/);
    const body = (await answer.json()) as SessionBody;
    expect(body).toMatchObject({ operator: { username: 'admin', role: 'admin', disabled: false }, scopes: ['admin'] });
    expect(Date.parse(body.expiresAt) - Date.now()).toBeGreaterThan(11.9 * 3600_000);

    const token = cookie.split(';')[0]!.split('=')[1]!;
    const me = await withCookie(`mg_session=${token}`, '/api/auth/session');
    expect(me.status).toBe(200);
    expect(((await me.json()) as SessionBody).operator.username).toBe('admin');
    expect((await withCookie(`mg_session=${token}`, '/api/models')).status).toBe(200);

    const stored = await withDatabase(server, (client) => client.query('SELECT token_hash FROM sessions'));
    expect(JSON.stringify(stored.rows)).not.toContain(token);
    const hashes = await withDatabase(server, (client) => client.query('SELECT password_hash FROM operators'));
    expect(JSON.stringify(hashes.rows)).not.toContain(ADMIN_PASSWORD);
    expect(hashes.rows[0].password_hash).toMatch(/^scrypt\$/);
  });

  it('answers a wrong password and an unknown user alike, and never echoes the password', async () => {
    const wrong = await login('admin', 'not the password');
    const unknown = await login('nobody-here', 'not the password');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const [wrongBody, unknownBody] = [(await wrong.json()) as ErrorBody, (await unknown.json()) as ErrorBody];
    expect(wrongBody.error).toBe('wrong username or password');
    expect(unknownBody.error).toBe(wrongBody.error);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    expect((await login('admin', ADMIN_PASSWORD)).status).toBe(200);
    const invalid = await server.json<ErrorBody>('/api/auth/login', { method: 'POST', key: null, body: JSON.stringify({ username: 'admin' }) });
    expect(invalid.status).toBe(400);
  });

  it('ends the session at logout, on the server', async () => {
    const cookie = await session('admin', ADMIN_PASSWORD);
    const out = await withCookie(cookie, '/api/auth/logout', { method: 'POST' });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toBe('mg_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict');
    const after = await withCookie(cookie, '/api/models');
    expect(after.status).toBe(401);
    expect(((await after.json()) as ErrorBody).error).toContain('log in again');
  });

  it('stops an expired session', async () => {
    const cookie = await session('admin', ADMIN_PASSWORD);
    expect((await withCookie(cookie, '/api/models')).status).toBe(200);
    await withDatabase(server, (client) => client.query(`UPDATE sessions SET expires_at = now() - interval '1 second'`));
    await eventually(async () => (await withCookie(cookie, '/api/models')).status === 401, 1500);
  });

  it('maps roles onto scopes', async () => {
    expect((await createOperator('vera', 'viewer')).status).toBe(201);
    expect((await createOperator('otto', 'operator')).status).toBe(201);
    const viewer = await session('vera', 'vera-password-123');
    const operator = await session('otto', 'otto-password-123');

    expect((await withCookie(viewer, '/api/models')).status).toBe(200);
    const refused = await withCookie(viewer, '/api/models', { method: 'POST', body: JSON.stringify({ name: 'by-viewer' }) });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as ErrorBody).error).toContain('the role "viewer" lacks the "models:write" scope');

    expect((await withCookie(operator, '/api/models', { method: 'POST', body: JSON.stringify({ name: 'by-operator' }) })).status).toBe(201);
    expect((await withCookie(operator, '/api/operators')).status).toBe(403);
    // An operator can hand out keys within its own scopes, not admin.
    const key = await withCookie(operator, '/api/keys', { method: 'POST', body: JSON.stringify({ name: 'from otto', scopes: ['predict'] }) });
    expect(key.status).toBe(201);
    expect(((await key.json()) as { createdBy: string }).createdBy).toBe('operator:otto');
    expect((await withCookie(operator, '/api/keys', { method: 'POST', body: JSON.stringify({ name: 'x', scopes: ['admin'] }) })).status).toBe(403);

    const listed = await server.json<{ items: Array<Record<string, unknown>> }>('/api/operators');
    expect(listed.body.items.map((item) => item.username)).toEqual(['admin', 'otto', 'vera']);
    expect(JSON.stringify(listed.body)).not.toMatch(/scrypt|password_hash|passwordHash/);
    expect((await createOperator('otto', 'viewer')).status).toBe(409);
    expect((await createOperator('Bad Name', 'viewer')).status).toBe(400);
    expect((await createOperator('shorty', 'viewer', 'short')).status).toBe(400);
    expect((await createOperator('rooty', 'root')).status).toBe(400);
  });

  it('ends the sessions of a disabled operator and refuses its logins', async () => {
    expect((await createOperator('dora', 'operator')).status).toBe(201);
    const cookie = await session('dora', 'dora-password-123');
    expect((await withCookie(cookie, '/api/models')).status).toBe(200);
    const disabled = await server.json('/api/operators/dora', { method: 'PATCH', body: JSON.stringify({ disabled: true }) });
    expect(disabled).toMatchObject({ status: 200, body: { username: 'dora', disabled: true } });
    expect((await withCookie(cookie, '/api/models')).status).toBe(401);
    const refused = await login('dora', 'dora-password-123');
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as ErrorBody).error).toBe('wrong username or password');
    expect((await server.json('/api/operators/dora', { method: 'PATCH', body: JSON.stringify({ disabled: false }) })).status).toBe(200);
    expect((await login('dora', 'dora-password-123')).status).toBe(200);
    expect((await server.json('/api/operators/nobody', { method: 'PATCH', body: JSON.stringify({ disabled: true }) })).status).toBe(404);
  });

  it('keeps at least one enabled admin', async () => {
    for (const patch of [{ disabled: true }, { role: 'viewer' }]) {
      const refused = await server.json<ErrorBody>('/api/operators/admin', { method: 'PATCH', body: JSON.stringify(patch) });
      expect(refused.status).toBe(409);
      expect(refused.body.error).toContain('last enabled admin');
    }
  });

  it('changes its own password: needs the current one, ends the other sessions, keeps this one', async () => {
    expect((await createOperator('pat', 'viewer')).status).toBe(201);
    const current = await session('pat', 'pat-password-123');
    const other = await session('pat', 'pat-password-123');
    const change = (cookie: string, currentPassword: string) =>
      withCookie(cookie, '/api/auth/password', { method: 'POST', body: JSON.stringify({ currentPassword, newPassword: 'a brand new passphrase' }) });

    const wrong = await change(current, 'not my password');
    expect(wrong.status).toBe(403);
    expect(((await wrong.json()) as ErrorBody).error).toBe('the current password is wrong');
    expect((await server.json('/api/auth/password', { method: 'POST', body: '{"currentPassword": "x", "newPassword": "yyyyyyyyyyyyyyyy"}' })).status).toBe(403);

    expect((await change(current, 'pat-password-123')).status).toBe(204);
    expect((await withCookie(current, '/api/models')).status).toBe(200);
    expect((await withCookie(other, '/api/models')).status).toBe(401);
    expect((await login('pat', 'pat-password-123')).status).toBe(401);
    expect((await login('pat', 'a brand new passphrase')).status).toBe(200);
  });

  it('slows down repeated failures, then locks the account; unknown names behave the same', async () => {
    expect((await createOperator('lena', 'viewer')).status).toBe(201);
    for (const username of ['lena', 'ghost']) {
      expect((await login(username, 'wrong guess one')).status).toBe(401);
      expect((await login(username, 'wrong guess two')).status).toBe(401);
      const slowed = await login(username, 'wrong guess three');
      expect(slowed.status, username).toBe(429);
      expect(slowed.headers.get('retry-after')).toBe('1');
      expect(((await slowed.json()) as ErrorBody).error).toContain('too many failed logins');
    }
    await new Promise((resolve) => setTimeout(resolve, 1050));
    expect((await login('lena', 'wrong guess three')).status).toBe(401);
    expect((await login('ghost', 'wrong guess three')).status).toBe(401);
    // Locked now, even for the right password.
    const locked = await login('lena', 'lena-password-123');
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(14 * 60);
    expect((await login('ghost', 'whatever')).status).toBe(429);
    const listed = await server.json<{ items: Array<{ username: string; lockedUntil: string | null }> }>('/api/operators');
    expect(listed.body.items.find((item) => item.username === 'lena')?.lockedUntil).toEqual(expect.any(String));
    // An admin unlocks it by setting a password.
    expect((await server.json('/api/operators/lena', { method: 'PATCH', body: JSON.stringify({ password: 'lena-new-password' }) })).status).toBe(200);
    expect((await login('lena', 'lena-new-password')).status).toBe(200);
  });

  it('lets no more guesses through concurrently than one after another', async () => {
    expect((await createOperator('cora', 'viewer')).status).toBe(201);
    const answers = await Promise.all(Array.from({ length: 12 }, (_, index) => login('cora', `parallel guess ${index}`)));
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(2);
    expect(statuses.every((status) => status === 401 || status === 429)).toBe(true);
  });

  it('refuses a session write from another site', async () => {
    const cookie = await session('admin', ADMIN_PASSWORD);
    const body = JSON.stringify({ name: 'csrf-model' });
    const forged = await withCookie(cookie, '/api/models', { method: 'POST', body, headers: { origin: 'https://evil.example' } });
    expect(forged.status).toBe(403);
    expect(((await forged.json()) as ErrorBody).error).toContain('cross-site');
    expect((await server.json('/api/models/csrf-model')).status).toBe(404);
    const own = await withCookie(cookie, '/api/models', { method: 'POST', body, headers: { origin: server.url } });
    expect(own.status).toBe(201);
    // API keys are not cookies: no browser attaches them on its own, so no origin check applies.
    expect((await server.json('/api/models', { method: 'POST', body: JSON.stringify({ name: 'key-model' }), headers: { origin: 'https://other.example' }, key: ADMIN_KEY })).status).toBe(201);
  });
});

import { randomBytes } from 'node:crypto';
import { createServer, Socket, type Server } from 'node:net';
import { Redis } from 'ioredis';
import { createKey } from './support/credentials';
import { startServer, type TestServer } from './support/server';

/** The Redis the shared-limit tests use (the CI machine runs one on the default port). */
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function redisReachable(): Promise<boolean> {
  const client = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 1000, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/** A TCP relay to Redis that the test can cut, to take Redis away from a running server. */
async function startRelay(target: URL): Promise<{ port: number; cut(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const relay: Server = createServer((client) => {
    const upstream = new Socket();
    upstream.connect(Number(target.port || 6379), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => sockets.delete(socket));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  const address = relay.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    cut: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        relay.close(() => resolve());
      }),
  };
}

const statusesOf = (responses: Response[]) => responses.map((response) => response.status);

describe('rate limits in memory', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('answers 429 with Retry-After and the RateLimit headers once the bucket is empty', async () => {
    const key = await createKey(server, { name: 'limited', scopes: ['models:read'], rateLimit: { perSecond: 0.5, burst: 3 } });
    const answers: Response[] = [];
    for (let index = 0; index < 4; index += 1) answers.push(await server.fetch('/api/models', { key: key.key }));
    expect(statusesOf(answers)).toEqual([200, 200, 200, 429]);
    expect(answers.map((answer) => answer.headers.get('ratelimit-remaining'))).toEqual(['2', '1', '0', '0']);
    expect(answers[0]!.headers.get('ratelimit-limit')).toBe('3');
    expect(answers[0]!.headers.get('ratelimit-reset')).toBe('2');
    expect(answers[0]!.headers.get('ratelimit-policy')).toBe('3;w=6');
    const refused = answers[3]!;
    expect(refused.headers.get('retry-after')).toBe('2');
    expect(Number(refused.headers.get('ratelimit-reset'))).toBeGreaterThanOrEqual(5);
    const body = (await refused.json()) as { error: string; requestId: string };
    expect(body.error).toContain(`key ${key.id} is over its rate limit`);
    expect(body.requestId).toBe(refused.headers.get('x-request-id'));

    // Another key, and a key without a limit, are not affected.
    const other = await createKey(server, { name: 'other', scopes: ['models:read'], rateLimit: { perSecond: 0.5, burst: 3 } });
    expect((await server.fetch('/api/models', { key: other.key })).status).toBe(200);
    const unlimited = await server.fetch('/api/models');
    expect(unlimited.status).toBe(200);
    expect(unlimited.headers.get('ratelimit-limit')).toBeNull();
  });

  it('refuses a limited or unknown client before reading its body', async () => {
    const key = await createKey(server, { name: 'spent', scopes: ['predict'], rateLimit: { perSecond: 0.01, burst: 1 } });
    expect((await server.fetch('/v2/models/none/infer', { method: 'POST', key: key.key, body: '{}' })).status).toBe(404);
    // Malformed JSON would be a 400 if it were parsed: it is not, the key is over its limit.
    const garbage = '{"inputs": [' + 'x'.repeat(4 * 1024 * 1024);
    const limited = await server.fetch('/v2/models/none/infer', { method: 'POST', key: key.key, body: garbage, headers: { 'content-type': 'application/json' } });
    expect(limited.status).toBe(429);
    const anonymous = await server.fetch('/v2/models/none/infer', { method: 'POST', key: null, body: garbage, headers: { 'content-type': 'application/json' } });
    expect(anonymous.status).toBe(401);
  });

  it('keeps a flooding client from slowing down the others', async () => {
    const flooder = await createKey(server, { name: 'flooder', scopes: ['models:read'], rateLimit: { perSecond: 1, burst: 5 } });
    const polite = await createKey(server, { name: 'polite', scopes: ['models:read'] });
    const flood = Promise.all(Array.from({ length: 300 }, () => server.fetch('/api/models', { key: flooder.key }).then((answer) => answer.status)));
    const latencies: number[] = [];
    for (let index = 0; index < 15; index += 1) {
      const started = performance.now();
      expect((await server.fetch('/api/models', { key: polite.key })).status).toBe(200);
      latencies.push(performance.now() - started);
    }
    const statuses = await flood;
    expect(statuses.filter((status) => status === 200).length).toBeLessThanOrEqual(7);
    expect(statuses.every((status) => status === 200 || status === 429)).toBe(true);
    latencies.sort((a, b) => a - b);
    expect(latencies[Math.floor(latencies.length / 2)]).toBeLessThan(500);
  });

  it('throttles login attempts per client address', async () => {
    const limited = await startServer({ env: { DATABASE_URL: server.databaseUrl, MODELGATE_LOGIN_ATTEMPTS_PER_MINUTE: '3' } });
    try {
      const attempt = () =>
        limited.fetch('/api/auth/login', {
          method: 'POST',
          key: null,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: `someone-${randomBytes(3).toString('hex')}`, password: 'guess' }),
        });
      const statuses: number[] = [];
      for (let index = 0; index < 4; index += 1) statuses.push((await attempt()).status);
      expect(statuses).toEqual([401, 401, 401, 429]);
      const refused = await attempt();
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(((await refused.json()) as { error: string }).error).toContain('too many login attempts from your address');
    } finally {
      await limited.close();
    }
  });
});

describe('rate limits shared through Redis', async () => {
  const available = await redisReachable();
  if (!available) console.warn(`Redis is not reachable at ${REDIS_URL}: the shared rate-limit tests are skipped`);
  const prefix = `modelgate-test-${randomBytes(6).toString('hex')}:`;
  let first: TestServer;
  let second: TestServer;
  let relay: Awaited<ReturnType<typeof startRelay>>;

  beforeAll(async () => {
    if (!available) return;
    relay = await startRelay(new URL(REDIS_URL));
    const env = { REDIS_URL: `redis://127.0.0.1:${relay.port}`, REDIS_KEY_PREFIX: prefix };
    first = await startServer({ env });
    second = await startServer({ env: { ...env, DATABASE_URL: first.databaseUrl } });
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
    await relay?.cut();
    if (!available) return;
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it.skipIf(!available)('enforces one limit across two replicas', async () => {
    // Wait until both replicas have their Redis connection up.
    const key = await createKey(first, { name: 'shared', scopes: ['models:read'], rateLimit: { perSecond: 0.05, burst: 4 } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const answers: Response[] = [];
    for (let index = 0; index < 10; index += 1) answers.push(await (index % 2 === 0 ? first : second).fetch('/api/models', { key: key.key }));
    expect(statusesOf(answers).filter((status) => status === 200)).toHaveLength(4);
    expect(statusesOf(answers).slice(0, 4)).toEqual([200, 200, 200, 200]);
    expect(answers.map((answer) => answer.headers.get('ratelimit-remaining')).slice(0, 5)).toEqual(['3', '2', '1', '0', '0']);

    const redis = new Redis(REDIS_URL);
    try {
      expect(await redis.exists(`${prefix}rl:key:${key.id}`)).toBe(1);
      expect(await redis.pttl(`${prefix}rl:key:${key.id}`)).toBeGreaterThan(0);
    } finally {
      redis.disconnect();
    }
  });

  it.skipIf(!available)('fails open to per-replica limits when Redis goes away, without errors or waiting', async () => {
    const key = await createKey(first, { name: 'outage', scopes: ['models:read'], rateLimit: { perSecond: 0.05, burst: 2 } });
    await relay.cut();
    const statuses: number[] = [];
    const started = performance.now();
    for (let index = 0; index < 4; index += 1) statuses.push((await first.fetch('/api/models', { key: key.key })).status);
    for (let index = 0; index < 4; index += 1) statuses.push((await second.fetch('/api/models', { key: key.key })).status);
    // Each replica now limits on its own: two each.
    expect(statuses).toEqual([200, 200, 429, 429, 200, 200, 429, 429]);
    expect(performance.now() - started).toBeLessThan(3000);
  });
});

describe('rate limits with Redis unreachable from the start', () => {
  it('starts, serves and limits in memory', async () => {
    const server = await startServer({ env: { REDIS_URL: 'redis://127.0.0.1:1' } });
    try {
      const key = await createKey(server, { name: 'no redis', scopes: ['models:read'], rateLimit: { perSecond: 0.05, burst: 2 } });
      const statuses: number[] = [];
      for (let index = 0; index < 3; index += 1) statuses.push((await server.fetch('/api/models', { key: key.key })).status);
      expect(statuses).toEqual([200, 200, 429]);
      expect((await server.fetch('/health/ready', { key: null })).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

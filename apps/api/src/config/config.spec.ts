import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('needs no variable at all', () => {
    const config = loadConfig({});
    expect(config.port).toBe(8080);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.dataDir).toMatch(/\/data$/);
    expect(config.demo).toBe(true);
  });

  it('reads the documented variables', () => {
    const config = loadConfig({
      PORT: '9000',
      DATABASE_URL: 'postgres://user:pw@db:5432/modelgate',
      MODELGATE_DATA_DIR: '/srv/modelgate',
      MODELGATE_ADMIN_KEY: 'mg_abcdefgh_' + 'x'.repeat(30),
      MODELGATE_DEMO: 'false',
      REDIS_URL: 'redis://127.0.0.1:6379',
    });
    expect(config).toMatchObject({ port: 9000, dataDir: '/srv/modelgate', demo: false, redisUrl: 'redis://127.0.0.1:6379' });
    expect(config.databaseUrl).toBe('postgres://user:pw@db:5432/modelgate');
  });

  it('judges progressive plans every 5 seconds unless MODELGATE_ROLLOUT_INTERVAL_MS says otherwise', () => {
    expect(loadConfig({}).rolloutIntervalMs).toBe(5000);
    expect(loadConfig({ MODELGATE_ROLLOUT_INTERVAL_MS: '200' }).rolloutIntervalMs).toBe(200);
  });

  it('runs at most 8 shadow copies at once unless MODELGATE_SHADOW_MAX_IN_FLIGHT says otherwise', () => {
    expect(loadConfig({}).shadowMaxInFlight).toBe(8);
    expect(loadConfig({ MODELGATE_SHADOW_MAX_IN_FLIGHT: '2' }).shadowMaxInFlight).toBe(2);
  });

  it('runs one batch job at a time, looking for queued ones every second, unless MODELGATE_JOB_CONCURRENCY and MODELGATE_JOB_POLL_MS say otherwise', () => {
    expect(loadConfig({}).jobs).toEqual({ concurrency: 1, pollMs: 1000, retentionDays: 30 });
    expect(loadConfig({ MODELGATE_JOB_CONCURRENCY: '0', MODELGATE_JOB_POLL_MS: '100', MODELGATE_JOB_RETENTION_DAYS: '0' }).jobs).toEqual({
      concurrency: 0,
      pollMs: 100,
      retentionDays: 0,
    });
    expect(() => loadConfig({ MODELGATE_JOB_RETENTION_DAYS: '-1' })).toThrow(/MODELGATE_JOB_RETENTION_DAYS/);
    expect(() => loadConfig({ MODELGATE_JOB_CONCURRENCY: '-1' })).toThrow('MODELGATE_JOB_CONCURRENCY');
  });

  it('lets idle model workers spin for 1 ms unless MODELGATE_IDLE_SPIN_MS says otherwise (0: off)', () => {
    expect(loadConfig({}).idleSpinMs).toBe(1);
    expect(loadConfig({ MODELGATE_IDLE_SPIN_MS: '0' }).idleSpinMs).toBe(0);
    expect(loadConfig({ MODELGATE_IDLE_SPIN_MS: '5' }).idleSpinMs).toBe(5);
  });

  it('lets the heap grow to twice what survives a full collection unless MODELGATE_HEAP_GROWING_PERCENT says otherwise (0: V8 decides)', () => {
    expect(loadConfig({}).heapGrowingPercent).toBe(100);
    expect(loadConfig({ MODELGATE_HEAP_GROWING_PERCENT: '0' }).heapGrowingPercent).toBe(0);
    expect(loadConfig({ MODELGATE_HEAP_GROWING_PERCENT: '50' }).heapGrowingPercent).toBe(50);
  });

  it('serves gRPC on port 8081 unless MODELGATE_GRPC_PORT says otherwise (0: any free port, off: none)', () => {
    expect(loadConfig({}).grpcPort).toBe(8081);
    expect(loadConfig({ MODELGATE_GRPC_PORT: '9001' }).grpcPort).toBe(9001);
    expect(loadConfig({ MODELGATE_GRPC_PORT: '0' }).grpcPort).toBe(0);
    expect(loadConfig({ MODELGATE_GRPC_PORT: 'off' }).grpcPort).toBeUndefined();
    expect(loadConfig({ MODELGATE_GRPC_PORT: 'OFF' }).grpcPort).toBeUndefined();
    expect(loadConfig({ PORT: '0', MODELGATE_GRPC_PORT: '0' }).grpcPort).toBe(0);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT must be a whole number from 0 to 65535, got "eighty"'],
    [{ PORT: '70000' }, 'PORT must be a whole number'],
    [{ DATABASE_URL: 'mysql://db/x' }, 'DATABASE_URL must start with postgres: or postgresql:'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL must be a URL'],
    [{ MODELGATE_DEMO: 'maybe' }, 'MODELGATE_DEMO must be true or false, got "maybe"'],
    [{ MODELGATE_ADMIN_KEY: 'secret' }, 'MODELGATE_ADMIN_KEY must look like mg_<id>_<secret>'],
    [{ MODELGATE_ADMIN_PASSWORD: 'short' }, 'MODELGATE_ADMIN_PASSWORD must be at least 12 characters'],
    [{ REDIS_URL: 'http://cache' }, 'REDIS_URL must start with redis: or rediss:'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of'],
    [{ MODELGATE_ROLLOUT_INTERVAL_MS: '10' }, 'MODELGATE_ROLLOUT_INTERVAL_MS must be a whole number from 50 to 3600000, got "10"'],
    [{ MODELGATE_SHADOW_MAX_IN_FLIGHT: '0' }, 'MODELGATE_SHADOW_MAX_IN_FLIGHT must be a whole number from 1 to 10000, got "0"'],
    [{ MODELGATE_IDLE_SPIN_MS: '0.5' }, 'MODELGATE_IDLE_SPIN_MS must be a whole number from 0 to 100, got "0.5"'],
    [{ MODELGATE_GRPC_PORT: 'grpc' }, 'MODELGATE_GRPC_PORT must be a port number from 0 to 65535 (0: any free port) or "off", got "grpc"'],
    [{ MODELGATE_GRPC_PORT: '70000' }, 'MODELGATE_GRPC_PORT must be a whole number from 0 to 65535, got "70000"'],
    [{ PORT: '9000', MODELGATE_GRPC_PORT: '9000' }, 'MODELGATE_GRPC_PORT must differ from PORT (both are 9000)'],
    [{ MODELGATE_HEAP_GROWING_PERCENT: '1000' }, 'MODELGATE_HEAP_GROWING_PERCENT must be a whole number from 0 to 400, got "1000"'],
  ])('refuses %j naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('lists every problem at once and never prints a database password', () => {
    try {
      loadConfig({ PORT: 'x', DATABASE_URL: 'mysql://user:hunter2@db/x' });
      expect.unreachable();
    } catch (error) {
      expect((error as ConfigError).problems).toHaveLength(2);
      expect((error as Error).message).not.toContain('hunter2');
    }
  });
});

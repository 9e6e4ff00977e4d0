import { ConfigError, loadConfig } from './config';

describe('security configuration', () => {
  it('has safe defaults: no TLS, no CORS, plain cookies, login throttling on', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      tls: undefined,
      corsOrigins: [],
      cookieSecure: false,
      loginMaxFailures: 5,
      loginLockMs: 15 * 60_000,
      loginAttemptsPerMinute: 10,
      sessionTtlMs: 12 * 3600_000,
      maxJsonDepth: 64,
      maxTensorElements: 16 * 1024 * 1024,
      redisKeyPrefix: 'modelgate:',
    });
  });

  it('reads CORS origins, normalised, and refuses wildcards and paths', () => {
    expect(loadConfig({ CORS_ORIGINS: 'https://a.example, http://localhost:5173/' }).corsOrigins).toEqual(['https://a.example', 'http://localhost:5173']);
    for (const value of ['*', 'https://a.example/app', 'ftp://a.example', 'not a url']) {
      expect(() => loadConfig({ CORS_ORIGINS: value }), value).toThrow(ConfigError);
      expect(() => loadConfig({ CORS_ORIGINS: value }), value).toThrow('CORS_ORIGINS must list origins');
    }
  });

  it('trusts no proxy by default, and reads hops or proxy addresses, refusing "true" and bad ranges', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ MODELGATE_TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(loadConfig({ MODELGATE_TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ MODELGATE_TRUST_PROXY: '10.0.0.0/8, 127.0.0.1,::1' }).trustProxy).toEqual(['10.0.0.0/8', '127.0.0.1', '::1']);
    expect(() => loadConfig({ MODELGATE_TRUST_PROXY: 'true' })).toThrow('trusting every peer would let any client claim any address');
    for (const value of ['10.0.0.0/33', 'proxy.local', '10.0.0.1/8/2', 'fe80::/129']) {
      expect(() => loadConfig({ MODELGATE_TRUST_PROXY: value }), value).toThrow('MODELGATE_TRUST_PROXY must be false, a number of proxy hops');
    }
  });

  it('names a bad value', () => {
    expect(() => loadConfig({ MODELGATE_LOGIN_MAX_FAILURES: '0' })).toThrow('MODELGATE_LOGIN_MAX_FAILURES must be a whole number from 1 to 1000');
    expect(() => loadConfig({ MODELGATE_SESSION_HOURS: 'forever' })).toThrow('MODELGATE_SESSION_HOURS');
    expect(() => loadConfig({ MODELGATE_MAX_JSON_DEPTH: '1' })).toThrow('MODELGATE_MAX_JSON_DEPTH');
    expect(() => loadConfig({ MODELGATE_COOKIE_SECURE: 'maybe' })).toThrow('MODELGATE_COOKIE_SECURE must be true or false');
    expect(() => loadConfig({ TLS_CERT: '/nonexistent.crt' })).toThrow('TLS_CERT and TLS_KEY must be set together');
  });
});

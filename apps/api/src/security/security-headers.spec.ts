import { securityHeaders } from './security-headers';

describe('securityHeaders', () => {
  it('lets pages load only their own resources, never framed', () => {
    const headers = securityHeaders('/docs', false);
    expect(headers['content-security-policy']).toContain("default-src 'self'");
    expect(headers['content-security-policy']).toContain("script-src 'self'");
    expect(headers['content-security-policy']).not.toMatch(/script-src[^;]*unsafe/);
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY', 'referrer-policy': 'no-referrer' });
    expect(securityHeaders('/', false)['content-security-policy']).toBe(headers['content-security-policy']);
  });

  it('lets API answers do nothing in a browser, and keeps management answers out of caches', () => {
    for (const url of ['/api/keys', '/v2/models/iris/infer', '/v2', '/v1/models/iris:predict', '/health/live', '/metrics']) {
      expect(securityHeaders(url, false)['content-security-policy'], url).toMatch(/^default-src 'none'/);
    }
    expect(securityHeaders('/api/keys?limit=1', false)['cache-control']).toBe('no-store');
    expect(securityHeaders('/v2/models/iris/infer', false)['cache-control']).toBeUndefined();
    expect(securityHeaders('/v2foo', false)['content-security-policy']).toMatch(/^default-src 'none'/);
  });

  it('pins HTTPS only when serving TLS', () => {
    expect(securityHeaders('/docs', false)['strict-transport-security']).toBeUndefined();
    expect(securityHeaders('/docs', true)['strict-transport-security']).toBe('max-age=31536000');
  });
});

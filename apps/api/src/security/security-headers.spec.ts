import { securityHeaders } from './security-headers';

describe('securityHeaders', () => {
  it('lets pages load only their own resources, never framed', () => {
    const headers = securityHeaders('/docs', false);
    expect(headers['Content-Security-Policy']).toContain("default-src 'self'");
    expect(headers['Content-Security-Policy']).toContain("script-src 'self'");
    expect(headers['Content-Security-Policy']).not.toMatch(/script-src[^;]*unsafe/);
    expect(headers['Content-Security-Policy']).toContain("frame-ancestors 'none'");
    expect(headers).toMatchObject({ 'X-Content-Type-Options': 'nosniff', 'X-Frame-Options': 'DENY', 'Referrer-Policy': 'no-referrer' });
    expect(securityHeaders('/', false)['Content-Security-Policy']).toBe(headers['Content-Security-Policy']);
  });

  it('lets API answers do nothing in a browser, and keeps management answers out of caches', () => {
    for (const url of ['/api/keys', '/v2/models/iris/infer', '/v2', '/v1/models/iris:predict', '/health/live', '/metrics']) {
      expect(securityHeaders(url, false)['Content-Security-Policy'], url).toMatch(/^default-src 'none'/);
    }
    expect(securityHeaders('/api/keys?limit=1', false)['Cache-Control']).toBe('no-store');
    expect(securityHeaders('/v2/models/iris/infer', false)['Cache-Control']).toBeUndefined();
    expect(securityHeaders('/v2foo', false)['Content-Security-Policy']).toMatch(/^default-src 'none'/);
  });

  it('pins HTTPS only when serving TLS', () => {
    expect(securityHeaders('/docs', false)['Strict-Transport-Security']).toBeUndefined();
    expect(securityHeaders('/docs', true)['Strict-Transport-Security']).toBe('max-age=31536000');
  });
});

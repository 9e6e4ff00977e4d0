import { isCrossSiteWrite } from './cross-site';

describe('isCrossSiteWrite', () => {
  const host = 'modelgate.example.com';

  it('lets reads and same-origin writes through', () => {
    expect(isCrossSiteWrite('GET', { host, origin: 'https://evil.example' }, [])).toBe(false);
    expect(isCrossSiteWrite('POST', { host, origin: `https://${host}` }, [])).toBe(false);
    expect(isCrossSiteWrite('POST', { host, 'sec-fetch-site': 'same-origin' }, [])).toBe(false);
    // Non-browser clients send neither header.
    expect(isCrossSiteWrite('DELETE', { host }, [])).toBe(false);
  });

  it('refuses writes from other sites, sibling subdomains and opaque origins', () => {
    expect(isCrossSiteWrite('POST', { host, origin: 'https://evil.example' }, [])).toBe(true);
    expect(isCrossSiteWrite('PATCH', { host, origin: 'https://sub.modelgate.example.com' }, [])).toBe(true);
    expect(isCrossSiteWrite('POST', { host, origin: 'null' }, [])).toBe(true);
    expect(isCrossSiteWrite('POST', { host, 'sec-fetch-site': 'same-site' }, [])).toBe(true);
    expect(isCrossSiteWrite('POST', { host, 'sec-fetch-site': 'cross-site' }, [])).toBe(true);
  });

  it('trusts the origins configured in CORS_ORIGINS', () => {
    expect(isCrossSiteWrite('POST', { host, origin: 'https://dashboard.example.com' }, ['https://dashboard.example.com'])).toBe(false);
  });
});

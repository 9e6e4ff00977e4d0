import { clearedSessionCookie, readCookie, sessionCookie, sessionCookieName } from './cookies';

const TOKEN = 'A'.repeat(20) + '_-' + 'b'.repeat(21);

describe('session cookie', () => {
  it('is HttpOnly, SameSite=Strict, on the whole site, expiring with the session', () => {
    expect(sessionCookie(TOKEN, { secure: false, maxAgeSeconds: 43200 })).toBe(`mg_session=${TOKEN}; Path=/; Max-Age=43200; HttpOnly; SameSite=Strict`);
  });

  it('is Secure with the __Host- prefix behind TLS', () => {
    const cookie = sessionCookie(TOKEN, { secure: true, maxAgeSeconds: 60.7 });
    expect(cookie).toBe(`__Host-mg_session=${TOKEN}; Path=/; Max-Age=60; HttpOnly; SameSite=Strict; Secure`);
    expect(cookie).not.toContain('Domain');
    expect(sessionCookieName(true)).toBe('__Host-mg_session');
  });

  it('is cleared with an empty value and Max-Age=0', () => {
    expect(clearedSessionCookie({ secure: false })).toBe('mg_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict');
  });

  it('refuses to carry anything but a token (no header injection)', () => {
    expect(() => sessionCookie('x; Domain=evil.example', { secure: false, maxAgeSeconds: 1 })).toThrow();
    expect(() => sessionCookie(`${TOKEN}\r\nSet-Cookie: a=b`, { secure: false, maxAgeSeconds: 1 })).toThrow();
  });
});

describe('readCookie', () => {
  it('finds a cookie among others, with or without spaces and quotes', () => {
    expect(readCookie(`theme=dark; mg_session=${TOKEN}; other=1`, 'mg_session')).toBe(TOKEN);
    expect(readCookie(`mg_session=${TOKEN}`, 'mg_session')).toBe(TOKEN);
    expect(readCookie(`a=1;mg_session="${TOKEN}"`, 'mg_session')).toBe(TOKEN);
    expect(readCookie(`mg_session=first; mg_session=second`, 'mg_session')).toBe('first');
  });

  it('does not confuse names or trip over malformed input', () => {
    expect(readCookie(`xmg_session=${TOKEN}`, 'mg_session')).toBeUndefined();
    expect(readCookie(`__Host-mg_session=${TOKEN}`, 'mg_session')).toBeUndefined();
    expect(readCookie('mg_session', 'mg_session')).toBeUndefined();
    expect(readCookie(';;;=;', 'mg_session')).toBeUndefined();
    expect(readCookie(undefined, 'mg_session')).toBeUndefined();
    expect(readCookie('', 'mg_session')).toBeUndefined();
    expect(readCookie('mg_session=' + 'x'.repeat(20_000), 'mg_session')).toBeUndefined();
  });
});

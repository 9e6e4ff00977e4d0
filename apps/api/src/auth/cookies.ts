/**
 * The operator session cookie. Its value is 32 random bytes (base64url); the server keeps only a
 * hash of it. HttpOnly (no script can read it), SameSite=Strict (never sent on a request another
 * site starts, which is what stops cross-site request forgery), Path=/. Behind TLS it is also
 * Secure and named with the `__Host-` prefix, which browsers only accept from a secure origin
 * without a Domain attribute, so a sibling subdomain cannot plant or overwrite it.
 */
export const SESSION_COOKIE = 'mg_session';
export const SECURE_SESSION_COOKIE = '__Host-mg_session';
export const SESSION_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function sessionCookieName(secure: boolean): string {
  return secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE;
}

/**
 * One cookie's value from a Cookie header, or undefined. Malformed pairs are skipped; a name given
 * twice yields the first (as browsers order the most specific first). Values are not decoded:
 * session tokens are plain base64url.
 */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (typeof header !== 'string' || header.length === 0 || header.length > 16_384) return undefined;
  for (const pair of header.split(';')) {
    const separator = pair.indexOf('=');
    if (separator < 0) continue;
    if (pair.slice(0, separator).trim() !== name) continue;
    let value = pair.slice(separator + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    return value;
  }
  return undefined;
}

export function sessionCookie(token: string, options: { secure: boolean; maxAgeSeconds: number }): string {
  if (!SESSION_TOKEN_PATTERN.test(token)) throw new Error('a session token is 43 base64url characters');
  return serialize(sessionCookieName(options.secure), token, Math.max(0, Math.floor(options.maxAgeSeconds)), options.secure);
}

/** Tells the browser to drop the cookie (logout). */
export function clearedSessionCookie(options: { secure: boolean }): string {
  return serialize(sessionCookieName(options.secure), '', 0, options.secure);
}

function serialize(name: string, value: string, maxAgeSeconds: number, secure: boolean): string {
  const attributes = [`${name}=${value}`, 'Path=/', `Max-Age=${maxAgeSeconds}`, 'HttpOnly', 'SameSite=Strict'];
  if (secure) attributes.push('Secure');
  return attributes.join('; ');
}

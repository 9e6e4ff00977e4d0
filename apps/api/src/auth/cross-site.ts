import type { IncomingHttpHeaders } from 'node:http';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const SAME_ORIGIN_FETCHES = new Set(['same-origin', 'none']);

/**
 * Whether a cookie-authenticated request that changes something came from another site. The
 * SameSite=Strict cookie already keeps other sites' requests from carrying the session; this is
 * the second lock, which also covers sibling subdomains (same-site, so SameSite lets them through):
 * the browser's Origin (or Sec-Fetch-Site) must be this server's origin or one in CORS_ORIGINS.
 */
export function isCrossSiteWrite(method: string, headers: IncomingHttpHeaders, allowedOrigins: readonly string[]): boolean {
  if (SAFE_METHODS.has(method)) return false;
  const fetchSite = typeof headers['sec-fetch-site'] === 'string' ? headers['sec-fetch-site'] : undefined;
  const origin = headers.origin;
  if (typeof origin !== 'string') return fetchSite !== undefined && !SAME_ORIGIN_FETCHES.has(fetchSite);
  if (allowedOrigins.includes(origin)) return false;
  try {
    return new URL(origin).host !== headers.host;
  } catch {
    return true;
  }
}

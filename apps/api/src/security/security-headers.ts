/**
 * Response headers that tell browsers what a response may do. Pages (the dashboard, the API
 * documentation) may load their own scripts, styles and images and nothing from elsewhere; API
 * answers (JSON) may do nothing at all. No response may be framed (clickjacking), sniffed into
 * another content type, or leak its URL as a referrer; management answers (which can hold a new
 * key) are never cached.
 */
const PAGE_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  // Swagger UI sets inline styles; no inline script is allowed.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');
const API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
/** Paths of the API (not pages); the dashboard never answers them either (dashboard/serve-dashboard.ts). */
export const API_PREFIXES = ['/api/', '/v1/', '/v2', '/health/', '/metrics'];

/**
 * The headers for a response to `url`, named in lower case as Fastify writes them (so the inference
 * data plane sends the same bytes). One of a few shared, frozen objects: every response gets one
 * (Fastify copies it into the reply), so none is built per request.
 */
export function securityHeaders(url: string, tls: boolean): Readonly<Record<string, string>> {
  const query = url.indexOf('?');
  const path = query < 0 ? url : url.slice(0, query);
  const api = API_PREFIXES.some((prefix) => path === prefix.replace(/\/$/, '') || path.startsWith(prefix));
  const kind = !api ? 'page' : path.startsWith('/api/') ? 'management' : 'api';
  return HEADER_SETS[tls ? 1 : 0][kind];
}

type ResponseKind = 'page' | 'api' | 'management';

function headersFor(kind: ResponseKind, tls: boolean): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {
    'content-security-policy': kind === 'page' ? PAGE_POLICY : API_POLICY,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
  };
  if (kind === 'management') headers['cache-control'] = 'no-store';
  if (tls) headers['strict-transport-security'] = 'max-age=31536000';
  return Object.freeze(headers);
}

const HEADER_SETS = [false, true].map((tls) => ({
  page: headersFor('page', tls),
  api: headersFor('api', tls),
  management: headersFor('management', tls),
}));

/**
 * Response headers that tell browsers what a response may do. Pages (the API documentation, later
 * the dashboard) may load their own scripts, styles and images and nothing from elsewhere; API
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
const API_PREFIXES = ['/api/', '/v1/', '/v2', '/health/', '/metrics'];

export function securityHeaders(url: string, tls: boolean): Record<string, string> {
  const path = url.split('?', 1)[0]!;
  const api = API_PREFIXES.some((prefix) => path === prefix.replace(/\/$/, '') || path.startsWith(prefix));
  const headers: Record<string, string> = {
    'Content-Security-Policy': api ? API_POLICY : PAGE_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
  };
  if (path.startsWith('/api/')) headers['Cache-Control'] = 'no-store';
  if (tls) headers['Strict-Transport-Security'] = 'max-age=31536000';
  return headers;
}

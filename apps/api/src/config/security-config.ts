import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { createSecureContext } from 'node:tls';
import type { Reader } from './config';

export interface TlsFiles {
  cert: Buffer;
  key: Buffer;
}

/**
 * TLS_CERT and TLS_KEY: paths of a PEM certificate (chain) and its private key. Both or neither;
 * the files are read and checked to belong together now, so a bad pair stops the start with a
 * message instead of failing the first handshake.
 */
export function readTls(read: Reader): TlsFiles | undefined {
  const certPath = read.raw('TLS_CERT');
  const keyPath = read.raw('TLS_KEY');
  if (certPath === undefined && keyPath === undefined) return undefined;
  if (certPath === undefined || keyPath === undefined) {
    read.problems.push(`TLS_CERT and TLS_KEY must be set together (got only ${certPath ? 'TLS_CERT' : 'TLS_KEY'})`);
    return undefined;
  }
  const cert = readPem(read, 'TLS_CERT', certPath);
  const key = readPem(read, 'TLS_KEY', keyPath);
  if (!cert || !key) return undefined;
  try {
    createSecureContext({ cert, key });
  } catch (error) {
    // The message says what is wrong (e.g. "key values mismatch") and never holds key material.
    read.problems.push(`TLS_CERT and TLS_KEY are not a usable certificate and private key pair: ${(error as Error).message}`);
    return undefined;
  }
  return { cert, key };
}

function readPem(read: Reader, name: string, path: string): Buffer | undefined {
  let content: Buffer;
  try {
    content = readFileSync(path);
  } catch (error) {
    read.problems.push(`${name} must be the path of a readable PEM file, got "${path}" (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
    return undefined;
  }
  if (!content.toString('latin1').includes('-----BEGIN ')) {
    read.problems.push(`${name} must be a PEM file (-----BEGIN ...), got "${path}"`);
    return undefined;
  }
  return content;
}

/** CORS_ORIGINS: comma-separated origins such as https://dashboard.example.com; unset: CORS off. */
export function readCorsOrigins(read: Reader): string[] {
  const value = read.raw('CORS_ORIGINS');
  if (value === undefined) return [];
  const origins: string[] = [];
  for (const entry of value.split(',').map((part) => part.trim()).filter(Boolean)) {
    let url: URL | undefined;
    try {
      url = new URL(entry);
    } catch {
      url = undefined;
    }
    if (!url || !['http:', 'https:'].includes(url.protocol) || url.origin !== entry.replace(/\/$/, '')) {
      read.problems.push(`CORS_ORIGINS must list origins like https://dashboard.example.com (scheme, host, optional port; no path, no "*"), got "${entry}"`);
      continue;
    }
    origins.push(url.origin);
  }
  return origins;
}

/**
 * MODELGATE_TRUST_PROXY: which peers' X-Forwarded-For the client address is taken from (login
 * limits, the audit log). Unset or `false`: none, the TCP peer is the client. A number: that many
 * proxy hops. Otherwise comma-separated addresses or CIDR ranges of the proxies, e.g.
 * `10.0.0.0/8,127.0.0.1`. `true` (trust every peer) is refused: any client could then claim any
 * address.
 */
export function readTrustProxy(read: Reader): false | number | string[] {
  const value = read.raw('MODELGATE_TRUST_PROXY')?.trim();
  if (value === undefined || value === '' || value === 'false') return false;
  if (/^\d{1,2}$/.test(value)) return Number(value);
  const entries = value.split(',').map((entry) => entry.trim()).filter(Boolean);
  const bad = entries.filter((entry) => !isAddressOrRange(entry));
  if (value === 'true' || bad.length > 0 || entries.length === 0) {
    read.problems.push(
      `MODELGATE_TRUST_PROXY must be false, a number of proxy hops (1-99), or the proxies' addresses or CIDR ranges (e.g. 10.0.0.0/8,127.0.0.1), got "${value}"` +
        (value === 'true' ? ': trusting every peer would let any client claim any address' : ''),
    );
    return false;
  }
  return entries;
}

function isAddressOrRange(entry: string): boolean {
  const [address, bits, extra] = entry.split('/');
  if (extra !== undefined) return false;
  const version = isIP(address);
  if (version === 0) return false;
  if (bits === undefined) return true;
  if (!/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (version === 4 ? 32 : 128);
}

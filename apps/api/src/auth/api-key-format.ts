import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Keys look like `mg_<keyId>_<secret>`: the id finds the row, the secret is checked against its hash. */
const KEY_PATTERN = /^mg_([A-Za-z0-9]{8,32})_([A-Za-z0-9_-]{20,128})$/;
const ID_ALPHABET = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

export interface ParsedKey {
  keyId: string;
  secret: string;
}

export function parseApiKey(raw: string): ParsedKey | undefined {
  const match = KEY_PATTERN.exec(raw);
  return match ? { keyId: match[1]!, secret: match[2]! } : undefined;
}

/** A new key: 12-character id, 32 random bytes of secret. */
export function generateApiKey(): { key: string; keyId: string; secretHash: string } {
  const idBytes = randomBytes(12);
  let keyId = '';
  for (const byte of idBytes) keyId += ID_ALPHABET[byte % ID_ALPHABET.length];
  return withNewSecret(keyId);
}

/** A new secret for an existing key id (rotation). */
export function withNewSecret(keyId: string): { key: string; keyId: string; secretHash: string } {
  const secret = randomBytes(32).toString('base64url');
  return { key: `mg_${keyId}_${secret}`, keyId, secretHash: hashSecret(secret) };
}

export const KEY_ID_PATTERN = /^[A-Za-z0-9]{8,32}$/;

/**
 * Secrets are 256 random bits, so a fast hash is enough (no dictionary to guess from); a slow KDF
 * would only add latency to every request.
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function secretMatches(secret: string, storedHash: string): boolean {
  const given = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}

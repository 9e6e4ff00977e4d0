/**
 * TF Serving's binary values: `{ "b64": "<base64>" }`. Node's decoder silently skips characters
 * outside the alphabet, which would turn a corrupted payload into wrong bytes, so the text is
 * checked first with a lookup table (standard and URL-safe alphabets, padding optional).
 */

const BASE64_KEY = 'b64';
const VALID = new Uint8Array(128);
for (const character of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_') {
  VALID[character.charCodeAt(0)] = 1;
}
const PADDING = 61; // '='

export function isBase64Object(value: unknown): value is { b64: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  let keys = 0;
  for (const key in value) {
    if (key !== BASE64_KEY) return false;
    keys++;
  }
  return keys === 1 && typeof (value as { b64: unknown }).b64 === 'string';
}

export function isValidBase64(text: string): boolean {
  let end = text.length;
  if (end > 0 && text.charCodeAt(end - 1) === PADDING) {
    end--;
    if (end > 0 && text.charCodeAt(end - 1) === PADDING) end--;
    if (text.length % 4 !== 0) return false;
  }
  if (end % 4 === 1) return false;
  for (let position = 0; position < end; position++) {
    const code = text.charCodeAt(position);
    if (code >= 128 || VALID[code] === 0) return false;
  }
  return true;
}

/**
 * The bytes of a `{ "b64": ... }` value; `undefined` when the value is not such an object, `null`
 * when it is but the text is not base64. The copy gives each element its own buffer (Buffer.from
 * slices a shared pool, which must not be transferred to a worker).
 */
export function decodeBase64Value(value: unknown): Uint8Array | null | undefined {
  if (!isBase64Object(value)) return undefined;
  if (!isValidBase64(value.b64)) return null;
  return new Uint8Array(Buffer.from(value.b64, 'base64'));
}

export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

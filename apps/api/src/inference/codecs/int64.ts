/**
 * 64-bit integer elements without a BigInt per element. INT64 is the usual dtype of token ids, so
 * these tensors are common and long; BigInts are heap objects, so reading or writing a
 * BigInt64Array element by element allocates each time. Instead, values that fit a double exactly
 * (|v| < 2^53) go through a Uint32Array view of the same memory as two 32-bit words; only larger
 * values take the BigInt path.
 */

const TWO_POW_32 = 4294967296;
/** High words of the values that are safe integers: |v| < 2^53 means |high| < 2^21. */
const SAFE_HIGH_WORD = 0x200000;

/** Word order of the platform; on a big-endian host everything takes the BigInt path. */
export const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function wordsOf(data: BigInt64Array | BigUint64Array): Uint32Array {
  return new Uint32Array(data.buffer, data.byteOffset, data.length * 2);
}

/** Stores a safe integer (the caller checked) as element `index` of a 64-bit array's words. */
export function storeSafeInteger(words: Uint32Array, index: number, value: number): void {
  const high = Math.floor(value / TWO_POW_32);
  words[2 * index] = value - high * TWO_POW_32;
  words[2 * index + 1] = high; // a negative high word wraps to its two's complement, as wanted
}

/**
 * Appends elements [start, end) as exact decimal integers separated by commas. JSON numbers have
 * no size limit, so values beyond 2^53 are written with all their digits too.
 */
export function appendInt64Range(
  text: string,
  data: BigInt64Array | BigUint64Array,
  signed: boolean,
  start: number,
  end: number,
): string {
  if (!LITTLE_ENDIAN) {
    for (let index = start; index < end; index++) text += (index > start ? ',' : '') + data[index];
    return text;
  }
  const words = wordsOf(data);
  for (let index = start; index < end; index++) {
    if (index > start) text += ',';
    const low = words[2 * index];
    const high = signed ? words[2 * index + 1] | 0 : words[2 * index + 1];
    text += high < SAFE_HIGH_WORD && high >= -SAFE_HIGH_WORD ? high * TWO_POW_32 + low : data[index];
  }
  return text;
}

/**
 * Open Inference Protocol requests decoded straight from the body's bytes.
 *
 * For a tensor sent as JSON, JSON.parse spends most of its time building one boxed number per
 * element (about 1 ms for a 3x64x64 FP32 image written with 17 digits per value) before the codec
 * copies them into a typed array. This scanner reads the request's bytes itself and writes each
 * input's `data` numbers directly into the tensor's typed array; everything else in the body (names,
 * shapes, parameters: a few hundred bytes) becomes ordinary JS values. The result then goes through
 * the same decodeV2Body as a parsed body, so every check and message is the generic path's.
 *
 * The scanner handles only the happy path. On anything unusual (invalid JSON, a value that the
 * codec would reject, `data` before `datatype` or `shape`, objects inside `data`, duplicate keys,
 * `__proto__`/`constructor` keys, a byte-order mark, very deep nesting) it gives up and the body is
 * parsed with secure-json-parse and decoded by decodeV2Request: errors always come from the generic
 * path, worded the same.
 *
 * Numbers become exactly the double JSON.parse would give: digits are accumulated as an integer and
 * scaled by an exact power of ten when both fit a double exactly (one correctly rounded operation).
 * For FP32 tensors, where 17-digit values (Python's repr of float32 data) are the norm, a value with
 * up to 19 digits is computed with at most a few roundings and used only when every double within
 * 2^-48 of it rounds to the same float32 (so the stored float32 is the one the exact double gives).
 * Anything else is collected and converted in one JSON.parse at the end of the array.
 */
import { InputValidationError, elementCount, isDataType, type DataType, type ModelSignature, type TensorData } from '@modelgate/runtime';
import secureJsonParse from 'secure-json-parse';
import { createDecodeTarget, type DecodeTarget, type ElementContext } from './element-decoder';
import { MAX_RANK } from './nested-data';
import { newTypedArray } from './tensor-storage';
import { FastPathMiss, PredecodedData, decodeV2Body, decodeV2Request, type BinaryInputSource, type V2InferRequest } from './v2.codec';

/**
 * A v2 inference request from the raw body (a Buffer from the body parser, or text): the same
 * request, errors and messages as decodeV2Request(JSON.parse(text)), without building a JS array
 * per tensor. A body that is not valid JSON is an InputValidationError (400) worded as the JSON body
 * parser words it.
 */
export function decodeV2RequestText(text: string | Uint8Array, signature: ModelSignature): V2InferRequest {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : asBuffer(text);
  return decodeScanned(scanJson(bytes), signature, () => undefined, () =>
    decodeV2Request(parseJsonBody(typeof text === 'string' ? text : bytes.toString('utf8')), signature),
  );
}

/**
 * The JSON header of a binary request (bytes [0, headerLength) of the body) as a parsed body whose
 * JSON `data` arrays are already decoded; MISS when the scanner gives up (the caller then parses the
 * header generically).
 */
export function scanJsonHeader(body: Uint8Array, headerLength: number): unknown {
  return scanJson(asBuffer(body).subarray(0, headerLength));
}

/** What scanJsonHeader returns when the header needs the generic parser. */
export const MISS: unique symbol = Symbol('fast path miss');

/**
 * Decodes a scanned body, falling back to `generic()` when the scanned data does not fit after all.
 * `binary` is made fresh for each attempt, since a failed attempt may have read from it.
 */
export function decodeScanned(
  scanned: unknown,
  signature: ModelSignature,
  binary: () => BinaryInputSource | undefined,
  generic: () => V2InferRequest,
): V2InferRequest {
  if (scanned === MISS) return generic();
  try {
    return decodeV2Body(scanned, signature, binary());
  } catch (error) {
    if (error instanceof FastPathMiss) return generic();
    throw error;
  }
}

/** Exactly what the JSON body parser does with a body, so that fallbacks answer alike. */
export function parseJsonBody(text: string): unknown {
  if (text.trim().length === 0) return undefined;
  try {
    return secureJsonParse.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch (error) {
    throw new InputValidationError(`the body is not valid JSON (${(error as Error).message}); send a JSON object`);
  }
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

// ---------------------------------------------------------------------------------------------
// The scanner: module state (one scan runs at a time; nothing in it yields), every failure thrown
// as MISS_SIGNAL and caught in scanJson.

const MISS_SIGNAL = new FastPathMiss();
/** Nesting of generic values (parameters and the like) beyond which the scanner gives up. */
const MAX_DEPTH = 64;

const EMPTY = Buffer.alloc(0);
/** The text being scanned: reads past its end give undefined, which matches nothing. */
let src: Buffer = EMPTY;
let pos = 0;
let end = 0;

function scanJson(bytes: Buffer, scanTop: () => Record<string, unknown> = scanTopLevel): unknown {
  src = bytes;
  pos = 0;
  end = bytes.length;
  try {
    skipSpace();
    if (src[pos] !== OPEN_BRACE) return MISS;
    const body = scanTop();
    skipSpace();
    return pos === end ? body : MISS;
  } catch {
    // MISS_SIGNAL; a writer's InputValidationError; a RangeError from a pathological body: in
    // every case the generic path decides, and words any error.
    return MISS;
  } finally {
    src = EMPTY;
  }
}

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const LOWER_E = 0x65;
const UPPER_E = 0x45;

function miss(): never {
  throw MISS_SIGNAL;
}

function skipSpace(): void {
  let code = src[pos];
  while (code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09) code = src[++pos];
}

/** `pos` is at `{`; walks the members, calling `member(key)` with `pos` at each value. */
function scanMembers(target: Record<string, unknown>, member: (key: string) => unknown): void {
  pos++;
  skipSpace();
  if (src[pos] === CLOSE_BRACE) {
    pos++;
    return;
  }
  for (;;) {
    if (src[pos] !== QUOTE) miss();
    const key = scanString();
    // Left to secure-json-parse, which refuses them; duplicates, to JSON.parse's last-one-wins.
    if (key === '__proto__' || key === 'constructor' || Object.hasOwn(target, key)) miss();
    skipSpace();
    if (src[pos] !== COLON) miss();
    pos++;
    skipSpace();
    target[key] = member(key);
    skipSpace();
    const code = src[pos++];
    if (code === CLOSE_BRACE) return;
    if (code !== COMMA) miss();
    skipSpace();
  }
}

function scanTopLevel(): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  scanMembers(body, (key) => (key === 'inputs' && src[pos] === OPEN_BRACKET ? scanInputs() : scanValue(0)));
  return body;
}

/**
 * A body that is a JSON object, for protocols other than v2 (TF Serving's predict): `member(key)`
 * reads each member's value with `pos` at it, using the helpers below; MISS when the scanner gives up.
 */
export function scanObjectBody(bytes: Uint8Array, member: (key: string) => unknown): Record<string, unknown> | typeof MISS {
  return scanJson(asBuffer(bytes), () => {
    const body: Record<string, unknown> = {};
    scanMembers(body, member);
    return body;
  }) as Record<string, unknown> | typeof MISS;
}

/** Whether the value at `pos` is a list (for a `member` callback of scanObjectBody). */
export function atList(): boolean {
  return src[pos] === OPEN_BRACKET;
}

/** The value at `pos` as JSON.parse would build it (for a `member` callback of scanObjectBody). */
export function scanMemberValue(): unknown {
  return scanValue(1);
}

/** A dense tensor read from nested lists: the shape their nesting implies, and the elements. */
export class DenseData {
  constructor(
    readonly shape: number[],
    readonly data: TensorData,
  ) {}
}

/**
 * The list at `pos` as a dense tensor (TF Serving's discipline, see nested-data.ts): every list at
 * one depth has the same length and numbers sit only at the deepest one, which gives the shape.
 * One pass: scanElements writes the numbers into an array sized for the most numbers the rest of
 * the body can hold (each takes a byte and a separator) and checks the discipline list by list as
 * it goes (see checkDenseList); the numbers read are then copied out. Empty lists, strings,
 * literals and objects are left to the generic path (MISS), as are values the datatype refuses.
 * (Finding the shape in a walk of its own first cost about 40% of the time a 3x64x64 image took.)
 */
export function scanDenseData(datatype: DataType): DenseData {
  if (src[pos] !== OPEN_BRACKET) miss();
  const capacity = Math.ceil((end - pos) / 2);
  const float32 = datatype === 'FP32';
  const target = createDecodeTarget(datatype, capacity, SILENT_CONTEXT, float32 ? denseScratchFor(capacity) : undefined);
  const deferred: number[] = [];
  denseLeafDepth = -1;
  listLengths.fill(-1);
  // An empty list is a miss, so numbers were read and denseLeafDepth is at least 1.
  const count = scanElements(target, float32, capacity, MAX_RANK, deferred, true);
  const shape = Array.from(listLengths.subarray(1, denseLeafDepth + 1));
  if (deferred.length > 0) writeDeferred(target, deferred);
  // The capacity always exceeds the count (the list's brackets take bytes too): an exact copy, which
  // also leaves the FP32 scratch free for the next body.
  return new DenseData(shape, copyOf(target.data as Exclude<TensorData, Uint8Array[]>, count));
}

/** The first `count` elements of `data` in an array of their own (tensor-storage's, so small ones are cheap). */
function copyOf(data: Exclude<TensorData, Uint8Array[]>, count: number): Exclude<TensorData, Uint8Array[]> {
  const copy = newTypedArray(data.constructor as unknown as Float32ArrayConstructor, count) as typeof data;
  (copy as Float32Array).set((data as Float32Array).subarray(0, count));
  return copy;
}

/**
 * The array scanDenseData writes FP32 numbers into, reused from body to body up to DENSE_SCRATCH_FLOATS
 * numbers (decoding is synchronous, and what it returns is a copy): an array sized for the whole
 * body on every request would be garbage the main thread's collector has to reclaim, at about
 * twice the size of the body each time.
 */
let denseScratch = new Float32Array(0);
const DENSE_SCRATCH_FLOATS = 1 << 20;

function denseScratchFor(capacity: number): Float32Array {
  if (capacity > DENSE_SCRATCH_FLOATS) return new Float32Array(capacity);
  if (denseScratch.length < capacity) denseScratch = new Float32Array(Math.min(DENSE_SCRATCH_FLOATS, Math.max(capacity, 2 * denseScratch.length)));
  return denseScratch;
}

/**
 * scanElements' record of the lists of a dense tensor, by depth (the outer list is 1): the length
 * of the first list closed at each depth (-1: none yet), and for the list open at each depth, the
 * element index where it opened and how many lists it holds. denseLeafDepth: where the numbers sit.
 */
const listLengths = new Int32Array(MAX_RANK + 2);
const listOpenedAt = new Int32Array(MAX_RANK + 2);
const listChildren = new Int32Array(MAX_RANK + 2);
let denseLeafDepth = -1;

/**
 * A list opens inside the one at `depth` (dense mode). One inside a list of numbers needs no check
 * here: its own numbers sit deeper than the others (a miss when read) or it is empty (a miss).
 */
function openDenseList(depth: number, index: number): void {
  listChildren[depth]++;
  listOpenedAt[depth + 1] = index;
  listChildren[depth + 1] = 0;
}

/**
 * The list at `depth` closes with `index` elements read in all: it must be as long as the first list
 * closed at its depth. With numbers at one depth only and no empty list, that makes the lists'
 * lengths the shape, and their product the count.
 */
function checkDenseList(depth: number, index: number): void {
  const length = depth === denseLeafDepth ? index - listOpenedAt[depth] : listChildren[depth];
  if (listLengths[depth] < 0) listLengths[depth] = length;
  else if (listLengths[depth] !== length) miss();
}

function scanInputs(): unknown[] {
  const inputs: unknown[] = [];
  pos++;
  skipSpace();
  if (src[pos] === CLOSE_BRACKET) {
    pos++;
    return inputs;
  }
  for (;;) {
    inputs.push(src[pos] === OPEN_BRACE ? scanInput() : scanValue(1));
    skipSpace();
    const code = src[pos++];
    if (code === CLOSE_BRACKET) return inputs;
    if (code !== COMMA) miss();
    skipSpace();
  }
}

function scanInput(): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  scanMembers(input, (key) => {
    if (key !== 'data' || src[pos] !== OPEN_BRACKET) return scanValue(2);
    // The tensor's typed array needs the datatype and the element count first; clients write
    // them first, and a body that does not is left to the generic path.
    const { datatype, shape } = input;
    if (!isDataType(datatype) || !isShape(shape)) miss();
    return scanData(datatype, shape);
  });
  return input;
}

/** What decodeV2Request's readShape accepts. */
function isShape(shape: unknown): shape is number[] {
  return (
    Array.isArray(shape) &&
    shape.length <= MAX_RANK &&
    shape.every((dimension) => Number.isSafeInteger(dimension) && (dimension as number) >= 0)
  );
}

/** Any JSON value, built as JSON.parse would build it. */
function scanValue(depth: number): unknown {
  if (depth > MAX_DEPTH) miss();
  const code = src[pos];
  if (code === QUOTE) return scanString();
  if (code === OPEN_BRACE) {
    const object: Record<string, unknown> = {};
    scanMembers(object, () => scanValue(depth + 1));
    return object;
  }
  if (code === OPEN_BRACKET) {
    const array: unknown[] = [];
    pos++;
    skipSpace();
    if (src[pos] === CLOSE_BRACKET) {
      pos++;
      return array;
    }
    for (;;) {
      array.push(scanValue(depth + 1));
      skipSpace();
      const next = src[pos++];
      if (next === CLOSE_BRACKET) return array;
      if (next !== COMMA) miss();
      skipSpace();
    }
  }
  if (code === MINUS || (code >= ZERO && code <= NINE)) {
    const start = pos;
    scanNumberToken();
    return pos - start <= SMALL_INTEGER_DIGITS ? smallInteger(start, pos) : Number(src.toString('latin1', start, pos));
  }
  return scanLiteral();
}

/** Up to 15 digits, a whole number is exact in a double. */
const SMALL_INTEGER_DIGITS = 15;

/**
 * The number token in [start, stop) (at most SMALL_INTEGER_DIGITS bytes, valid JSON): computed here
 * when it is a non-negative integer (shapes, sizes), as Number() of its text otherwise.
 */
function smallInteger(start: number, stop: number): number {
  let value = 0;
  for (let at = start; at < stop; at++) {
    const code = src[at];
    if (code < ZERO || code > NINE) return Number(src.toString('latin1', start, stop));
    value = value * 10 + (code - ZERO);
  }
  return value;
}

function scanLiteral(): boolean | null {
  const code = src[pos];
  if (code === 0x74 /* t */ && src[pos + 1] === 0x72 && src[pos + 2] === 0x75 && src[pos + 3] === 0x65) {
    pos += 4;
    return true;
  }
  if (code === 0x66 /* f */ && src[pos + 1] === 0x61 && src[pos + 2] === 0x6c && src[pos + 3] === 0x73 && src[pos + 4] === 0x65) {
    pos += 5;
    return false;
  }
  if (code === 0x6e /* n */ && src[pos + 1] === 0x75 && src[pos + 2] === 0x6c && src[pos + 3] === 0x6c) {
    pos += 4;
    return null;
  }
  return miss();
}

/** `pos` at the opening quote; JSON string semantics (escapes through JSON.parse itself). */
function scanString(): string {
  const start = ++pos;
  let plain = true;
  let ascii = true;
  let hash = 0;
  for (;;) {
    if (pos >= end) miss();
    const code = src[pos];
    if (code === QUOTE) break;
    if (code < 0x20) miss();
    if (code === BACKSLASH) {
      plain = false;
      pos += 2;
      continue;
    }
    if (code >= 0x80) ascii = false;
    hash = (Math.imul(hash, 31) + code) | 0;
    pos++;
  }
  const stop = pos++;
  if (plain && ascii && stop - start <= INTERNED_MAX_LENGTH) return internedString(start, stop, hash);
  if (plain) return src.toString(ascii ? 'latin1' : 'utf8', start, stop);
  const value: unknown = JSON.parse(src.toString('utf8', start - 1, stop + 1));
  return value as string;
}

/**
 * Short ASCII strings (the member names, datatypes and input names every request repeats) come from
 * a small table rather than a new string each time: making a string from the bytes is a native call,
 * and a fresh string used as a property name must be looked up in V8's string table before every
 * member store. The table is direct-mapped by a hash of the bytes, and an entry is used only when
 * its characters equal the bytes.
 */
const INTERNED_MAX_LENGTH = 32;
const INTERNED_SLOTS = 256;
const interned: string[] = new Array<string>(INTERNED_SLOTS).fill('');

function internedString(start: number, stop: number, hash: number): string {
  const slot = (hash ^ (hash >>> 8)) & (INTERNED_SLOTS - 1);
  const cached = interned[slot];
  const length = stop - start;
  if (cached.length === length) {
    let same = true;
    for (let index = 0; index < length; index++) {
      if (cached.charCodeAt(index) !== src[start + index]) {
        same = false;
        break;
      }
    }
    if (same) return cached;
  }
  const value = src.toString('latin1', start, stop);
  interned[slot] = value;
  return value;
}

/** Moves past a number that follows JSON's grammar exactly; misses otherwise. */
function scanNumberToken(): void {
  let code = src[pos];
  if (code === MINUS) code = src[++pos];
  if (code === ZERO) code = src[++pos];
  else if (code >= 0x31 && code <= NINE) while (code >= ZERO && code <= NINE) code = src[++pos];
  else miss();
  if (code === DOT) {
    code = src[++pos];
    if (!(code >= ZERO && code <= NINE)) miss();
    while (code >= ZERO && code <= NINE) code = src[++pos];
  }
  if (code === LOWER_E || code === UPPER_E) {
    code = src[++pos];
    if (code === PLUS || code === MINUS) code = src[++pos];
    if (!(code >= ZERO && code <= NINE)) miss();
    while (code >= ZERO && code <= NINE) code = src[++pos];
  }
}

// ---------------------------------------------------------------------------------------------
// Tensor data. The element loop keeps the text and the position in locals (module variables live
// in a context object, and reloading them per byte halves the speed); it writes `pos` back before
// calling anything that scans.

const POWERS_OF_TEN: number[] = [];
for (let exponent = 0; exponent <= 22; exponent++) POWERS_OF_TEN.push(Number(`1e${exponent}`));
/** Integers below this are exact doubles (so is 2^53, but so is 2^53 + 1 rounded to it). */
const EXACT_LIMIT = 2 ** 53;
/** Relative error bound of the approximate FP32 conversion, with a wide margin (see the header). */
const FP32_MARGIN = 2 ** -48;
/** Below FP32's overflow threshold, and far from float32 subnormals at the other end. */
const FP32_APPROX_MAX = 1e38;

/** Errors never reach the client from here: a writer that throws sends the request to the generic path. */
const SILENT_CONTEXT: ElementContext = { input: '', typeLabel: (datatype) => datatype, locate: (index) => String(index) };

/** `pos` at the `[` of an input's data: the elements straight into a typed array. */
function scanData(datatype: DataType, shape: number[]): PredecodedData {
  const needed = elementCount(shape);
  // Each element takes at least one byte: a shape that the body cannot fill is the generic
  // path's count error, found before anything is allocated.
  if (needed > end - pos) miss();
  const target = createDecodeTarget(datatype, needed, SILENT_CONTEXT);
  const deferred: number[] = [];
  const count = scanElements(target, datatype === 'FP32', needed, Math.max(shape.length, 1), deferred);
  if (count !== needed) miss();
  if (deferred.length > 0) writeDeferred(target, deferred);
  return new PredecodedData(datatype, needed, target.data);
}

/**
 * Walks the elements, flat or nested, writing each leaf; returns how many there were. Like
 * decodeV2Request: the data is nested when its first element is a list, and then leaves may sit at
 * any depth up to `maxDepth` lists; flat otherwise, where a list is an error. Numbers that need the
 * exact conversion are left in `deferred` as (index, start, end) triples. `dense` (TF Serving's
 * discipline, see scanDenseData) also takes numbers only, at one depth, in lists of equal length
 * per depth, and records their lengths.
 */
function scanElements(target: DecodeTarget, float32: boolean, needed: number, maxDepth: number, deferred: number[], dense = false): number {
  const text = src;
  const floats = float32 ? (target.data as Float32Array) : undefined;
  const write = target.write;
  let at = pos + 1;
  let code = text[at];
  while (code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09) code = text[++at];
  const nested = code === OPEN_BRACKET;
  let depth = 1;
  let index = 0;
  let plainMisses = 0;
  if (code === CLOSE_BRACKET) {
    if (dense) miss();
    pos = at + 1;
    return 0;
  }
  if (dense) {
    listOpenedAt[1] = 0;
    listChildren[1] = 0;
  }
  for (;;) {
    if (code === OPEN_BRACKET) {
      if (!nested || depth === maxDepth) miss();
      if (dense) openDenseList(depth, index);
      depth++;
      code = text[++at];
      while (code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09) code = text[++at];
      if (code !== CLOSE_BRACKET) continue;
      // An empty list holds no leaves; what follows it is handled below.
      if (dense) miss();
      code = text[++at];
      depth--;
    } else if (code === MINUS || (code >= ZERO && code <= NINE)) {
      if (dense && depth !== denseLeafDepth) {
        if (denseLeafDepth >= 0) miss();
        denseLeafDepth = depth;
      }
      if (floats !== undefined && index < needed && plainMisses < PLAIN_MISSES_ALLOWED) {
        const before = index;
        index = scanPlainFloats(text, at, floats, index, needed);
        if (index !== before) {
          // plainAt is the start of the next element, perhaps after spaces: read it from the top.
          plainMisses = 0;
          at = plainAt;
          code = text[at];
          while (code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09) code = text[++at];
          continue;
        }
        // A list's last number always misses (no comma); numbers in another style miss every time.
        plainMisses++;
      }
      if (index === needed) miss();
      // A JSON number: sign, integer part (no leading zeros), fraction, exponent.
      const start = at;
      const negative = code === MINUS;
      if (negative) code = text[++at];
      let mantissa = 0;
      let digits = 0;
      let exponent = 0;
      if (code === ZERO) code = text[++at];
      else if (code >= 0x31 && code <= NINE) {
        do {
          mantissa = mantissa * 10 + (code - ZERO);
          digits++;
          code = text[++at];
        } while (code >= ZERO && code <= NINE);
      } else miss();
      if (code === DOT) {
        code = text[++at];
        if (!(code >= ZERO && code <= NINE)) miss();
        do {
          // Leading zeros of a fraction are not significant digits.
          if (digits > 0 || code !== ZERO) {
            mantissa = mantissa * 10 + (code - ZERO);
            digits++;
          }
          exponent--;
          code = text[++at];
        } while (code >= ZERO && code <= NINE);
      }
      if (code === LOWER_E || code === UPPER_E) {
        code = text[++at];
        let negativeExponent = false;
        if (code === PLUS || code === MINUS) {
          negativeExponent = code === MINUS;
          code = text[++at];
        }
        if (!(code >= ZERO && code <= NINE)) miss();
        let written = 0;
        do {
          if (written < 100000) written = written * 10 + (code - ZERO);
          code = text[++at];
        } while (code >= ZERO && code <= NINE);
        exponent += negativeExponent ? -written : written;
      }
      // The double JSON.parse would give, when one exact operation yields it.
      let value = 0;
      let exact = true;
      if (mantissa !== 0) {
        if (exponent < -22 || exponent > 22) exact = false;
        else {
          value = exponent < 0 ? mantissa / POWERS_OF_TEN[-exponent] : mantissa * POWERS_OF_TEN[exponent];
          if (mantissa >= EXACT_LIMIT) {
            // The mantissa was rounded while accumulating, so the value may be a few ulps off:
            // usable for FP32 alone, and only when every double nearby rounds to the same float32.
            exact =
              float32 &&
              digits <= 19 &&
              value < FP32_APPROX_MAX &&
              Math.fround(value * (1 - FP32_MARGIN)) === Math.fround(value * (1 + FP32_MARGIN));
          }
        }
      }
      if (!exact) deferred.push(index, start, at);
      else if (floats !== undefined && value < FP32_APPROX_MAX) floats[index] = negative ? -value : value;
      else write(negative ? -value : value, index);
      index++;
    } else {
      if (dense || index === needed || code === OPEN_BRACE) miss(); // {"b64": ...} objects: the generic path
      pos = at;
      const value = code === QUOTE ? scanString() : scanLiteral();
      at = pos;
      write(value, index++);
      code = text[at];
    }
    // After a value: a comma, or closing brackets.
    for (;;) {
      while (code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09) code = text[++at];
      if (code === COMMA) {
        code = text[++at];
        while (code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09) code = text[++at];
        break;
      }
      if (code !== CLOSE_BRACKET) miss();
      if (dense) checkDenseList(depth, index);
      code = text[++at];
      if (--depth === 0) {
        pos = at;
        return index;
      }
    }
  }
}

/** Misses of scanPlainFloats in a row after which scanElements stops trying it for this tensor. */
const PLAIN_MISSES_ALLOWED = 4;
/** Where scanPlainFloats stopped: the first byte of an element it left to scanElements. */
let plainAt = 0;

/**
 * scanElements' common case in a loop of its own: FP32 numbers written plainly and each followed
 * by a comma (`-0.1234,`): no exponent, no spaces, at most 15 significant digits and 22 decimals,
 * so that the digits are an exact integer and one division by an exact power of ten rounds it as
 * JSON.parse does (the Clinger fast path). Starts on a number's first byte; stops before the first
 * element it cannot read so, or before one not followed by a comma (a list's last), and returns the
 * index after the last number written, with plainAt where it stopped. Half the work of the general
 * loop per number: no state for brackets, strings, exponents or deferred numbers.
 */
function scanPlainFloats(text: Uint8Array, at: number, floats: Float32Array, index: number, needed: number): number {
  for (;;) {
    const start = at;
    let code = text[at];
    const negative = code === MINUS;
    if (negative) code = text[++at];
    let mantissa = 0;
    let digits = 0;
    let decimals = 0;
    if (code === ZERO) code = text[++at];
    else if (code >= 0x31 && code <= NINE) {
      do {
        mantissa = mantissa * 10 + (code - ZERO);
        digits++;
        code = text[++at];
      } while (code >= ZERO && code <= NINE);
    }
    if (at > start + (negative ? 1 : 0) && code === DOT) {
      code = text[++at];
      while (code >= ZERO && code <= NINE) {
        // Leading zeros of a fraction are not significant digits.
        if (digits > 0 || code !== ZERO) {
          mantissa = mantissa * 10 + (code - ZERO);
          digits++;
        }
        decimals++;
        code = text[++at];
      }
      if (decimals === 0) code = 0; // "1." is not a number: left to scanElements, which refuses it
    }
    if (code !== COMMA || at === start + (negative ? 1 : 0) || digits > 15 || decimals > 22) {
      plainAt = start;
      return index;
    }
    const value = mantissa / POWERS_OF_TEN[decimals];
    floats[index++] = negative ? -value : value;
    at++;
    if (index === needed) {
      plainAt = at;
      return index;
    }
  }
}

/** The numbers that needed the exact conversion: one JSON.parse over all of them. */
function writeDeferred(target: DecodeTarget, deferred: number[]): void {
  const parts = new Array<string>(deferred.length / 3);
  for (let position = 0; position < parts.length; position++) {
    parts[position] = src.toString('latin1', deferred[3 * position + 1], deferred[3 * position + 2]);
  }
  const values = JSON.parse('[' + parts.join(',') + ']') as number[];
  for (let position = 0; position < values.length; position++) target.write(values[position], deferred[3 * position]);
}

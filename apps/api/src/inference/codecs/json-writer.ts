/**
 * Writes tensor data as JSON text directly from the typed array. Measured on a 3x64x64 FP32
 * tensor, appending numbers to a string is faster than JSON.stringify(Array.from(data)) and
 * never builds the intermediate array of boxed numbers; it also lets 64-bit integers keep all
 * their digits and NaN/Infinity be written the way each protocol wants.
 *
 * Floats are written with the shortest text that reads back as the same double (String(number));
 * for FP32 that text is exact for the stored float32 value. Whole floats get a trailing ".0"
 * (as TF Serving does) so that clients such as Python's json see floats, not a mix of ints and
 * floats.
 */
import type { Tensor } from '@modelgate/runtime';
import { encodeBase64 } from './base64';
import { fromFloat16Bits } from './float16';
import { appendInt64Range } from './int64';

export interface JsonWriteOptions {
  /**
   * `quoted`: "NaN", "Infinity", "-Infinity" strings, which keep the body valid JSON (v2).
   * `bare`: NaN, Infinity, -Infinity tokens, what TF Serving writes and Python's json reads.
   */
  readonly nonFinite: 'quoted' | 'bare';
  /** BYTES elements as `{"b64": "..."}` instead of UTF-8 text. */
  readonly bytesAsBase64: boolean;
}

const utf8 = new TextDecoder();
/** String(number) switches to exponent notation from here on, where ".0" must not be appended. */
const PLAIN_NOTATION_LIMIT = 1e21;

/** Appends elements [start, end) of the tensor, comma-separated, with no brackets. */
export function appendElements(
  text: string,
  tensor: Tensor,
  start: number,
  end: number,
  options: JsonWriteOptions,
): string {
  switch (tensor.datatype) {
    case 'FP32':
    case 'FP64':
      return appendFloats(text, tensor.data as Float32Array | Float64Array, start, end, options);
    case 'FP16':
      return appendFloat16s(text, tensor.data as Uint16Array, start, end, options);
    case 'INT64':
    case 'UINT64':
      return appendInt64Range(text, tensor.data as BigInt64Array, tensor.datatype === 'INT64', start, end);
    case 'BOOL': {
      const data = tensor.data as Uint8Array;
      for (let index = start; index < end; index++) text += (index > start ? ',' : '') + (data[index] ? 'true' : 'false');
      return text;
    }
    case 'BYTES':
      return appendBytes(text, tensor.data as Uint8Array[], start, end, options);
    default: {
      const data = tensor.data as Int32Array;
      for (let index = start; index < end; index++) text += (index > start ? ',' : '') + data[index];
      return text;
    }
  }
}

/** The whole tensor as one flat JSON array (Open Inference Protocol `data`). */
export function writeFlat(tensor: Tensor, options: JsonWriteOptions): string {
  return appendElements('[', tensor, 0, tensor.data.length, options) + ']';
}

/**
 * The block of the tensor that starts at flat `offset` and spans axes `level`.. of `shape`,
 * as nested JSON lists (a bare value when no axes are left): TF Serving's natural form.
 */
export function appendNested(
  text: string,
  tensor: Tensor,
  shape: readonly number[],
  level: number,
  offset: number,
  options: JsonWriteOptions,
): string {
  if (level === shape.length) return appendElements(text, tensor, offset, offset + 1, options);
  const size = shape[level];
  if (level === shape.length - 1) return appendElements(text + '[', tensor, offset, offset + size, options) + ']';
  let stride = 1;
  for (let axis = level + 1; axis < shape.length; axis++) stride *= shape[axis];
  text += '[';
  for (let position = 0; position < size; position++) {
    if (position > 0) text += ',';
    text = appendNested(text, tensor, shape, level + 1, offset + position * stride, options);
  }
  return text + ']';
}

function appendFloats(
  text: string,
  data: Float32Array | Float64Array,
  start: number,
  end: number,
  options: JsonWriteOptions,
): string {
  for (let index = start; index < end; index++) {
    if (index > start) text += ',';
    text = appendFloat(text, data[index], options);
  }
  return text;
}

function appendFloat16s(text: string, data: Uint16Array, start: number, end: number, options: JsonWriteOptions): string {
  for (let index = start; index < end; index++) {
    if (index > start) text += ',';
    text = appendFloat(text, fromFloat16Bits(data[index]), options);
  }
  return text;
}

function appendFloat(text: string, value: number, options: JsonWriteOptions): string {
  // value - value is NaN exactly for NaN and the infinities: one subtraction, no calls.
  if (value - value !== 0) {
    const token = value !== value ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
    return options.nonFinite === 'bare' ? text + token : text + '"' + token + '"';
  }
  if (Math.floor(value) === value && value < PLAIN_NOTATION_LIMIT && value > -PLAIN_NOTATION_LIMIT) {
    return text + value + '.0';
  }
  return text + value;
}

function appendBytes(text: string, data: Uint8Array[], start: number, end: number, options: JsonWriteOptions): string {
  for (let index = start; index < end; index++) {
    if (index > start) text += ',';
    // Base64 text needs no escaping; decoded UTF-8 may (quotes, control characters).
    text += options.bytesAsBase64
      ? '{"b64":"' + encodeBase64(data[index]) + '"}'
      : JSON.stringify(utf8.decode(data[index]));
  }
  return text;
}

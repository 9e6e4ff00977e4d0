/**
 * Writes JSON leaf values straight into a tensor's preallocated typed array, checking each against
 * the datatype. One closure per tensor, specialised per datatype, so that the per-element work is
 * a type test and a store: no boxing, no intermediate arrays, no regular expressions.
 */
import { InputValidationError, type DataType, type TensorData } from '@modelgate/runtime';
import { describeValue } from './describe';
import { decodeBase64Value } from './base64';
import { toFloat16Bits } from './float16';
import { LITTLE_ENDIAN, storeSafeInteger, wordsOf } from './int64';
import { newTypedArray } from './tensor-storage';

export type ElementWriter = (value: unknown, index: number) => void;

export interface DecodeTarget {
  readonly data: TensorData;
  readonly write: ElementWriter;
}

/** What an error message needs to say where the bad value was. */
export interface ElementContext {
  readonly input: string;
  /** How the protocol names the datatype: `datatype FP32` (v2), `dtype DT_FLOAT` (TF Serving). */
  readonly typeLabel: (datatype: DataType) => string;
  /** `element 3` (flat v2 data) or `element [1, 0, 3]` (nested TF Serving data). */
  readonly locate: (index: number) => string;
}

const INTEGER_RANGES = {
  INT8: [-128, 127],
  INT16: [-32768, 32767],
  INT32: [-2147483648, 2147483647],
  UINT8: [0, 255],
  UINT16: [0, 65535],
  UINT32: [0, 4294967295],
} as const;

/** Finite doubles from here up round to infinity when stored as float32. */
const FP32_OVERFLOW = 3.4028235677973366e38;
const FP16_OVERFLOW = 65520;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
const utf8 = new TextEncoder();

/** `float32Data`: for FP32, an array of at least `count` to write into (a reused scratch) instead of a new one. */
export function createDecodeTarget(datatype: DataType, count: number, context: ElementContext, float32Data?: Float32Array): DecodeTarget {
  const fail = (index: number, value: unknown, expected: string): never => {
    const deeper = Array.isArray(value) ? ' (a list nested deeper than the shape)' : '';
    throw new InputValidationError(
      `input "${context.input}": ${context.locate(index)} is ${describeValue(value)}${deeper}, ${expected}`,
      context.input,
    );
  };
  const label = context.typeLabel(datatype);
  const expectedNumber = `expected a number for ${label}`;

  switch (datatype) {
    case 'FP32': {
      const data = float32Data ?? newTypedArray(Float32Array, count);
      const write: ElementWriter = (value, index) => {
        if (typeof value === 'number') {
          if ((value >= FP32_OVERFLOW || value <= -FP32_OVERFLOW) && Number.isFinite(value)) {
            fail(index, value, `out of range for ${label} (largest magnitude 3.4028234663852886e+38)`);
          }
          data[index] = value;
        } else data[index] = nonFiniteNumber(value) ?? fail(index, value, expectedNumber);
      };
      return { data, write };
    }
    case 'FP64': {
      const data = newTypedArray(Float64Array, count);
      const write: ElementWriter = (value, index) => {
        data[index] = typeof value === 'number' ? value : (nonFiniteNumber(value) ?? fail(index, value, expectedNumber));
      };
      return { data, write };
    }
    case 'FP16': {
      const data = newTypedArray(Uint16Array, count);
      const write: ElementWriter = (value, index) => {
        const number = typeof value === 'number' ? value : (nonFiniteNumber(value) ?? fail(index, value, expectedNumber));
        if ((number >= FP16_OVERFLOW || number <= -FP16_OVERFLOW) && Number.isFinite(number)) {
          fail(index, value, `out of range for ${label} (largest magnitude 65504)`);
        }
        data[index] = toFloat16Bits(number);
      };
      return { data, write };
    }
    case 'BOOL': {
      const data = newTypedArray(Uint8Array, count);
      const write: ElementWriter = (value, index) => {
        if (value === true || value === 1) data[index] = 1;
        else if (value !== false && value !== 0) fail(index, value, `expected true, false, 0 or 1 for ${label}`);
      };
      return { data, write };
    }
    case 'INT8':
    case 'INT16':
    case 'INT32':
    case 'UINT8':
    case 'UINT16':
    case 'UINT32': {
      const [min, max] = INTEGER_RANGES[datatype];
      const data = allocateInteger32(datatype, count);
      const write: ElementWriter = (value, index) => {
        if (typeof value !== 'number' || !Number.isInteger(value)) fail(index, value, `expected an integer for ${label}`);
        else if (value < min || value > max) fail(index, value, `out of range for ${label} (${min} to ${max})`);
        else data[index] = value;
      };
      return { data, write };
    }
    case 'INT64':
    case 'UINT64':
      return create64BitTarget(datatype, count, label, fail);
    case 'BYTES': {
      const data = new Array<Uint8Array>(count);
      const write: ElementWriter = (value, index) => {
        if (typeof value === 'string') data[index] = utf8.encode(value);
        else {
          const bytes = decodeBase64Value(value);
          if (bytes === undefined) fail(index, value, `expected a string (or {"b64": "<base64>"}) for ${label}`);
          else if (bytes === null) fail(index, value, `whose "b64" value is not valid base64`);
          else data[index] = bytes;
        }
      };
      return { data, write };
    }
  }
}

/** JSON has no NaN or Infinity, so clients send them as these strings (what Python's json calls them). */
function nonFiniteNumber(value: unknown): number | undefined {
  if (value === 'NaN') return NaN;
  if (value === 'Infinity') return Infinity;
  if (value === '-Infinity') return -Infinity;
  return undefined;
}

function allocateInteger32(datatype: keyof typeof INTEGER_RANGES, count: number): TensorData {
  switch (datatype) {
    case 'INT8':
      return newTypedArray(Int8Array, count);
    case 'INT16':
      return newTypedArray(Int16Array, count);
    case 'INT32':
      return newTypedArray(Int32Array, count);
    case 'UINT8':
      return newTypedArray(Uint8Array, count);
    case 'UINT16':
      return newTypedArray(Uint16Array, count);
    case 'UINT32':
      return newTypedArray(Uint32Array, count);
  }
}

function create64BitTarget(
  datatype: 'INT64' | 'UINT64',
  count: number,
  label: string,
  fail: (index: number, value: unknown, expected: string) => never,
): DecodeTarget {
  const signed = datatype === 'INT64';
  const data = signed ? newTypedArray(BigInt64Array, count) : newTypedArray(BigUint64Array, count);
  const words = LITTLE_ENDIAN ? wordsOf(data) : undefined;
  const min = signed ? INT64_MIN : 0n;
  const max = signed ? INT64_MAX : UINT64_MAX;
  const range = `out of range for ${label} (${min} to ${max})`;

  const write: ElementWriter = (value, index) => {
    if (typeof value === 'number') {
      if (!Number.isInteger(value)) fail(index, value, `expected an integer for ${label}`);
      if (!Number.isSafeInteger(value)) {
        // JSON.parse has already rounded it: the digits the client sent are lost.
        fail(index, value, `beyond 2^53 where JSON numbers lose precision; send such ${label} values as decimal strings`);
      }
      if (!signed && value < 0) fail(index, value, range);
      if (words !== undefined) storeSafeInteger(words, index, value);
      else data[index] = BigInt(value);
      return;
    }
    if (typeof value !== 'string' || !isDecimalInteger(value)) {
      fail(index, value, `expected an integer (a number, or a decimal string for large values) for ${label}`);
    }
    const big = BigInt(value as string);
    if (big < min || big > max) fail(index, value, range);
    data[index] = big;
  };
  return { data, write };
}

/** BigInt() also takes hex, octal, binary and surrounding spaces; the protocol means decimal. */
function isDecimalInteger(text: string): boolean {
  const start = text.charCodeAt(0) === 45 /* - */ ? 1 : 0;
  if (text.length === start || text.length > 21) return false;
  for (let position = start; position < text.length; position++) {
    const code = text.charCodeAt(position);
    if (code < 48 || code > 57) return false;
  }
  return true;
}

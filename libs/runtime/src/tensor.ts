/**
 * Tensors as they travel through Modelgate: a datatype named as in the Open Inference Protocol,
 * a shape, and a flat typed array in row-major order. Typed arrays (never nested JS arrays) so that
 * they cross to worker threads as transferable buffers.
 */

export const DATA_TYPES = [
  'BOOL',
  'UINT8',
  'UINT16',
  'UINT32',
  'UINT64',
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'FP16',
  'FP32',
  'FP64',
  'BYTES',
] as const;

export type DataType = (typeof DATA_TYPES)[number];

/** BYTES tensors hold one Uint8Array per element; every other datatype a flat typed array. */
export type TensorData =
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Float32Array
  | Float64Array
  | Uint8Array[];

export interface Tensor {
  datatype: DataType;
  /** Concrete dimensions (no -1 here: -1 only appears in signatures). */
  shape: number[];
  data: TensorData;
}

/** Inputs or outputs of one inference call, by tensor name. */
export type NamedTensors = Record<string, Tensor>;

const TYPED_ARRAYS = {
  BOOL: Uint8Array,
  UINT8: Uint8Array,
  UINT16: Uint16Array,
  UINT32: Uint32Array,
  UINT64: BigUint64Array,
  INT8: Int8Array,
  INT16: Int16Array,
  INT32: Int32Array,
  INT64: BigInt64Array,
  FP16: Uint16Array,
  FP32: Float32Array,
  FP64: Float64Array,
} as const;

export type NumericDataType = keyof typeof TYPED_ARRAYS;

/** The typed array class that stores a numeric datatype (FP16 as raw Uint16 bits, BOOL as bytes). */
export function typedArrayClassFor(datatype: NumericDataType): (typeof TYPED_ARRAYS)[NumericDataType] {
  return TYPED_ARRAYS[datatype];
}

export function isDataType(value: unknown): value is DataType {
  return typeof value === 'string' && (DATA_TYPES as readonly string[]).includes(value);
}

export function isNumericDataType(datatype: DataType): datatype is NumericDataType {
  return datatype !== 'BYTES';
}

/** Size in bytes of one element, or undefined for BYTES (variable length). */
export function bytesPerElement(datatype: DataType): number | undefined {
  return datatype === 'BYTES' ? undefined : TYPED_ARRAYS[datatype].BYTES_PER_ELEMENT;
}

/** A zeroed typed array of the datatype's storage class. */
export function allocateTensorData(datatype: DataType, elementCount: number): TensorData {
  if (datatype === 'BYTES') return Array.from({ length: elementCount }, () => new Uint8Array(0));
  return new TYPED_ARRAYS[datatype](elementCount);
}

/** Number of elements a concrete shape holds (1 for a scalar, shape []). */
export function elementCount(shape: readonly number[]): number {
  let count = 1;
  for (const dim of shape) count *= dim;
  return count;
}

export function is64BitInteger(datatype: DataType): boolean {
  return datatype === 'INT64' || datatype === 'UINT64';
}

/**
 * Copies of tensors, for a second engine call after the first took the originals (they move to
 * a worker as transferred buffers). BYTES elements are shared: nothing writes to them.
 */
export function copyTensors(tensors: NamedTensors): NamedTensors {
  const copies: NamedTensors = {};
  for (const name of Object.keys(tensors)) {
    const tensor = tensors[name];
    copies[name] = { datatype: tensor.datatype, shape: tensor.shape.slice(), data: tensor.data.slice() as TensorData };
  }
  return copies;
}

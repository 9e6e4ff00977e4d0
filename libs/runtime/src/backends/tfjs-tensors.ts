/**
 * Tensors between Modelgate's datatypes and what TF.js computes with (float32, int32, bool,
 * string); see tfjs-signature.ts for which datatype maps to which and why.
 */
import type { Tensor as TfTensor } from '@tensorflow/tfjs-core';
import { InferenceError, InputValidationError } from '../errors';
import { type DataType, type Tensor, type TensorData, allocateTensorData, elementCount, is64BitInteger } from '../tensor';
import type { TfjsTensorBinding } from './tfjs-signature';

export type TfjsValues = Float32Array | Int32Array | Uint8Array | Uint8Array[];

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** The values TF.js is fed for one input; refuses values the computation type cannot hold. */
export function toTfjsValues(tensor: Tensor, binding: TfjsTensorBinding): TfjsValues {
  const { name } = binding;
  if (tensor.datatype !== binding.datatype) {
    throw new InputValidationError(`input '${name}' must be ${binding.datatype}, got ${tensor.datatype}`, name);
  }
  const data = tensor.data;
  if (data.length !== elementCount(tensor.shape)) {
    throw new InputValidationError(
      `input '${name}' has shape [${tensor.shape.join(', ')}], which needs ${elementCount(tensor.shape)} values, ` +
        `but holds ${data.length}`,
      name,
    );
  }
  switch (binding.tfDtype) {
    case 'string':
    case 'bool':
      return data as Uint8Array[] | Uint8Array;
    case 'float32':
      return data instanceof Float32Array ? data : narrowToFloat32(data as Float64Array, name);
    case 'int32':
      return data instanceof Int32Array ? data : narrowToInt32(data as Exclude<TensorData, Uint8Array[]>, name);
  }
}

function narrowToFloat32(data: Float64Array, input: string): Float32Array {
  const narrowed = Float32Array.from(data);
  for (let index = 0; index < data.length; index++) {
    if (!Number.isFinite(narrowed[index]) && Number.isFinite(data[index])) {
      throw new InputValidationError(
        `input '${input}' holds ${data[index]} at index ${index}, beyond the float32 range this TF.js model computes with`,
        input,
      );
    }
  }
  return narrowed;
}

function narrowToInt32(data: Exclude<TensorData, Uint8Array[]>, input: string): Int32Array {
  const narrowed = new Int32Array(data.length);
  for (let index = 0; index < data.length; index++) {
    const value = Number(data[index]);
    if (value < INT32_MIN || value > INT32_MAX) {
      throw new InputValidationError(
        `input '${input}' holds ${data[index]} at index ${index}, outside the int32 range this TF.js model ` +
          `computes with (${INT32_MIN} to ${INT32_MAX})`,
        input,
      );
    }
    narrowed[index] = value;
  }
  return narrowed;
}

/**
 * One output in its declared datatype. The data is always a fresh array: TF.js backends may hand
 * back their own storage (the cpu backend does, weights included), and the caller may transfer the
 * buffer to another thread.
 */
export async function fromTfjsTensor(tensor: TfTensor, binding: TfjsTensorBinding): Promise<Tensor> {
  const shape = tensor.shape.slice();
  if (binding.datatype === 'BYTES' || tensor.dtype === 'string') {
    if (binding.datatype !== 'BYTES' || tensor.dtype !== 'string') {
      throw new InferenceError(`output '${binding.name}' is ${tensor.dtype} in TF.js but declared ${binding.datatype}`);
    }
    const bytes = (await tensor.bytes()) as Uint8Array[];
    return { datatype: 'BYTES', shape, data: bytes.map((element) => element.slice()) };
  }
  const values = (await tensor.data()) as Float32Array | Int32Array | Uint8Array;
  return { datatype: binding.datatype, shape, data: copyAs(values, binding.datatype) };
}

function copyAs(values: Float32Array | Int32Array | Uint8Array, datatype: DataType): TensorData {
  const copy = allocateTensorData(datatype, values.length) as Exclude<TensorData, Uint8Array[]>;
  if (copy.constructor === values.constructor) {
    copy.set(values as never);
  } else if (is64BitInteger(datatype)) {
    const big = copy as BigInt64Array | BigUint64Array;
    for (let index = 0; index < values.length; index++) {
      big[index] = Number.isFinite(values[index]) ? BigInt(Math.trunc(values[index])) : 0n;
    }
  } else {
    (copy as Float64Array).set(values);
  }
  return copy;
}

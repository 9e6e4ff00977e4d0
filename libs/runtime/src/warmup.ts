import type { ModelSignature } from './signature';
import { allocateTensorData, elementCount, type DataType, type NamedTensors, type TensorData } from './tensor';

/** 0.5 as an IEEE 754 half-precision bit pattern (FP16 travels as Uint16Array). */
const HALF_PRECISION_ONE_HALF = 0x3800;

/**
 * Inputs for the warm-up run after a load: free dimensions become 1, floats are 0.5 and everything
 * else zero. Zero keeps integer inputs valid as indices (embedding lookups, gathers), and the
 * first real request then no longer pays for lazy allocations and kernel selection.
 */
export function generateWarmupInputs(signature: ModelSignature): NamedTensors {
  const inputs: NamedTensors = {};
  for (const spec of signature.inputs) {
    const shape = spec.shape.map((dim) => (dim < 0 ? 1 : dim));
    const data = allocateTensorData(spec.datatype, elementCount(shape));
    fillWarmupValue(spec.datatype, data);
    inputs[spec.name] = { datatype: spec.datatype, shape, data };
  }
  return inputs;
}

function fillWarmupValue(datatype: DataType, data: TensorData): void {
  if (datatype === 'FP32' || datatype === 'FP64') (data as Float32Array | Float64Array).fill(0.5);
  else if (datatype === 'FP16') (data as Uint16Array).fill(HALF_PRECISION_ONE_HALF);
}

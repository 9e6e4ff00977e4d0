import type { DataType } from './tensor';

/** One input or output as the model declares it. -1 marks a free (any size) dimension. */
export interface TensorSpec {
  name: string;
  datatype: DataType;
  shape: number[];
}

export interface ModelSignature {
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}

export type ModelFormat = 'onnx' | 'tfjs-graph' | 'tfjs-layers' | 'tf-savedmodel';

export const MODEL_FORMATS: readonly ModelFormat[] = ['onnx', 'tfjs-graph', 'tfjs-layers', 'tf-savedmodel'];

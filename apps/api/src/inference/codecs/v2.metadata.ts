/** Open Inference Protocol (KServe v2) metadata and error bodies. */
import type { DataType, ModelFormat, ModelSignature, TensorSpec } from '@modelgate/runtime';

export interface V2TensorMetadata {
  name: string;
  datatype: DataType;
  /** -1 marks a free dimension, as in the signature. */
  shape: number[];
}

export interface V2ModelMetadata {
  name: string;
  versions: string[];
  platform: string;
  inputs: V2TensorMetadata[];
  outputs: V2TensorMetadata[];
}

export interface V2ServerMetadata {
  name: string;
  version: string;
  extensions: string[];
}

/**
 * The spec's `platform` is `<framework>_<format>` (Triton's names: `onnxruntime_onnx`,
 * `tensorflow_savedmodel`). TF.js has no Triton name, so its formats use the names its own
 * converter gives them (`--output_format=tfjs_graph_model`).
 */
const PLATFORMS: Record<ModelFormat, string> = {
  onnx: 'onnxruntime_onnx',
  'tf-savedmodel': 'tensorflow_savedmodel',
  'tfjs-graph': 'tfjs_graph_model',
  'tfjs-layers': 'tfjs_layers_model',
};

export function platformFor(format: ModelFormat): string {
  return PLATFORMS[format];
}

export function v2ModelMetadata(model: {
  name: string;
  versions: readonly (string | number)[];
  platform: string;
  signature: ModelSignature;
}): V2ModelMetadata {
  return {
    name: model.name,
    versions: model.versions.map(String),
    platform: model.platform,
    inputs: model.signature.inputs.map(tensorMetadata),
    outputs: model.signature.outputs.map(tensorMetadata),
  };
}

function tensorMetadata(spec: TensorSpec): V2TensorMetadata {
  return { name: spec.name, datatype: spec.datatype, shape: [...spec.shape] };
}

/**
 * No standard extension is defined by the spec. Of Triton's, binary_tensor_data is implemented
 * (v2.binary.ts, BINARY_TENSOR_DATA_EXTENSION), and is claimed by the caller once its routes serve it;
 * none is claimed unless the caller names it.
 */
export function v2ServerMetadata(version: string, extensions: readonly string[] = []): V2ServerMetadata {
  return { name: 'modelgate', version, extensions: [...extensions] };
}

export function v2Error(message: string): { error: string } {
  return { error: message };
}

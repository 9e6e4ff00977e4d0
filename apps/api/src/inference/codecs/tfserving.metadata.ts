/**
 * TensorFlow Serving REST model status and metadata bodies, shaped like the JSON that
 * tensorflow_model_server prints for GetModelStatusResponse and GetModelMetadataResponse
 * (protobuf JSON: int64 fields such as versions and dim sizes are strings).
 */
import type { DataType, ModelSignature, TensorSpec } from '@modelgate/runtime';

/** TF's DataType enum names for each Open Inference Protocol datatype. */
export const TF_DTYPES: Record<DataType, string> = {
  BOOL: 'DT_BOOL',
  UINT8: 'DT_UINT8',
  UINT16: 'DT_UINT16',
  UINT32: 'DT_UINT32',
  UINT64: 'DT_UINT64',
  INT8: 'DT_INT8',
  INT16: 'DT_INT16',
  INT32: 'DT_INT32',
  INT64: 'DT_INT64',
  FP16: 'DT_HALF',
  FP32: 'DT_FLOAT',
  FP64: 'DT_DOUBLE',
  BYTES: 'DT_STRING',
};

export const DEFAULT_SIGNATURE_NAME = 'serving_default';

/** ModelVersionStatus.State. */
export type TfServingState = 'UNKNOWN' | 'START' | 'LOADING' | 'AVAILABLE' | 'UNLOADING' | 'END';

export interface TfServingVersion {
  version: number;
  /** `UNAVAILABLE` (not a TF state) is written as `END`: the version is not and will not be served. */
  state: TfServingState | 'UNAVAILABLE';
  /** Why the version failed; written with error code `UNKNOWN` unless `errorCode` says otherwise. */
  error?: string;
  /** A canonical status code name (`NOT_FOUND`, `FAILED_PRECONDITION`, ...). */
  errorCode?: string;
}

export interface TfServingModelStatus {
  model_version_status: {
    version: string;
    state: TfServingState;
    status: { error_code: string; error_message: string };
  }[];
}

interface TfTensorInfo {
  dtype: string;
  tensor_shape: { dim: { size: string; name: string }[]; unknown_rank: boolean };
  name: string;
}

export interface TfServingMetadata {
  model_spec: { name: string; signature_name: string; version: string };
  metadata: {
    signature_def: {
      signature_def: Record<
        string,
        { inputs: Record<string, TfTensorInfo>; outputs: Record<string, TfTensorInfo>; method_name: string }
      >;
    };
  };
}

export function tfServingModelStatus(versions: readonly TfServingVersion[]): TfServingModelStatus {
  return {
    model_version_status: versions.map((entry) => ({
      version: String(entry.version),
      state: entry.state === 'UNAVAILABLE' ? 'END' : entry.state,
      status:
        entry.error === undefined
          ? { error_code: 'OK', error_message: '' }
          : { error_code: entry.errorCode ?? 'UNKNOWN', error_message: entry.error },
    })),
  };
}

/**
 * `signature_name` is "" as TF Serving answers a metadata request that named none. Graph tensor
 * names are not part of a Modelgate signature, so each is given as `<name>:0`.
 */
export function tfServingMetadata(name: string, version: string | number, signature: ModelSignature): TfServingMetadata {
  return {
    model_spec: { name, signature_name: '', version: String(version) },
    metadata: {
      signature_def: {
        signature_def: {
          [DEFAULT_SIGNATURE_NAME]: {
            inputs: tensorInfoMap(signature.inputs),
            outputs: tensorInfoMap(signature.outputs),
            method_name: 'tensorflow/serving/predict',
          },
        },
      },
    },
  };
}

function tensorInfoMap(specs: readonly TensorSpec[]): Record<string, TfTensorInfo> {
  const map: Record<string, TfTensorInfo> = {};
  for (const spec of specs) {
    map[spec.name] = {
      dtype: TF_DTYPES[spec.datatype],
      tensor_shape: { dim: spec.shape.map((size) => ({ size: String(size), name: '' })), unknown_rank: false },
      name: `${spec.name}:0`,
    };
  }
  return map;
}

export function tfServingError(message: string): { error: string } {
  return { error: message };
}

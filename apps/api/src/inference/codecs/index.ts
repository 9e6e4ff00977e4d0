export {
  decodeV2Request,
  encodeV2Response,
  type BinaryOutputSelection,
  type V2InferRequest,
  type V2InferResponseParts,
} from './v2.codec';
export {
  BINARY_TENSOR_DATA_EXTENSION,
  INFERENCE_HEADER_CONTENT_LENGTH,
  binaryByteLength,
  decodeV2BinaryRequest,
  encodeV2BinaryResponse,
  isBinaryOutput,
  readInferenceHeaderLength,
  type V2BinaryResponse,
} from './v2.binary';
export { decodeV2RequestText } from './v2.text';
export {
  platformFor,
  v2Error,
  v2ModelMetadata,
  v2ServerMetadata,
  type V2ModelMetadata,
  type V2ServerMetadata,
  type V2TensorMetadata,
} from './v2.metadata';
export { decodePredictRequest, encodePredictResponse, type PredictFormat, type PredictRequest } from './tfserving.codec';
export {
  DEFAULT_SIGNATURE_NAME,
  TF_DTYPES,
  tfServingError,
  tfServingMetadata,
  tfServingModelStatus,
  type TfServingMetadata,
  type TfServingModelStatus,
  type TfServingState,
  type TfServingVersion,
} from './tfserving.metadata';

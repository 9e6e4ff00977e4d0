/**
 * TF Serving predict requests decoded straight from the body's bytes, as v2.text.ts does for the
 * Open Inference Protocol: JSON.parse would build one boxed number and one array per row of a
 * nested `instances` image (12,288 numbers and 192 arrays for 3x64x64) before the codec flattens
 * them; the scanner writes the numbers into the tensor's typed array instead.
 *
 * Only the common request is taken this way: a model with one input, a body with `instances` or
 * `inputs` holding a dense list of numbers (optionally `signature_name`). Anything else (named
 * instances, several inputs, strings, `{"b64": ...}`, empty or ragged lists, invalid JSON) goes to
 * the generic path, JSON parsing and decodePredictRequest, so every error is worded as before.
 */
import type { ModelSignature } from '@modelgate/runtime';
import type { PredictRequest } from './tfserving.codec';
import { DEFAULT_SIGNATURE_NAME } from './tfserving.metadata';
import { DenseData, MISS, atList, scanDenseData, scanMemberValue, scanObjectBody } from './v2.text';

/** The request when the scanner could read it, else undefined (the caller decodes it generically). */
export function scanPredictRequest(bytes: Uint8Array, signature: ModelSignature): PredictRequest | undefined {
  if (signature.inputs.length !== 1) return undefined;
  const spec = signature.inputs[0];
  const body = scanObjectBody(bytes, (key) =>
    (key === 'instances' || key === 'inputs') && atList() ? scanDenseData(spec.datatype) : scanMemberValue(),
  );
  if (body === MISS) return undefined;
  const signatureName = body.signature_name;
  if (signatureName !== undefined && signatureName !== '' && signatureName !== DEFAULT_SIGNATURE_NAME) return undefined;
  const { instances, inputs } = body;
  // Both, neither, or a value that is not a dense list: the generic path says what is wrong.
  if ((instances === undefined) === (inputs === undefined)) return undefined;
  const dense = instances ?? inputs;
  if (!(dense instanceof DenseData)) return undefined;
  const request: PredictRequest = {
    format: instances === undefined ? 'columnar' : 'row',
    inputs: { [spec.name]: { datatype: spec.datatype, shape: dense.shape, data: dense.data } },
  };
  if (signatureName !== undefined) request.signatureName = signatureName as string;
  return request;
}

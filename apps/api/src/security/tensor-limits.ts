import type { NamedTensors } from '@modelgate/runtime';
import { PayloadTooLargeError } from '../common/errors';

/**
 * The total element count of a prediction's inputs, checked before it reaches a worker: the body
 * limit bounds what a request can send, this bounds what a model is asked to compute (a binary
 * request packs far more elements per byte than JSON).
 */
export function assertTensorElements(inputs: NamedTensors, maxElements: number): void {
  let total = 0;
  for (const name of Object.keys(inputs)) total += inputs[name]!.data.length;
  if (total > maxElements) {
    throw new PayloadTooLargeError(
      `the request holds ${total} tensor elements, more than the ${maxElements} allowed (MODELGATE_MAX_TENSOR_ELEMENTS); send fewer rows per request`,
    );
  }
}

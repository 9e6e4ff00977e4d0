import { InferenceError, elementCount, type ModelSignature, type NamedTensors, type Tensor } from '@modelgate/runtime';
import { formatShape } from './describe';

/**
 * Output names in signature order, then any outputs the signature does not list (added by
 * post-processing such as label maps or top-k), so that responses have a stable order.
 */
export function orderedOutputNames(outputs: NamedTensors, signature: ModelSignature): string[] {
  const names = signature.outputs.map((output) => output.name).filter((name) => Object.hasOwn(outputs, name));
  for (const name of Object.keys(outputs)) if (!names.includes(name)) names.push(name);
  return names;
}

/** A backend bug, not a client's: the data must hold exactly the elements its shape says. */
export function checkOutputSize(name: string, tensor: Tensor): void {
  const expected = elementCount(tensor.shape);
  if (tensor.data.length !== expected) {
    throw new InferenceError(
      `output "${name}" has ${tensor.data.length} elements but its shape ${formatShape(tensor.shape)} needs ${expected}`,
    );
  }
}

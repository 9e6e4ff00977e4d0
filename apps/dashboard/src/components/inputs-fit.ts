/** A model input as the version's signature gives it: -1 marks a free dimension. */
export interface InputSpec {
  name: string;
  datatype: string;
  shape: readonly number[];
}

/**
 * Whether a request written for one signature's inputs fits the other's, as the deployment API
 * checks the versions it routes beside stable: the same input names in any order, each with the
 * same datatype and rank, and each dimension equal or free (-1) in either. A signature that lists
 * no inputs (not known) fits any.
 */
export function inputsFit(a: readonly InputSpec[], b: readonly InputSpec[]): boolean {
  if (a.length === 0 || b.length === 0) return true;
  const fits = (input: InputSpec, other: InputSpec) =>
    other.name === input.name &&
    other.datatype === input.datatype &&
    other.shape.length === input.shape.length &&
    other.shape.every((dimension, axis) => dimension === input.shape[axis] || dimension < 0 || input.shape[axis] < 0);
  return a.length === b.length && a.every((input) => b.some((other) => fits(input, other)));
}

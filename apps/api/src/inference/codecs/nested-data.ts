/**
 * Walking nested JSON lists into a flat row-major typed array, without building intermediate
 * arrays. Two disciplines:
 * - loose (Open Inference Protocol): data may be flat or nested in any way; the leaves, in order,
 *   are the elements, and only their count must match the declared shape.
 * - dense (TF Serving): the shape comes from the nesting itself, so every list at a level must
 *   have the same length (rectangular), and values sit exactly at the deepest level.
 * Recursion depth is bounded by the tensor's rank, so a maliciously deep body cannot overflow the
 * stack.
 */
import { InputValidationError } from '@modelgate/runtime';
import { coordinatesOf, describeValue, formatShape } from './describe';
import type { ElementWriter } from './element-decoder';

/** Deeper than any model's rank; guards the recursion when the shape comes from the data. */
export const MAX_RANK = 32;

/** Number of non-list leaves, or -1 when some leaf sits deeper than `maxDepth` lists. */
export function countLeaves(values: readonly unknown[], maxDepth: number): number {
  if (maxDepth === 0) return -1;
  let count = 0;
  for (let position = 0; position < values.length; position++) {
    const value = values[position];
    if (Array.isArray(value)) {
      const inner = countLeaves(value, maxDepth - 1);
      if (inner < 0) return -1;
      count += inner;
    } else count++;
  }
  return count;
}

/** Writes the leaves in order starting at `index`; returns the index after the last one. */
export function fillLoose(values: readonly unknown[], index: number, write: ElementWriter): number {
  for (let position = 0; position < values.length; position++) {
    const value = values[position];
    if (Array.isArray(value)) index = fillLoose(value, index, write);
    else write(value, index++);
  }
  return index;
}

/**
 * The shape a dense nested value implies, read along its first elements (as TF Serving does);
 * a scalar has shape []. Undefined when nested deeper than MAX_RANK.
 */
export function impliedShape(value: unknown): number[] | undefined {
  const shape: number[] = [];
  let current = value;
  while (Array.isArray(current)) {
    if (shape.length === MAX_RANK) return undefined;
    shape.push(current.length);
    if (current.length === 0) break;
    current = current[0];
  }
  return shape;
}

/**
 * Writes a dense value whose outer `level` axes are already placed: it fills the block of `shape`
 * that starts at flat `offset`. Throws when a list has the wrong length or a value sits where a
 * list belongs, naming the position within the full shape.
 */
export function fillDense(
  value: unknown,
  shape: readonly number[],
  level: number,
  offset: number,
  write: ElementWriter,
  input: string,
): void {
  if (level === shape.length) {
    write(value, offset);
    return;
  }
  const size = shape[level];
  if (!Array.isArray(value) || value.length !== size) {
    const received = Array.isArray(value) ? `a list of ${value.length}` : describeValue(value);
    const where = level === 0 ? 'the value' : `the value at ${coordinatesOf(offset, shape, level)}`;
    throw new InputValidationError(
      `input "${input}": ${where} is ${received}, expected a list of ${size} to match shape ` +
        `${formatShape(shape)} (nested lists must be rectangular, like a tensor)`,
      input,
    );
  }
  if (level === shape.length - 1) {
    for (let position = 0; position < size; position++) write(value[position], offset + position);
    return;
  }
  let stride = 1;
  for (let axis = level + 1; axis < shape.length; axis++) stride *= shape[axis];
  for (let position = 0; position < size; position++) {
    fillDense(value[position], shape, level + 1, offset + position * stride, write, input);
  }
}

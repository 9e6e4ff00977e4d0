/** Small formatters for error messages; they run only once something is already wrong. */
import { formatShape } from '@modelgate/runtime';

const MAX_VALUE_TEXT = 60;

/** A received JSON value as the client would recognise it, shortened when long. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'missing';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    // Nested too deeply to print (String() would recurse just as far): say so instead.
    return Array.isArray(value) ? 'a list nested too deeply to show' : 'a value nested too deeply to show';
  }
  return text.length > MAX_VALUE_TEXT ? `${text.slice(0, MAX_VALUE_TEXT)}...` : text;
}

/** A shape as `[1, 3, 64, 64]`, as the runtime's own messages write it. */
export { formatShape };

/** A model's own names, quoted as JSON strings (names a request chose: quoteGivenNames, from the runtime). */
export function quoteNames(names: readonly string[]): string {
  return names.map((name) => JSON.stringify(name)).join(', ');
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The coordinates of a flat row-major index within a shape, as `[1, 0, 3]`; the first `axes` only. */
export function coordinatesOf(index: number, shape: readonly number[], axes = shape.length): string {
  const coordinates = new Array<number>(shape.length);
  let rest = index;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    const size = shape[axis];
    coordinates[axis] = size > 0 ? rest % size : 0;
    rest = size > 0 ? Math.floor(rest / size) : 0;
  }
  return formatShape(coordinates.slice(0, axes));
}

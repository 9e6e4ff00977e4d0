/**
 * Triton's classification extension of the Open Inference Protocol:
 * https://github.com/triton-inference-server/server/blob/main/docs/protocol/extension_classification.md
 *
 * A requested output with `"parameters": {"classification": k}` is answered as its k highest
 * values instead of the raw tensor: a BYTES tensor whose elements read `<value>:<index>` or, where
 * the version names its classes (its config's `classLabels`), `<value>:<index>:<label>`.
 *
 * - An output of rank 2 or more is a batch of rows along its first axis (every row flattened): the
 *   answer has shape [rows, k]. An output of rank 0 or 1 is one row: the answer has shape [k].
 * - k larger than a row's classes returns them all (as Triton does); 0 is the raw tensor.
 * - Highest value first, compared in the output's own datatype (64-bit integers exactly); equal
 *   values keep index order; NaN comes last.
 * - Values read back as the element they came from: an FP32 value is written with the fewest digits
 *   that give the same float32 ("0.96", where the JSON `data` of the raw output says
 *   0.9599999785423279), FP16 likewise, integers in full.
 */
import {
  InferenceError,
  InputValidationError,
  elementCount,
  isNumericDataType,
  type NamedTensors,
  type Tensor,
  type TensorSpec,
} from '@modelgate/runtime';
import { describeValue } from './describe';
import { fromFloat16Bits, toFloat16Bits } from './float16';
import { checkOutputSize } from './outputs';

/** The parameter's name, and the name server metadata lists in `extensions` (as Triton does). */
export const CLASSIFICATION_EXTENSION = 'classification';

/** Classes a request may ask for per row: beyond this the answer would be a dump, not a ranking. */
export const MAX_CLASSIFICATION_COUNT = 100_000;

/** Class names by output name, each list indexed by class (a version's `classLabels`). */
export type ClassLabels = Readonly<Record<string, readonly string[]>>;

/**
 * The `classification` parameter of a requested output: undefined when absent or 0 (the raw
 * tensor), else the number of classes to answer. Refused (400) when it is not a whole number, or the
 * output's datatype has no order to rank by.
 */
export function readClassification(output: TensorSpec, parameters: Record<string, unknown>): number | undefined {
  const count = parameters[CLASSIFICATION_EXTENSION];
  if (count === undefined) return undefined;
  if (!Number.isSafeInteger(count) || (count as number) < 0 || (count as number) > MAX_CLASSIFICATION_COUNT) {
    throw new InputValidationError(
      `output "${output.name}": "classification" must be the number of top classes to return, a whole number from 1 to ` +
        `${MAX_CLASSIFICATION_COUNT} (0 for the raw tensor), got ${describeValue(count)}`,
    );
  }
  if (count === 0) return undefined;
  if (!isNumericDataType(output.datatype) || output.datatype === 'BOOL') {
    throw new InputValidationError(
      `output "${output.name}": "classification" ranks numeric outputs, but "${output.name}" is ${output.datatype}; ask for it without "classification"`,
    );
  }
  return count as number;
}

/**
 * `outputs` with each output named in `counts` replaced by its top classes (a new object; the
 * tensors not classified are the same objects).
 */
export function classifyOutputs(outputs: NamedTensors, counts: ReadonlyMap<string, number>, labels: ClassLabels | undefined): NamedTensors {
  const classified: NamedTensors = { ...outputs };
  for (const [name, count] of counts) {
    const tensor = outputs[name];
    if (tensor === undefined) continue;
    classified[name] = topClasses(name, tensor, count, labels?.[name]);
  }
  return classified;
}

const utf8 = new TextEncoder();

/** The top `count` classes of every row of `tensor`, as the extension's BYTES tensor. */
export function topClasses(name: string, tensor: Tensor, count: number, labels?: readonly string[]): Tensor {
  const { datatype, shape, data } = tensor;
  if (!isNumericDataType(datatype) || datatype === 'BOOL') {
    throw new InferenceError(`output "${name}" is ${datatype}, which "classification" cannot rank`);
  }
  checkOutputSize(name, tensor);
  const batched = shape.length >= 2;
  const rows = batched ? shape[0] : 1;
  const perRow = elementCount(batched ? shape.slice(1) : shape);
  const keep = Math.min(count, perRow);
  // FP16 elements are raw bits, whose order is not the values' order.
  const values: ArrayLike<number | bigint> = datatype === 'FP16' ? Float64Array.from(data as Uint16Array, fromFloat16Bits) : (data as ArrayLike<number | bigint>);
  const format = formatterFor(datatype);
  const order = new Array<number>(perRow);
  const elements: Uint8Array[] = [];
  for (let row = 0; row < rows; row++) {
    const start = row * perRow;
    for (let index = 0; index < perRow; index++) order[index] = index;
    order.sort((a, b) => compareDescending(values[start + a], values[start + b]) || a - b);
    for (let rank = 0; rank < keep; rank++) {
      const index = order[rank];
      const label = labels !== undefined && index < labels.length && labels[index] !== '' ? ':' + labels[index] : '';
      elements.push(utf8.encode(format(values[start + index]) + ':' + index + label));
    }
  }
  return { datatype: 'BYTES', shape: batched ? [rows, keep] : [keep], data: elements };
}

/** Negative when `a` ranks before `b`: the higher value first, NaN after every number. */
function compareDescending(a: number | bigint, b: number | bigint): number {
  if (a === b) return 0;
  if (a !== a) return b !== b ? 0 : 1;
  if (b !== b) return -1;
  return a > b ? -1 : a < b ? 1 : 0;
}

function formatterFor(datatype: Tensor['datatype']): (value: number | bigint) => string {
  if (datatype === 'FP32') return (value) => shortestReading(value as number, Math.fround, 9);
  if (datatype === 'FP16') return (value) => shortestReading(value as number, roundToFloat16, 5);
  return String;
}

function roundToFloat16(value: number): number {
  return fromFloat16Bits(toFloat16Bits(value));
}

/**
 * The fewest significant digits that `round` (to the element's precision) reads back as `value`;
 * `maxDigits` always does (9 for float32, 5 for float16).
 */
function shortestReading(value: number, round: (value: number) => number, maxDigits: number): string {
  if (!Number.isFinite(value)) return String(value);
  for (let digits = 1; digits < maxDigits; digits++) {
    const reading = Number(value.toPrecision(digits));
    if (round(reading) === value) return String(reading);
  }
  return String(Number(value.toPrecision(maxDigits)));
}

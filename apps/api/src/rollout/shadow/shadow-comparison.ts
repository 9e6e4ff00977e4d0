import type { DataType, NamedTensors, Tensor } from '@modelgate/runtime';
import { halfToNumber } from '../../telemetry/drift/drift-math';

/** How a shadow's answer compared with the primary's, summed over the output tensors both have. */
export interface AnswerComparison {
  /** Classifier rows compared by their top-1 class, and of those, the rows where both picked the same. */
  rows: number;
  agreeingRows: number;
  /** Numeric values compared, and the sum and the largest of their absolute differences. */
  values: number;
  absDiffSum: number;
  absDiffMax: number;
}

const FLOAT_TYPES: ReadonlySet<DataType> = new Set(['FP16', 'FP32', 'FP64']);

/**
 * How an output is compared: `scores` (float [batch, classes > 1]: top-1 agreement per row and the
 * absolute differences of the scores), `labels` (integer, boolean or string [batch]: equality per
 * row), `values` (any other numeric output: absolute differences), `none` (strings of another shape).
 */
type OutputKind = 'scores' | 'labels' | 'values' | 'none';

export function outputKind(tensor: Pick<Tensor, 'datatype' | 'shape'>): OutputKind {
  const { datatype, shape } = tensor;
  if (FLOAT_TYPES.has(datatype)) return shape.length === 2 && shape[1] > 1 ? 'scores' : 'values';
  if (shape.length === 1) return 'labels';
  return datatype === 'BYTES' ? 'none' : 'values';
}

/**
 * Compares the shadow's outputs with the primary's, output by output, for the names both have.
 * Undefined when the answers cannot be compared: no output name in common, or a common output whose
 * shape or kind differs (the shadow answers another question, which counts as a shadow error).
 * Differences that are not finite (NaN or infinite values on either side) are left out of the sums,
 * except that equal values (NaN against NaN included) count as a difference of 0.
 */
export function compareAnswers(primary: NamedTensors, shadow: NamedTensors): AnswerComparison | undefined {
  const comparison: AnswerComparison = { rows: 0, agreeingRows: 0, values: 0, absDiffSum: 0, absDiffMax: 0 };
  let common = 0;
  for (const name of Object.keys(primary)) {
    const expected = primary[name];
    const actual = shadow[name];
    if (actual === undefined) continue;
    common++;
    const kind = outputKind(expected);
    if (kind !== outputKind(actual) || !sameShape(expected.shape, actual.shape)) return undefined;
    if (kind === 'none') continue;
    if (kind === 'labels') {
      addLabelAgreement(comparison, expected, actual);
      continue;
    }
    const count = expected.data.length;
    const expectedValues = numbersOf(expected);
    const actualValues = numbersOf(actual);
    if (kind === 'scores') addTopOneAgreement(comparison, expectedValues, actualValues, count / expected.shape[1], expected.shape[1]);
    addAbsoluteDifferences(comparison, expectedValues, actualValues, count);
  }
  return common > 0 ? comparison : undefined;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((size, axis) => size === b[axis]);
}

type NumberAt = (index: number) => number;

/** Element reader over a numeric tensor: FP16 bits decoded, 64-bit integers and booleans as numbers. */
function numbersOf(tensor: Tensor): NumberAt {
  const data = tensor.data;
  if (tensor.datatype === 'FP16') return (index) => halfToNumber((data as Uint16Array)[index]);
  if (tensor.datatype === 'INT64' || tensor.datatype === 'UINT64') return (index) => Number((data as BigInt64Array)[index]);
  const numbers = data as Float64Array;
  return (index) => numbers[index];
}

function addLabelAgreement(comparison: AnswerComparison, expected: Tensor, actual: Tensor): void {
  const rows = expected.shape[0];
  const same = expected.datatype === 'BYTES' || actual.datatype === 'BYTES' ? sameBytes(expected, actual) : sameNumbers(expected, actual);
  comparison.rows += rows;
  for (let row = 0; row < rows; row++) if (same(row)) comparison.agreeingRows++;
}

function sameNumbers(expected: Tensor, actual: Tensor): (index: number) => boolean {
  const expectedValue = numbersOf(expected);
  const actualValue = numbersOf(actual);
  return (index) => expectedValue(index) === actualValue(index);
}

function sameBytes(expected: Tensor, actual: Tensor): (index: number) => boolean {
  if (expected.datatype !== 'BYTES' || actual.datatype !== 'BYTES') return () => false;
  const expectedItems = expected.data as Uint8Array[];
  const actualItems = actual.data as Uint8Array[];
  return (index) => Buffer.compare(expectedItems[index], actualItems[index]) === 0;
}

function addTopOneAgreement(comparison: AnswerComparison, expected: NumberAt, actual: NumberAt, rows: number, classes: number): void {
  comparison.rows += rows;
  for (let start = 0; start < rows * classes; start += classes) {
    if (argmax(expected, start, start + classes) === argmax(actual, start, start + classes)) comparison.agreeingRows++;
  }
}

/** The index of the largest value in [start, end) relative to start; the first on ties, NaN never wins. */
export function argmax(values: NumberAt, start: number, end: number): number {
  let best = -1;
  let bestValue = -Infinity;
  for (let index = start; index < end; index++) {
    const value = values(index);
    if (value > bestValue || (best === -1 && value === bestValue)) {
      best = index - start;
      bestValue = value;
    }
  }
  return best;
}

function addAbsoluteDifferences(comparison: AnswerComparison, expected: NumberAt, actual: NumberAt, count: number): void {
  for (let index = 0; index < count; index++) {
    const a = expected(index);
    const b = actual(index);
    const difference = a === b || (Number.isNaN(a) && Number.isNaN(b)) ? 0 : Math.abs(a - b);
    if (!Number.isFinite(difference)) continue;
    comparison.values++;
    comparison.absDiffSum += difference;
    if (difference > comparison.absDiffMax) comparison.absDiffMax = difference;
  }
}

import type { DataType, ModelSignature, NamedTensors, TensorData, TensorSpec } from '@modelgate/runtime';
import { halfToNumber } from './drift-math';

/**
 * Which numbers drift is watched on, per version, derived once from its signature. Dimension 0 is
 * the row (the batch); each row becomes one vector of feature values:
 *
 * - a tensor with a fixed row of at most MAX_FEATURES_PER_TENSOR elements: one feature per element
 *   (`x[0]`, `x[1]`, ... or just `x` for one element per row);
 * - a larger or variable row (images, sequences): two summary features, the row's mean and standard
 *   deviation (`pixels:mean`, `pixels:std`), from at most SUMMARY_READS elements read at a stride;
 * - an output with 2 to 256 floats per row (class scores or probabilities) also gets its arg-max as a
 *   categorical feature (`probabilities:class`); an integer output with one value per row is taken
 *   as a class label (`label:class`, classes 0-63, anything else in a last "other" class);
 * - BYTES tensors are not watched.
 */
export const MAX_FEATURES_PER_TENSOR = 256;
export const SUMMARY_READS = 512;
/** Rows of one request that are sampled at most (evenly spaced through the batch)... */
export const MAX_ROWS_PER_SAMPLE = 16;
/** ...and fewer for wide rows, so that a sampled request copies at most about this many values. */
export const MAX_VALUES_PER_SAMPLE = 2048;
/** Integer labels 0..62 get their own class; the last class takes everything else. */
const LABEL_CATEGORIES = 64;

export type FeatureKind = 'numeric' | 'categorical';

export interface FeatureSpec {
  name: string;
  source: 'input' | 'output';
  kind: FeatureKind;
  /** Categorical features: how many classes (the last also takes out-of-range values). */
  categories?: number;
}

interface TensorPlan {
  name: string;
  datatype: DataType;
  mode: 'elements' | 'summary' | 'label';
  /** Elements per row ('elements' and 'label' modes). */
  perRow: number;
  /** Position of the tensor's first feature in the row vector. */
  offset: number;
  /** Position of the arg-max class feature, if the tensor has one. */
  classFeature?: number;
}

export interface DriftLayout {
  features: FeatureSpec[];
  inputs: TensorPlan[];
  outputs: TensorPlan[];
}

const FLOAT_TYPES: readonly DataType[] = ['FP16', 'FP32', 'FP64'];

export function driftLayout(signature: ModelSignature): DriftLayout {
  const features: FeatureSpec[] = [];
  const plan = (spec: TensorSpec, source: 'input' | 'output'): TensorPlan | undefined => {
    if (spec.datatype === 'BYTES') return undefined;
    const rowDims = spec.shape.slice(1);
    const fixed = rowDims.every((dim) => dim >= 0);
    const perRow = rowDims.reduce((product, dim) => product * dim, 1);
    const offset = features.length;
    if (source === 'output' && !FLOAT_TYPES.includes(spec.datatype) && fixed && perRow === 1) {
      features.push({ name: `${spec.name}:class`, source, kind: 'categorical', categories: LABEL_CATEGORIES });
      return { name: spec.name, datatype: spec.datatype, mode: 'label', perRow, offset };
    }
    if (!fixed || perRow > MAX_FEATURES_PER_TENSOR || perRow === 0) {
      features.push({ name: `${spec.name}:mean`, source, kind: 'numeric' }, { name: `${spec.name}:std`, source, kind: 'numeric' });
      return { name: spec.name, datatype: spec.datatype, mode: 'summary', perRow: 0, offset };
    }
    for (let element = 0; element < perRow; element++) {
      features.push({ name: perRow === 1 ? spec.name : `${spec.name}[${element}]`, source, kind: 'numeric' });
    }
    const tensor: TensorPlan = { name: spec.name, datatype: spec.datatype, mode: 'elements', perRow, offset };
    if (source === 'output' && FLOAT_TYPES.includes(spec.datatype) && perRow >= 2) {
      tensor.classFeature = features.length;
      features.push({ name: `${spec.name}:class`, source, kind: 'categorical', categories: perRow });
    }
    return tensor;
  };
  const inputs = signature.inputs.map((spec) => plan(spec, 'input')).filter((tensor): tensor is TensorPlan => tensor !== undefined);
  const outputs = signature.outputs.map((spec) => plan(spec, 'output')).filter((tensor): tensor is TensorPlan => tensor !== undefined);
  return { features, inputs, outputs };
}

function rowsOf(shape: readonly number[]): number {
  return shape.length === 0 ? 1 : shape[0];
}

/**
 * Which rows of a batch of `rows` are sampled: all, or at most MAX_ROWS_PER_SAMPLE (fewer when a
 * row has many features: about MAX_VALUES_PER_SAMPLE values in all) evenly spaced.
 */
export function sampledRows(rows: number, featuresPerRow = 1): number[] {
  const most = Math.max(1, Math.min(MAX_ROWS_PER_SAMPLE, Math.floor(MAX_VALUES_PER_SAMPLE / Math.max(1, featuresPerRow))));
  if (rows <= most) return Array.from({ length: rows }, (_, row) => row);
  return Array.from({ length: most }, (_, index) => Math.floor(((index + 0.5) * rows) / most));
}

/** Reads element `index` as a number: FP16 bits and 64-bit integers converted, anything else as is. */
function elementReader(data: TensorData, datatype: DataType): ((index: number) => number) | undefined {
  if (datatype === 'FP16') return (index) => halfToNumber((data as Uint16Array)[index]);
  if (datatype === 'INT64' || datatype === 'UINT64') return (index) => Number((data as BigInt64Array)[index]);
  return undefined;
}

/**
 * Copies the watched values of the sampled rows into `values`, row after row (`width` values per
 * row: the layout's feature count; one array per request, not one per row). Returns false
 * when the tensors do not have the rows or the row sizes the layout expects (that sample is dropped).
 * Reads at most the sampled rows' MAX_FEATURES_PER_TENSOR (or SUMMARY_READS) values per tensor:
 * the cost does not grow with the request.
 */
export function fillRows(plans: readonly TensorPlan[], tensors: NamedTensors, rows: readonly number[], values: Float64Array, width: number): boolean {
  for (const plan of plans) {
    const tensor = tensors[plan.name];
    if (tensor === undefined) continue;
    const rowCount = rowsOf(tensor.shape);
    if (rows.length > 0 && rows[rows.length - 1] >= rowCount) return false;
    const perRow = rowCount > 0 ? tensor.data.length / rowCount : 0;
    if (plan.mode !== 'summary' && perRow !== plan.perRow) return false;
    const read = elementReader(tensor.data, tensor.datatype);
    // The common datatypes are read straight from their typed array (no call per element).
    const data = tensor.data as Float32Array;
    for (let sample = 0; sample < rows.length; sample++) {
      const start = rows[sample] * perRow;
      const offset = sample * width + plan.offset;
      if (plan.mode === 'label') {
        values[offset] = read ? read(start) : data[start];
      } else if (plan.mode === 'elements') {
        let best = 0;
        let bestValue = -Infinity;
        for (let element = 0; element < perRow; element++) {
          const value = read ? read(start + element) : data[start + element];
          values[offset + element] = value;
          if (value > bestValue) {
            bestValue = value;
            best = element;
          }
        }
        if (plan.classFeature !== undefined) values[sample * width + plan.classFeature] = best;
      } else {
        const stride = Math.max(1, Math.floor(perRow / SUMMARY_READS));
        let count = 0;
        let sum = 0;
        let sumOfSquares = 0;
        for (let element = 0; element < perRow; element += stride) {
          const value = read ? read(start + element) : data[start + element];
          count++;
          sum += value;
          sumOfSquares += value * value;
        }
        const mean = count > 0 ? sum / count : 0;
        values[offset] = mean;
        values[offset + 1] = count > 0 ? Math.sqrt(Math.max(0, sumOfSquares / count - mean * mean)) : 0;
      }
    }
  }
  return true;
}

/** The rows of a request's inputs (from its first watched input). */
export function inputRows(layout: DriftLayout, inputs: NamedTensors): number {
  for (const plan of layout.inputs) {
    const tensor = inputs[plan.name];
    if (tensor !== undefined) return rowsOf(tensor.shape);
  }
  return 0;
}

/**
 * What the dynamic batcher may do with a version: its settings, whether (and along which axis) the
 * signature lets requests be joined, and the joining and splitting of tensors themselves.
 */
import { InferenceError, ModelLoadError } from './errors';
import { formatShape } from './input-check';
import type { ModelSignature, TensorSpec } from './signature';
import type { NamedTensors, Tensor, TensorData } from './tensor';

/** Online requests always go before batch ones (jobs, backfills). */
export type Priority = 'online' | 'batch';

/** A version's batching settings (its config's `batching`). Every field has a default. */
export interface BatchingConfig {
  /**
   * Most rows (the extent along the batch axis, summed over the requests) one engine call takes.
   * A request with more rows than this runs alone, as sent. 1 turns joining off.
   */
  maxBatchSize: number;
  /**
   * How long the oldest waiting request may wait for others to join it while every instance is busy.
   * 0: only join what is already waiting. A lone request never waits: an idle instance takes it
   * at once (see VersionQueue). Node timers resolve to whole milliseconds.
   */
  maxQueueDelayMs: number;
  /** Requests that may wait (not counting those being computed); more are refused with QueueFullError. */
  maxQueueSize: number;
  /** A request's deadline when it names none (ms from the call); a request may only shorten it. */
  defaultTimeoutMs: number;
  /**
   * Join along this axis instead of 0, for models whose batch is not the first dimension (recurrent
   * state shaped [layers, batch, units]: 1). It must be free (-1) in every input and output.
   */
  batchAxis?: number;
}

export const DEFAULT_BATCHING: Readonly<Required<Omit<BatchingConfig, 'batchAxis'>>> = {
  maxBatchSize: 32,
  maxQueueDelayMs: 1,
  maxQueueSize: 1024,
  defaultTimeoutMs: 30_000,
};

/** How a loaded version batches: the axis requests are joined along, or null (one by one), and why. */
export interface BatchPlan {
  axis: number | null;
  reason: string;
  /** An input has a free dimension besides the batch axis: only requests of equal shapes join. */
  shapesVary: boolean;
}

/** Fills in the defaults and refuses settings that cannot work (ModelLoadError naming the field). */
export function resolveBatchingConfig(options: Partial<BatchingConfig> = {}): BatchingConfig {
  const config: BatchingConfig = { ...DEFAULT_BATCHING };
  for (const field of ['maxBatchSize', 'maxQueueSize'] as const) {
    const value = options[field];
    if (value === undefined) continue;
    if (!Number.isInteger(value) || value < 1) throw badSetting(field, value, 'a whole number of at least 1');
    config[field] = value;
  }
  for (const field of ['maxQueueDelayMs', 'defaultTimeoutMs'] as const) {
    const value = options[field];
    if (value === undefined) continue;
    const valid = Number.isFinite(value) && (field === 'maxQueueDelayMs' ? value >= 0 : value > 0);
    if (!valid) throw badSetting(field, value, field === 'maxQueueDelayMs' ? 'a number of milliseconds >= 0' : 'a number of milliseconds > 0');
    config[field] = value;
  }
  if (options.batchAxis !== undefined) {
    if (!Number.isInteger(options.batchAxis) || options.batchAxis < 0) {
      throw badSetting('batchAxis', options.batchAxis, 'a whole number >= 0 (the dimension that holds the batch)');
    }
    config.batchAxis = options.batchAxis;
  }
  return config;
}

function badSetting(field: string, value: unknown, expected: string): ModelLoadError {
  return new ModelLoadError(`batching.${field} must be ${expected}, got ${JSON.stringify(value) ?? String(value)}`);
}

/**
 * Joining is safe only where the signature says every input and output carries the batch on the
 * same free axis: requests can then be stacked along it and the outputs cut back at the same rows.
 * Axis 0 is assumed when it is free everywhere; another axis only when the config names it, and a
 * named axis that is not free everywhere fails the load. Otherwise the version runs one by one.
 */
export function planBatching(signature: ModelSignature, config: BatchingConfig): BatchPlan {
  const tensors = [...signature.inputs.map((spec) => ['input', spec] as const), ...signature.outputs.map((spec) => ['output', spec] as const)];
  let axis: number | null;
  let reason: string;
  if (config.batchAxis !== undefined) {
    axis = config.batchAxis;
    for (const [role, spec] of tensors) {
      if (!isFreeAxis(spec, axis)) {
        throw new ModelLoadError(
          `batching.batchAxis is ${axis}, but dimension ${axis} of ${role} "${spec.name}" ${describeAxis(spec, axis)}; ` +
            'the batch axis must be free (-1) in every input and output: name another axis or leave batchAxis out',
        );
      }
    }
    reason = `joined along axis ${axis} (batchAxis)`;
  } else {
    const offender = signature.inputs.length === 0 ? undefined : tensors.find(([, spec]) => !isFreeAxis(spec, 0));
    axis = offender === undefined && signature.inputs.length > 0 ? 0 : null;
    reason =
      axis === 0
        ? 'joined along axis 0'
        : offender === undefined
          ? 'served one by one: the model has no inputs'
          : `served one by one: dimension 0 of ${offender[0]} "${offender[1].name}" ${describeAxis(offender[1], 0)} ` +
            '(set batching.batchAxis if the batch is on another axis)';
  }
  if (axis !== null && config.maxBatchSize === 1) {
    reason = 'served one by one: maxBatchSize is 1';
    axis = null;
  }
  const batchAxis = axis;
  const shapesVary = batchAxis !== null && signature.inputs.some((spec) => spec.shape.some((dim, index) => dim < 0 && index !== batchAxis));
  return { axis, reason, shapesVary };
}

function isFreeAxis(spec: TensorSpec, axis: number): boolean {
  return spec.shape.length > axis && spec.shape[axis] === -1;
}

function describeAxis(spec: TensorSpec, axis: number): string {
  if (spec.shape.length <= axis) return `does not exist (shape ${formatShape(spec.shape)})`;
  return `is fixed (shape ${formatShape(spec.shape)})`;
}

/**
 * The request's extent along the batch axis, or -1 when it cannot join others: its inputs disagree
 * on it (the model will say what it makes of that, alone).
 */
export function batchRows(inputs: NamedTensors, axis: number): number {
  let rows = -1;
  for (const name in inputs) {
    const extent = inputs[name].shape[axis];
    if (rows === -1) rows = extent;
    else if (extent !== rows) return -1;
  }
  return rows;
}

/** Requests join only when every dimension but the batch axis matches, input by input. */
export function shapeKey(inputs: NamedTensors, inputNames: readonly string[], axis: number): string {
  let key = '';
  for (const name of inputNames) {
    const shape = inputs[name].shape;
    for (let index = 0; index < shape.length; index++) if (index !== axis) key += `${shape[index]},`;
    key += '|';
  }
  return key;
}

type NumericData = Exclude<TensorData, Uint8Array[]>;
type NumericConstructor = new (length: number) => NumericData;

/**
 * A batch's inputs still apart: the members' tensors, to be stacked along axis 0. A worker's
 * shared-memory slot copies each member's rows straight to their place (SlotBuffer.writeStacked),
 * so the batch is written once; join() makes the joined tensors where a message must carry them.
 */
export class StackedInputs {
  constructor(
    readonly members: readonly { readonly inputs: NamedTensors; readonly rows: number }[],
    /** Rows of all members together: the joined tensors' first dimension. */
    readonly rows: number,
    /** The signature's inputs, in its order: the joined tensors'. */
    private readonly inputNames: readonly string[],
  ) {}

  /** The joined tensors, as joinInputs makes them along axis 0; throws when they cannot be joined. */
  join(): NamedTensors {
    return joinInputs(this.members, this.inputNames, 0, this.rows);
  }
}

/**
 * A job's inputs as one set of tensors (a batch's members joined); undefined when they cannot be
 * joined, and the job has then failed, saying why.
 */
export function jobInputs(job: { readonly inputs: NamedTensors | StackedInputs; fail(error: Error): void }): NamedTensors | undefined {
  try {
    return job.inputs instanceof StackedInputs ? job.inputs.join() : job.inputs;
  } catch (error) {
    job.fail(joinError(error));
    return undefined;
  }
}

/**
 * Stacks the members' inputs along `axis` into one tensor per input, allocated once at its full size.
 * Along axis 0 each member is one `set`; along another axis, one per block of the leading dimensions.
 */
export function joinInputs(
  members: readonly { inputs: NamedTensors | undefined; rows: number }[],
  inputNames: readonly string[],
  axis: number,
  totalRows: number,
): NamedTensors {
  const joined: NamedTensors = {};
  for (const name of inputNames) {
    const first = (members[0].inputs as NamedTensors)[name];
    const shape = first.shape.slice();
    shape[axis] = totalRows;
    const outer = leadingCount(shape, axis);
    const inner = trailingCount(shape, axis);
    const data = allocateLike(first.data, outer * totalRows * inner);
    let rowOffset = 0;
    for (const member of members) {
      const source = (member.inputs as NamedTensors)[name].data;
      const block = member.rows * inner;
      if (outer === 1) copyInto(data, source, 0, block, rowOffset * inner);
      else for (let o = 0; o < outer; o++) copyInto(data, source, o * block, block, (o * totalRows + rowOffset) * inner);
      rowOffset += member.rows;
    }
    joined[name] = { datatype: first.datatype, shape, data };
  }
  return joined;
}

/** Why a batch failed when its members' inputs could not be joined. */
export function joinError(error: unknown): InferenceError {
  const reason = error instanceof Error ? error.message : String(error);
  return new InferenceError(`the batch could not be joined: ${reason}`);
}

/** Throws InferenceError when an output does not carry the batch's rows on the batch axis. */
export function checkBatchedOutputs(outputs: NamedTensors, axis: number, totalRows: number): void {
  for (const name in outputs) {
    const shape = outputs[name].shape;
    if (shape.length <= axis || shape[axis] !== totalRows) {
      throw new InferenceError(
        `output "${name}" came back with shape ${formatShape(shape)} for a batch of ${totalRows} rows on axis ${axis}, ` +
          'so it cannot be split per request; this version now serves requests one by one (set batching.maxBatchSize to 1 to keep it so)',
      );
    }
  }
}

/**
 * One member's part of the batch outputs. Along axis 0 the part is a view of the batch's buffer (no
 * copy: the caller owns none of it but its rows; prepareTransfer copies such views if they are
 * moved on); along another axis the rows are not contiguous, so they are copied.
 */
export function sliceOutputs(outputs: NamedTensors, axis: number, totalRows: number, start: number, rows: number): NamedTensors {
  const part: NamedTensors = {};
  for (const name in outputs) part[name] = sliceTensor(outputs[name], axis, totalRows, start, rows);
  return part;
}

function sliceTensor(tensor: Tensor, axis: number, totalRows: number, start: number, rows: number): Tensor {
  const shape = tensor.shape.slice();
  shape[axis] = rows;
  const outer = leadingCount(shape, axis);
  const inner = trailingCount(shape, axis);
  const source = tensor.data;
  if (outer === 1) {
    const begin = start * inner;
    const end = begin + rows * inner;
    const data = Array.isArray(source) ? source.slice(begin, end) : source.subarray(begin, end);
    return { datatype: tensor.datatype, shape, data };
  }
  const data = allocateLike(source, outer * rows * inner);
  const block = rows * inner;
  for (let o = 0; o < outer; o++) copyInto(data, source, (o * totalRows + start) * inner, block, o * block);
  return { datatype: tensor.datatype, shape, data };
}

function allocateLike(data: TensorData, length: number): TensorData {
  if (Array.isArray(data)) return new Array<Uint8Array>(length);
  return new (data.constructor as NumericConstructor)(length);
}

function copyInto(target: TensorData, source: TensorData, from: number, count: number, to: number): void {
  if (Array.isArray(target)) {
    const strings = source as Uint8Array[];
    for (let index = 0; index < count; index++) target[to + index] = strings[from + index];
    return;
  }
  const values = source as NumericData;
  const slice = from === 0 && count === values.length ? values : values.subarray(from, from + count);
  (target as { set(array: ArrayLike<number | bigint>, offset: number): void }).set(slice, to);
}

function leadingCount(shape: readonly number[], axis: number): number {
  let count = 1;
  for (let index = 0; index < axis; index++) count *= shape[index];
  return count;
}

function trailingCount(shape: readonly number[], axis: number): number {
  let count = 1;
  for (let index = axis + 1; index < shape.length; index++) count *= shape[index];
  return count;
}

/**
 * A signature with a free first dimension does not prove that dimension is a batch: a model may
 * return the positions of its positive inputs ([-1] -> [-1, 1]), mix rows (batch statistics), or
 * reshape to a fixed size. So before a version joins requests, it answers a few distinct requests
 * alone and joined, through the same join and split code as the batcher, and joins only when the
 * answers agree.
 */
import type { Session } from './backends/backend';
import { joinInputs, sliceOutputs } from './batching';
import { WorkerCrashedError } from './errors';
import type { ModelSignature, TensorSpec } from './signature';
import { allocateTensorData, elementCount, type NamedTensors, type Tensor } from './tensor';
import type { ModelWorker, WorkerJob } from './worker/model-worker';

/** Rows of the probe requests: a single row and several, as real traffic mixes them. */
const PROBE_ROWS = [1, 2];

/** Float outputs may differ by rounding where kernels depend on the batch size. */
const RELATIVE_TOLERANCE = 1e-4;
const ABSOLUTE_TOLERANCE = 1e-5;

/** Half-precision bit patterns of 0.25, 0.5, 0.75 and 1. */
const HALF_VALUES = [0x3400, 0x3800, 0x3a00, 0x3c00];

class ProbeRun implements WorkerJob {
  readonly done: Promise<NamedTensors>;
  private settle!: { resolve(outputs: NamedTensors): void; reject(error: Error): void };

  constructor(
    readonly id: number,
    readonly inputs: NamedTensors,
  ) {
    this.done = new Promise((resolve, reject) => (this.settle = { resolve, reject }));
  }

  complete(outputs: NamedTensors): void {
    this.settle.resolve(outputs);
  }

  fail(error: Error): void {
    this.settle.reject(error);
  }
}

/**
 * Undefined when joining along `axis` gives every probe request the answer it gets alone; else why
 * not. Throws WorkerCrashedError if the worker dies meanwhile. Runs before the worker takes traffic.
 */
export async function probeBatching(worker: ModelWorker, signature: ModelSignature, axis: number): Promise<string | undefined> {
  let nextId = -1;
  const run = (inputs: NamedTensors) => {
    const job = new ProbeRun(nextId--, inputs);
    worker.run(job);
    return job.done;
  };
  const requests = PROBE_ROWS.map((rows, index) => ({ rows, inputs: probeInputs(signature, axis, rows, index) }));
  const inputNames = signature.inputs.map((spec) => spec.name);
  const totalRows = PROBE_ROWS.reduce((sum, rows) => sum + rows, 0);
  // Joined first: joining copies, while a lone run moves its inputs to the worker.
  const joinedInputs = joinInputs(requests, inputNames, axis, totalRows);
  let joined: NamedTensors;
  const alone: NamedTensors[] = [];
  try {
    joined = await run(joinedInputs);
    for (const request of requests) alone.push(await run(request.inputs));
  } catch (error) {
    if (error instanceof WorkerCrashedError) throw error;
    return `a batch of ${totalRows} rows failed to run (${error instanceof Error ? error.message : String(error)})`;
  }

  let start = 0;
  for (let index = 0; index < requests.length; index++) {
    const { rows } = requests[index];
    for (const name in alone[index]) {
      const expected = alone[index][name];
      const batched = joined[name];
      if (batched === undefined || batched.shape.length <= axis || batched.shape[axis] !== totalRows) {
        const got = batched === undefined ? 'nothing' : `shape [${batched.shape.join(', ')}]`;
        return `output "${name}" does not follow the batch: ${totalRows} rows on axis ${axis} gave ${got}`;
      }
      const part = sliceOutputs({ [name]: batched }, axis, totalRows, start, rows)[name];
      if (!sameTensor(part, expected)) {
        return `output "${name}" changes when requests are joined along axis ${axis} (a request of ${rows} row(s) got another answer)`;
      }
    }
    start += rows;
  }
  return undefined;
}

/**
 * Valid inputs that tell rows apart: floats distinct and positive per element and row (positive
 * keeps logs and square roots defined), booleans alternating, integers zero (always a valid index,
 * as in the warm-up), byte strings empty. Free dimensions besides the batch axis are 1.
 */
export function probeInputs(signature: ModelSignature, axis: number, rows: number, seed: number): NamedTensors {
  const inputs: NamedTensors = {};
  for (const spec of signature.inputs) inputs[spec.name] = probeTensor(spec, axis, rows, seed);
  return inputs;
}

function probeTensor(spec: TensorSpec, axis: number, rows: number, seed: number): Tensor {
  const shape = spec.shape.map((dim, index) => (index === axis ? rows : dim < 0 ? 1 : dim));
  const count = elementCount(shape);
  const data = allocateTensorData(spec.datatype, count);
  for (let index = 0; index < count; index++) {
    const step = (index * 7 + seed * 3) % 4;
    if (spec.datatype === 'FP32' || spec.datatype === 'FP64') (data as Float32Array)[index] = 0.25 * (step + 1);
    else if (spec.datatype === 'FP16') (data as Uint16Array)[index] = HALF_VALUES[step];
    else if (spec.datatype === 'BOOL') (data as Uint8Array)[index] = step % 2;
  }
  return { datatype: spec.datatype, shape, data };
}

/**
 * Whether `other` (the same model in a session with other threads) answers a probe as `reference`
 * does: one request of distinct values (axis -1: no dimension is a batch to fill), compared by
 * sameTensor.
 */
export async function answersAlike(reference: Session, other: Session): Promise<boolean> {
  const probe = probeInputs(reference.signature, -1, 1, 1);
  const expected = await reference.run(probe);
  const actual = await other.run(probe);
  return Object.keys(expected).every((name) => actual[name] !== undefined && sameTensor(actual[name], expected[name]));
}

/** Equal shapes and values, floats within the rounding that kernels for other sizes or threads may add. */
export function sameTensor(actual: Tensor, expected: Tensor): boolean {
  if (actual.datatype !== expected.datatype || actual.shape.length !== expected.shape.length) return false;
  if (actual.shape.some((dim, index) => dim !== expected.shape[index])) return false;
  const a = actual.data;
  const b = expected.data;
  if (a.length !== b.length) return false;
  const isFloat = actual.datatype === 'FP32' || actual.datatype === 'FP64';
  for (let index = 0; index < a.length; index++) {
    const x = a[index];
    const y = b[index];
    if (x instanceof Uint8Array) {
      const other = y as Uint8Array;
      if (x.length !== other.length || x.some((byte, at) => byte !== other[at])) return false;
    } else if (isFloat) {
      const p = x as number;
      const q = y as number;
      if (Number.isNaN(p) && Number.isNaN(q)) continue;
      if (!(Math.abs(p - q) <= ABSOLUTE_TOLERANCE + RELATIVE_TOLERANCE * Math.abs(q))) return false;
    } else if (x !== y) {
      return false;
    }
  }
  return true;
}

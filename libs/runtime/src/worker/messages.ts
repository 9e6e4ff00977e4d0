/**
 * What the pool (main thread) and a model worker say to each other. Tensors travel as typed arrays
 * whose buffers are moved, not copied (see `prepareTransfer`); errors travel as their kind and
 * message and are rebuilt into the runtime's error classes on the other side.
 */
import type { LoadOptions } from '../backends/backend';
import {
  InferenceError,
  InputValidationError,
  ModelLoadError,
  ModelNotLoadedError,
  RuntimeError,
  WorkerCrashedError,
} from '../errors';
import type { ModelFormat, ModelSignature } from '../signature';
import type { NamedTensors } from '../tensor';

/** Given to each worker at start (`workerData`). */
export interface WorkerStartData {
  /** Honour `crash` messages; only tests switch this on. */
  testHooks: boolean;
  /** The worker's bell, one Int32 word (see idle-spin). */
  bell: SharedArrayBuffer;
  /** Spin for the next batch when idle (see idle-spin): primaries only, when the runtime has it on. */
  idleSpin?: { ms: number; gauge: SharedArrayBuffer };
}

/**
 * An instance split into two lanes under load (see `ModelRuntime`, "Lanes"): its primary worker
 * holds a wide session (all the instance's threads) and a narrow one, and runs the narrow one
 * while the instance's helper worker, with the other threads in a session of its own, computes a
 * batch too. `busy` is one Int32 word, the helper's runs in progress; only the helper writes it
 * (and the pool, to clear it when the helper dies).
 */
export type LaneSetup =
  | {
      role: 'primary';
      busy: SharedArrayBuffer;
      /** Intra-op threads of the narrow session. */
      narrowThreads: number;
      /**
       * Keep the narrow session only when the fastest of a few of its own warm runs takes at least
       * this long: a quicker model gains nothing from two lanes, whose smaller batches cost the
       * main thread more messages.
       */
      minRunMs: number;
    }
  | { role: 'helper'; busy: SharedArrayBuffer };

/**
 * Try the model on one intra-op thread (see worker/thread-choice): a CPU ONNX instance with two
 * threads or more, not split in lanes, whose warm batch-1 run on all its threads takes under
 * `maxRunMs`, is timed on one thread too and keeps that session when it is at most `tolerance`
 * times as slow, at one row and at a full batch.
 */
export interface OneThreadSetup {
  maxRunMs: number;
  tolerance: number;
}

/** The intra-op threads a worker serves lone requests with, and why (see OneThreadSetup). */
export interface ThreadChoice {
  inUse: number;
  reason: string;
}

export type ToWorkerMessage =
  | { type: 'load'; format: ModelFormat; artifactPath: string; options: LoadOptions; lane?: LaneSetup; oneThread?: OneThreadSetup }
  | { type: 'run'; id: number; inputs: NamedTensors }
  /** The shared buffer the main thread writes slot `slot`'s inputs to, from now on (see tensor-slots). */
  | { type: 'input-slot'; slot: number; buffer: SharedArrayBuffer }
  /** Run the batch whose inputs are in slot `slot`: a bare number, the cheapest message to clone. */
  | number
  /** Finish what was started, release the session and end the thread. */
  | { type: 'unload' }
  | { type: 'crash'; how: CrashMode }
  /** Test hook: block the thread for `ms`, as a long engine call would. */
  | { type: 'stall'; ms: number };

export type FromWorkerMessage =
  /**
   * `warmRunMs`: a warm batch-1 run of the session it serves with; `narrowThreads`: a primary kept
   * its narrow session (see LaneSetup); `threads`: the intra-op threads of the session it serves
   * lone requests with, and why (see OneThreadSetup).
   */
  | {
      type: 'loaded';
      signature: ModelSignature;
      engine: string;
      loadMs: number;
      warmRunMs: number;
      narrowThreads?: number;
      threads: ThreadChoice;
    }
  | { type: 'load-failed'; error: SerializedError }
  /** `threads`: intra-op threads of the session that ran the batch. */
  | { type: 'result'; id: number; outputs: NamedTensors; computeMs: number; threads: number }
  /** The shared buffer the worker writes slot `slot`'s outputs to, from now on. */
  | { type: 'output-slot'; slot: number; buffer: SharedArrayBuffer }
  /** The outputs of the batch in slot `slot` are in its output buffer. */
  | number
  | { type: 'run-failed'; id: number; error: SerializedError };

/** How the test hook kills a worker: `process.exit` in it, or an uncaught exception. */
export type CrashMode = 'exit' | 'throw';

export type RuntimeErrorKind = 'model-load' | 'input-validation' | 'model-not-loaded' | 'worker-crashed' | 'inference';

export interface SerializedError {
  kind: RuntimeErrorKind;
  message: string;
  input?: string;
}

/** Anything thrown that is not one of ours becomes `fallbackKind` (load failures, or run failures). */
export function serializeError(error: unknown, fallbackKind: RuntimeErrorKind): SerializedError {
  if (error instanceof RuntimeError) {
    const input = error instanceof InputValidationError ? error.input : undefined;
    return { kind: error.kind as RuntimeErrorKind, message: error.message, ...(input === undefined ? {} : { input }) };
  }
  return { kind: fallbackKind, message: error instanceof Error ? error.message : String(error) };
}

export function deserializeError(error: SerializedError): RuntimeError {
  switch (error.kind) {
    case 'model-load':
      return new ModelLoadError(error.message);
    case 'input-validation':
      return new InputValidationError(error.message, error.input);
    case 'model-not-loaded':
      return new ModelNotLoadedError(error.message);
    case 'worker-crashed':
      return new WorkerCrashedError(error.message);
    case 'inference':
      return new InferenceError(error.message);
    default:
      return new InferenceError((error as SerializedError).message);
  }
}

/**
 * The buffers to move with a message. A typed array that views only part of its buffer (a slice of
 * a request body, Node's pooled Buffers) is copied to a buffer of its own first: moving the shared
 * buffer would empty every other view of it, and cloning it would copy all of it. Moved buffers
 * are detached on the sending side, so the sender must not read the tensors afterwards.
 * BYTES tensors (arrays of small byte strings) are cloned.
 */
export function prepareTransfer(tensors: NamedTensors): { tensors: NamedTensors; transfer: ArrayBuffer[] } {
  const transfer: ArrayBuffer[] = [];
  let prepared = tensors;
  for (const name in tensors) {
    const tensor = tensors[name];
    let data = tensor.data;
    if (Array.isArray(data) || data.buffer instanceof SharedArrayBuffer) continue;
    if (data.byteOffset !== 0 || data.byteLength !== data.buffer.byteLength) {
      data = data.slice();
      if (prepared === tensors) prepared = { ...tensors };
      prepared[name] = { ...tensor, data };
    }
    const buffer = data.buffer as ArrayBuffer;
    // Two tensors may share one whole buffer; a buffer listed twice makes postMessage throw.
    if (!transfer.includes(buffer)) transfer.push(buffer);
  }
  return { tensors: prepared, transfer };
}

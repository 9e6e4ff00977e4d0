/**
 * The runtime's own error kinds. The API maps each to a status code in one place; the messages
 * are written for the person who sent the model or the request.
 */

export abstract class RuntimeError extends Error {
  abstract readonly kind: string;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The model file cannot be loaded or run (422 at upload). */
export class ModelLoadError extends RuntimeError {
  readonly kind = 'model-load';
}

/** A request's tensors do not match the signature (400). `input` names the offending input. */
export class InputValidationError extends RuntimeError {
  readonly kind = 'input-validation';
  constructor(
    message: string,
    readonly input?: string,
  ) {
    super(message);
  }
}

/** The version is not loaded in this process (503: not ready). */
export class ModelNotLoadedError extends RuntimeError {
  readonly kind = 'model-not-loaded';
}

/** The worker that held the request died; the request was not answered (503). */
export class WorkerCrashedError extends RuntimeError {
  readonly kind = 'worker-crashed';
}

/** The backend failed while running a valid request (500, message from the engine). */
export class InferenceError extends RuntimeError {
  readonly kind = 'inference';
}

/**
 * The version's queue holds `maxQueueSize` requests already (429 with Retry-After). The request
 * was not queued; `retryAfterMs` estimates when the queue will have drained enough to take it.
 */
export class QueueFullError extends RuntimeError {
  readonly kind = 'queue-full';
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message);
  }
}

/**
 * The request's deadline passed (504). `stage` says where: still `queued` (it was dropped and never
 * computed), `computing` (its batch was running; the result is discarded when it arrives), or
 * `retrying` (the batch it was joined in failed, and it was dropped while it waited to be run
 * again apart from the others: computed once, in a batch that failed, and not again).
 */
export class DeadlineExceededError extends RuntimeError {
  readonly kind = 'deadline-exceeded';
  constructor(
    message: string,
    readonly stage: 'queued' | 'computing' | 'retrying',
  ) {
    super(message);
  }
}

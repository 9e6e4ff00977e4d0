import {
  batchRows,
  checkBatchedOutputs,
  joinError,
  joinInputs,
  shapeKey,
  sliceOutputs,
  type BatchingConfig,
  type BatchPlan,
  type Priority,
  StackedInputs,
} from './batching';
import { DeadlineExceededError, InferenceError, QueueFullError } from './errors';
import { APART_KEY_PREFIX, QueuedRequest, RequestLane } from './request-lane';
import type { ModelSignature } from './signature';
import type { NamedTensors } from './tensor';
import type { ActivityGauge } from './worker/idle-spin';
import type { InferResult, WorkerJob } from './worker/model-worker';

/** What a caller may say about one request. */
export interface InferOptions {
  /**
   * Relative: milliseconds from this call until the request is answered or dropped. It can only
   * shorten the version's `defaultTimeoutMs`; zero or less fails at once. Past it, a waiting request
   * is removed from the queue without being computed (one waiting to be retried apart after its
   * joined batch failed: without being computed again), and one being computed is answered with
   * DeadlineExceededError at the deadline (its result is discarded when it arrives).
   */
  deadlineMs?: number;
  /** 'online' (default) always goes before 'batch'. */
  priority?: Priority;
}

/** The queue's side of a version's stats (the pool adds its workers). */
export interface QueueStats {
  batching: BatchingConfig & Pick<BatchPlan, 'axis' | 'reason'>;
  /** Requests waiting, by priority. */
  queueDepth: Record<Priority, number>;
  inFlight: { batches: number; requests: number };
  requests: {
    accepted: number;
    completed: number;
    /** Engine errors, crashed or stopped workers. */
    failed: number;
    refusedQueueFull: number;
    /** Dropped from the queue at their deadline: never computed. */
    deadlineExceededQueued: number;
    /** Answered 504 while their batch ran; the result was discarded. */
    deadlineExceededComputing: number;
    /**
     * Answered 504 while they waited to be run again apart (see retriedApart): the batch they were
     * joined in had run and failed, and they were dropped from the queue without a second run.
     */
    deadlineExceededRetrying: number;
    /**
     * Times a request went back to the queue because the engine failed the batch it was joined in
     * (see VersionQueue, "A failed batch"): each halving counts its members again.
     */
    retriedApart: number;
  };
  batches: {
    /** Engine calls. */
    count: number;
    /** Requests handed to the engine, over all batches. */
    computedRequests: number;
    /** Sent at once to an idle instance: the low-load route, no waiting. */
    dispatchedIdle: number;
    /** Sent to a busy instance's second slot because waiting could not grow the batch. */
    dispatchedFull: number;
    /** Sent to a busy instance's second slot once the oldest had waited maxQueueDelayMs. */
    dispatchedAfterDelay: number;
    /** Times the queue armed its maxQueueDelayMs timer. */
    delayWaits: number;
    /** Handed to a worker that was spinning for its next batch (idle spin), rather than by message. */
    handedOver: number;
    /** Requests per engine call -> number of engine calls. */
    sizes: Record<number, number>;
    /**
     * Intra-op threads of the session that ran a batch -> engine calls answered: an instance split
     * in two lanes under load shows here (see ModelRuntime, "Lanes").
     */
    threads: Record<number, number>;
    /**
     * Engine calls that answered, by the rows they joined (1 for a version served one by one): how
     * many, and their compute milliseconds in all (Triton's batch_stats).
     */
    byRows: Record<number, { count: number; computeMs: number }>;
  };
  /** Durations in milliseconds, summed over requests (Triton's inference_stats). */
  timing: {
    /** Rows of the completed requests (1 each for a version served one by one): Triton's inference_count. */
    completedRows: number;
    /** Completed requests, waiting in the queue (with computeMs: their time from the queue to the answer). */
    queuedMs: number;
    /** Completed requests, computing: each counts its engine call's time. */
    computeMs: number;
    /** Requests that failed or passed their deadline, from the queue to the failure (refusals take no time). */
    failedMs: number;
    /** When the last request completed, in ms since the epoch; 0 before the first. */
    lastCompletedAt: number;
  };
}

/**
 * What runs a version's batches: a model worker (ModelWorker), or the version's inline instance
 * (InlineInstance, on the thread that serves the requests).
 */
export interface BatchRunner {
  /** A helper: an instance's second lane, which takes batches only while no primary is idle. */
  readonly isHelper: boolean;
  /** Batches sent to it and not yet answered. */
  readonly inFlightCount: number;
  /** Takes the batch; true when a spinning worker took it through its bell (see idle-spin). */
  run(job: WorkerJob): boolean;
}

/**
 * Batches a worker may hold at once: one running and one already posted, so the worker never idles
 * between two messages. The rest wait here, where they can still join each other.
 */
const MAX_IN_FLIGHT_PER_WORKER = 2;

/** Weight of the newest batch in the compute-time average behind Retry-After. */
const COMPUTE_AVERAGE_WEIGHT = 0.1;

type DispatchReason = 'idle' | 'full' | 'delay';

/** One engine call: the requests it answers, in the order their rows were joined. */
class Batch implements WorkerJob {
  constructor(
    readonly id: number,
    readonly members: QueuedRequest[],
    /** Rows along `axis` (-1 for a lone request that cannot join others). */
    readonly rows: number,
    /** The axis the members were joined along; -1 for a lone request. */
    readonly axis: number,
    readonly inputs: NamedTensors | StackedInputs,
    private readonly queue: VersionQueue,
  ) {}

  complete(outputs: NamedTensors, computeMs: number, worker: number, threads: number): void {
    this.queue.completeBatch(this, outputs, computeMs, worker, threads);
  }

  fail(error: Error): void {
    this.queue.failBatch(this, error);
  }
}

/** Lets the Promise constructor hand over its functions without a closure per request. */
let capturedResolve: (result: InferResult) => void;
let capturedReject: (error: Error) => void;
function captureSettlers(resolve: (result: InferResult) => void, reject: (error: Error) => void): void {
  capturedResolve = resolve;
  capturedReject = reject;
}

/**
 * The dynamic batcher of one loaded version: its waiting requests, by priority, and the ready
 * workers that serve them.
 *
 * Policy. Latency at low load comes first, so a request does not wait for company while an
 * instance is idle: a lone request goes straight to it, and an idle instance takes everything
 * waiting (up to maxBatchSize rows). While the host holds other requests, an idle instance's batch
 * is made at the end of the current turn of the event loop instead, so that what one turn reads
 * leaves together (see gather): the wait is the rest of that turn, never a timer. Batches grow only
 * under load: while every instance is busy, requests wait here and join. Each instance holds at
 * most two batches (one running, one posted, so it never idles between messages); its second slot
 * is filled when waiting would not make the batch bigger (maxBatchSize rows are waiting, or the
 * version joins nothing), or once the oldest waiting request has waited maxQueueDelayMs; otherwise
 * the batch leaves when an instance becomes idle.
 *
 * Triton's dynamic batcher instead holds every batch smaller than its preferred size for up to
 * max_queue_delay_microseconds, even when an instance is idle, which adds that delay to every
 * request at low load (its default delay is 0 for that reason); TF Serving's batch_timeout_micros
 * behaves alike. Here the delay only decides how long a busy instance's second slot stays empty.
 *
 * Online requests always go first: a batch is made of one priority, and batch-priority requests run
 * only when no online request is waiting (an online request still waits for the engine call in
 * progress). Batches never mix versions: each version has its own queue.
 *
 * A failed batch. An engine run fails whole, and one request's values can fail it (an index out of
 * an embedding's table, say) while the requests joined with it would have been answered alone.
 * Joining must not change any answer, so a joined batch the engine failed is not failed: its members
 * go back to the front of their lane in two halves, each of which joins only itself, and run again;
 * a half that fails is halved again, and a request that fails alone fails with the engine's error.
 * A request at fault in a batch of n costs about 2 log2(n) more engine calls, and every other member
 * is answered as if it had never been joined. Crashes and unloads are not retried. A member whose
 * deadline passes while it waits for its retry gets a DeadlineExceededError of stage `retrying`
 * (counted in deadlineExceededRetrying), not the queued one's "it was not computed".
 */
export class VersionQueue {
  private readonly online = new RequestLane();
  private readonly background = new RequestLane();
  private readonly workers = new Set<BatchRunner>();
  private readonly inFlight = new Set<Batch>();
  private plan: BatchPlan = { axis: null, reason: 'not loaded yet', shapesVary: false };
  private inputNames: string[] = [];
  private nextBatchId = 1;
  /** Numbers the groups a failed batch is split into (retryApart). */
  private nextApartGroup = 1;
  private delayTimer: NodeJS.Timeout | undefined;
  private delayTimerAt = Infinity;
  private deadlineTimer: NodeJS.Timeout | undefined;
  private deadlineTimerAt = Infinity;
  /** Average engine milliseconds per request, for Retry-After. */
  private msPerRequest = 0;
  private readonly requestCounts: QueueStats['requests'] = {
    accepted: 0,
    completed: 0,
    failed: 0,
    refusedQueueFull: 0,
    deadlineExceededQueued: 0,
    deadlineExceededComputing: 0,
    deadlineExceededRetrying: 0,
    retriedApart: 0,
  };
  private readonly batchCounts = { count: 0, computedRequests: 0, dispatchedIdle: 0, dispatchedFull: 0, dispatchedAfterDelay: 0, delayWaits: 0, handedOver: 0 };
  /** Index: requests per engine call. */
  private readonly batchSizeCounts: number[];
  /** Index: intra-op threads of the session that answered. */
  private readonly threadCounts: number[] = [];
  /** Index: rows an engine call joined; its calls, and their compute ms. */
  private readonly rowCounts: number[] = [];
  private readonly rowComputeMs: number[] = [];
  private readonly timing: QueueStats['timing'] = { completedRows: 0, queuedMs: 0, computeMs: 0, failedMs: 0, lastCompletedAt: 0 };
  private readonly expireQueued = (request: QueuedRequest) => this.expire(request, 'queued');
  private readonly onDelayElapsed = () => {
    this.delayTimer = undefined;
    this.delayTimerAt = Infinity;
    this.dispatch();
  };
  private readonly onDeadline = () => this.sweepDeadlines();
  /** A dispatch is set for the end of this turn of the event loop (see gather). */
  private gathering = false;
  private readonly onGathered = () => {
    this.gathering = false;
    this.dispatch(true);
  };
  /**
   * How the errors its requests get name the version: `model "iris" version 2`, say, once its host
   * has said so (ModelRuntime.setLabel); until then, by its key.
   */
  label: string;

  constructor(
    readonly key: string,
    readonly config: BatchingConfig,
    /**
     * The requests the host holds (ModelRuntime.activity). While it holds others, an idle instance's
     * batch is made at the end of the event loop's turn (see gather); without it, at once.
     */
    private readonly activity?: ActivityGauge,
  ) {
    this.label = `model "${key}"`;
    this.batchSizeCounts = new Array<number>(config.maxBatchSize + 1).fill(0);
  }

  /** Called once the signature is known, before the first worker is attached. */
  setPlan(signature: ModelSignature, plan: BatchPlan): void {
    this.plan = plan;
    this.inputNames = signature.inputs.map((spec) => spec.name);
  }

  get batchPlan(): BatchPlan {
    return this.plan;
  }

  get waitingCount(): number {
    return this.online.size + this.background.size;
  }

  get readyWorkerCount(): number {
    return this.workers.size;
  }

  /** Inputs must have passed the version's input check. Their buffers may be moved to a worker. */
  submit(inputs: NamedTensors, options?: InferOptions): Promise<InferResult> {
    const { config } = this;
    const requested = options?.deadlineMs;
    const timeoutMs = requested === undefined ? config.defaultTimeoutMs : Math.min(requested, config.defaultTimeoutMs);
    if (!(timeoutMs > 0)) {
      this.requestCounts.deadlineExceededQueued++;
      return Promise.reject(new DeadlineExceededError(`the request's deadline (${requested} ms) had passed before it was queued; it was not computed`, 'queued'));
    }
    const waiting = this.waitingCount;
    if (waiting >= config.maxQueueSize) {
      this.requestCounts.refusedQueueFull++;
      const retryAfterMs = this.estimateDrainMs(waiting);
      return Promise.reject(
        new QueueFullError(
          `the queue of ${this.label} is full (${waiting} requests waiting, batching.maxQueueSize ${config.maxQueueSize}); retry in about ${retryAfterMs} ms`,
          retryAfterMs,
        ),
      );
    }

    const axis = this.plan.axis;
    let rows = -1;
    let key = '';
    if (axis !== null) {
      rows = batchRows(inputs, axis);
      if (rows >= 0 && this.plan.shapesVary) key = shapeKey(inputs, this.inputNames, axis);
    }
    const now = performance.now();
    const deadline = now + timeoutMs;
    const request = new QueuedRequest(inputs, rows, key, options?.priority ?? 'online', now, timeoutMs, deadline);
    const promise = new Promise<InferResult>(captureSettlers);
    request.resolve = capturedResolve;
    request.reject = capturedReject;
    this.requestCounts.accepted++;
    if (deadline < this.deadlineTimerAt) this.armDeadlineTimer(deadline, now);

    if (waiting === 0 && !this.othersInProgress()) {
      const worker = this.idleWorker();
      if (worker !== undefined) {
        this.send([request], rows, worker, 'idle');
        return promise;
      }
    }
    (request.priority === 'online' ? this.online : this.background).push(request);
    this.dispatch();
    return promise;
  }

  /** A worker finished loading and can take requests. */
  attach(worker: BatchRunner): void {
    this.workers.add(worker);
    this.dispatch();
  }

  /** A worker is gone or going; whatever it holds is its own to answer or fail. */
  detach(worker: BatchRunner): void {
    this.workers.delete(worker);
  }

  /**
   * Sends waiting requests to workers as the policy above allows. `gathered`: called at the end of
   * a turn of the event loop, where an idle worker takes what the turn brought (see gather).
   */
  dispatch(gathered = false): void {
    let now = -1;
    while (this.online.size + this.background.size > 0) {
      const worker = this.availableWorker();
      if (worker === undefined) return;
      if (!gathered && worker.inFlightCount === 0 && this.othersInProgress()) return this.gather();
      const lane = this.online.size > 0 ? this.online : this.background;
      if (now < 0) now = performance.now();
      let reason: DispatchReason = 'idle';
      if (worker.inFlightCount > 0) {
        const { maxBatchSize, maxQueueDelayMs } = this.config;
        const head = lane.peek() as QueuedRequest;
        if (this.plan.axis === null || lane.rows >= maxBatchSize || head.rows < 0 || head.rows >= maxBatchSize) {
          reason = 'full';
        } else if (now - head.enqueuedAt >= maxQueueDelayMs) {
          reason = 'delay';
        } else {
          this.armDelayTimer(head.enqueuedAt + maxQueueDelayMs, now);
          return;
        }
      }
      let maxRows = this.config.maxBatchSize;
      // What a turn gathered is shared among the idle instances, as each request would have gone to
      // one of them had it been sent at once.
      if (gathered && reason === 'idle') maxRows = Math.max(1, Math.min(maxRows, Math.ceil(lane.rows / this.idleWorkerCount())));
      const members: QueuedRequest[] = [];
      const rows = lane.collect(members, maxRows, this.plan.axis !== null, now, this.expireQueued);
      if (members.length > 0) this.send(members, rows, worker, reason);
    }
  }

  /** Rejects the requests still waiting; those already with a worker are not affected. */
  rejectWaiting(error: () => Error): void {
    clearTimeout(this.delayTimer);
    this.delayTimer = undefined;
    this.delayTimerAt = Infinity;
    const now = performance.now();
    const reject = (request: QueuedRequest) => {
      request.settled = true;
      this.requestCounts.failed++;
      this.timing.failedMs += now - request.enqueuedAt;
      request.reject(error());
    };
    this.online.drain(reject);
    this.background.drain(reject);
    if (this.inFlight.size === 0) this.clearDeadlineTimer();
  }

  stats(): QueueStats {
    let requests = 0;
    for (const batch of this.inFlight) requests += batch.members.length;
    const sizes: Record<number, number> = {};
    this.batchSizeCounts.forEach((count, size) => {
      if (count > 0) sizes[size] = count;
    });
    const threads: Record<number, number> = {};
    this.threadCounts.forEach((count, threadCount) => {
      if (count > 0) threads[threadCount] = count;
    });
    const byRows: QueueStats['batches']['byRows'] = {};
    this.rowCounts.forEach((count, rows) => {
      if (count > 0) byRows[rows] = { count, computeMs: this.rowComputeMs[rows] };
    });
    return {
      batching: { ...this.config, axis: this.plan.axis, reason: this.plan.reason },
      queueDepth: { online: this.online.size, batch: this.background.size },
      inFlight: { batches: this.inFlight.size, requests },
      requests: { ...this.requestCounts },
      batches: { ...this.batchCounts, sizes, threads, byRows },
      timing: { ...this.timing },
    };
  }

  /** Called by a Batch when its worker answers. */
  completeBatch(batch: Batch, outputs: NamedTensors, computeMs: number, worker: number, threads: number): void {
    this.inFlight.delete(batch);
    this.threadCounts[threads] = (this.threadCounts[threads] ?? 0) + 1;
    const members = batch.members;
    const size = members.length;
    this.msPerRequest += COMPUTE_AVERAGE_WEIGHT * (computeMs / size - this.msPerRequest);
    const now = performance.now();
    if (size === 1) {
      this.recordExecution(batch.rows, computeMs);
      const request = members[0];
      if (request.settled) return;
      request.settled = true;
      this.requestCounts.completed++;
      const queueMs = Math.max(0, now - request.enqueuedAt - computeMs);
      this.recordCompleted(request, queueMs, computeMs);
      this.timing.lastCompletedAt = Date.now();
      return request.resolve({ outputs, computeMs, queueMs, batchSize: 1, worker, threads });
    }
    try {
      checkBatchedOutputs(outputs, batch.axis, batch.rows);
    } catch (error) {
      // The signature promised rows along the axis and the engine did not keep that promise.
      this.plan = { axis: null, reason: `served one by one: ${(error as Error).message}`, shapesVary: false };
      return this.failBatch(batch, error as Error);
    }
    this.recordExecution(batch.rows, computeMs);
    let start = 0;
    for (const request of members) {
      if (!request.settled) {
        request.settled = true;
        this.requestCounts.completed++;
        const queueMs = Math.max(0, now - request.enqueuedAt - computeMs);
        this.recordCompleted(request, queueMs, computeMs);
        const part = sliceOutputs(outputs, batch.axis, batch.rows, start, request.rows);
        request.resolve({ outputs: part, computeMs, queueMs, batchSize: size, worker, threads });
      }
      start += request.rows;
    }
    this.timing.lastCompletedAt = Date.now();
  }

  /** An engine call that answered, by the rows it joined (-1, rows not known: a version served one by one, 1). */
  private recordExecution(rows: number, computeMs: number): void {
    const key = rows < 0 ? 1 : rows;
    this.rowCounts[key] = (this.rowCounts[key] ?? 0) + 1;
    this.rowComputeMs[key] = (this.rowComputeMs[key] ?? 0) + computeMs;
  }

  private recordCompleted(request: QueuedRequest, queueMs: number, computeMs: number): void {
    const timing = this.timing;
    timing.completedRows += request.rows < 0 ? 1 : request.rows;
    timing.queuedMs += queueMs;
    timing.computeMs += computeMs;
  }

  /**
   * Called by a Batch when its worker failed it (engine error, crash, unload). A joined batch that
   * the engine failed is retried apart instead (see "A failed batch" above).
   */
  failBatch(batch: Batch, error: Error): void {
    this.inFlight.delete(batch);
    if (batch.members.length > 1 && error instanceof InferenceError && this.retryApart(batch.members)) return;
    const now = performance.now();
    for (const request of batch.members) {
      if (request.settled) continue;
      request.settled = true;
      this.requestCounts.failed++;
      this.timing.failedMs += now - request.enqueuedAt;
      request.reject(error);
    }
  }

  /**
   * Puts a failed batch's members still waiting for an answer back at the front of their lane, in
   * two groups that join only themselves (a shape key of their own), and dispatches them. False when
   * none is waiting.
   */
  private retryApart(members: readonly QueuedRequest[]): boolean {
    const waiting = members.filter((request) => !request.settled);
    if (waiting.length === 0) return false;
    const half = Math.ceil(waiting.length / 2);
    const first = this.nextApartGroup;
    this.nextApartGroup += 2;
    // A group joins no other request; its key also marks its members as retried (QueuedRequest.retryingApart).
    for (let index = 0; index < waiting.length; index++) waiting[index].shapeKey = `${APART_KEY_PREFIX}${index < half ? first : first + 1}`;
    this.requestCounts.retriedApart += waiting.length;
    (waiting[0].priority === 'online' ? this.online : this.background).pushFront(waiting);
    this.dispatch();
    return true;
  }

  private send(members: QueuedRequest[], rows: number, worker: BatchRunner, reason: DispatchReason): void {
    const size = members.length;
    let inputs: NamedTensors | StackedInputs;
    let axis = -1;
    if (size === 1) {
      inputs = members[0].inputs as NamedTensors;
    } else if (this.plan.axis === 0) {
      // Left apart: a worker's slot takes each member's rows straight to their place.
      axis = 0;
      inputs = new StackedInputs(
        members.map((request) => ({ inputs: request.inputs as NamedTensors, rows: request.rows })),
        rows,
        this.inputNames,
      );
    } else {
      axis = this.plan.axis as number;
      try {
        inputs = joinInputs(members, this.inputNames, axis, rows);
      } catch (error) {
        return this.failBatch(new Batch(0, members, rows, axis, {}, this), joinError(error));
      }
    }
    // A lone request's inputs may be moved to the worker; joined ones are kept for a retry apart.
    if (size === 1) members[0].inputs = undefined;
    const batch = new Batch(this.nextBatchId++, members, rows, axis, inputs, this);
    const counts = this.batchCounts;
    counts.count++;
    counts.computedRequests += size;
    if (reason === 'idle') counts.dispatchedIdle++;
    else if (reason === 'full') counts.dispatchedFull++;
    else counts.dispatchedAfterDelay++;
    this.batchSizeCounts[Math.min(size, this.batchSizeCounts.length - 1)]++;
    this.inFlight.add(batch);
    if (worker.run(batch)) counts.handedOver++;
  }

  /** The host holds requests besides the one at hand (always false without an activity gauge). */
  private othersInProgress(): boolean {
    return this.activity !== undefined && this.activity.requests > 1;
  }

  /**
   * While the host holds other requests, an idle worker's batch is made at the end of the event
   * loop's turn rather than at once: the requests a turn reads (a burst of arrivals on many
   * connections, or those read while a worker's answer came in) then leave in one engine call,
   * instead of the first alone and the rest waiting for its round trip. Each engine call costs the
   * main thread a message and a wake-up each way, whatever its size (docs/architecture.md).
   */
  private gather(): void {
    if (this.gathering) return;
    this.gathering = true;
    setImmediate(this.onGathered);
  }

  /**
   * An idle worker: a primary first, so that a lone request runs on all of its instance's threads;
   * a helper (an instance's second lane) only when no primary is idle.
   */
  private idleWorker(): BatchRunner | undefined {
    let helper: BatchRunner | undefined;
    for (const worker of this.workers) {
      if (worker.inFlightCount !== 0) continue;
      if (!worker.isHelper) return worker;
      helper ??= worker;
    }
    return helper;
  }

  private idleWorkerCount(): number {
    let idle = 0;
    for (const worker of this.workers) if (worker.inFlightCount === 0) idle++;
    return idle;
  }

  /** An idle worker if there is one (see idleWorker), else the least busy with room for another batch. */
  private availableWorker(): BatchRunner | undefined {
    const idle = this.idleWorker();
    if (idle !== undefined) return idle;
    let best: BatchRunner | undefined;
    for (const worker of this.workers) {
      const load = worker.inFlightCount;
      if (load < MAX_IN_FLIGHT_PER_WORKER && (best === undefined || load < best.inFlightCount)) best = worker;
    }
    return best;
  }

  private expire(request: QueuedRequest, stage: 'queued' | 'computing'): void {
    request.settled = true;
    const elapsedMs = performance.now() - request.enqueuedAt;
    this.timing.failedMs += elapsedMs;
    const waitedMs = Math.round(elapsedMs);
    if (stage === 'queued' && request.retryingApart) {
      // Its first batch ran and failed: "not computed" would mislead, and so might "too slow".
      this.requestCounts.deadlineExceededRetrying++;
      request.reject(
        new DeadlineExceededError(
          `the request passed its deadline of ${request.timeoutMs} ms (after ${waitedMs} ms) while it waited in the queue of ${this.label} to be retried apart: ` +
            'the batch it was joined in failed, and this request may be one the model cannot run; ' +
            'send it again with a longer deadline, and if it then fails alone, check its inputs',
          'retrying',
        ),
      );
    } else if (stage === 'queued') {
      this.requestCounts.deadlineExceededQueued++;
      request.reject(
        new DeadlineExceededError(
          `the request waited ${waitedMs} ms in the queue of ${this.label} and passed its deadline of ${request.timeoutMs} ms; it was not computed`,
          'queued',
        ),
      );
    } else {
      this.requestCounts.deadlineExceededComputing++;
      request.reject(
        new DeadlineExceededError(
          `the request passed its deadline of ${request.timeoutMs} ms while ${this.label} was computing it; the result is discarded`,
          'computing',
        ),
      );
    }
  }

  private armDelayTimer(at: number, now: number): void {
    if (at >= this.delayTimerAt) return;
    clearTimeout(this.delayTimer);
    this.delayTimerAt = at;
    this.batchCounts.delayWaits++;
    this.delayTimer = setTimeout(this.onDelayElapsed, Math.max(1, at - now));
    this.delayTimer.unref();
  }

  /**
   * One timer per version, set for the earliest deadline it knows of; a new request re-arms it only
   * when its deadline is earlier (a shortened timeout). When it fires, one pass fails what has
   * expired, waiting or running, and sets it for the next.
   */
  private armDeadlineTimer(at: number, now: number): void {
    clearTimeout(this.deadlineTimer);
    this.deadlineTimerAt = at;
    this.deadlineTimer = setTimeout(this.onDeadline, Math.max(1, at - now));
    this.deadlineTimer.unref();
  }

  private clearDeadlineTimer(): void {
    clearTimeout(this.deadlineTimer);
    this.deadlineTimer = undefined;
    this.deadlineTimerAt = Infinity;
  }

  private sweepDeadlines(): void {
    this.deadlineTimer = undefined;
    this.deadlineTimerAt = Infinity;
    const now = performance.now();
    let earliest = Math.min(this.online.removeExpired(now, this.expireQueued), this.background.removeExpired(now, this.expireQueued));
    for (const batch of this.inFlight) {
      for (const request of batch.members) {
        if (request.settled) continue;
        if (request.deadline <= now) this.expire(request, 'computing');
        else if (request.deadline < earliest) earliest = request.deadline;
      }
    }
    if (earliest < Infinity) this.armDeadlineTimer(earliest, now);
  }

  /** How long until the queue has room again: its requests times the average engine time each. */
  private estimateDrainMs(waiting: number): number {
    const perRequest = this.msPerRequest > 0 ? this.msPerRequest : 1;
    return Math.max(1, Math.ceil((waiting * perRequest) / Math.max(1, this.workers.size)));
  }
}

/**
 * The main thread's handle on one model worker thread: starts it, sends it requests, matches the
 * answers to their callers, and notices when the thread dies.
 */
import { Worker } from 'node:worker_threads';
import type { Device } from '../backends/backend';
import { jobInputs, StackedInputs } from '../batching';
import { InferenceError, ModelLoadError, WorkerCrashedError } from '../errors';
import type { ModelSignature } from '../signature';
import type { NamedTensors } from '../tensor';
import {
  deserializeError,
  prepareTransfer,
  type CrashMode,
  type FromWorkerMessage,
  type ThreadChoice,
  type ToWorkerMessage,
  type WorkerStartData,
} from './messages';
import { handOver, releaseSpinner } from './idle-spin';
import { encodedBytes, SlotBuffer, slotHolding, stackedBytes } from './tensor-slots';

export interface InferResult {
  outputs: NamedTensors;
  /** Time the engine ran the batch this request was part of, measured in the worker. */
  computeMs: number;
  /** Everything else: waiting in the queue and the hops to and from the worker. */
  queueMs: number;
  /** How many requests ran together in that engine call (1: alone). */
  batchSize: number;
  /** The instance (0-based) that answered. */
  worker: number;
  /**
   * Intra-op threads of the session that ran the batch: all the instance's, or fewer when the
   * instance was split in two lanes under load (see ModelRuntime).
   */
  threads: number;
}

/** One engine call handed to a worker: a lone request or a joined batch. */
export interface WorkerJob {
  readonly id: number;
  /**
   * The inputs, or a batch's members still apart (stacked straight into a slot, joined only to go
   * by message). Moved to the worker (see prepareTransfer); empty afterwards.
   */
  readonly inputs: NamedTensors | StackedInputs;
  complete(outputs: NamedTensors, computeMs: number, worker: number, threads: number): void;
  fail(error: Error): void;
}

export interface LoadedInstance {
  signature: ModelSignature;
  engine: string;
  loadMs: number;
  /** A warm batch-1 run, once loaded (what decides whether the version may run inline). */
  warmRunMs: number;
}

export interface ModelWorkerEvents {
  /** A request finished, so the worker can take another. */
  onSettled(worker: ModelWorker): void;
  /** The thread ended after it was ready, without being asked to. */
  onCrash(worker: ModelWorker, reason: string): void;
  /** How the errors of its requests name the version (VersionQueue.label). */
  label(): string;
}

type LoadMessage = Extract<ToWorkerMessage, { type: 'load' }>;

/**
 * Shared-memory slots per worker (see tensor-slots): the queue keeps at most two batches in flight
 * on one worker; a batch that finds none free is sent by message.
 */
const SLOT_COUNT = 2;

/** `label`: the version, as VersionQueue.label names it. */
export function workerCrashedMessage(label: string): string {
  return `the model worker for ${label} stopped unexpectedly; the request was not completed, retry it`;
}

export class ModelWorker {
  /** Resolves once the model is loaded and warmed up; rejects with ModelLoadError otherwise. */
  readonly loaded: Promise<LoadedInstance>;
  /** The second lane of an instance (see LaneSetup): it takes batches only while the primary is busy. */
  readonly isHelper: boolean;
  private readonly inFlight = new Map<number, WorkerJob>();
  private readonly thread: Worker;
  /** The worker's bell (see idle-spin). */
  private readonly bell = new Int32Array(new SharedArrayBuffer(4));
  private readonly spinGauge: Int32Array | undefined;
  /** Kept: a thread's threadId reads -1 once it has exited. */
  private readonly threadId: number;
  private state: 'loading' | 'ready' | 'stopping' | 'exited' = 'loading';
  private settleLoad!: { resolve(value: LoadedInstance): void; reject(error: Error): void };
  private lastError: Error | undefined;
  private stopped: Promise<void> | undefined;
  private readonly exited: Promise<number>;
  private narrow: number | undefined;
  private threads: ThreadChoice | undefined;
  private inputNames: readonly string[] = [];
  private outputNames: readonly string[] = [];
  private readonly inputSlots: (SlotBuffer | undefined)[] = new Array<SlotBuffer | undefined>(SLOT_COUNT).fill(undefined);
  private readonly outputSlots: (SlotBuffer | undefined)[] = new Array<SlotBuffer | undefined>(SLOT_COUNT).fill(undefined);
  /**
   * The job whose inputs occupy each slot, until the worker answers it; kept after failInFlight,
   * so a late answer is matched to the job it belongs to and dropped, never to a newer one.
   */
  private readonly slotJobs: (WorkerJob | undefined)[] = new Array<WorkerJob | undefined>(SLOT_COUNT).fill(undefined);

  constructor(
    readonly key: string,
    readonly instance: number,
    script: string,
    startData: Omit<WorkerStartData, 'bell'>,
    private readonly loadMessage: LoadMessage,
    private readonly events: ModelWorkerEvents,
    /** Send tensors through shared-memory slots (see tensor-slots); false: always by message. */
    private readonly sharedMemory = true,
  ) {
    this.isHelper = loadMessage.lane?.role === 'helper';
    this.loaded = new Promise((resolve, reject) => (this.settleLoad = { resolve, reject }));
    // A worker stopped or crashed while nobody awaits `loaded` must not count as an unhandled rejection.
    this.loaded.catch(() => undefined);
    this.spinGauge = startData.idleSpin === undefined ? undefined : new Int32Array(startData.idleSpin.gauge);
    this.thread = new Worker(script, { workerData: { ...startData, bell: this.bell.buffer } satisfies WorkerStartData });
    this.threadId = this.thread.threadId;
    this.exited = new Promise((resolve) => this.thread.once('exit', resolve));
    this.thread.on('message', (message: FromWorkerMessage) => (typeof message === 'number' ? this.settleSlot(message) : this.onMessage(message)));
    // Without a listener, an uncaught exception in the worker would be rethrown in this thread.
    this.thread.on('error', (error) => (this.lastError = error));
    this.thread.on('exit', (code) => this.onExit(code));
    this.thread.postMessage(loadMessage);
  }

  get isReady(): boolean {
    return this.state === 'ready';
  }

  /** Jobs sent and not yet answered. */
  get inFlightCount(): number {
    return this.inFlight.size;
  }

  get device(): Device {
    return this.loadMessage.options.device;
  }

  get intraOpThreads(): number {
    return this.loadMessage.options.intraOpThreads;
  }

  /**
   * Once loaded: the intra-op threads of the session lone requests run on, and why. Fewer than
   * `intraOpThreads` where the model ran as fast on one thread (see OneThreadSetup).
   */
  get threadChoice(): ThreadChoice | undefined {
    return this.threads;
  }

  /** Threads of the narrow session a primary kept once loaded; undefined: it runs one session. */
  get narrowThreads(): number | undefined {
    return this.narrow;
  }

  /**
   * Sends a job through a free shared-memory slot, or by message when none can take it. True when
   * the worker was spinning for it (see idle-spin) and took it through its bell.
   */
  run(job: WorkerJob): boolean {
    const slotted = this.runInSlot(job);
    if (slotted !== undefined) return slotted;
    const inputs = jobInputs(job);
    if (inputs === undefined) return false;
    const { tensors, transfer } = prepareTransfer(inputs);
    this.inFlight.set(job.id, job);
    try {
      this.thread.postMessage({ type: 'run', id: job.id, inputs: tensors } satisfies ToWorkerMessage, transfer);
    } catch (error) {
      this.inFlight.delete(job.id);
      const reason = error instanceof Error ? error.message : String(error);
      job.fail(new InferenceError(`the request could not be sent to the model worker: ${reason}`));
    }
    return false;
  }

  /** Undefined when no slot can take the job; otherwise whether it went through the bell. */
  private runInSlot(job: WorkerJob): boolean | undefined {
    if (!this.sharedMemory) return undefined;
    const slot = this.slotJobs.indexOf(undefined);
    if (slot === -1) return undefined;
    const { inputs } = job;
    const stacked = inputs instanceof StackedInputs;
    const bytes = stacked ? stackedBytes(inputs, this.inputNames) : encodedBytes(inputs, this.inputNames);
    let grown = false;
    const buffer = slotHolding(this.inputSlots, slot, bytes, (shared) => {
      grown = true;
      this.thread.postMessage({ type: 'input-slot', slot, buffer: shared } satisfies ToWorkerMessage);
    });
    if (buffer === undefined) return undefined;
    if (stacked) buffer.writeStacked(job.id, inputs, this.inputNames);
    else buffer.write(job.id, 0, inputs, this.inputNames);
    this.slotJobs[slot] = job;
    this.inFlight.set(job.id, job);
    // A slot whose buffer just grew goes by message, after the message that brings the new buffer.
    if (!grown && handOver(this.bell, slot)) return true;
    this.thread.postMessage(slot satisfies ToWorkerMessage);
    return false;
  }

  /** Fails every job this worker holds; answers that arrive later are dropped. */
  failInFlight(error: () => Error): void {
    const jobs = [...this.inFlight.values()];
    this.inFlight.clear();
    for (const job of jobs) job.fail(error());
  }

  crashForTest(how: CrashMode): void {
    this.thread.postMessage({ type: 'crash', how } satisfies ToWorkerMessage);
  }

  /** Blocks the thread for `ms`, as a long engine call would; messages wait meanwhile. */
  stallForTest(ms: number): void {
    this.thread.postMessage({ type: 'stall', ms } satisfies ToWorkerMessage);
  }

  /**
   * Asks the worker to finish what it started, release the session and end; resolves when it has.
   * Never `terminate()`: ending a thread that is inside an onnxruntime-node call aborts the process.
   */
  stop(): Promise<void> {
    return (this.stopped ??= this.requestStop());
  }

  private async requestStop(): Promise<void> {
    if (this.state === 'exited') return;
    this.state = 'stopping';
    this.thread.postMessage({ type: 'unload' } satisfies ToWorkerMessage);
    await this.exited;
  }

  private onMessage(message: Exclude<FromWorkerMessage, number>): void {
    switch (message.type) {
      case 'loaded':
        if (this.state === 'loading') this.state = 'ready';
        this.inputNames = message.signature.inputs.map((spec) => spec.name);
        this.outputNames = message.signature.outputs.map((spec) => spec.name);
        this.narrow = message.narrowThreads;
        this.threads = message.threads;
        this.settleLoad.resolve({ signature: message.signature, engine: message.engine, loadMs: message.loadMs, warmRunMs: message.warmRunMs });
        return;
      case 'load-failed': {
        const error = deserializeError(message.error);
        this.settleLoad.reject(error instanceof ModelLoadError ? error : new ModelLoadError(error.message));
        return;
      }
      case 'output-slot':
        this.outputSlots[message.slot] = new SlotBuffer(message.buffer);
        return;
      case 'result':
      case 'run-failed':
        return this.settleRequest(message);
    }
  }

  /** Answers that came by message: failures, and outputs a slot could not hold. */
  private settleRequest(message: Extract<FromWorkerMessage, { type: 'result' | 'run-failed' }>): void {
    const slot = this.slotJobs.findIndex((job) => job?.id === message.id);
    if (slot !== -1) this.slotJobs[slot] = undefined;
    const job = this.inFlight.get(message.id);
    if (job === undefined) return;
    this.inFlight.delete(message.id);
    if (message.type === 'result') job.complete(message.outputs, message.computeMs, this.instance, message.threads);
    else job.fail(deserializeError(message.error));
    this.events.onSettled(this);
  }

  /** The worker wrote the outputs of the job in `slot` to the slot's output buffer. */
  private settleSlot(slot: number): void {
    const job = this.slotJobs[slot];
    this.slotJobs[slot] = undefined;
    if (job === undefined || !this.inFlight.delete(job.id)) return;
    const output = this.outputSlots[slot];
    if (output !== undefined && output.id === job.id) job.complete(output.read(this.outputNames), output.computeMs, this.instance, output.threads);
    else job.fail(new InferenceError(`the model worker's answer to batch ${job.id} was not in its slot; the request was not completed, retry it`));
    this.events.onSettled(this);
  }

  private onExit(code: number): void {
    // A worker that died spinning (a crash, an exit in a message it polled) must not keep the turn.
    if (this.spinGauge !== undefined) releaseSpinner(this.spinGauge, this.threadId);
    const previous = this.state;
    this.state = 'exited';
    const reason = this.lastError ? `${this.lastError.name}: ${this.lastError.message}` : `exit code ${code}`;
    this.settleLoad.reject(
      previous === 'stopping'
        ? new ModelLoadError('the model was unloaded before it finished loading')
        : new ModelLoadError(`the model worker stopped while loading the model (${reason})`),
    );
    if (previous === 'stopping') {
      // A worker asked to stop answers what it holds first; anything left was lost with the thread.
      return this.failInFlight(() => new WorkerCrashedError(workerCrashedMessage(this.events.label())));
    }
    // Let the owner stop routing here before the callers hear about it (and perhaps retry).
    if (previous === 'ready') this.events.onCrash(this, reason);
    this.failInFlight(() => new WorkerCrashedError(workerCrashedMessage(this.events.label())));
  }
}

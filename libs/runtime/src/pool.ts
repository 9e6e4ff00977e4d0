/**
 * ModelRuntime: the only way the API runs models. Each loaded version gets `instances` worker
 * threads (Triton's instance groups), so a model that throws, leaks or blows its heap takes down a
 * worker, never the API; a version whose engine calls take microseconds may instead run inline, on
 * the calling thread (LoadSpec.inline, InlineInstance). Workers are started by compiled code: the
 * runtime must be built (`npx tsc -p libs/runtime/tsconfig.lib.json`) before it is used, tests and
 * vitest included.
 */
import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import type { Device, Session } from './backends/backend';
import { backendFor } from './backends/index';
import { probeBatching } from './batch-probe';
import { joinInputs, planBatching, resolveBatchingConfig, type BatchingConfig, type BatchPlan } from './batching';
import { ModelLoadError, ModelNotLoadedError, WorkerCrashedError } from './errors';
import { INLINE_CHECK_ROWS, INLINE_MAX_BATCH_MS, INLINE_MAX_FILE_BYTES, INLINE_MAX_RUN_MS, InlineInstance } from './inline-instance';
import { compileInputCheck, type InputCheck } from './input-check';
import type { ModelFormat, ModelSignature } from './signature';
import type { NamedTensors } from './tensor';
import { VersionQueue, type InferOptions, type QueueStats } from './version-queue';
import { generateWarmupInputs } from './warmup';
import { ActivityGauge } from './worker/idle-spin';
import type { CrashMode, LaneSetup, ThreadChoice } from './worker/messages';
import { ModelWorker, workerCrashedMessage, type InferResult, type LoadedInstance } from './worker/model-worker';

export type { InferResult } from './worker/model-worker';
export { ActivityGauge } from './worker/idle-spin';
export type { InferOptions, QueueStats } from './version-queue';
export { INLINE_MAX_BATCH_MS, INLINE_MAX_FILE_BYTES, INLINE_MAX_RUN_MS } from './inline-instance';

export interface ModelRuntimeOptions {
  /** The worker entry point; defaults to the built `@modelgate/runtime/worker`. */
  workerScript?: string;
  /** Cores the intra-op threads of all instances share; defaults to os.availableParallelism(). */
  totalThreads?: number;
  /** Allow simulateWorkerCrash() and simulateWorkerStall(); defaults to MODELGATE_TEST_HOOKS=1. */
  testHooks?: boolean;
  /** Worker life events, for logs and metrics. */
  onWorkerEvent?: (event: WorkerEvent) => void;
  /**
   * Restart instances whose intra-op thread count no longer matches the budget after versions are
   * loaded or unloaded (see `rebalanceThreads`); default true.
   */
  rebalanceThreads?: boolean;
  /** Quiet time after the last load or unload before rebalancing; default 1000 ms. */
  rebalanceDelayMs?: number;
  /**
   * Tensors cross to and from workers through shared memory (default true): one copy each way and
   * a bare number as the message. false sends every batch as a message with its buffers moved,
   * the way it went before; the transport benchmark (`npm run bench:transport`) measures both.
   */
  sharedMemory?: boolean;
  /**
   * The warm batch-1 run of its narrow session an instance's model must take before the instance
   * is split in two lanes; default LANE_MIN_RUN_MS. Tests set 0 to split their small models, and
   * Infinity to keep one lane whatever a busy machine makes of the timing.
   */
  laneMinRunMs?: number;
  /**
   * The longest warm batch-1 run, in the worker that loaded it, of a version that may run inline
   * (LoadSpec.inline); default INLINE_MAX_RUN_MS. Tests set 0 to keep their small models on workers.
   */
  inlineMaxRunMs?: number;
  /**
   * Below this warm batch-1 run, an instance's model is timed on one thread too and keeps it where it
   * is about as fast (OneThreadSetup); default ONE_THREAD_MAX_RUN_MS, 0 keeps every instance's
   * threads.
   */
  oneThreadMaxRunMs?: number;
  /** How much slower one thread may be and still be kept; default ONE_THREAD_TOLERANCE. Tests set Infinity to keep it whatever the timings. */
  oneThreadTolerance?: number;
  /**
   * Idle spin (see worker/idle-spin): a primary worker that has answered its last batch while the
   * host holds no other request polls for the next one for up to this long, so that a lone
   * client's next request is handed over through shared memory instead of waking a sleeping
   * thread. It spends up to a core for that time, and only while the server is otherwise idle,
   * which the host reports through `runtime.activity`: a host that turns idle spin on must count
   * every request there, or its workers would spin under load too. Default 0: off.
   */
  idleSpinMs?: number;
}

export interface WorkerEvent {
  key: string;
  instance: number;
  /**
   * `rebalanced`: the instance was restarted with the current thread budget and took over;
   * `rebalance-failed`: the restart failed and the instance keeps its old budget;
   * `helper-started`, `helper-failed`: the instance's second lane (see ModelRuntime, "Lanes").
   */
  type: 'crashed' | 'replaced' | 'replacement-failed' | 'stopped' | 'rebalanced' | 'rebalance-failed' | 'helper-started' | 'helper-failed';
  /** The event is about the instance's helper worker (its second lane), not its primary. */
  helper?: boolean;
  message: string;
}

export interface LoadSpec {
  format: ModelFormat;
  /** The `.onnx` file, or the folder of a TF.js model or SavedModel. */
  artifactPath: string;
  /** Worker threads serving this model; default 1. */
  instances?: number;
  /** Default `cpu`. A list pins instance i to `device[i % length]` (e.g. ['gpu:0', 'gpu:1']). */
  device?: Device | readonly Device[];
  /** Dynamic batching, deadlines and the queue bound; see BatchingConfig for the defaults. */
  batching?: Partial<BatchingConfig>;
  /**
   * Lets each CPU instance of an ONNX model split its threads into two lanes under load (see
   * ModelRuntime, "Lanes"); default true. The split applies only where it pays: an instance with two
   * threads or more whose model takes at least LANE_MIN_RUN_MS a run. false keeps one session per
   * instance, and the memory of one.
   */
  splitUnderLoad?: boolean;
  /**
   * Lets a model fast enough run on the calling thread, without a worker (see InlineInstance);
   * default false. Only an ONNX model on the CPU with one instance and a small file qualifies, and
   * only when its engine calls measure short enough at load; anything else keeps its workers.
   */
  inline?: boolean;
}

/** Where a version's engine calls run, and why. */
export interface ExecutionInfo {
  /** `inline`: on the thread that serves its requests (InlineInstance); `workers`: in its worker threads. */
  mode: 'inline' | 'workers';
  reason: string;
}

export interface LoadedModelInfo {
  signature: ModelSignature;
  engine: string;
  /** Slowest instance's load plus warm-up. */
  loadMs: number;
  /** The settings in force, the axis requests are joined along (null: one by one) and why. */
  batching: BatchingConfig & Pick<BatchPlan, 'axis' | 'reason'>;
  execution: ExecutionInfo;
}

/** A version's numbers at one moment: pure data, for metrics and dashboards. */
export interface VersionStats extends QueueStats {
  key: string;
  execution: ExecutionInfo;
  workers: {
    /** Instances configured. */
    total: number;
    /** Loaded and taking requests. */
    ready: number;
    /** Ready and holding at least one batch. */
    busy: number;
    instances: InstanceStats[];
  };
}

export interface InstanceStats {
  instance: number;
  device: Device;
  intraOpThreads: number;
  ready: boolean;
  /** Batches sent to it and not yet answered (at most 2). */
  inFlightBatches: number;
  /** The instance runs on the thread that serves the requests, without a worker (see InlineInstance). */
  inline?: true;
  /**
   * Once loaded: the intra-op threads its lone requests run on, and why. Fewer than `intraOpThreads`
   * (its share of the cores) where its model ran as fast on one thread (ONE_THREAD_MAX_RUN_MS).
   */
  threads?: ThreadChoice;
  /**
   * Present while the instance is split in two lanes: the threads of the primary's narrow session
   * and the helper worker that runs beside it under load.
   */
  lanes?: {
    narrowThreads: number;
    helper: { intraOpThreads: number; ready: boolean; inFlightBatches: number };
  };
}

/** How long unload() waits for its workers to end; later, they still end on their own. */
const STOP_WAIT_MS = 10_000;

/** Waits before starting another replacement after one failed to load. */
const REPLACEMENT_RETRY_MS = [1_000, 2_000, 5_000, 10_000, 30_000];

/**
 * An instance splits into two lanes only when a warm batch-1 run of its narrow session (half the
 * threads, one on two cores) takes at least this long, the fastest of up to five. Measured
 * (docs/performance.md): the bench's CNN (0.8-2.9 ms a run on one thread) computes 13-33% more
 * images a second under load in two lanes than in one two-thread session; its MLP (0.01-0.06 ms)
 * gains nothing and spends 10% more CPU a request on the smaller batches' messages.
 */
export const LANE_MIN_RUN_MS = 0.5;

/**
 * A CPU instance of an ONNX model with two threads or more, not split in lanes, whose warm batch-1
 * run on all its threads takes under this long, is timed on one thread too (see
 * worker/thread-choice): the models too quick for lanes are the ones whose runs are too short to
 * share among threads.
 */
export const ONE_THREAD_MAX_RUN_MS = LANE_MIN_RUN_MS;

/**
 * One thread is kept when it is at most this many times as slow as all the instance's threads, at
 * one row and at a full batch. A tie goes to one thread: the wide session's timings at load are
 * taken on an idle machine, and under load every parallel section waits for a thread to be woken
 * and scheduled, which a busy machine makes slower (docs/performance.md, 6 December 2026).
 */
export const ONE_THREAD_TOLERANCE = 1.1;

class LoadedModel {
  state: 'loading' | 'ready' | 'unloaded' = 'loading';
  /** One slot per instance; a replacement takes the slot of the worker it replaces. */
  readonly workers: (ModelWorker | undefined)[];
  /** Per slot: a worker loading with a new thread budget, to take over from the one in the slot. */
  readonly successors: (ModelWorker | undefined)[];
  /** Per instance: its helper worker, the second lane, while it is split (see ModelRuntime, "Lanes"). */
  readonly helpers: (ModelWorker | undefined)[];
  /** Per instance: a helper asked to stop and not ended yet; no other starts meanwhile. */
  readonly helpersStopping: (Promise<void> | undefined)[];
  /** Per instance: one Int32 word, the helper's batches in progress, read by the primary. */
  readonly helperBusy: SharedArrayBuffer[];
  readonly queue: VersionQueue;
  readonly retryTimers = new Set<NodeJS.Timeout>();
  /** The version's one instance when it runs inline; it then has no workers. */
  inline: InlineInstance | undefined;
  execution: ExecutionInfo = { mode: 'workers', reason: 'loading' };
  signature: ModelSignature | undefined;
  check: InputCheck = () => undefined;
  stopped: Promise<void> | undefined;

  constructor(
    readonly key: string,
    readonly format: ModelFormat,
    readonly artifactPath: string,
    readonly devices: readonly Device[],
    instances: number,
    batching: BatchingConfig,
    /** The model may split its CPU instances in two lanes (LoadSpec.splitUnderLoad and an ONNX model). */
    readonly splits: boolean,
    activity: ActivityGauge,
  ) {
    this.workers = new Array<ModelWorker | undefined>(instances).fill(undefined);
    this.successors = new Array<ModelWorker | undefined>(instances).fill(undefined);
    this.helpers = new Array<ModelWorker | undefined>(instances).fill(undefined);
    this.helpersStopping = new Array<Promise<void> | undefined>(instances).fill(undefined);
    this.helperBusy = Array.from({ length: instances }, () => new SharedArrayBuffer(4));
    this.queue = new VersionQueue(key, batching, activity);
  }
}

export class ModelRuntime {
  private readonly models = new Map<string, LoadedModel>();
  private readonly totalThreads: number;
  private readonly testHooks: boolean;
  private workerScript: string | undefined;
  private rebalanceTimer: NodeJS.Timeout | undefined;
  /**
   * The requests the host holds, which idle spin reads (see ModelRuntimeOptions.idleSpinMs) and each
   * version's batcher too: while the host holds others, an idle instance's batch is made at the end
   * of the event loop's turn (VersionQueue). A host that counts nothing here gets neither.
   */
  readonly activity = new ActivityGauge();

  constructor(private readonly options: ModelRuntimeOptions = {}) {
    this.totalThreads = Math.max(1, Math.floor(options.totalThreads ?? availableParallelism()));
    this.testHooks = options.testHooks ?? process.env['MODELGATE_TEST_HOOKS'] === '1';
    this.workerScript = options.workerScript;
  }

  /**
   * Starts the instances of a model and resolves once every one has loaded it and run a warm-up.
   * If any instance fails, none is left running and the promise rejects with ModelLoadError.
   */
  async load(key: string, spec: LoadSpec): Promise<LoadedModelInfo> {
    if (this.models.has(key)) throw new Error(`model "${key}" is already loaded; unload it before loading it again`);
    const instances = spec.instances ?? 1;
    if (!Number.isInteger(instances) || instances < 1) {
      throw new ModelLoadError(`instances must be a whole number of at least 1, got ${instances}`);
    }
    const devices: readonly Device[] = spec.device === undefined ? ['cpu'] : typeof spec.device === 'string' ? [spec.device] : spec.device;
    if (devices.length === 0) throw new ModelLoadError('device must name at least one device, such as "cpu" or "gpu:0"');
    const batching = resolveBatchingConfig(spec.batching);
    // Fails before anything changes when the runtime has not been built.
    this.resolveWorkerScript();
    const splits = spec.splitUnderLoad !== false && spec.format === 'onnx';
    const model = new LoadedModel(key, spec.format, spec.artifactPath, devices, instances, batching, splits, this.activity);
    this.models.set(key, model);

    const starting = Array.from({ length: instances }, (_, instance) => this.startWorker(model, instance));
    starting.forEach((worker, instance) => (model.workers[instance] = worker));
    const settled = await Promise.allSettled(starting.map((worker) => worker.loaded));
    const failure = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failure !== undefined || model.state === 'unloaded') {
      await this.teardown(model);
      if (failure === undefined) throw new ModelLoadError(`model "${key}" was unloaded before it finished loading`);
      throw failure.reason instanceof ModelLoadError ? failure.reason : new ModelLoadError(String(failure.reason));
    }

    const loaded = settled.map((result) => (result as PromiseFulfilledResult<LoadedInstance>).value);
    const { signature, engine } = loaded[0];
    let plan: BatchPlan;
    try {
      plan = await this.planBatching(signature, batching, starting[0]);
    } catch (error) {
      await this.teardown(model);
      throw error instanceof ModelLoadError ? error : new ModelLoadError(String((error as Error).message ?? error));
    }
    // Unloaded while probing: unload() has stopped the workers already.
    if ((model.state as LoadedModel['state']) === 'unloaded') {
      throw new ModelLoadError(`model "${key}" was unloaded before it finished loading`);
    }
    model.signature = signature;
    model.check = compileInputCheck(signature);
    model.queue.setPlan(signature, plan);
    const inline = await this.startInline(model, spec, loaded[0], plan, batching);
    if ((model.state as LoadedModel['state']) === 'unloaded') {
      await inline?.stop();
      throw new ModelLoadError(`model "${key}" was unloaded before it finished loading`);
    }
    model.state = 'ready';
    if (inline !== undefined) {
      // The worker that loaded and measured the model has served no request: it ends, and the
      // version's one instance is the inline one.
      model.inline = inline;
      model.workers.length = 0;
      void starting[0].stop().then(() => this.emit({ key, instance: 0, type: 'stopped', message: 'worker stopped: the version runs inline' }));
      model.queue.attach(inline);
    } else {
      starting.forEach((worker, instance) => {
        // One that loaded and then died while the others were still loading is replaced like any crash.
        if (!worker.isReady) return this.replaceWorker(model, instance, 0);
        model.queue.attach(worker);
        this.syncHelper(model, instance);
      });
    }
    this.scheduleRebalance();
    return {
      signature,
      engine,
      loadMs: Math.max(...loaded.map((instance) => instance.loadMs)),
      batching: { ...batching, axis: plan.axis, reason: plan.reason },
      execution: model.execution,
    };
  }

  /**
   * The version's inline instance (see InlineInstance) when it may run inline and measures fast
   * enough on this thread; otherwise undefined, with the reason in `model.execution`. A session
   * that cannot be made here leaves the version on its workers rather than failing the load.
   */
  private async startInline(model: LoadedModel, spec: LoadSpec, loaded: LoadedInstance, plan: BatchPlan, batching: BatchingConfig): Promise<InlineInstance | undefined> {
    const refuse = (reason: string) => {
      model.execution = { mode: 'workers', reason };
      return undefined;
    };
    if (spec.inline !== true) return refuse('inline execution is off for this version');
    if (model.format !== 'onnx') return refuse('only ONNX models run inline');
    if (model.workers.length !== 1) return refuse(`${model.workers.length} instances: only a version with one instance runs inline`);
    if (model.devices.some((device) => device !== 'cpu')) return refuse('only a CPU instance runs inline');
    const maxRunMs = this.options.inlineMaxRunMs ?? INLINE_MAX_RUN_MS;
    if (loaded.warmRunMs > maxRunMs) {
      return refuse(`a warm batch-1 run takes ${loaded.warmRunMs.toFixed(3)} ms, more than the ${maxRunMs} ms a model may take to run inline`);
    }
    const fileBytes = (await stat(model.artifactPath)).size;
    if (fileBytes > INLINE_MAX_FILE_BYTES) return refuse(`the model file (${fileBytes} bytes) is larger than the ${INLINE_MAX_FILE_BYTES} bytes a model may have to run inline`);
    let session: Session;
    try {
      session = await (await backendFor('onnx')).load('onnx', model.artifactPath, { device: 'cpu', intraOpThreads: 1 });
    } catch (error) {
      return refuse(`its session could not be made on this thread: ${(error as Error).message}`);
    }
    try {
      const warmup = generateWarmupInputs(session.signature);
      const rows = plan.axis === null ? 1 : Math.min(batching.maxBatchSize, INLINE_CHECK_ROWS);
      const names = session.signature.inputs.map((input) => input.name);
      const full = rows === 1 ? warmup : joinInputs(new Array(rows).fill({ inputs: warmup, rows: 1 }), names, plan.axis as number, rows);
      // The first run of a batch size allocates; the faster of the next two is the one that counts,
      // each timed from the turn of the event loop in which onnxruntime-node runs it (see
      // InlineInstance.run).
      await session.run(full);
      let fullMs = Infinity;
      for (let run = 0; run < 2; run++) {
        let started = 0;
        setImmediate(() => (started = performance.now()));
        await session.run(full);
        fullMs = Math.min(fullMs, performance.now() - started);
      }
      if (fullMs > INLINE_MAX_BATCH_MS) {
        await session.dispose();
        return refuse(`a warm run of ${rows} rows takes ${fullMs.toFixed(3)} ms on this thread, more than the ${INLINE_MAX_BATCH_MS} ms the event loop may wait for one`);
      }
      model.execution = {
        mode: 'inline',
        reason: `a warm batch-1 run takes ${loaded.warmRunMs.toFixed(3)} ms and one of ${rows} rows ${fullMs.toFixed(3)} ms, within ${maxRunMs} and ${INLINE_MAX_BATCH_MS} ms`,
      };
      return new InlineInstance(session, () => model.queue.dispatch());
    } catch (error) {
      await session.dispose().catch(() => undefined);
      return refuse(`its session failed a warm run on this thread: ${(error as Error).message}`);
    }
  }

  /**
   * Queues one request for the version's batcher and resolves with its outputs and where its time
   * went. The inputs are checked against the signature first (InputValidationError). Their buffers
   * may be moved to a worker: the caller's typed arrays can be empty afterwards, so copy them first
   * if they are needed again (a shadow request). Outputs may be views into a buffer shared with the
   * other requests of the batch (see sliceOutputs). Refusals: QueueFullError (429),
   * DeadlineExceededError (504), ModelNotLoadedError and WorkerCrashedError (503), InferenceError.
   */
  async infer(key: string, inputs: NamedTensors, options?: InferOptions): Promise<InferResult> {
    const model = this.models.get(key);
    if (model === undefined || model.state !== 'ready') throw new ModelNotLoadedError(`${model?.queue.label ?? `model "${key}"`} is not loaded`);
    model.check(inputs);
    return model.queue.submit(inputs, options);
  }

  /**
   * Joins requests only where the signature allows it (planBatching) and a probe run confirms that
   * joining changes no answer (probeBatching). A configured batchAxis that fails either check fails
   * the load; the default axis 0 falls back to serving one by one, saying why.
   */
  private async planBatching(signature: ModelSignature, batching: BatchingConfig, worker: ModelWorker): Promise<BatchPlan> {
    const plan = planBatching(signature, batching);
    if (plan.axis === null || !worker.isReady) return plan;
    const refusal = await probeBatching(worker, signature, plan.axis);
    if (refusal === undefined) return plan;
    if (batching.batchAxis !== undefined) {
      throw new ModelLoadError(`batching.batchAxis is ${plan.axis}, but joining requests along it changes the answers: ${refusal}`);
    }
    return { axis: null, reason: `served one by one: ${refusal}`, shapesVary: false };
  }

  /**
   * How the errors that version `key`'s requests get name it (its queue full, a deadline passed, a
   * worker lost, unloaded): `model "iris" version 2`, say. Until then, `model "<key>"`; a host whose
   * keys mean nothing to its clients sets it once it knows the version's name.
   */
  setLabel(key: string, label: string): void {
    const model = this.models.get(key);
    if (model !== undefined) model.queue.label = label;
  }

  /** The version's counters, batch-size histogram, queue depth and workers; undefined if not loaded. */
  stats(key: string): VersionStats | undefined {
    const model = this.models.get(key);
    if (model === undefined) return undefined;
    const inline = model.inline;
    const inlineStats: InstanceStats[] =
      inline === undefined ? [] : [{ instance: 0, device: inline.device, intraOpThreads: inline.intraOpThreads, ready: inline.isReady, inFlightBatches: inline.inFlightCount, inline: true }];
    const instances: InstanceStats[] = inlineStats.concat(model.workers.map((worker, instance) => {
      const stats: InstanceStats = {
        instance,
        device: worker?.device ?? model.devices[instance % model.devices.length],
        intraOpThreads: worker?.intraOpThreads ?? 0,
        ready: worker?.isReady === true,
        inFlightBatches: worker?.inFlightCount ?? 0,
      };
      const threads = worker?.threadChoice;
      if (threads !== undefined) stats.threads = threads;
      const helper = model.helpers[instance];
      const narrowThreads = worker?.narrowThreads;
      if (helper !== undefined && narrowThreads !== undefined) {
        const helperStats = { intraOpThreads: helper.intraOpThreads, ready: helper.isReady, inFlightBatches: helper.inFlightCount };
        stats.lanes = { narrowThreads, helper: helperStats };
      }
      return stats;
    }));
    const ready = instances.filter((instance) => instance.ready);
    const busy = (instance: InstanceStats) => instance.inFlightBatches + (instance.lanes?.helper.inFlightBatches ?? 0) > 0;
    return {
      key,
      ...model.queue.stats(),
      execution: model.execution,
      workers: {
        total: instances.length,
        ready: ready.length,
        busy: ready.filter(busy).length,
        instances,
      },
    };
  }

  /**
   * Ends the model's workers, which release their sessions. Requests not yet answered reject with
   * ModelNotLoadedError at once; the workers finish the engine call they are in before they end.
   */
  async unload(key: string): Promise<void> {
    const model = this.models.get(key);
    if (model !== undefined) await this.teardown(model);
  }

  isLoaded(key: string): boolean {
    return this.models.get(key)?.state === 'ready';
  }

  signatureOf(key: string): ModelSignature | undefined {
    return this.models.get(key)?.signature;
  }

  loadedKeys(): string[] {
    return [...this.models.values()].filter((model) => model.state === 'ready').map((model) => model.key);
  }

  /** Unloads everything; the runtime can still load again afterwards. */
  async close(): Promise<void> {
    await Promise.all([...this.models.keys()].map((key) => this.unload(key)));
    clearTimeout(this.rebalanceTimer);
    this.rebalanceTimer = undefined;
  }

  /** Test hook: makes one instance's thread (its helper's, with `helper`) die as a crashing model would. */
  simulateWorkerCrash(key: string, instance = 0, how: CrashMode = 'exit', helper = false): void {
    this.testWorker('simulateWorkerCrash', key, instance, helper).crashForTest(how);
  }

  /**
   * Test hook: blocks one instance's thread for `ms`, as a long engine call would, without the
   * queue knowing: requests sent to it meanwhile count as in flight and wait in its message port.
   * An inline instance holds the batches sent to it the same way, without blocking the thread.
   */
  simulateWorkerStall(key: string, instance: number, ms: number, helper = false): void {
    this.testWorker('simulateWorkerStall', key, instance, helper).stallForTest(ms);
  }

  private testWorker(hook: string, key: string, instance: number, helper = false): Pick<ModelWorker, 'crashForTest' | 'stallForTest'> {
    if (!this.testHooks) throw new Error(`${hook} needs the testHooks option (or MODELGATE_TEST_HOOKS=1)`);
    const model = this.models.get(key);
    // An inline version's stall holds its batches as a stalled worker would; it has nothing to crash.
    if (model?.inline !== undefined && !helper && instance === 0) return model.inline;
    const worker = helper ? model?.helpers[instance] : model?.workers[instance];
    if (worker === undefined) throw new ModelNotLoadedError(`model "${key}" has no ${helper ? 'helper for ' : ''}instance ${instance}`);
    return worker;
  }

  private teardown(model: LoadedModel): Promise<void> {
    return (model.stopped ??= this.stopModel(model));
  }

  private async stopModel(model: LoadedModel): Promise<void> {
    const { key } = model;
    if (this.models.get(key) === model) this.models.delete(key);
    model.state = 'unloaded';
    for (const timer of model.retryTimers) clearTimeout(timer);
    model.retryTimers.clear();
    const notLoaded = () => new ModelNotLoadedError(`${model.queue.label} was unloaded before the request completed`);
    model.queue.rejectWaiting(notLoaded);
    for (const worker of [...model.workers, ...model.helpers]) worker?.failInFlight(notLoaded);
    model.inline?.failInFlight(notLoaded);
    const inlineStopped = model.inline?.stop();
    const workers = [...model.workers, ...model.successors, ...model.helpers];
    model.successors.fill(undefined);
    model.helpers.fill(undefined);
    this.scheduleRebalance();
    const stopped = Promise.all([
      inlineStopped,
      ...workers.map(async (worker) => {
        if (worker === undefined) return;
        await worker.stop();
        this.emit({ key, instance: worker.instance, type: 'stopped', message: 'worker stopped' });
      }),
    ]);
    // A worker inside a long engine call stops only when the call returns; the caller need not wait.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([stopped, new Promise((resolve) => (timer = setTimeout(resolve, STOP_WAIT_MS).unref()))]);
    clearTimeout(timer);
  }

  /**
   * Lanes. ONNX Runtime's intra-op threads wait for each other at the end of every parallel
   * section, so a session's threads go only as fast as the slowest of them; on a machine whose
   * cores the HTTP thread and the clients share, one of them is often preempted and the rest wait.
   * Two sessions of half the threads each, on two batches at once, do not wait for each other
   * (measured in docs/performance.md: 13-33% more CNN requests a second under load on two cores).
   * But one lone request runs fastest on all the threads. So an instance whose budget is two
   * threads or more, for a model slow enough to gain (LANE_MIN_RUN_MS), is split in two lanes:
   * its primary worker holds a wide session with all the threads and a narrow one with half
   * (rounded up), and a helper worker holds a session with the other half. The queue sends work to
   * the helper only while no primary is idle, and the primary runs its narrow session whenever the
   * helper is computing, so the two together never use more than the instance's threads (save for
   * the wide run the helper's first batch overlaps). The price is memory: a second session in the
   * primary and a third in the helper (`splitUnderLoad: false` in the version's config keeps one).
   *
   * The helper follows its primary: started once the primary has loaded and kept a narrow session,
   * restarted with the primary's new split after a rebalance or a replacement, stopped when the
   * primary has none. A helper that crashes is replaced; one that fails to load is left out until
   * its primary restarts, and the instance serves as one lane meanwhile.
   */
  private syncHelper(model: LoadedModel, instance: number): void {
    if (model.helpersStopping[instance] !== undefined) return;
    const primary = model.workers[instance];
    const narrow = primary?.isReady === true ? primary.narrowThreads : undefined;
    const wanted = model.state === 'ready' && narrow !== undefined ? (primary as ModelWorker).intraOpThreads - narrow : 0;
    const current = model.helpers[instance];
    if (current !== undefined) {
      if (current.intraOpThreads === wanted) return;
      // The helper's busy word is shared with the primary: the next helper starts once this one has ended.
      model.helpers[instance] = undefined;
      model.queue.detach(current);
      const stopping = current.stop().then(() => {
        model.helpersStopping[instance] = undefined;
        this.syncHelper(model, instance);
      });
      model.helpersStopping[instance] = stopping;
      return;
    }
    if (wanted <= 0) return;
    const helper = this.startWorker(model, instance, wanted);
    model.helpers[instance] = helper;
    helper.loaded.then(
      () => {
        if (model.helpers[instance] !== helper || model.state !== 'ready') return;
        model.queue.attach(helper);
        this.emit({ key: model.key, instance, type: 'helper-started', helper: true, message: `split in two lanes: ${narrow} + ${wanted} intra-op threads under load` });
      },
      (error: Error) => {
        if (model.helpers[instance] !== helper) return;
        model.helpers[instance] = undefined;
        this.emit({ key: model.key, instance, type: 'helper-failed', helper: true, message: error.message });
      },
    );
  }

  private onHelperCrash(model: LoadedModel, helper: ModelWorker, reason: string): void {
    const { instance } = helper;
    model.queue.detach(helper);
    this.emit({ key: model.key, instance, type: 'crashed', helper: true, message: reason });
    if (model.helpers[instance] !== helper) return;
    model.helpers[instance] = undefined;
    // The dead thread can no longer count its run down.
    Atomics.store(new Int32Array(model.helperBusy[instance]), 0, 0);
    this.syncHelper(model, instance);
  }

  /**
   * Thread budget: every instance of every version (loading ones included) gets
   * max(1, floor(totalThreads / all instances)) intra-op threads, so together they match the cores;
   * max(1, ...) oversubscribes when there are more instances than cores, the lesser evil against
   * refusing to load. Every worker starts with the budget of its moment.
   */
  private threadsPerInstance(): number {
    let instances = 0;
    for (const model of this.models.values()) instances += model.workers.length;
    return Math.max(1, Math.floor(this.totalThreads / Math.max(1, instances)));
  }

  /**
   * ONNX Runtime cannot change a live session's intraOpNumThreads, so when loads and unloads change
   * the budget, the instances started with another one are restarted with it, one successor per
   * instance: the old worker keeps serving until its successor has loaded and warmed up, then stops
   * taking requests, answers those it holds and ends. Memory for both is held meanwhile. Debounced,
   * so a start that loads many versions restarts each instance once at most, after the last load.
   * A version's own settings (instances, device, batching) change by loading it again under a new
   * key, then unloading the old one.
   */
  private scheduleRebalance(): void {
    if (this.options.rebalanceThreads === false) return;
    clearTimeout(this.rebalanceTimer);
    this.rebalanceTimer = setTimeout(() => this.rebalanceThreads(), this.options.rebalanceDelayMs ?? 1_000);
    this.rebalanceTimer.unref();
  }

  private rebalanceThreads(): void {
    this.rebalanceTimer = undefined;
    const threads = this.threadsPerInstance();
    for (const model of this.models.values()) {
      if (model.state !== 'ready') continue;
      model.workers.forEach((worker, instance) => {
        if (worker === undefined || !worker.isReady || worker.intraOpThreads === threads) return;
        if (model.successors[instance] === undefined) this.startSuccessor(model, instance);
      });
    }
  }

  private startSuccessor(model: LoadedModel, instance: number): void {
    const successor = this.startWorker(model, instance);
    model.successors[instance] = successor;
    successor.loaded.then(
      () => {
        if (model.successors[instance] !== successor) return;
        model.successors[instance] = undefined;
        if (model.state !== 'ready') return void successor.stop();
        const previous = model.workers[instance];
        model.workers[instance] = successor;
        model.queue.attach(successor);
        if (previous !== undefined) {
          model.queue.detach(previous);
          void previous.stop();
        }
        const message = `restarted with ${successor.intraOpThreads} intra-op threads (was ${previous?.intraOpThreads ?? 'none'})`;
        this.emit({ key: model.key, instance, type: 'rebalanced', message });
        this.syncHelper(model, instance);
      },
      (error: Error) => {
        if (model.successors[instance] !== successor) return;
        model.successors[instance] = undefined;
        this.emit({ key: model.key, instance, type: 'rebalance-failed', message: error.message });
      },
    );
  }

  /**
   * A primary with the current thread budget, set up to split in two lanes where the model allows
   * it; or, given `helperThreads`, the instance's helper with that many.
   */
  private startWorker(model: LoadedModel, instance: number, helperThreads?: number): ModelWorker {
    const events = {
      onSettled: () => model.queue.dispatch(),
      onCrash: (worker: ModelWorker, reason: string) =>
        worker.isHelper ? this.onHelperCrash(model, worker, reason) : this.onWorkerCrash(model, worker, reason),
      label: () => model.queue.label,
    };
    const spinMs = this.options.idleSpinMs ?? 0;
    const idleSpin = spinMs > 0 && helperThreads === undefined ? { ms: spinMs, gauge: this.activity.buffer } : undefined;
    const startData = { testHooks: this.testHooks, idleSpin };
    const device = model.devices[instance % model.devices.length];
    const intraOpThreads = helperThreads ?? this.threadsPerInstance();
    const busy = model.helperBusy[instance];
    let lane: LaneSetup | undefined;
    if (helperThreads !== undefined) {
      lane = { role: 'helper', busy };
    } else if (model.splits && device === 'cpu' && intraOpThreads >= 2) {
      const narrowThreads = intraOpThreads - Math.floor(intraOpThreads / 2);
      lane = { role: 'primary', busy, narrowThreads, minRunMs: this.options.laneMinRunMs ?? LANE_MIN_RUN_MS };
    }
    const oneThreadMaxRunMs = this.options.oneThreadMaxRunMs ?? ONE_THREAD_MAX_RUN_MS;
    const oneThread =
      helperThreads === undefined && model.format === 'onnx' && device === 'cpu' && intraOpThreads >= 2 && oneThreadMaxRunMs > 0
        ? { maxRunMs: oneThreadMaxRunMs, tolerance: this.options.oneThreadTolerance ?? ONE_THREAD_TOLERANCE }
        : undefined;
    const load = { type: 'load', format: model.format, artifactPath: model.artifactPath, options: { device, intraOpThreads }, lane, oneThread } as const;
    return new ModelWorker(model.key, instance, this.resolveWorkerScript(), startData, load, events, this.options.sharedMemory ?? true);
  }

  private onWorkerCrash(model: LoadedModel, worker: ModelWorker, reason: string): void {
    model.queue.detach(worker);
    this.emit({ key: model.key, instance: worker.instance, type: 'crashed', message: reason });
    if (model.state === 'ready' && model.workers[worker.instance] === worker) {
      // The replacement starts with the current budget, so a successor still loading is not needed.
      const successor = model.successors[worker.instance];
      model.successors[worker.instance] = undefined;
      void successor?.stop();
      this.replaceWorker(model, worker.instance, 0);
    }
  }

  /** Starts a worker in a crashed one's slot; waiting requests go to it once it has loaded. */
  private replaceWorker(model: LoadedModel, instance: number, attempt: number): void {
    const replacement = this.startWorker(model, instance);
    model.workers[instance] = replacement;
    const isCurrent = () => model.state === 'ready' && model.workers[instance] === replacement;
    replacement.loaded.then(
      () => {
        if (!isCurrent()) return void replacement.stop();
        model.queue.attach(replacement);
        this.emit({ key: model.key, instance, type: 'replaced', message: 'replacement worker loaded the model' });
        this.syncHelper(model, instance);
      },
      (error: Error) => {
        if (!isCurrent()) return;
        this.emit({ key: model.key, instance, type: 'replacement-failed', message: error.message });
        // With no worker left, waiting requests could wait indefinitely; fail them now.
        if (model.queue.readyWorkerCount === 0) {
          model.queue.rejectWaiting(() => new WorkerCrashedError(workerCrashedMessage(model.queue.label)));
        }
        const delay = REPLACEMENT_RETRY_MS[Math.min(attempt, REPLACEMENT_RETRY_MS.length - 1)];
        const timer = setTimeout(() => {
          model.retryTimers.delete(timer);
          if (model.state === 'ready') this.replaceWorker(model, instance, attempt + 1);
        }, delay);
        // A pending retry must not keep the process alive on its own.
        timer.unref();
        model.retryTimers.add(timer);
      },
    );
  }

  private resolveWorkerScript(): string {
    if (this.workerScript !== undefined) return this.workerScript;
    try {
      // The built script, by package name: also when this file runs from source (vitest), where a
      // relative path would point at a .ts file that a worker thread cannot run.
      // eslint-disable-next-line @nx/enforce-module-boundaries
      this.workerScript = require.resolve('@modelgate/runtime/worker');
    } catch {
      throw new Error(
        'the runtime worker script is missing: build the runtime first (npx tsc -p libs/runtime/tsconfig.lib.json)',
      );
    }
    return this.workerScript;
  }

  private emit(event: WorkerEvent): void {
    this.options.onWorkerEvent?.(event);
  }
}

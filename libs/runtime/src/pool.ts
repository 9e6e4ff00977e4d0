/**
 * ModelRuntime: the only way the API runs models. Each loaded version gets `instances` worker
 * threads (Triton's instance groups), so a model that throws, leaks or blows its heap takes down a
 * worker, never the API. Workers are started by compiled code: the runtime must be built
 * (`npx tsc -p libs/runtime/tsconfig.lib.json`) before it is used, tests and vitest included.
 */
import { availableParallelism } from 'node:os';
import type { Device, LoadOptions } from './backends/backend';
import { ModelLoadError, ModelNotLoadedError, WorkerCrashedError } from './errors';
import { compileInputCheck, type InputCheck } from './input-check';
import type { ModelFormat, ModelSignature } from './signature';
import type { NamedTensors } from './tensor';
import { VersionQueue } from './version-queue';
import type { CrashMode, ToWorkerMessage } from './worker/messages';
import { ModelWorker, workerCrashedMessage, type InferResult, type LoadedInstance } from './worker/model-worker';

export type { InferResult } from './worker/model-worker';

export interface ModelRuntimeOptions {
  /** The worker entry point; defaults to the built `@modelgate/runtime/worker`. */
  workerScript?: string;
  /** Cores the intra-op threads of all instances share; defaults to os.availableParallelism(). */
  totalThreads?: number;
  /** Allow simulateWorkerCrash(); defaults to MODELGATE_TEST_HOOKS=1. */
  testHooks?: boolean;
  /** Worker life events, for logs and metrics. */
  onWorkerEvent?: (event: WorkerEvent) => void;
}

export interface WorkerEvent {
  key: string;
  instance: number;
  type: 'crashed' | 'replaced' | 'replacement-failed' | 'stopped';
  message: string;
}

export interface LoadSpec {
  format: ModelFormat;
  /** The `.onnx` file, or the folder of a TF.js model or SavedModel. */
  artifactPath: string;
  /** Worker threads serving this model; default 1. */
  instances?: number;
  /** Default `cpu`. */
  device?: Device;
}

export interface LoadedModelInfo {
  signature: ModelSignature;
  engine: string;
  /** Slowest instance's load plus warm-up. */
  loadMs: number;
}

/** How long unload() waits for its workers to end; later, they still end on their own. */
const STOP_WAIT_MS = 10_000;

/** Waits before starting another replacement after one failed to load. */
const REPLACEMENT_RETRY_MS = [1_000, 2_000, 5_000, 10_000, 30_000];

class LoadedModel {
  state: 'loading' | 'ready' | 'unloaded' = 'loading';
  /** One slot per instance; a replacement takes the slot of the worker it replaces. */
  readonly workers: (ModelWorker | undefined)[];
  readonly queue: VersionQueue;
  readonly retryTimers = new Set<NodeJS.Timeout>();
  signature: ModelSignature | undefined;
  check: InputCheck = () => undefined;
  stopped: Promise<void> | undefined;

  constructor(
    readonly key: string,
    readonly loadMessage: Extract<ToWorkerMessage, { type: 'load' }>,
    instances: number,
  ) {
    this.workers = new Array<ModelWorker | undefined>(instances).fill(undefined);
    this.queue = new VersionQueue(key);
  }
}

export class ModelRuntime {
  private readonly models = new Map<string, LoadedModel>();
  private readonly totalThreads: number;
  private readonly testHooks: boolean;
  private workerScript: string | undefined;

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
    // Fails before anything changes when the runtime has not been built.
    this.resolveWorkerScript();
    const options: LoadOptions = { device: spec.device ?? 'cpu', intraOpThreads: this.intraOpThreadsFor(instances) };
    const loadMessage = { type: 'load', format: spec.format, artifactPath: spec.artifactPath, options } as const;
    const model = new LoadedModel(key, loadMessage, instances);
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
    model.signature = signature;
    model.check = compileInputCheck(signature);
    model.state = 'ready';
    starting.forEach((worker, instance) => {
      // One that loaded and then died while the others were still loading is replaced like any crash.
      if (worker.isReady) model.queue.attach(worker);
      else this.replaceWorker(model, instance, 0);
    });
    return { signature, engine, loadMs: Math.max(...loaded.map((instance) => instance.loadMs)) };
  }

  /**
   * Runs one request on the least busy instance. The inputs are checked against the signature
   * first (InputValidationError). Their buffers are moved to the worker: the caller's typed arrays
   * are empty afterwards, so copy them first if they are needed again (a shadow request).
   */
  async infer(key: string, inputs: NamedTensors): Promise<InferResult> {
    const model = this.models.get(key);
    if (model === undefined || model.state !== 'ready') throw new ModelNotLoadedError(`model "${key}" is not loaded`);
    model.check(inputs);
    return model.queue.submit(inputs);
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
  }

  /** Test hook: makes one instance's thread die as a crashing model would. */
  simulateWorkerCrash(key: string, instance = 0, how: CrashMode = 'exit'): void {
    if (!this.testHooks) throw new Error('simulateWorkerCrash needs the testHooks option (or MODELGATE_TEST_HOOKS=1)');
    const worker = this.models.get(key)?.workers[instance];
    if (worker === undefined) throw new ModelNotLoadedError(`model "${key}" has no instance ${instance}`);
    worker.crashForTest(how);
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
    const notLoaded = () => new ModelNotLoadedError(`model "${key}" was unloaded before the request completed`);
    model.queue.rejectWaiting(notLoaded);
    for (const worker of model.workers) worker?.failInFlight(notLoaded);
    const stopped = Promise.all(
      model.workers.map(async (worker) => {
        if (worker === undefined) return;
        await worker.stop();
        this.emit({ key, instance: worker.instance, type: 'stopped', message: 'worker stopped' });
      }),
    );
    // A worker inside a long engine call stops only when the call returns; the caller need not wait.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([stopped, new Promise((resolve) => (timer = setTimeout(resolve, STOP_WAIT_MS).unref()))]);
    clearTimeout(timer);
  }

  /**
   * Thread budget: the new model's instances share the cores with every instance already loaded,
   * each getting max(1, floor(totalThreads / all instances)). Instances loaded earlier keep the
   * budget they started with (sessions cannot change it without a reload), so loading many models
   * one by one can oversubscribe until they are reloaded; max(1, ...) oversubscribes when there are
   * more instances than cores, which is the lesser evil against refusing to load.
   */
  private intraOpThreadsFor(newInstances: number): number {
    let instances = newInstances;
    for (const model of this.models.values()) instances += model.workers.length;
    return Math.max(1, Math.floor(this.totalThreads / instances));
  }

  private startWorker(model: LoadedModel, instance: number): ModelWorker {
    const events = {
      onSettled: () => model.queue.dispatch(),
      onCrash: (worker: ModelWorker, reason: string) => this.onWorkerCrash(model, worker, reason),
    };
    const startData = { testHooks: this.testHooks };
    return new ModelWorker(model.key, instance, this.resolveWorkerScript(), startData, model.loadMessage, events);
  }

  private onWorkerCrash(model: LoadedModel, worker: ModelWorker, reason: string): void {
    model.queue.detach(worker);
    this.emit({ key: model.key, instance: worker.instance, type: 'crashed', message: reason });
    if (model.state === 'ready' && model.workers[worker.instance] === worker) {
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
      },
      (error: Error) => {
        if (!isCurrent()) return;
        this.emit({ key: model.key, instance, type: 'replacement-failed', message: error.message });
        // With no worker left, waiting requests could wait indefinitely; fail them now.
        if (model.queue.readyWorkerCount === 0) {
          model.queue.rejectWaiting(() => new WorkerCrashedError(workerCrashedMessage(model.key)));
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

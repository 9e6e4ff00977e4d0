import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import {
  ModelRuntime,
  type ActivityGauge,
  type BatchingConfig,
  type Device,
  type InferOptions,
  type InferResult,
  type LoadedModelInfo,
  type ModelFormat,
  type ModelSignature,
  type NamedTensors,
  type VersionStats,
  type WorkerEvent,
} from '@modelgate/runtime';
import { NotFoundError, ServiceUnavailableError } from '../common/errors';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { ServingMetrics } from '../telemetry/metrics/serving-metrics';
import type { ClassLabels } from './codecs/classification';

export interface LoadSpec {
  format: ModelFormat;
  artifactPath: string;
  instances: number;
  device: Device;
  batching: Partial<BatchingConfig>;
  splitUnderLoad: boolean;
  inline: boolean;
}

/** How a loaded version batches: the settings in force, the axis it joins along (null: one by one) and why. */
export type BatchingInfo = LoadedModelInfo['batching'];

/** Which version a served entry is: its model, number, row id and format, as the registry stores them. */
export type VersionRecord = Pick<ServedVersion, 'modelName' | 'version' | 'id' | 'format'>;

/** What a version's config gives the serving side (version-config.ts, servingOptionsOf). */
export type ServingOptions = Pick<ServedVersion, 'settings' | 'classLabels'>;

/** A version as the prediction path sees it: everything needed to answer without the database. */
export interface ServedVersion {
  /** The version's row id. */
  id: string;
  /** Its key in the runtime; changes when the version is reloaded with new settings. */
  runtimeKey: string;
  modelName: string;
  version: number;
  format: ModelFormat;
  signature: ModelSignature;
  state: 'loading' | 'ready' | 'unavailable';
  /** Present once loaded. */
  batching?: BatchingInfo;
  /** Where its engine calls run (inline or in workers) and why; present once loaded. */
  execution?: LoadedModelInfo['execution'];
  /** Why the version is unavailable (load failure at start). */
  reason?: string;
  /** Load plus warm-up of the workers that serve it, in ms (present once loaded). */
  loadMs?: number;
  /** Requests handed to the runtime and not answered yet. */
  inFlight: number;
  /** The stored settings it was loaded with (JSON), to tell whether another replica changed them. */
  settings?: string;
  /** Class names of its classifying outputs (its config's classLabels), for the classification extension. */
  classLabels?: ClassLabels;
  /** Set while the version waits for its in-flight requests before being unloaded. */
  drained?: () => void;
}

/** The longest a replaced or retired version waits for its in-flight requests before its workers stop. */
const DRAIN_LIMIT_MS = 60_000;

interface ServedModel {
  versions: Map<number, ServedVersion>;
}

/**
 * The serving side of the registry: which versions of which models this process can answer,
 * held in memory for the hot path, and the runtime that runs them. The registry tells it about
 * versions as they are uploaded, deleted or found at start; requests never touch the database.
 */
@Injectable()
export class ModelServer implements OnApplicationShutdown {
  private readonly logger = new Logger(ModelServer.name);
  private readonly runtime: ModelRuntime;
  private readonly models = new Map<string, ServedModel>();

  constructor(
    private readonly metrics: ServingMetrics,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.runtime = new ModelRuntime({ onWorkerEvent: (event) => this.logWorkerEvent(event), idleSpinMs: config.idleSpinMs });
  }

  /**
   * The requests the server holds, which the HTTP server counts (DataPlaneSwitch) and the runtime
   * reads: workers spin for their next batch only while it is at most one (idle spin), and above
   * one an idle instance's batch is made at the end of the event loop's turn (the batcher).
   */
  get activity(): ActivityGauge {
    return this.runtime.activity;
  }

  /** Loads a version into workers, reads its signature and warms it up (ModelLoadError if it cannot). */
  async load(runtimeKey: string, spec: LoadSpec): Promise<LoadedModelInfo> {
    try {
      const loaded = await this.runtime.load(runtimeKey, spec);
      this.metrics.modelLoaded(spec.format, loaded.loadMs);
      return loaded;
    } catch (error) {
      this.metrics.modelLoadFailed(spec.format);
      throw error;
    }
  }

  /** Makes a loaded version answer requests, its errors naming it as its clients do. */
  publish(record: VersionRecord, runtimeKey: string, loaded: LoadedModelInfo, options: ServingOptions = {}): void {
    this.runtime.setLabel(runtimeKey, versionLabel(record.modelName, record.version));
    this.modelEntry(record.modelName).versions.set(record.version, {
      ...record,
      runtimeKey,
      signature: loaded.signature,
      state: 'ready',
      batching: loaded.batching,
      execution: loaded.execution,
      loadMs: loaded.loadMs,
      inFlight: 0,
      settings: options.settings,
      classLabels: options.classLabels,
    });
  }

  /** Records a version that should serve but could not be loaded, so requests get a clear 503. */
  markUnavailable(record: VersionRecord, signature: ModelSignature, reason: string, options: ServingOptions = {}): void {
    this.modelEntry(record.modelName).versions.set(record.version, {
      ...record,
      runtimeKey: record.id,
      signature,
      state: 'unavailable',
      reason,
      inFlight: 0,
      settings: options.settings,
    });
  }

  /** Stops routing to a version, lets the requests it holds finish, then releases its workers. */
  async retire(modelName: string, version: number): Promise<void> {
    const model = this.models.get(modelName);
    const served = model?.versions.get(version);
    model?.versions.delete(version);
    if (model && model.versions.size === 0) this.models.delete(modelName);
    if (served) await this.drainAndUnload(served);
  }

  /**
   * Releases a version that no longer receives requests (replaced by a reload, or retired) once
   * the requests already handed to it are answered, so that a switch under load fails none.
   */
  async drainAndUnload(served: ServedVersion): Promise<void> {
    if (served.inFlight > 0) {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        served.drained = resolve;
        timer = setTimeout(resolve, DRAIN_LIMIT_MS);
        timer.unref();
      });
      clearTimeout(timer);
      served.drained = undefined;
    }
    await this.unload(served.runtimeKey);
  }

  /** The version currently published under a model and number, if any. */
  find(modelName: string, version: number): ServedVersion | undefined {
    return this.models.get(modelName)?.versions.get(version);
  }

  async unload(runtimeKey: string): Promise<void> {
    if (this.runtime.isLoaded(runtimeKey)) await this.runtime.unload(runtimeKey);
  }

  /**
   * The version a request goes to: the pinned one, or the latest ready version (until the rollout
   * router takes over this choice). 404 for an unknown model or version, 503 for one not loaded.
   */
  resolve(modelName: string, version?: number): ServedVersion {
    const model = this.models.get(modelName);
    if (!model) throw new NotFoundError(`model "${modelName}" not found; GET /api/models lists the models`);
    if (version !== undefined) {
      const served = model.versions.get(version);
      if (!served) throw new NotFoundError(`model "${modelName}" has no version ${version}; available: ${this.versionList(model)}`);
      if (served.state !== 'ready') {
        throw new ServiceUnavailableError(`version ${version} of model "${modelName}" is not loaded on this server${served.reason ? `: ${served.reason}` : ''}`);
      }
      return served;
    }
    let latest: ServedVersion | undefined;
    for (const served of model.versions.values()) {
      if (served.state === 'ready' && (!latest || served.version > latest.version)) latest = served;
    }
    if (!latest) throw new ServiceUnavailableError(`model "${modelName}" has no version ready to serve`);
    return latest;
  }

  /** Every version this process knows of a model, ready or not (for status and metadata routes). */
  versionsOf(modelName: string): ServedVersion[] {
    const model = this.models.get(modelName);
    if (!model) throw new NotFoundError(`model "${modelName}" not found; GET /api/models lists the models`);
    return [...model.versions.values()].sort((a, b) => a.version - b.version);
  }

  /** Whether a model of that name has versions here (served or not). */
  hasModel(modelName: string): boolean {
    return this.models.has(modelName);
  }

  /**
   * Worker life in the log: a crash, a failed replacement or helper start as a warning (the requests
   * the worker held answered 503), a replacement, rebalance or helper start as information, a worker
   * stopped on unload at debug level.
   */
  private logWorkerEvent(event: WorkerEvent): void {
    let served: ServedVersion | undefined;
    for (const version of this.allVersions()) if (version.runtimeKey === event.key) served = version;
    const where = served === undefined ? event.key : versionLabel(served.modelName, served.version);
    const line = `${where}, ${event.helper === true ? 'helper worker of ' : ''}instance ${event.instance}: ${event.type}: ${event.message}`;
    if (event.type === 'stopped') this.logger.debug(line);
    else if (event.type === 'crashed' || event.type.endsWith('-failed')) this.logger.warn(line);
    else this.logger.log(line);
  }

  /** Every version of every model this process knows, ready or not. */
  *allVersions(): Iterable<ServedVersion> {
    for (const model of this.models.values()) yield* model.versions.values();
  }

  /** Queue depth, workers and batch-size counts of a loaded version (for metrics); undefined if not loaded. */
  stats(served: ServedVersion): VersionStats | undefined {
    return served.state === 'ready' ? this.runtime.stats(served.runtimeKey) : undefined;
  }

  /** True when every version that should serve is loaded. */
  allReady(): boolean {
    for (const model of this.models.values()) {
      for (const served of model.versions.values()) if (served.state !== 'ready') return false;
    }
    return true;
  }

  /** The runtime checks the inputs against the signature (compiled once at load) before queueing. */
  predict(served: ServedVersion, inputs: NamedTensors, options?: InferOptions): Promise<InferResult> {
    served.inFlight++;
    const result = this.runtime.infer(served.runtimeKey, inputs, options);
    const settle = () => {
      if (--served.inFlight === 0 && served.drained !== undefined) served.drained();
    };
    result.then(settle, settle);
    return result;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runtime.close();
  }

  private modelEntry(modelName: string): ServedModel {
    let model = this.models.get(modelName);
    if (!model) {
      model = { versions: new Map() };
      this.models.set(modelName, model);
    }
    return model;
  }

  private versionList(model: ServedModel): string {
    const numbers = [...model.versions.keys()].sort((a, b) => a - b);
    return numbers.length > 0 ? numbers.join(', ') : 'none';
  }
}

/** How messages name a version: `model "iris" version 2`. */
function versionLabel(modelName: string, version: number): string {
  return `model "${modelName}" version ${version}`;
}

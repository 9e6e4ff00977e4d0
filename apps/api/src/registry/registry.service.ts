import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { type InstanceStats, ModelLoadError, type VersionStats } from '@modelgate/runtime';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { BadRequestError, ConflictError, NotFoundError, PayloadTooLargeError, UnprocessableModelError } from '../common/errors';
import { validateDto } from '../common/validation';
import { ModelServer, type ServedVersion, type VersionRecord } from '../inference/model-server.service';
import { TrafficRouter } from '../inference/traffic-router';
import { DatabaseNotifications } from '../database/notifications';
import { usesOf } from '../rollout/deployment-state';
import { ArtifactStore } from './artifact-store';
import { CreateModelDto, ModelDto, UpdateModelDto } from './dto/model.dto';
import { type InstanceStateDto, type ObservedServingDto, ServingDto, UpdateVersionDto, VersionDto } from './dto/version.dto';
import { VersionConfigDto } from './dto/version-config.dto';
import { ModelEntity } from './model.entity';
import { ModelVersionEntity } from './model-version.entity';
import { prepareModelFolder } from './model-files';
import { receiveWithinLimit } from './multipart';
import { RegistryRepository } from './registry.repository';
import { checkClassLabels, effectiveConfig, mergeConfig, servingOptionsOf, settingsOf, type VersionConfig } from './version-config';

/** One part of a multipart upload, as the controller hands it over. */
export type UploadPart =
  | { kind: 'file'; fieldname: string; filename: string; stream: Readable & { truncated?: boolean } }
  | { kind: 'field'; fieldname: string; value: unknown };

/** Postgres channel on which registry changes are announced to the other replicas (payload: the model name). */
export const REGISTRY_CHANNEL = 'modelgate_registry';
/** Every replica compares what it serves with the registry this often, in case a notification was missed. */
const RESYNC_INTERVAL_MS = 30_000;

@Injectable()
export class RegistryService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RegistryService.name);
  private readonly store: ArtifactStore;
  private reloads = 0;
  /** Versions (by row id) this process is loading or changing now: a reconcile leaves them alone. */
  private readonly pending = new Set<string>();
  /** One reconcile per model at a time. */
  private readonly reconciling = new Map<string, Promise<void>>();
  private resyncTimer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repository: RegistryRepository,
    private readonly modelServer: ModelServer,
    private readonly router: TrafficRouter,
    private readonly notifications: DatabaseNotifications,
  ) {
    this.store = new ArtifactStore(config.dataDir);
  }

  /**
   * Loads every ready version so that a restart serves what was served before, then follows the
   * changes other replicas make (uploads, new settings, retirements, deletions) through Postgres
   * NOTIFY, loading and releasing versions here to match.
   */
  async onApplicationBootstrap(): Promise<void> {
    await this.store.init();
    await this.notifications.subscribe(
      REGISTRY_CHANNEL,
      (modelName) => void this.reconcile(modelName),
      () => void this.reconcileAll(),
    );
    await this.reconcileAll();
    if (this.notifications.enabled) {
      this.resyncTimer = setInterval(() => void this.reconcileAll(), RESYNC_INTERVAL_MS);
      this.resyncTimer.unref();
    }
  }

  onApplicationShutdown(): void {
    clearInterval(this.resyncTimer);
  }

  /** Brings every model this process serves, or the registry holds, in line with the registry. */
  async reconcileAll(): Promise<void> {
    try {
      const names = new Set(await this.repository.listModelNames());
      for (const served of this.modelServer.allVersions()) names.add(served.modelName);
      for (const name of names) await this.reconcile(name);
    } catch (error) {
      this.logger.warn(`could not compare the served versions with the registry: ${(error as Error).message}`);
    }
  }

  /**
   * Serves exactly the ready versions of a model, with their stored settings: loads what is missing
   * (a version uploaded through another replica), reloads what another replica reconfigured, and
   * drains and releases what was retired or deleted. A version that cannot be loaded here is marked
   * unavailable (503 with the reason) and not tried again until its settings change.
   */
  reconcile(modelName: string): Promise<void> {
    const previous = this.reconciling.get(modelName) ?? Promise.resolve();
    const next = previous
      .then(() => this.reconcileNow(modelName))
      .catch((error: Error) => this.logger.warn(`could not bring model "${modelName}" in line with the registry: ${error.message}`))
      .finally(() => {
        if (this.reconciling.get(modelName) === next) this.reconciling.delete(modelName);
      });
    this.reconciling.set(modelName, next);
    return next;
  }

  private async reconcileNow(modelName: string): Promise<void> {
    const model = await this.repository.findModel(modelName);
    const rows = model === null ? [] : await this.repository.listVersions(model.id);
    if (model === null) this.router.remove(modelName);
    const wanted = new Map(rows.filter((row) => row.status === 'ready').map((row) => [row.version, row]));
    const served = this.modelServer.hasModel(modelName) ? this.modelServer.versionsOf(modelName) : [];
    for (const version of served) {
      if (this.pending.has(version.id)) continue;
      if (wanted.get(version.version)?.id !== version.id) await this.modelServer.retire(modelName, version.version);
    }
    for (const row of wanted.values()) {
      if (this.pending.has(row.id)) continue;
      const current = this.modelServer.find(modelName, row.version);
      if (current?.id === row.id && current.settings === settingsOf(row.config)) continue;
      await this.serve(modelName, row, row.config);
    }
  }

  /** Reloads a version another replica changed; a load failure leaves it unavailable here (503 with the reason). */
  private async serve(modelName: string, version: ModelVersionEntity, config: VersionConfig): Promise<void> {
    this.pending.add(version.id);
    try {
      await this.reload(modelName, version, config);
    } catch (error) {
      const reason = (error as Error).message;
      this.logger.error(`version ${version.version} of model "${modelName}" could not be loaded here: ${reason}`);
      // Workers already serving it keep serving it with their settings.
      if (this.modelServer.find(modelName, version.version)?.state === 'ready') return;
      this.modelServer.markUnavailable(recordOf(modelName, version), version.signature, reason, servingOptionsOf(config));
    } finally {
      this.pending.delete(version.id);
    }
  }

  /** Tells the other replicas that a model's versions changed (they reconcile it). */
  private async announce(modelName: string): Promise<void> {
    try {
      await this.notifications.notify(REGISTRY_CHANNEL, modelName);
    } catch (error) {
      this.logger.warn(`could not announce the change of model "${modelName}": ${(error as Error).message}`);
    }
  }

  async createModel(dto: CreateModelDto): Promise<ModelDto> {
    const model = await this.repository.createModel({
      name: dto.name,
      description: dto.description ?? '',
      task: dto.task ?? null,
      labels: dto.labels ?? {},
    });
    return toModelDto(model);
  }

  /** `onlyNames`: the models a restricted credential may see (null: all). */
  async listModels(limit: number, offset: number, onlyNames: readonly string[] | null = null): Promise<{ items: ModelDto[]; total: number }> {
    const [models, total] = await this.repository.listModels(limit, offset, onlyNames);
    return { items: models.map(toModelDto), total };
  }

  async getModel(name: string): Promise<ModelDto> {
    return toModelDto(await this.requireModel(name));
  }

  async updateModel(name: string, dto: UpdateModelDto): Promise<ModelDto> {
    const model = await this.requireModel(name);
    return toModelDto(await this.repository.updateModel(model, dto));
  }

  async deleteModel(name: string): Promise<void> {
    const model = await this.requireModel(name);
    const versions = await this.repository.listVersions(model.id);
    await this.repository.deleteModel(model);
    // Its deployment went with it (ON DELETE CASCADE).
    this.router.remove(name);
    for (const version of versions) await this.releaseVersion(name, version);
    await this.announce(name);
  }

  /**
   * Stores, validates and registers a new version. The file streams to a scratch folder (hashed
   * on the way), is unpacked and classified, moved into the content-addressed store, loaded and
   * warmed up in workers, and only then gets its row. Any failure removes what was written.
   */
  async uploadVersion(modelName: string, parts: AsyncIterable<UploadPart>, createdBy: string | null): Promise<VersionDto> {
    const model = await this.requireModel(modelName);
    const workspace = await this.store.createWorkspace();
    let location: string | undefined;
    let runtimeKey: string | undefined;
    try {
      const upload = await this.receiveParts(parts, workspace);
      const folder = join(workspace, 'model');
      await mkdir(folder);
      const prepared = await prepareModelFolder(upload.file.path, upload.filename, folder, {
        maxEntries: this.config.maxArchiveEntries,
        maxUnpackedBytes: this.config.maxUnpackedBytes,
      });
      location = await this.store.commit(upload.file.sha256, folder);
      const artifactLocation = prepared.entry ? `${location}/${prepared.entry}` : location;
      const id = randomUUID();
      runtimeKey = id;
      this.pending.add(id);
      let loaded;
      try {
        loaded = await this.modelServer.load(id, {
          format: prepared.format,
          artifactPath: this.store.pathOf(artifactLocation),
          ...effectiveConfig(upload.config),
        });
      } catch (error) {
        if (error instanceof ModelLoadError) {
          throw new UnprocessableModelError(`the model cannot be loaded: ${error.message}`, { format: prepared.format });
        }
        throw error;
      }
      checkClassLabels(upload.config, loaded.signature);
      const version = await this.repository.insertVersion(model.id, {
        id,
        format: prepared.format,
        artifactSha256: upload.file.sha256,
        artifactSize: upload.file.size,
        artifactLocation,
        originalFilename: upload.filename,
        signature: loaded.signature,
        config: upload.config,
        status: 'ready',
        statusDetail: null,
        engine: loaded.engine,
        description: upload.description,
        createdBy,
      });
      this.modelServer.publish(recordOf(model.name, version), id, loaded, servingOptionsOf(version.config));
      this.pending.delete(id);
      runtimeKey = undefined;
      location = undefined;
      await this.announce(model.name);
      return this.versionDto(model.name, version);
    } finally {
      if (runtimeKey) this.pending.delete(runtimeKey);
      await rm(workspace, { recursive: true, force: true });
      if (runtimeKey) await this.modelServer.unload(runtimeKey);
      if (location) await this.removeArtifactIfUnused(location);
    }
  }

  async listVersions(modelName: string): Promise<VersionDto[]> {
    const model = await this.requireModel(modelName);
    return (await this.repository.listVersions(model.id)).map((version) => this.versionDto(model.name, version));
  }

  async getVersion(modelName: string, versionNumber: number): Promise<VersionDto> {
    const { model, version } = await this.requireVersion(modelName, versionNumber);
    return this.versionDto(model.name, version);
  }

  /**
   * Changes a version's description, serving settings or status. New settings take effect without a
   * restart: the version is loaded again with them, switched to, and the old workers released.
   */
  async updateVersion(modelName: string, versionNumber: number, dto: UpdateVersionDto): Promise<VersionDto> {
    const { model, version } = await this.requireVersion(modelName, versionNumber);
    if (version.status === 'failed' && dto.status === 'ready') {
      throw new BadRequestError(`version ${versionNumber} failed validation and cannot serve; upload a corrected file as a new version`);
    }
    const config: VersionConfig = dto.config ? mergeConfig(version.config, dto.config) : version.config;
    if (dto.config) checkClassLabels(config, version.signature);
    const status = dto.status ?? version.status;
    if (status === 'retired' && version.status !== 'retired') this.refuseIfDeployed(model.name, versionNumber, 'retire');
    const reload = status === 'ready' && (dto.config !== undefined || version.status !== 'ready');
    // The served version and its row change together: a reconcile meanwhile leaves it alone.
    this.pending.add(version.id);
    let updated: ModelVersionEntity;
    try {
      if (reload) await this.reloadWithNewSettings(model.name, version, config);
      if (status === 'retired' && version.status !== 'retired') await this.modelServer.retire(model.name, version.version);
      updated = await this.repository.updateVersion(version, {
        description: dto.description ?? version.description,
        config,
        status,
      });
    } finally {
      this.pending.delete(version.id);
    }
    if (reload || status !== version.status) await this.announce(model.name);
    return this.versionDto(model.name, updated);
  }

  /** The version as the API shows it, with how this process serves it now. */
  private versionDto(modelName: string, version: ModelVersionEntity): VersionDto {
    const served = this.modelServer.find(modelName, version.version);
    return toVersionDto(modelName, version, served, served && this.modelServer.stats(served));
  }

  async deleteVersion(modelName: string, versionNumber: number): Promise<void> {
    const { model, version } = await this.requireVersion(modelName, versionNumber);
    this.refuseIfDeployed(model.name, versionNumber, 'delete');
    await this.repository.deleteVersion(version);
    await this.releaseVersion(model.name, version);
    await this.announce(model.name);
  }

  /** A version the deployment still uses cannot go away: its traffic would have nowhere to go. */
  private refuseIfDeployed(modelName: string, versionNumber: number, verb: string): void {
    const deployment = this.router.deployment(modelName);
    const uses = deployment === undefined ? [] : usesOf(deployment, versionNumber);
    if (uses.length > 0) {
      throw new ConflictError(
        `cannot ${verb} version ${versionNumber} of "${modelName}": the deployment uses it (${uses.join(', ')}); PUT /api/models/${modelName}/deployment without it first`,
      );
    }
  }

  private async reloadWithNewSettings(modelName: string, version: ModelVersionEntity, config: VersionConfig): Promise<void> {
    try {
      await this.reload(modelName, version, config);
    } catch (error) {
      if (error instanceof ModelLoadError) throw new UnprocessableModelError(`the version cannot be loaded with these settings: ${error.message}`);
      throw error;
    }
  }

  /**
   * Loads a version with `config` under a new runtime key, switches its traffic to it, and drains
   * and releases the workers it replaces. A load failure (ModelLoadError) changes nothing.
   */
  private async reload(modelName: string, version: ModelVersionEntity, config: VersionConfig): Promise<void> {
    const runtimeKey = `${version.id}@${++this.reloads}`;
    const loaded = await this.modelServer.load(runtimeKey, this.loadSpec(version, config));
    const previous = this.modelServer.find(modelName, version.version);
    this.modelServer.publish(recordOf(modelName, version), runtimeKey, loaded, servingOptionsOf(config));
    if (previous) await this.modelServer.drainAndUnload(previous);
  }

  private loadSpec(version: ModelVersionEntity, config: VersionConfig) {
    return { format: version.format, artifactPath: this.store.pathOf(version.artifactLocation), ...effectiveConfig(config) };
  }

  private async releaseVersion(modelName: string, version: ModelVersionEntity): Promise<void> {
    await this.modelServer.retire(modelName, version.version);
    await this.removeArtifactIfUnused(version.artifactSha256);
  }

  /** Artifacts are stored per content hash and shared by every version uploaded with the same bytes. */
  private async removeArtifactIfUnused(sha256: string): Promise<void> {
    if ((await this.repository.countVersionsUsingArtifact(sha256)) === 0) await this.store.remove(sha256);
  }

  private async receiveParts(parts: AsyncIterable<UploadPart>, workspace: string) {
    let file: { path: string; sha256: string; size: number } | undefined;
    let filename = '';
    let config: VersionConfig = {};
    let description = '';
    for await (const part of parts) {
      if (part.kind === 'file') {
        if (part.fieldname !== 'file' || file) {
          part.stream.resume();
          throw new BadRequestError(
            file ? 'send exactly one model file per upload' : `unexpected file field "${part.fieldname}": send the model in a field named "file"`,
          );
        }
        filename = part.filename || 'model';
        file = await this.receiveFile(part.stream, join(workspace, 'upload'));
      } else if (part.fieldname === 'config') {
        config = parseConfigField(part.value);
      } else if (part.fieldname === 'description') {
        description = String(part.value).slice(0, 2000);
      } else {
        throw new BadRequestError(`unexpected form field "${part.fieldname}": the upload takes "file", and optionally "config" and "description"`);
      }
    }
    if (!file) throw new BadRequestError('no model file: send it as multipart/form-data in a field named "file"');
    if (file.size === 0) throw new BadRequestError('the model file is empty');
    return { file, filename, config, description };
  }

  private receiveFile(stream: Readable & { truncated?: boolean }, target: string) {
    // A file cut short stays in the workspace, which the upload removes whatever happens.
    return receiveWithinLimit(stream, () => this.store.receive(stream, target), () => this.tooLarge(), async () => undefined);
  }

  private tooLarge(): PayloadTooLargeError {
    const megabytes = Math.floor(this.config.maxUploadBytes / (1024 * 1024));
    return new PayloadTooLargeError(`the model file is larger than the ${megabytes} MiB upload limit; raise MODELGATE_MAX_UPLOAD_MB to accept it`);
  }

  private async requireModel(name: string): Promise<ModelEntity> {
    const model = await this.repository.findModel(name);
    if (!model) throw new NotFoundError(`model "${name}" not found; GET /api/models lists the models`);
    return model;
  }

  private async requireVersion(modelName: string, versionNumber: number) {
    const model = await this.requireModel(modelName);
    const version = await this.repository.findVersion(model.id, versionNumber);
    if (!version) throw new NotFoundError(`model "${modelName}" has no version ${versionNumber}`);
    return { model, version };
  }
}

/** The identity the serving side keeps of a stored version. */
function recordOf(modelName: string, version: ModelVersionEntity): VersionRecord {
  return { modelName, version: version.version, id: version.id, format: version.format };
}

function parseConfigField(value: unknown): VersionConfig {
  let parsed: unknown;
  try {
    parsed = typeof value === 'string' ? JSON.parse(value) : value;
  } catch (error) {
    throw new BadRequestError(`the "config" field is not valid JSON (${(error as Error).message}); send an object such as {"instances": 2}`);
  }
  const dto = validateDto(VersionConfigDto, parsed, 'the "config" field');
  return { ...dto };
}

export function toModelDto(model: ModelEntity): ModelDto {
  return {
    name: model.name,
    description: model.description,
    task: model.task,
    labels: model.labels,
    latestVersion: model.versionCounter,
    createdAt: model.createdAt.toISOString(),
    updatedAt: model.updatedAt.toISOString(),
  };
}

export function toServingDto(served: ServedVersion | undefined, stats?: VersionStats): ServingDto {
  if (!served) return { state: 'not loaded' };
  const batching = served.batching && {
    axis: served.batching.axis,
    reason: served.batching.reason,
    maxBatchSize: served.batching.maxBatchSize,
    maxQueueDelayMs: served.batching.maxQueueDelayMs,
    maxQueueSize: served.batching.maxQueueSize,
    defaultTimeoutMs: served.batching.defaultTimeoutMs,
  };
  const execution = served.execution && { mode: served.execution.mode, reason: served.execution.reason };
  return {
    state: served.state,
    ...(batching ? { batching } : {}),
    ...(execution ? { execution } : {}),
    ...(stats ? { instances: stats.workers.instances.map(toInstanceDto), observed: toObservedDto(stats) } : {}),
    ...(served.reason ? { reason: served.reason } : {}),
  };
}

function toObservedDto(stats: VersionStats): ObservedServingDto {
  const { requests, batches, queueDepth } = stats;
  return {
    requests: {
      accepted: requests.accepted,
      completed: requests.completed,
      failed: requests.failed,
      refusedQueueFull: requests.refusedQueueFull,
      deadlineExceededQueued: requests.deadlineExceededQueued,
      deadlineExceededComputing: requests.deadlineExceededComputing,
      deadlineExceededRetrying: requests.deadlineExceededRetrying,
      retriedApart: requests.retriedApart,
    },
    engineCalls: batches.count,
    meanBatchSize: batches.count > 0 ? Math.round((batches.computedRequests / batches.count) * 100) / 100 : null,
    batchSizes: batches.sizes,
    queueDepth,
  };
}

function toInstanceDto(stats: InstanceStats): InstanceStateDto {
  const dto: InstanceStateDto = { instance: stats.instance, device: stats.device, ready: stats.ready, intraOpThreads: stats.intraOpThreads, inFlightBatches: stats.inFlightBatches };
  if (stats.threads !== undefined) {
    dto.threadsInUse = stats.threads.inUse;
    dto.threadsReason = stats.threads.reason;
  }
  if (stats.lanes !== undefined) dto.lanes = { narrowThreads: stats.lanes.narrowThreads, helperThreads: stats.lanes.helper.intraOpThreads, helperReady: stats.lanes.helper.ready };
  if (stats.inline) dto.inline = true;
  return dto;
}

export function toVersionDto(modelName: string, version: ModelVersionEntity, served?: ServedVersion, stats?: VersionStats): VersionDto {
  return {
    model: modelName,
    version: version.version,
    status: version.status,
    ...(version.statusDetail ? { statusDetail: version.statusDetail } : {}),
    format: version.format,
    signature: version.signature,
    config: version.config,
    artifact: { sha256: version.artifactSha256, size: version.artifactSize, filename: version.originalFilename },
    engine: version.engine,
    serving: toServingDto(served, stats),
    description: version.description,
    createdAt: version.createdAt.toISOString(),
  };
}

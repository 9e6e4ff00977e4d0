import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { BadRequestError } from '../common/errors';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import type { TelemetryConfig } from '../config/telemetry-config';
import { ModelServer } from '../inference/model-server.service';
import { RegistryService } from '../registry/registry.service';
import { DriftService, type VersionDriftReport } from './drift/drift.service';
import { MINUTE_MS } from './series/latency-series';
import type { ModelDriftDto } from './dto/drift.dto';
import type { ModelPayloadsDto } from './dto/payloads.dto';
import { PayloadsService } from './payloads/payloads.service';
import type { ModelSeriesDto } from './dto/series.dto';
import { SeriesService } from './series/series.service';

const DAY_MS = 86_400_000;
/** Retention runs this often (and once soon after start). */
const RETENTION_INTERVAL_MS = 3_600_000;
const RETENTION_FIRST_DELAY_MS = 60_000;
/** A chart of at most this many points per version. */
export const MAX_CHART_POINTS = 2000;
const DEFAULT_RANGE_MS = 3_600_000;
const DEFAULT_POINTS = 60;

export interface ChartRequest {
  from?: Date;
  to?: Date;
  /** Seconds per point, a multiple of 60. */
  stepSeconds?: number;
}


/**
 * The stored side of telemetry: writes the per-minute series and the drift aggregates every few
 * seconds (one batched statement each, off the prediction path), deletes what is past retention,
 * and answers the series, drift and window queries. Flushes and reads take turns, so a read never
 * sees a minute both in memory and in the database.
 */
@Injectable()
export class TelemetryService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Telemetry');
  private readonly config: TelemetryConfig;
  private timers: NodeJS.Timeout[] = [];
  private turn: Promise<unknown> = Promise.resolve();
  private flushFailures = 0;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly series: SeriesService,
    private readonly drift: DriftService,
    private readonly payloads: PayloadsService,
    private readonly registry: RegistryService,
    private readonly modelServer: ModelServer,
  ) {
    this.config = config.telemetry;
  }

  onApplicationBootstrap(): void {
    const every = (ms: number, task: () => Promise<unknown>) => {
      const timer = setInterval(() => void task(), ms);
      timer.unref();
      this.timers.push(timer);
    };
    every(this.config.flushIntervalMs, () => this.flushQuietly());
    every(RETENTION_INTERVAL_MS, () => this.applyRetentionQuietly());
    const first = setTimeout(() => void this.applyRetentionQuietly(), RETENTION_FIRST_DELAY_MS);
    first.unref();
    this.timers.push(first);
  }

  /** The last flush, before the database connection closes (restarts keep every counted request). */
  async beforeApplicationShutdown(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    await this.flushQuietly();
  }

  /** Writes everything recorded so far. */
  flush(): Promise<void> {
    return this.exclusive(async () => {
      await this.series.flush();
      await this.drift.flush();
      await this.payloads.flush();
    });
  }

  /** Chart series of a model, per version (404 for an unknown model). */
  async chart(modelName: string, request: ChartRequest, now = Date.now()): Promise<ModelSeriesDto> {
    const model = await this.registry.getModel(modelName);
    const to = request.to ?? new Date(now);
    const from = request.from ?? new Date(to.getTime() - DEFAULT_RANGE_MS);
    if (from.getTime() >= to.getTime()) throw new BadRequestError(`"from" (${from.toISOString()}) must be before "to" (${to.toISOString()})`);
    const rangeMs = to.getTime() - from.getTime();
    const stepSeconds = request.stepSeconds ?? Math.max(60, Math.ceil(rangeMs / DEFAULT_POINTS / MINUTE_MS) * 60);
    if (stepSeconds % 60 !== 0) throw new BadRequestError(`step must be a multiple of 60 seconds (60, 300, 3600...), got ${stepSeconds}`);
    if (rangeMs / (stepSeconds * 1000) > MAX_CHART_POINTS) {
      throw new BadRequestError(
        `from..to at step ${stepSeconds} s gives more than ${MAX_CHART_POINTS} points; use a step of at least ${Math.ceil(rangeMs / MAX_CHART_POINTS / MINUTE_MS) * 60} s`,
      );
    }
    const serving = this.modelServer.hasModel(modelName) ? this.modelServer.versionsOf(modelName).map((served) => served.version) : [];
    // A model deleted and created again under the same name starts a new history.
    const notBefore = new Date(model.createdAt);
    const chart = await this.exclusive(async () => {
      await this.series.flush();
      return this.series.chart(modelName, from, to, stepSeconds * 1000, notBefore, serving);
    });
    return {
      model: modelName,
      from: new Date(from.getTime() - (from.getTime() % MINUTE_MS)).toISOString(),
      to: to.toISOString(),
      step: stepSeconds,
      versions: [...chart].map(([version, points]) => ({ version, points: points.map((point) => ({ ...point, time: point.time.toISOString() })) })),
    };
  }

  /** Drift per version of a model (404 for an unknown model). */
  async driftReport(modelName: string, hours?: number): Promise<ModelDriftDto> {
    await this.registry.getModel(modelName);
    const windowHours = hours ?? this.config.drift.windowHours;
    const versions = await this.exclusive(async () => {
      await this.drift.flush();
      return this.drift.report(modelName, windowHours);
    });
    return { model: modelName, threshold: this.config.drift.psiThreshold, windowHours, versions: versions.map(toVersionDriftDto) };
  }

  /** Requests kept by payload logging for a model, newest first (404 for an unknown model). */
  async loggedPayloads(modelName: string, limit = 50): Promise<ModelPayloadsDto> {
    await this.registry.getModel(modelName);
    const items = await this.exclusive(async () => {
      await this.payloads.flush();
      return this.payloads.latest(modelName, limit);
    });
    const { models, retentionHours } = this.config.payloads;
    return {
      model: modelName,
      logging: models.includes('*') || models.includes(modelName),
      retentionHours,
      items: items.map((item) => ({ ...item, at: item.at.toISOString() })),
    };
  }

  /**
   * Deletes series minutes and drift windows older than MODELGATE_METRICS_RETENTION_DAYS, and kept
   * requests older than MODELGATE_PAYLOAD_LOG_HOURS.
   */
  applyRetention(now = Date.now()): Promise<{ rollups: number; driftWindows: number; payloads: number }> {
    const cutoff = new Date(now - this.config.retentionDays * DAY_MS);
    return this.exclusive(async () => ({
      rollups: await this.series.deleteBefore(cutoff),
      driftWindows: await this.drift.deleteWindowsBefore(cutoff),
      payloads: await this.payloads.deleteExpired(now),
    }));
  }

  private async flushQuietly(): Promise<void> {
    try {
      await this.flush();
      if (this.flushFailures > 0) this.logger.log(`telemetry is stored again after ${this.flushFailures} failed attempts`);
      this.flushFailures = 0;
    } catch (error) {
      // Kept in memory and retried; said once, not every few seconds.
      if (this.flushFailures++ === 0) this.logger.warn(`could not store telemetry (will retry): ${(error as Error).message}`);
    }
  }

  private async applyRetentionQuietly(): Promise<void> {
    try {
      await this.applyRetention();
    } catch (error) {
      this.logger.warn(`could not delete old telemetry: ${(error as Error).message}`);
    }
  }

  /** Runs `work` after everything queued before it (flushes and reads take turns). */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.turn.then(work);
    this.turn = result.catch(() => undefined);
    return result;
  }
}

const isoOrNull = (date: Date | null) => (date === null ? null : date.toISOString());

function toVersionDriftDto(report: VersionDriftReport): ModelDriftDto['versions'][number] {
  return {
    ...report,
    baseline: { rows: report.baseline.rows, startedAt: isoOrNull(report.baseline.startedAt), completedAt: isoOrNull(report.baseline.completedAt) },
    current: { rows: report.current.rows, from: isoOrNull(report.current.from), to: isoOrNull(report.current.to) },
  };
}

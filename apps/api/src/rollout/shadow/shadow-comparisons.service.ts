import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { BadRequestError } from '../../common/errors';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/config';
import { TrafficRouter } from '../../inference/traffic-router';
import { RegistryService } from '../../registry/registry.service';
import { MINUTE_MS } from '../../telemetry/series/latency-series';
import type { ShadowComparisonsDto, ShadowFiguresDto, ShadowPairDto } from './dto/shadow-comparisons.dto';
import { ShadowComparisonsRepository } from './shadow-comparisons.repository';
import { ShadowSeries, addMinute, emptyMinute, type ShadowMinute } from './shadow-series';
import { ShadowService } from './shadow.service';

const DAY_MS = 86_400_000;
const DEFAULT_RANGE_MS = 3_600_000;
const MAX_RANGE_MS = 31 * DAY_MS;
const RETENTION_INTERVAL_MS = 3_600_000;
const RETENTION_FIRST_DELAY_MS = 60_000;
/** At shutdown, how long the copies in flight may take to finish before the last flush. */
const SHUTDOWN_WAIT_MS = 2_000;

export interface ShadowRange {
  from?: Date;
  to?: Date;
}

/**
 * The stored side of shadow comparisons: adds the per-minute figures to Postgres every few seconds
 * (one statement, off the prediction path) and once more at shutdown, deletes minutes past the
 * telemetry retention, and answers the comparison report. Flushes and reads take turns, so a read
 * never counts a minute both in memory and in the database.
 */
@Injectable()
export class ShadowComparisonsService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Shadow');
  private timer: NodeJS.Timeout | undefined;
  private nextRetentionAt = 0;
  private turn: Promise<unknown> = Promise.resolve();
  private flushFailures = 0;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly series: ShadowSeries,
    private readonly repository: ShadowComparisonsRepository,
    private readonly shadow: ShadowService,
    private readonly registry: RegistryService,
    private readonly router: TrafficRouter,
  ) {}

  onApplicationBootstrap(): void {
    this.nextRetentionAt = Date.now() + RETENTION_FIRST_DELAY_MS;
    this.timer = setInterval(() => void this.tick(), this.config.telemetry.flushIntervalMs);
    this.timer.unref();
  }

  /** The copies in flight finish (briefly), then the last flush, before the database closes. */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.shadow.close(SHUTDOWN_WAIT_MS);
    await this.flushQuietly();
  }

  /** Writes everything recorded so far; on failure keeps it for the next flush. */
  flush(): Promise<void> {
    return this.exclusive(() => this.flushNow());
  }

  /** Each (primary, shadow) pair's figures over the range, with one point per minute (404 for an unknown model). */
  async report(modelName: string, range: ShadowRange, now = Date.now()): Promise<ShadowComparisonsDto> {
    const model = await this.registry.getModel(modelName);
    const to = range.to ?? new Date(now);
    const from = range.from ?? new Date(to.getTime() - DEFAULT_RANGE_MS);
    if (from.getTime() >= to.getTime()) throw new BadRequestError(`"from" (${from.toISOString()}) must be before "to" (${to.toISOString()})`);
    if (to.getTime() - from.getTime() > MAX_RANGE_MS) throw new BadRequestError(`from..to may span at most 31 days, got ${from.toISOString()}..${to.toISOString()}`);
    // A model deleted and created again under the same name starts a new history.
    const start = Math.max(alignToMinute(from.getTime()), alignToMinute(new Date(model.createdAt).getTime()));
    const minutes = await this.exclusive(async () => {
      await this.flushNow();
      return this.repository.find(modelName, new Date(start), to);
    });
    const shadow = this.router.deployment(modelName)?.shadow ?? null;
    return {
      model: modelName,
      from: new Date(alignToMinute(from.getTime())).toISOString(),
      to: to.toISOString(),
      shadow: shadow === null ? null : { version: shadow.version, percent: shadow.percent },
      comparisons: byPair(minutes),
    };
  }

  /** Deletes minutes older than MODELGATE_METRICS_RETENTION_DAYS. */
  applyRetention(now = Date.now()): Promise<number> {
    return this.exclusive(() => this.repository.deleteBefore(new Date(now - this.config.telemetry.retentionDays * DAY_MS)));
  }

  private async flushNow(): Promise<void> {
    const minutes = this.series.takeForFlush();
    try {
      await this.repository.add(minutes);
    } catch (error) {
      this.series.flushFailed(minutes);
      throw error;
    }
  }

  /** Every flush interval: a flush, and now and then the retention. */
  private async tick(now = Date.now()): Promise<void> {
    await this.flushQuietly();
    if (now < this.nextRetentionAt) return;
    this.nextRetentionAt = now + RETENTION_INTERVAL_MS;
    await this.applyRetentionQuietly();
  }

  private async flushQuietly(): Promise<void> {
    try {
      await this.flush();
      if (this.flushFailures > 0) this.logger.log(`shadow comparisons are stored again after ${this.flushFailures} failed attempts`);
      this.flushFailures = 0;
    } catch (error) {
      // Kept in memory and retried; said once, not every few seconds.
      if (this.flushFailures++ === 0) this.logger.warn(`could not store shadow comparisons (will retry): ${(error as Error).message}`);
    }
  }

  private async applyRetentionQuietly(): Promise<void> {
    try {
      await this.applyRetention();
    } catch (error) {
      this.logger.warn(`could not delete old shadow comparisons: ${(error as Error).message}`);
    }
  }

  /** Runs `work` after everything queued before it. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.turn.then(work);
    this.turn = result.catch(() => undefined);
    return result;
  }
}

function alignToMinute(time: number): number {
  return time - (time % MINUTE_MS);
}

/** Groups a model's stored minutes (ordered by pair, then minute) into pairs with totals and points. */
export function byPair(minutes: readonly ShadowMinute[]): ShadowPairDto[] {
  const pairs: ShadowPairDto[] = [];
  let total: ShadowMinute | undefined;
  let points: ShadowPairDto['points'] = [];
  const close = () => {
    if (total !== undefined) pairs.push({ primaryVersion: total.primaryVersion, shadowVersion: total.shadowVersion, totals: figuresOf(total), points });
  };
  for (const minute of minutes) {
    if (total === undefined || total.primaryVersion !== minute.primaryVersion || total.shadowVersion !== minute.shadowVersion) {
      close();
      total = emptyMinute(minute, 0);
      points = [];
    }
    addMinute(total, minute);
    points.push({ time: new Date(minute.minute).toISOString(), ...figuresOf(minute) });
  }
  close();
  return pairs;
}

export function figuresOf(minute: ShadowMinute): ShadowFiguresDto {
  return {
    requests: minute.requests,
    rows: minute.rows,
    agreeingRows: minute.agreeingRows,
    agreementRate: minute.rows > 0 ? minute.agreeingRows / minute.rows : null,
    values: minute.values,
    meanAbsDiff: minute.values > 0 ? minute.absDiffSum / minute.values : null,
    maxAbsDiff: minute.values > 0 ? minute.absDiffMax : null,
    errors: minute.errors,
    dropped: minute.dropped,
  };
}

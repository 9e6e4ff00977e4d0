import { Inject, Injectable, OnModuleInit, Optional } from '@nestjs/common';
import { copyTensors, type NamedTensors } from '@modelgate/runtime';
import { ModelServer, type ServedVersion } from '../../inference/model-server.service';
import { TrafficRouter, type ShadowSink, type ShadowTicket } from '../../inference/traffic-router';
import { ServingMetrics } from '../../telemetry/metrics/serving-metrics';
import type { ShadowSpec } from '../deployment-state';
import { compareAnswers } from './shadow-comparison';
import { ShadowSeries, type ShadowPair } from './shadow-series';

/** How much work shadow copies may make: their load is bounded, and dropped first under pressure. */
export interface ShadowLimits {
  /** Shadow runs this process has in flight at most; a copy past it is dropped. */
  maxInFlight: number;
  /**
   * Requests waiting in a queue that count as pressure: a copy is dropped when the shadow version's
   * queue (all priorities) or the primary version's online queue holds this many.
   */
  maxQueueDepth: number;
  /** A shadow run not answered within this is abandoned (counted as an error). */
  deadlineMs: number;
}

export const DEFAULT_SHADOW_LIMITS: ShadowLimits = { maxInFlight: 8, maxQueueDepth: 32, deadlineMs: 5_000 };
export const SHADOW_LIMITS = Symbol('SHADOW_LIMITS');

/** What a picked request carries from `select` to `dispatch`: its copy of the inputs. */
interface PendingCopy extends ShadowPair {
  shadow: ServedVersion;
  inputs: NamedTensors;
}

/**
 * Shadow traffic: copies `percent`% of a deployment's unpinned requests to its shadow version once
 * the real answer is computed, compares the two answers and records the comparison per minute. The
 * client never waits for the copy nor sees it. The copies run as batch priority (behind every
 * online request of that version), at most `maxInFlight` at a time, and are dropped, never queued,
 * when the shadow is not ready here or either version is under pressure. Failures are counted per
 * minute and in Prometheus, never thrown or logged per request.
 */
@Injectable()
export class ShadowService implements ShadowSink, OnModuleInit {
  private running = 0;
  private closed = false;
  private idleWaiters: Array<() => void> = [];
  private readonly limits: ShadowLimits;

  constructor(
    private readonly router: TrafficRouter,
    private readonly modelServer: ModelServer,
    private readonly series: ShadowSeries,
    private readonly metrics: ServingMetrics,
    @Optional() @Inject(SHADOW_LIMITS) limits?: ShadowLimits,
  ) {
    this.limits = limits ?? DEFAULT_SHADOW_LIMITS;
  }

  onModuleInit(): void {
    this.router.setShadowSink(this);
  }

  /** Shadow runs in flight now. */
  get inFlight(): number {
    return this.running;
  }

  select(primary: ServedVersion, spec: ShadowSpec, inputs: NamedTensors): ShadowTicket | undefined {
    if (this.closed || Math.random() * 100 >= spec.percent) return undefined;
    const pair: ShadowPair = { modelName: primary.modelName, primaryVersion: primary.version, shadowVersion: spec.version };
    const shadow = this.modelServer.find(primary.modelName, spec.version);
    if (shadow?.state !== 'ready' || this.running >= this.limits.maxInFlight || this.underPressure(primary, shadow)) {
      this.drop(pair);
      return undefined;
    }
    const copy: PendingCopy = { ...pair, shadow, inputs: copyTensors(inputs) };
    return copy;
  }

  dispatch(ticket: ShadowTicket, primaryOutputs: NamedTensors): void {
    const copy = ticket as PendingCopy;
    // Many requests may pass `select` before any is answered: the bound is held here.
    if (this.closed || this.running >= this.limits.maxInFlight) return this.drop(copy);
    this.running++;
    setImmediate(() => void this.run(copy, primaryOutputs));
  }

  /** No new copies from now on; resolves once those in flight are done, or after `withinMs`. */
  async close(withinMs: number): Promise<void> {
    this.closed = true;
    if (this.running === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.idleWaiters.push(resolve);
      timer = setTimeout(resolve, withinMs);
    });
    clearTimeout(timer);
  }

  private async run(copy: PendingCopy, primaryOutputs: NamedTensors): Promise<void> {
    try {
      // Replaced, retired or reloaded since the copy was picked: nothing to run it on.
      if (this.modelServer.find(copy.modelName, copy.shadowVersion) !== copy.shadow) return this.drop(copy);
      const result = await this.modelServer.predict(copy.shadow, copy.inputs, { priority: 'batch', deadlineMs: this.limits.deadlineMs });
      const comparison = compareAnswers(primaryOutputs, result.outputs);
      if (comparison === undefined) return this.fail(copy);
      this.series.compared(copy, comparison);
      this.metrics.shadowRequest(copy.modelName, copy.shadowVersion, 'compared');
    } catch {
      this.fail(copy);
    } finally {
      if (--this.running === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  /** The shadow's queue is deep, or the primary's online queue is: the copy would add to the pressure. */
  private underPressure(primary: ServedVersion, shadow: ServedVersion): boolean {
    const shadowStats = this.modelServer.stats(shadow);
    if (shadowStats === undefined || shadowStats.queueDepth.online + shadowStats.queueDepth.batch >= this.limits.maxQueueDepth) return true;
    const primaryStats = this.modelServer.stats(primary);
    return primaryStats !== undefined && primaryStats.queueDepth.online >= this.limits.maxQueueDepth;
  }

  private drop(pair: ShadowPair): void {
    this.series.dropped(pair);
    this.metrics.shadowRequest(pair.modelName, pair.shadowVersion, 'dropped');
  }

  private fail(pair: ShadowPair): void {
    this.series.failed(pair);
    this.metrics.shadowRequest(pair.modelName, pair.shadowVersion, 'error');
  }
}

import { Injectable } from '@nestjs/common';
import type { GateFigures } from '../../rollout/deployment-state';
import { ROLLUP_BUCKET_COUNT, ROLLUP_LATENCY_BOUNDS_MS, bucketIndex } from './latency-buckets';
import { percentileFromBuckets } from './percentiles';

/** How far back the window reaches: figures asked for an earlier start cover this much only. */
export const VERSION_WINDOW_SECONDS = 30 * 60;

/**
 * One version's last `size` seconds as a ring: slot `second % size` holds that second's counts
 * while `stamps` says it is that second (an older stamp is stale and is cleared when reused).
 * About 440 KB per version for the half hour (a histogram row of 57 counts a second).
 */
class SecondSlots {
  readonly stamps: Float64Array;
  readonly requests: Uint32Array;
  readonly errors: Uint32Array;
  /** ROLLUP_BUCKET_COUNT counts per slot, slot after slot. */
  readonly buckets: Uint32Array;
  /** The last second anything was recorded. */
  lastSecond = -1;

  constructor(readonly size: number) {
    this.stamps = new Float64Array(size).fill(-1);
    this.requests = new Uint32Array(size);
    this.errors = new Uint32Array(size);
    this.buckets = new Uint32Array(size * ROLLUP_BUCKET_COUNT);
  }
}

/**
 * Per model and version, the requests, server errors and latency histogram of each second of the
 * last half hour, in memory: what a progressive plan judges a step by, when a step may last
 * seconds and the per-minute series (stored in Postgres) is too coarse. Counts this process's
 * traffic only; nothing is stored, so a restart starts it empty.
 *
 * Recording is on every prediction: two Map lookups and a few increments, no allocation (a
 * version's ring is allocated the first time it gets a request). Versions idle for longer than the
 * window are dropped when another version is allocated.
 */
@Injectable()
export class VersionWindow {
  private readonly models = new Map<string, Map<number, SecondSlots>>();

  record(modelName: string, version: number, latencyMs: number, serverError: boolean, now = Date.now()): void {
    const slots = this.models.get(modelName)?.get(version) ?? this.allocate(modelName, version, now);
    const second = Math.floor(now / 1000);
    const slot = second % slots.size;
    if (slots.stamps[slot] !== second) {
      slots.stamps[slot] = second;
      slots.requests[slot] = 0;
      slots.errors[slot] = 0;
      slots.buckets.fill(0, slot * ROLLUP_BUCKET_COUNT, (slot + 1) * ROLLUP_BUCKET_COUNT);
    }
    slots.lastSecond = second;
    slots.requests[slot]++;
    if (serverError) slots.errors[slot]++;
    slots.buckets[slot * ROLLUP_BUCKET_COUNT + bucketIndex(ROLLUP_LATENCY_BOUNDS_MS, latencyMs)]++;
  }

  /**
   * A version's figures from `sinceMs` to `now`, at whole seconds: the second that holds `sinceMs`
   * counts in full. A start further back than the window answers the window.
   */
  since(modelName: string, version: number, sinceMs: number, now = Date.now()): GateFigures {
    const slots = this.models.get(modelName)?.get(version);
    const figures: GateFigures = { requests: 0, errors: 0, errorRate: null, p95Ms: null, p99Ms: null };
    if (slots === undefined) return figures;
    const last = Math.floor(now / 1000);
    const first = Math.max(Math.floor(sinceMs / 1000), last - slots.size + 1);
    const buckets = new Float64Array(ROLLUP_BUCKET_COUNT);
    for (let second = first; second <= last; second++) {
      const slot = second % slots.size;
      if (slots.stamps[slot] !== second) continue;
      figures.requests += slots.requests[slot];
      figures.errors += slots.errors[slot];
      const offset = slot * ROLLUP_BUCKET_COUNT;
      for (let index = 0; index < ROLLUP_BUCKET_COUNT; index++) buckets[index] += slots.buckets[offset + index];
    }
    if (figures.requests === 0) return figures;
    figures.errorRate = figures.errors / figures.requests;
    figures.p95Ms = percentileFromBuckets(ROLLUP_LATENCY_BOUNDS_MS, buckets, 0.95);
    figures.p99Ms = percentileFromBuckets(ROLLUP_LATENCY_BOUNDS_MS, buckets, 0.99);
    return figures;
  }

  /** Versions that hold a ring now (for tests and the memory it takes). */
  trackedVersions(): number {
    let count = 0;
    for (const versions of this.models.values()) count += versions.size;
    return count;
  }

  private allocate(modelName: string, version: number, now: number): SecondSlots {
    this.dropIdle(now);
    let versions = this.models.get(modelName);
    if (versions === undefined) this.models.set(modelName, (versions = new Map()));
    const slots = new SecondSlots(VERSION_WINDOW_SECONDS);
    versions.set(version, slots);
    return slots;
  }

  private dropIdle(now: number): void {
    const oldest = Math.floor(now / 1000) - VERSION_WINDOW_SECONDS;
    for (const [modelName, versions] of this.models) {
      for (const [version, slots] of versions) if (slots.lastSecond < oldest) versions.delete(version);
      if (versions.size === 0) this.models.delete(modelName);
    }
  }
}

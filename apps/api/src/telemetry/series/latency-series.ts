import { Injectable } from '@nestjs/common';
import { ROLLUP_BUCKET_COUNT, ROLLUP_LATENCY_BOUNDS_MS, bucketIndex } from './latency-buckets';

export const MINUTE_MS = 60_000;

/** One version's requests in one minute: what a `latency_rollups` row holds (added to it on flush). */
export interface MinuteRollup {
  modelName: string;
  version: number;
  /** Start of the minute, epoch milliseconds. */
  minute: number;
  requests: number;
  /** Answered with a 5xx status. */
  errors: number;
  latencySumMs: number;
  /** Counts per ROLLUP_LATENCY_BOUNDS_MS bucket, overflow last. */
  buckets: Uint32Array;
}

function emptyRollup(modelName: string, version: number, minute: number): MinuteRollup {
  return { modelName, version, minute, requests: 0, errors: 0, latencySumMs: 0, buckets: new Uint32Array(ROLLUP_BUCKET_COUNT) };
}

/**
 * Per version and minute: request count, server errors and a latency histogram, kept in memory
 * until the flusher takes them (every few seconds) and adds them to Postgres in one statement.
 * Recording is a few Map lookups and increments; a new object is made once per version per minute.
 */
@Injectable()
export class LatencySeries {
  /** The minute being filled, per model and version. */
  private readonly current = new Map<string, Map<number, MinuteRollup>>();
  /** Minutes that ended before the flusher came by. */
  private closed: MinuteRollup[] = [];
  /** Taken by a flush that has not committed yet; given back to `closed` if it fails. */
  private flushing: MinuteRollup[] = [];

  record(modelName: string, version: number, latencyMs: number, serverError: boolean, now = Date.now()): void {
    const minute = now - (now % MINUTE_MS);
    let versions = this.current.get(modelName);
    if (versions === undefined) this.current.set(modelName, (versions = new Map()));
    let rollup = versions.get(version);
    if (rollup === undefined || rollup.minute !== minute) {
      if (rollup !== undefined && rollup.requests > 0) this.closed.push(rollup);
      versions.set(version, (rollup = emptyRollup(modelName, version, minute)));
    }
    rollup.requests++;
    if (serverError) rollup.errors++;
    rollup.latencySumMs += latencyMs;
    rollup.buckets[bucketIndex(ROLLUP_LATENCY_BOUNDS_MS, latencyMs)]++;
  }

  /**
   * Hands everything recorded so far to a flush, merged so that each (model, version, minute)
   * appears once. Call `flushed()` once it is stored, or `flushFailed()` to keep it for the next try.
   */
  takeForFlush(): MinuteRollup[] {
    const taken = this.closed;
    this.closed = [];
    for (const versions of this.current.values()) {
      for (const [version, rollup] of versions) {
        if (rollup.requests === 0) continue;
        taken.push(rollup);
        versions.set(version, emptyRollup(rollup.modelName, version, rollup.minute));
      }
    }
    this.flushing = mergeRollups([...this.flushing, ...taken]);
    return this.flushing;
  }

  flushed(): void {
    this.flushing = [];
  }

  /** Keeps what a failed flush took, up to `limit` rollups (the oldest are dropped past it). */
  flushFailed(limit = 50_000): void {
    const kept = this.flushing.length > limit ? this.flushing.slice(this.flushing.length - limit) : this.flushing;
    this.flushing = [];
    this.closed = mergeRollups([...kept, ...this.closed]);
  }
}

/** Adds rollups of the same model, version and minute together. */
export function mergeRollups(rollups: MinuteRollup[]): MinuteRollup[] {
  const byKey = new Map<string, MinuteRollup>();
  for (const rollup of rollups) {
    const key = `${rollup.modelName}\u0000${rollup.version}\u0000${rollup.minute}`;
    const existing = byKey.get(key);
    if (existing === undefined) {
      byKey.set(key, rollup);
      continue;
    }
    const merged = emptyRollup(rollup.modelName, rollup.version, rollup.minute);
    for (const part of [existing, rollup]) {
      merged.requests += part.requests;
      merged.errors += part.errors;
      merged.latencySumMs += part.latencySumMs;
      for (let index = 0; index < merged.buckets.length; index++) merged.buckets[index] += part.buckets[index];
    }
    byKey.set(key, merged);
  }
  return [...byKey.values()];
}

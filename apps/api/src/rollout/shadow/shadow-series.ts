import { Injectable } from '@nestjs/common';
import { MINUTE_MS } from '../../telemetry/series/latency-series';
import type { AnswerComparison } from './shadow-comparison';

/** The versions a shadow copy went between: the one that answered the client, and the shadow. */
export interface ShadowPair {
  modelName: string;
  primaryVersion: number;
  shadowVersion: number;
}

/**
 * One pair's shadow copies in one minute: what a `shadow_comparisons` row holds. Counts and sums
 * only (plus a maximum), so that minutes of several replicas or flushes add up.
 */
export interface ShadowMinute extends ShadowPair, AnswerComparison {
  /** Start of the minute, epoch milliseconds. */
  minute: number;
  /** Copies whose answer was compared with the primary's. */
  requests: number;
  /** Copies that failed (error, deadline, an answer of another shape). */
  errors: number;
  /** Copies picked by the percentage but not run: the shadow was not ready here, or its load was at its bound. */
  dropped: number;
}

/** More pending minutes than this (the database unreachable for hours) and the oldest are let go. */
const MAX_PENDING_MINUTES = 50_000;

export function emptyMinute(pair: ShadowPair, minute: number): ShadowMinute {
  const { modelName, primaryVersion, shadowVersion } = pair;
  return { modelName, primaryVersion, shadowVersion, minute, requests: 0, errors: 0, dropped: 0, rows: 0, agreeingRows: 0, values: 0, absDiffSum: 0, absDiffMax: 0 };
}

/** Adds `part` into `total` (same pair and minute). */
export function addMinute(total: ShadowMinute, part: ShadowMinute): void {
  total.requests += part.requests;
  total.errors += part.errors;
  total.dropped += part.dropped;
  total.rows += part.rows;
  total.agreeingRows += part.agreeingRows;
  total.values += part.values;
  total.absDiffSum += part.absDiffSum;
  total.absDiffMax = Math.max(total.absDiffMax, part.absDiffMax);
}

/**
 * Shadow outcomes per pair and minute, held in memory until the flusher adds them to Postgres
 * (every few seconds, one statement). Recording is one Map lookup and a few additions.
 */
@Injectable()
export class ShadowSeries {
  private pending = new Map<string, ShadowMinute>();

  compared(pair: ShadowPair, comparison: AnswerComparison, now = Date.now()): void {
    const minute = this.minuteOf(pair, now);
    minute.requests++;
    minute.rows += comparison.rows;
    minute.agreeingRows += comparison.agreeingRows;
    minute.values += comparison.values;
    minute.absDiffSum += comparison.absDiffSum;
    minute.absDiffMax = Math.max(minute.absDiffMax, comparison.absDiffMax);
  }

  failed(pair: ShadowPair, now = Date.now()): void {
    this.minuteOf(pair, now).errors++;
  }

  dropped(pair: ShadowPair, now = Date.now()): void {
    this.minuteOf(pair, now).dropped++;
  }

  /** Hands over everything recorded so far; give it back with `flushFailed` if it could not be stored. */
  takeForFlush(): ShadowMinute[] {
    const taken = [...this.pending.values()];
    this.pending = new Map();
    return taken;
  }

  /** Keeps what a failed flush took for the next one, merged with what was recorded meanwhile. */
  flushFailed(taken: readonly ShadowMinute[]): void {
    const recent = this.pending;
    this.pending = new Map();
    for (const part of [...taken.slice(-MAX_PENDING_MINUTES), ...recent.values()]) addMinute(this.entry(part, part.minute), part);
  }

  private minuteOf(pair: ShadowPair, now: number): ShadowMinute {
    return this.entry(pair, now - (now % MINUTE_MS));
  }

  private entry(pair: ShadowPair, minute: number): ShadowMinute {
    const key = `${pair.modelName}\u0000${pair.primaryVersion}\u0000${pair.shadowVersion}\u0000${minute}`;
    let entry = this.pending.get(key);
    if (entry === undefined) this.pending.set(key, (entry = emptyMinute(pair, minute)));
    return entry;
  }
}

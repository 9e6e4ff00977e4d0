import { Inject, Injectable } from '@nestjs/common';
import type { ModelSignature, NamedTensors } from '@modelgate/runtime';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/config';
import type { DriftConfig } from '../../config/telemetry-config';
import { buildBaseline, DriftWindow, sameBins, type DriftBaseline } from './drift-aggregates';
import { driftLayout, fillRows, inputRows, sampledRows, type DriftLayout } from './drift-layout';

export const HOUR_MS = 3_600_000;

/** The version a sample belongs to, as the prediction path knows it. */
export interface DriftSubject {
  /** The version's row id. */
  id: string;
  modelName: string;
  version: number;
  signature: ModelSignature;
}

/** The copied rows of one sampled request, waiting for its outputs: one row vector after another. */
export interface DriftSample {
  state: VersionDrift;
  rows: number[];
  values: Float64Array;
}

/**
 * One version's drift state in this process. It collects the baseline (the first rows it answers)
 * unless the database already holds one, then bins later rows into hourly windows with the
 * baseline's edges. The DriftService stores baselines and windows and reads them back.
 */
export class VersionDrift {
  readonly layout: DriftLayout;
  /** Whether the database has been asked for a stored baseline yet. */
  baselineChecked = false;
  /** Whether `baseline` is the one stored in the database (the first replica's to finish wins). */
  baselineStored = false;
  baseline: DriftBaseline | undefined;
  /** Row vectors collected while there is no baseline. */
  collected: Float64Array[] = [];
  collectingSince: number | undefined;
  window: DriftWindow | undefined;
  /** Hours that ended before the flusher came by, and windows a failed flush gave back. */
  closedWindows: DriftWindow[] = [];

  constructor(readonly subject: DriftSubject) {
    this.layout = driftLayout(subject.signature);
  }
}

/**
 * Watches what each version receives and answers, off the request's critical path: a sampled
 * request has at most MAX_ROWS_PER_SAMPLE rows copied (a few hundred numbers each) before its
 * tensors move to a worker, its outputs are added after the answer, and the binning into
 * aggregates runs in a setImmediate batch. Nothing of a payload is kept: only counts, sums and
 * histograms.
 */
@Injectable()
export class DriftMonitor {
  private readonly config: DriftConfig;
  private readonly versions = new Map<string, VersionDrift>();
  private queue: DriftSample[] = [];
  private scheduled = false;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.config = config.telemetry.drift;
  }

  /**
   * Called with a request's inputs before they are sent to a worker (which detaches them): copies
   * the rows of a sampled request, or returns undefined (most requests once the baseline is done).
   */
  sample(subject: DriftSubject, inputs: NamedTensors): DriftSample | undefined {
    if (!this.config.enabled) return undefined;
    let state = this.versions.get(subject.id);
    if (state === undefined || state.subject.version !== subject.version) {
      state = new VersionDrift(subject);
      this.versions.set(subject.id, state);
    }
    if (state.layout.features.length === 0) return undefined;
    const collecting = state.baseline === undefined && state.collected.length < this.config.baselineRows;
    if (!collecting && Math.random() * 100 >= this.config.samplePercent) return undefined;
    const rows = sampledRows(inputRows(state.layout, inputs), state.layout.features.length);
    if (rows.length === 0) return undefined;
    const width = state.layout.features.length;
    const values = new Float64Array(rows.length * width);
    if (!fillRows(state.layout.inputs, inputs, rows, values, width)) return undefined;
    return { state, rows, values };
  }

  /** Called with the outputs of a sampled request; the aggregation runs later. */
  complete(sample: DriftSample, outputs: NamedTensors): void {
    if (!fillRows(sample.state.layout.outputs, outputs, sample.rows, sample.values, sample.state.layout.features.length)) return;
    this.queue.push(sample);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.drain());
    }
  }

  /** Aggregates every sample queued so far (also called by the flusher before it writes). */
  drain(now = Date.now()): void {
    this.scheduled = false;
    const queue = this.queue;
    this.queue = [];
    for (const sample of queue) {
      const width = sample.state.layout.features.length;
      for (let row = 0; row < sample.rows.length; row++) {
        const vector = sample.values.subarray(row * width, (row + 1) * width);
        if (allFinite(vector)) this.add(sample.state, vector, now);
      }
    }
    for (const state of this.versions.values()) this.closeBaselineIfDue(state, now);
  }

  /** Every version watched in this process. */
  states(): Iterable<VersionDrift> {
    return this.versions.values();
  }

  state(versionId: string): VersionDrift | undefined {
    return this.versions.get(versionId);
  }

  /** Forgets versions that no longer serve here. */
  forget(versionId: string): void {
    this.versions.delete(versionId);
  }

  /**
   * Switches a version to a baseline read from (or won in) the database. Windows binned with other
   * edges are dropped: their bins would not match.
   */
  adoptBaseline(state: VersionDrift, baseline: DriftBaseline): void {
    const same = state.baseline !== undefined && sameBins(state.baseline, baseline);
    state.baseline = baseline;
    state.baselineStored = true;
    state.baselineChecked = true;
    state.collected = [];
    state.collectingSince = undefined;
    if (!same) {
      state.window = undefined;
      state.closedWindows = [];
    }
  }

  /** Takes the windows to write: closed hours and the current one (a new one starts on the next row). */
  takeWindows(state: VersionDrift): DriftWindow[] {
    const taken = state.closedWindows;
    state.closedWindows = [];
    if (state.window !== undefined && state.window.rows > 0) taken.push(state.window);
    state.window = undefined;
    return taken;
  }

  /** Gives back windows a failed flush could not write (kept for the next try, at most a day's). */
  restoreWindows(state: VersionDrift, windows: DriftWindow[]): void {
    state.closedWindows = [...windows, ...state.closedWindows].slice(-24);
  }

  private add(state: VersionDrift, vector: Float64Array, now: number): void {
    if (state.baseline === undefined) {
      if (state.collected.length === 0) state.collectingSince = now;
      state.collected.push(vector);
      if (state.collected.length >= this.config.baselineRows) this.completeBaseline(state, now);
      return;
    }
    const windowStart = now - (now % HOUR_MS);
    if (state.window === undefined || state.window.windowStart !== windowStart || state.window.baseline !== state.baseline) {
      if (state.window !== undefined && state.window.rows > 0) state.closedWindows.push(state.window);
      state.window = new DriftWindow(state.baseline, windowStart);
    }
    state.window.add(vector);
  }

  private closeBaselineIfDue(state: VersionDrift, now: number): void {
    if (state.baseline !== undefined || state.collectingSince === undefined) return;
    const minutes = (now - state.collectingSince) / 60_000;
    if (minutes >= this.config.baselineMinutes && state.collected.length >= Math.min(this.config.minRows, this.config.baselineRows)) {
      this.completeBaseline(state, now);
    }
  }

  private completeBaseline(state: VersionDrift, now: number): void {
    state.baseline = buildBaseline(state.layout.features, state.collected, new Date(state.collectingSince ?? now), new Date(now));
    state.baselineStored = false;
    state.collected = [];
    state.collectingSince = undefined;
  }
}

function allFinite(vector: Float64Array): boolean {
  for (let index = 0; index < vector.length; index++) if (!Number.isFinite(vector[index])) return false;
  return true;
}

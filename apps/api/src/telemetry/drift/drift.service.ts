import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/config';
import type { DriftConfig } from '../../config/telemetry-config';
import { ModelServer } from '../../inference/model-server.service';
import { compareToBaseline, type DriftBaseline, type FeatureDrift, type WindowTotals } from './drift-aggregates';
import { DriftMonitor, HOUR_MS, type VersionDrift } from './drift-monitor';
import { DriftRepository, type WindowWrite } from './drift.repository';

export type VersionDriftStatus = 'collecting_baseline' | 'insufficient_data' | 'stable' | 'drift';

export interface VersionDriftReport {
  version: number;
  status: VersionDriftStatus;
  drifted: boolean;
  maxPsi: number | null;
  baseline: { rows: number; startedAt: Date | null; completedAt: Date | null };
  current: { rows: number; from: Date | null; to: Date | null };
  features: FeatureDrift[];
}

/**
 * Stores what the DriftMonitor aggregates (baselines once, hourly windows added up) and compares
 * recent windows with the baseline. Only the TelemetryService calls it, inside its flush lock.
 */
@Injectable()
export class DriftService {
  private readonly logger = new Logger('Drift');
  private readonly config: DriftConfig;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly monitor: DriftMonitor,
    private readonly repository: DriftRepository,
    private readonly modelServer: ModelServer,
  ) {
    this.config = config.telemetry.drift;
  }

  /**
   * Aggregates queued samples, then per version: looks up a stored baseline the first time (a
   * restart, or another replica's), stores a newly completed one (the first stored wins, and this
   * process adopts it), and adds the windows to the database.
   */
  async flush(): Promise<void> {
    this.monitor.drain();
    const writes: Array<WindowWrite & { state: VersionDrift }> = [];
    for (const state of [...this.monitor.states()]) {
      const { id, modelName, version } = state.subject;
      if (this.modelServer.find(modelName, version)?.id !== id) {
        this.monitor.forget(id);
        continue;
      }
      if (!state.baselineChecked) {
        const stored = await this.repository.findBaseline(id);
        state.baselineChecked = true;
        if (stored !== undefined) this.monitor.adoptBaseline(state, stored);
      }
      if (state.baseline !== undefined && !state.baselineStored) {
        const stored = await this.repository.insertBaseline(id, modelName, version, state.baseline);
        if (stored === undefined) {
          this.monitor.forget(id);
          continue;
        }
        this.monitor.adoptBaseline(state, stored);
        this.logger.log(`drift baseline of version ${version} of model "${modelName}" is set (${stored.rows} rows)`);
      }
      if (state.baselineStored) {
        for (const window of this.monitor.takeWindows(state)) writes.push({ versionId: id, window, state });
      }
    }
    const merged = mergeWindows(writes);
    try {
      await this.repository.addWindows(merged);
    } catch (error) {
      for (const write of merged) this.monitor.restoreWindows(write.state, [write.window]);
      throw error;
    }
  }

  /** Drift per version of a model serving here, over the windows of the last `hours`. */
  async report(modelName: string, hours: number, now = Date.now()): Promise<VersionDriftReport[]> {
    const served = this.modelServer.hasModel(modelName) ? this.modelServer.versionsOf(modelName) : [];
    const since = new Date(now - hours * HOUR_MS - (now % HOUR_MS) + HOUR_MS);
    const totals = await this.repository.windowTotals(
      served.map((version) => version.id),
      since,
    );
    const reports: VersionDriftReport[] = [];
    for (const version of served) {
      const state = this.monitor.state(version.id);
      const baseline = state?.baselineStored ? state.baseline : await this.repository.findBaseline(version.id);
      reports.push(this.versionReport(version.version, baseline, state, totals.get(version.id)));
    }
    return reports;
  }

  deleteWindowsBefore(cutoff: Date): Promise<number> {
    return this.repository.deleteWindowsBefore(cutoff);
  }

  private versionReport(version: number, baseline: DriftBaseline | undefined, state: VersionDrift | undefined, totals: WindowTotals | undefined): VersionDriftReport {
    if (baseline === undefined) {
      return {
        version,
        status: 'collecting_baseline',
        drifted: false,
        maxPsi: null,
        baseline: { rows: state?.collected.length ?? 0, startedAt: state?.collectingSince ? new Date(state.collectingSince) : null, completedAt: null },
        current: { rows: 0, from: null, to: null },
        features: [],
      };
    }
    const current: WindowTotals = totals ?? { rows: 0, sums: [], sumsOfSquares: [], counts: [], from: null, to: null };
    const features = compareToBaseline(baseline, current, this.config.psiThreshold, this.config.minRows);
    const psis = features.map((feature) => feature.psi).filter((psi): psi is number => psi !== null);
    const drifted = features.some((feature) => feature.drifted);
    return {
      version,
      status: current.rows < this.config.minRows ? 'insufficient_data' : drifted ? 'drift' : 'stable',
      drifted,
      maxPsi: psis.length > 0 ? Math.max(...psis) : null,
      baseline: { rows: baseline.rows, startedAt: baseline.startedAt, completedAt: baseline.completedAt },
      current: { rows: current.rows, from: current.from, to: current.to },
      features,
    };
  }
}

/** One write per (version, hour): windows a failed flush gave back may meet the new ones. */
function mergeWindows<T extends WindowWrite>(writes: T[]): T[] {
  const byKey = new Map<string, T>();
  for (const write of writes) {
    const key = `${write.versionId}@${write.window.windowStart}`;
    const existing = byKey.get(key);
    if (existing === undefined) {
      byKey.set(key, write);
      continue;
    }
    const into = existing.window;
    into.rows += write.window.rows;
    write.window.sums.forEach((value, index) => (into.sums[index] += value));
    write.window.sumsOfSquares.forEach((value, index) => (into.sumsOfSquares[index] += value));
    write.window.counts.forEach((value, index) => (into.counts[index] += value));
  }
  return [...byKey.values()];
}

import type { Reader } from './config';

export interface DriftConfig {
  /** MODELGATE_DRIFT: watch inputs and outputs for drift (default on). */
  enabled: boolean;
  /** MODELGATE_DRIFT_SAMPLE_PERCENT: requests sampled once the baseline is complete (the baseline takes every one). */
  samplePercent: number;
  /** MODELGATE_DRIFT_BASELINE_ROWS: the baseline is the first this many rows a version answers... */
  baselineRows: number;
  /** MODELGATE_DRIFT_BASELINE_MINUTES: ...or the rows of its first this many minutes, if it has `minRows` by then. */
  baselineMinutes: number;
  /** MODELGATE_DRIFT_MIN_ROWS: rows a window needs before drift is flagged (fewer: too noisy to tell). */
  minRows: number;
  /** MODELGATE_DRIFT_PSI_THRESHOLD: a feature whose PSI exceeds this has drifted. */
  psiThreshold: number;
  /** MODELGATE_DRIFT_WINDOW_HOURS: the recent traffic compared with the baseline, by default. */
  windowHours: number;
}

export interface PayloadLogConfig {
  /** MODELGATE_PAYLOAD_LOG_MODELS: models whose requests are sampled and kept (comma-separated, "*" for all); empty: off. */
  models: string[];
  /** MODELGATE_PAYLOAD_LOG_PERCENT: share of those models' requests kept. */
  samplePercent: number;
  /** MODELGATE_PAYLOAD_LOG_HOURS: kept requests are deleted after this long. */
  retentionHours: number;
}

export interface TelemetryConfig {
  /** METRICS_TOKEN: a bearer token that may read /metrics (for scrapers); unset: an admin credential only. */
  metricsToken: string | undefined;
  /** MODELGATE_METRICS_FLUSH_SECONDS: how often the per-minute series and drift aggregates are written. */
  flushIntervalMs: number;
  /** MODELGATE_METRICS_RETENTION_DAYS: series and drift windows older than this are deleted. */
  retentionDays: number;
  drift: DriftConfig;
  payloads: PayloadLogConfig;
}

function readNumber(read: Reader, name: string, fallback: number, min: number, max: number): number {
  const value = read.raw(name);
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || parsed < min || parsed > max) {
    read.problems.push(`${name} must be a number from ${min} to ${max}, got "${value}"`);
    return fallback;
  }
  return parsed;
}

export function readTelemetryConfig(read: Reader): TelemetryConfig {
  const metricsToken = read.raw('METRICS_TOKEN');
  if (metricsToken !== undefined && (metricsToken.length < 16 || /\s/.test(metricsToken))) {
    read.problems.push('METRICS_TOKEN must be at least 16 characters without spaces (e.g. `openssl rand -hex 32`)');
  }
  const minRows = read.integer('MODELGATE_DRIFT_MIN_ROWS', 100, 1, 1_000_000);
  return {
    metricsToken,
    flushIntervalMs: read.integer('MODELGATE_METRICS_FLUSH_SECONDS', 5, 1, 300) * 1000,
    retentionDays: read.integer('MODELGATE_METRICS_RETENTION_DAYS', 30, 1, 3650),
    drift: {
      enabled: read.boolean('MODELGATE_DRIFT', true),
      samplePercent: readNumber(read, 'MODELGATE_DRIFT_SAMPLE_PERCENT', 10, 0, 100),
      baselineRows: read.integer('MODELGATE_DRIFT_BASELINE_ROWS', 1000, 10, 20_000),
      baselineMinutes: read.integer('MODELGATE_DRIFT_BASELINE_MINUTES', 60, 1, 7 * 24 * 60),
      minRows,
      psiThreshold: readNumber(read, 'MODELGATE_DRIFT_PSI_THRESHOLD', 0.2, 0.001, 100),
      windowHours: read.integer('MODELGATE_DRIFT_WINDOW_HOURS', 24, 1, 24 * 90),
    },
    payloads: {
      models: (read.raw('MODELGATE_PAYLOAD_LOG_MODELS') ?? '')
        .split(',')
        .map((name) => name.trim())
        .filter((name) => name !== ''),
      samplePercent: readNumber(read, 'MODELGATE_PAYLOAD_LOG_PERCENT', 1, 0, 100),
      retentionHours: read.integer('MODELGATE_PAYLOAD_LOG_HOURS', 24, 1, 24 * 90),
    },
  };
}

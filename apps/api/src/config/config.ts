import { resolve } from 'node:path';
import { readDashboard, type DashboardBuild } from './dashboard-config';
import { readCorsOrigins, readTls, readTrustProxy, type TlsFiles } from './security-config';
import { readTelemetryConfig, type TelemetryConfig } from './telemetry-config';

/**
 * Modelgate's configuration, read once from the environment at start. Every variable has an
 * embedded default so that `npm start` needs none; a bad value stops the start with a message
 * that names the variable and says what would be accepted.
 */
export interface AppConfig {
  host: string;
  port: number;
  /**
   * MODELGATE_GRPC_PORT: the Open Inference Protocol's gRPC service (inference/grpc/), on `host` too;
   * 0: any free port; undefined (`off`): no gRPC server. Default 8081, beside PORT's 8080.
   */
  grpcPort: number | undefined;
  /** Unset: the embedded PGlite database under `<dataDir>/pgdata`. */
  databaseUrl: string | undefined;
  dataDir: string;
  /** Bootstrap admin API key; unset: generated on first start and saved under the data dir. */
  adminKey: string | undefined;
  /** Bootstrap operator password (used by operator logins). */
  adminPassword: string | undefined;
  redisUrl: string | undefined;
  /** Register a small demo model on an empty registry. */
  demo: boolean;
  /** Largest model file accepted by an upload, in bytes. */
  maxUploadBytes: number;
  /** Largest JSON/binary request body, in bytes. */
  maxBodyBytes: number;
  /** Largest unpacked size of an uploaded archive, in bytes. */
  maxUnpackedBytes: number;
  /** Most entries an uploaded archive may hold. */
  maxArchiveEntries: number;
  /** Deepest nesting of arrays and objects a JSON body may have. */
  maxJsonDepth: number;
  /** Most tensor elements one inference request may carry, all inputs together. */
  maxTensorElements: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Operator sessions end this long after login. */
  sessionTtlMs: number;
  /** Consecutive failed logins after which an account locks for `loginLockMs`. */
  loginMaxFailures: number;
  loginLockMs: number;
  /** Login attempts per minute from one client address (bucket of the same size). */
  loginAttemptsPerMinute: number;
  /** Session cookies carry `Secure` (and the `__Host-` name); on by default when TLS is configured. */
  cookieSecure: boolean;
  /** PEM certificate and key read from TLS_CERT and TLS_KEY; unset: plain HTTP. */
  tls: TlsFiles | undefined;
  /** Origins allowed to call the API from a browser; empty: CORS off. */
  corsOrigins: string[];
  /** MODELGATE_TRUST_PROXY: false (the TCP peer is the client), proxy hops, or the proxies' addresses. */
  trustProxy: false | number | string[];
  /** Prefix of every Redis key Modelgate writes (replicas sharing a limit use the same one). */
  redisKeyPrefix: string;
  /** /metrics access, series flushing and retention, drift monitoring (see telemetry-config.ts). */
  telemetry: TelemetryConfig;
  /** MODELGATE_ROLLOUT_INTERVAL_MS: how often running progressive plans are judged. */
  rolloutIntervalMs: number;
  /** MODELGATE_SHADOW_MAX_IN_FLIGHT: shadow copies this process runs at once at most (more are dropped). */
  shadowMaxInFlight: number;
  /** Batch jobs this process runs (see jobs/job-runner.ts). */
  jobs: JobsConfig;
  /**
   * MODELGATE_DATA_PLANE: prediction requests answered straight from node:http (inference/data-plane.ts);
   * off, every request goes through Fastify and Nest. On by default.
   */
  dataPlane: boolean;
  /**
   * MODELGATE_DATA_PLANE_HTTP: who reads the plane's HTTP/1.1 connections (plain or TLS): `modelgate` (the
   * default), the plane's own parser for prediction requests (inference/http1-connections.ts), or
   * `node`, node:http's for every request.
   */
  dataPlaneHttp: 'modelgate' | 'node';
  /**
   * MODELGATE_IDLE_SPIN_MS: how long a model worker polls for the next request after answering,
   * while the server holds no other request (libs/runtime/src/worker/idle-spin.ts); 0: off.
   */
  idleSpinMs: number;
  /** MODELGATE_DASHBOARD_DIR: the dashboard build served at / (default apps/dashboard/dist; see dashboard-config.ts). */
  dashboard: DashboardBuild;
  /** V8's old-generation growing factor, as 1 + percent/100, set at start-up (heap-growth.ts); 0: V8's own. */
  heapGrowingPercent: number;
}

export interface JobsConfig {
  /** MODELGATE_JOB_CONCURRENCY: batch jobs this process runs at once; 0: it runs none (a replica kept for online traffic). */
  concurrency: number;
  /** MODELGATE_JOB_POLL_MS: how often it looks for queued jobs (a job submitted to this process starts at once). */
  pollMs: number;
  /**
   * MODELGATE_JOB_RETENTION_DAYS: a finished job (succeeded, failed or cancelled) is deleted, with its
   * files, this many days after it finished; 0 keeps finished jobs until someone deletes them.
   */
  retentionDays: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export const ADMIN_KEY_PATTERN = /^mg_[A-Za-z0-9]{8,32}_[A-Za-z0-9_-]{20,128}$/;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const MIB = 1024 * 1024;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

type Env = Record<string, string | undefined>;

export class Reader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
      this.problems.push(`${name} must be a whole number from ${min} to ${max}, got "${value}"`);
      return fallback;
    }
    return parsed;
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(value)) return true;
    if (['0', 'false', 'no', 'off'].includes(value)) return false;
    this.problems.push(`${name} must be true or false, got "${this.raw(name)}"`);
    return fallback;
  }

  url(name: string, protocols: string[]): string | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      this.problems.push(`${name} must be a URL like ${protocols[0]}//host:port/..., got "${redact(value)}"`);
      return undefined;
    }
    if (!protocols.includes(parsed.protocol)) {
      this.problems.push(`${name} must start with ${protocols.join(' or ')}, got "${parsed.protocol}"`);
      return undefined;
    }
    return value;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(value)) {
      this.problems.push(`${name} must be one of ${allowed.join(', ')}, got "${value}"`);
      return fallback;
    }
    return value as T;
  }
}

/** MODELGATE_GRPC_PORT: a port (0: any free one), or `off`; never PORT's own. */
function readGrpcPort(read: Reader, httpPort: number): number | undefined {
  const value = read.raw('MODELGATE_GRPC_PORT');
  if (value?.toLowerCase() === 'off') return undefined;
  if (value !== undefined && !/^\d{1,5}$/.test(value)) {
    read.problems.push(`MODELGATE_GRPC_PORT must be a port number from 0 to 65535 (0: any free port) or "off", got "${value}"`);
    return undefined;
  }
  const port = read.integer('MODELGATE_GRPC_PORT', 8081, 0, 65535);
  if (port !== 0 && port === httpPort) read.problems.push(`MODELGATE_GRPC_PORT must differ from PORT (both are ${port}); pick another port, or "off"`);
  return port;
}

/** Hides the password of a URL so that it never reaches a log line. */
function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@');
}

export function loadConfig(env: Env = process.env): AppConfig {
  const read = new Reader(env);
  const adminKey = read.raw('MODELGATE_ADMIN_KEY');
  if (adminKey !== undefined && !ADMIN_KEY_PATTERN.test(adminKey)) {
    read.problems.push(
      'MODELGATE_ADMIN_KEY must look like mg_<id>_<secret> (id: 8-32 letters or digits; secret: 20-128 of letters, digits, "-" or "_"); ' +
        'leave it unset to have one generated on first start',
    );
  }
  const adminPassword = read.raw('MODELGATE_ADMIN_PASSWORD');
  if (adminPassword !== undefined && adminPassword.length < 12) {
    read.problems.push('MODELGATE_ADMIN_PASSWORD must be at least 12 characters long');
  }
  const config: AppConfig = {
    host: read.raw('HOST') ?? '0.0.0.0',
    port: read.integer('PORT', 8080, 0, 65535),
    grpcPort: undefined,
    databaseUrl: read.url('DATABASE_URL', ['postgres:', 'postgresql:']),
    dataDir: resolve(read.raw('MODELGATE_DATA_DIR') ?? './data'),
    adminKey,
    adminPassword,
    redisUrl: read.url('REDIS_URL', ['redis:', 'rediss:']),
    demo: read.boolean('MODELGATE_DEMO', true),
    maxUploadBytes: read.integer('MODELGATE_MAX_UPLOAD_MB', 1024, 1, 1024 * 1024) * MIB,
    maxBodyBytes: read.integer('MODELGATE_MAX_BODY_MB', 32, 1, 4096) * MIB,
    maxUnpackedBytes: read.integer('MODELGATE_MAX_UNPACKED_MB', 4096, 1, 1024 * 1024) * MIB,
    maxArchiveEntries: read.integer('MODELGATE_MAX_ARCHIVE_ENTRIES', 10_000, 1, 1_000_000),
    maxJsonDepth: read.integer('MODELGATE_MAX_JSON_DEPTH', 64, 2, 10_000),
    maxTensorElements: read.integer('MODELGATE_MAX_TENSOR_ELEMENTS', 16 * MIB, 1, 2 ** 31 - 1),
    logLevel: read.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    sessionTtlMs: read.integer('MODELGATE_SESSION_HOURS', 12, 1, 24 * 30) * HOUR,
    loginMaxFailures: read.integer('MODELGATE_LOGIN_MAX_FAILURES', 5, 1, 1000),
    loginLockMs: read.integer('MODELGATE_LOGIN_LOCK_MINUTES', 15, 1, 24 * 60) * MINUTE,
    loginAttemptsPerMinute: read.integer('MODELGATE_LOGIN_ATTEMPTS_PER_MINUTE', 10, 1, 100_000),
    cookieSecure: false,
    tls: readTls(read),
    corsOrigins: readCorsOrigins(read),
    trustProxy: readTrustProxy(read),
    redisKeyPrefix: read.raw('REDIS_KEY_PREFIX') ?? 'modelgate:',
    telemetry: readTelemetryConfig(read),
    rolloutIntervalMs: read.integer('MODELGATE_ROLLOUT_INTERVAL_MS', 5000, 50, HOUR),
    shadowMaxInFlight: read.integer('MODELGATE_SHADOW_MAX_IN_FLIGHT', 8, 1, 10_000),
    jobs: {
      concurrency: read.integer('MODELGATE_JOB_CONCURRENCY', 1, 0, 64),
      pollMs: read.integer('MODELGATE_JOB_POLL_MS', 1000, 50, HOUR),
      retentionDays: read.integer('MODELGATE_JOB_RETENTION_DAYS', 30, 0, 3650),
    },
    dataPlane: read.boolean('MODELGATE_DATA_PLANE', true),
    dataPlaneHttp: read.oneOf('MODELGATE_DATA_PLANE_HTTP', ['modelgate', 'node'] as const, 'modelgate'),
    idleSpinMs: read.integer('MODELGATE_IDLE_SPIN_MS', 1, 0, 100),
    heapGrowingPercent: read.integer('MODELGATE_HEAP_GROWING_PERCENT', 100, 0, 400),
    dashboard: readDashboard(read),
  };
  config.cookieSecure = read.boolean('MODELGATE_COOKIE_SECURE', config.tls !== undefined);
  config.grpcPort = readGrpcPort(read, config.port);
  if (read.problems.length > 0) throw new ConfigError(read.problems);
  return config;
}

export { redact as redactUrl };

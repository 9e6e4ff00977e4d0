import type { LoggerService } from '@nestjs/common';
import pino, { type DestinationStream, type Logger } from 'pino';
import type { AppConfig } from '../../config/config';

/** The app's pino logger, injectable under this token. */
export const APP_LOGGER = Symbol('APP_LOGGER');
export type AppLogger = Logger;

/**
 * Paths blanked in anything logged as an object, should a header set or a body ever reach a log
 * call: credentials, cookies, passwords. Request lines are built field by field and carry none.
 */
export const REDACTED_PATHS = [
  'headers.authorization',
  'headers.cookie',
  'headers["x-api-key"]',
  'headers["set-cookie"]',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'password',
  'newPassword',
  'currentPassword',
  'key',
  'secret',
  'token',
];

/**
 * Lines are gathered up to this many bytes per write to stdout: one write per line cost about
 * 20 µs of CPU per request under load, far more than building the line. FLUSH_INTERVAL_MS bounds
 * how long a line waits when traffic is low.
 */
const WRITE_BATCH_BYTES = 4096;
const FLUSH_INTERVAL_MS = 1000;

/** One JSON object per line, with ISO times and level names. LOG_LEVEL keeps its meaning (fatal ... trace, silent). */
export function createLogger(config: Pick<AppConfig, 'logLevel'>, destination: DestinationStream): AppLogger {
  return pino(
    {
      level: config.logLevel,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    destination,
  );
}

/** pino's asynchronous file-descriptor stream (sonic-boom). */
type Stdout = ReturnType<typeof pino.destination>;

interface StdoutLogger {
  logger: AppLogger;
  stdout: Stdout;
  timer: NodeJS.Timeout;
  onExit: () => void;
}

const LOGGERS = new WeakMap<AppConfig, StdoutLogger>();

/**
 * The logger of one app, writing to stdout, made on first use: app.ts hands it to Nest before the
 * modules exist, and the telemetry module injects the same instance (both ask with the app's
 * config object). Writes are asynchronous and batched; what is buffered is written every second,
 * at shutdown (closeLogger) and, should the process end otherwise, on its 'exit' event.
 */
export function loggerFor(config: AppConfig): AppLogger {
  let entry = LOGGERS.get(config);
  if (entry === undefined) {
    const stdout = pino.destination({ dest: 1, sync: false, minLength: WRITE_BATCH_BYTES });
    const timer = setInterval(() => stdout.flush(), FLUSH_INTERVAL_MS);
    timer.unref();
    const onExit = () => flushQuietly(stdout);
    process.on('exit', onExit);
    entry = { logger: createLogger(config, stdout), stdout, timer, onExit };
    LOGGERS.set(config, entry);
  }
  return entry.logger;
}

/** Writes what is buffered and stops the app's flush timer (the app is closing). */
export function closeLogger(config: AppConfig): void {
  const entry = LOGGERS.get(config);
  if (entry === undefined) return;
  clearInterval(entry.timer);
  process.off('exit', entry.onExit);
  flushQuietly(entry.stdout);
  LOGGERS.delete(config);
}

function flushQuietly(stdout: Stdout): void {
  try {
    stdout.flushSync();
  } catch {
    // Nothing to flush, or stdout is gone: nothing more can be done.
  }
}

/**
 * Nest's logger over pino, so that Nest's own lines (start-up, errors the exception filter logs)
 * are JSON like the rest. Nest passes the context (class name) as the last string argument and an
 * error's stack before it.
 */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: AppLogger) {}

  log(message: unknown, ...optional: unknown[]): void {
    this.write('info', message, optional);
  }

  error(message: unknown, ...optional: unknown[]): void {
    this.write('error', message, optional);
  }

  warn(message: unknown, ...optional: unknown[]): void {
    this.write('warn', message, optional);
  }

  debug(message: unknown, ...optional: unknown[]): void {
    this.write('debug', message, optional);
  }

  verbose(message: unknown, ...optional: unknown[]): void {
    this.write('trace', message, optional);
  }

  fatal(message: unknown, ...optional: unknown[]): void {
    this.write('fatal', message, optional);
  }

  private write(level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace', message: unknown, optional: unknown[]): void {
    if (!this.logger.isLevelEnabled(level)) return;
    const fields: Record<string, unknown> = {};
    const rest = [...optional];
    const last = rest[rest.length - 1];
    if (typeof last === 'string' && !last.includes('\n')) fields.context = rest.pop();
    if (level === 'error' || level === 'fatal') {
      const stack = rest.find((item) => typeof item === 'string' && item.includes('\n    at '));
      if (stack !== undefined) fields.stack = stack;
    }
    if (message instanceof Error) {
      this.logger[level]({ ...fields, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.logger[level]({ ...fields, ...(message as Record<string, unknown>) });
    } else {
      this.logger[level](fields, String(message));
    }
  }
}

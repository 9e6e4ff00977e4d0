import { writeSync } from 'node:fs';
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
 * Lines are gathered into batches of this many characters (about as many bytes: JSON lines are
 * mostly ASCII) before they are handed to stdout's stream: one write per line cost about 20 µs of
 * CPU per request under load, far more than building the line, and each write also wakes the
 * process reading stdout. FLUSH_INTERVAL_MS bounds how long a line waits when traffic is low.
 */
const WRITE_BATCH_CHARS = 16_384;
const FLUSH_INTERVAL_MS = 1000;
/** Where the app's lines go: sonic-boom's descriptor, and the one flushBeforeExit writes to. */
const STDOUT_FD = 1;

/** One JSON object per line, with ISO times and level names. LOG_LEVEL keeps its meaning (fatal ... trace, silent). */
export function createLogger(config: Pick<AppConfig, 'logLevel'>, destination: DestinationStream): AppLogger {
  return pino(
    {
      level: config.logLevel,
      base: { pid: process.pid },
      timestamp: isoTimeField,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    destination,
  );
}

/** What a request's log line says (request-telemetry.ts), in the order it says it. */
export interface RequestLine {
  requestId: string;
  method: string;
  path: string;
  status: number;
  durationMs: number;
  model?: string;
  version?: number;
  route?: string;
  queueMs?: number;
  computeMs?: number;
  batchSize?: number;
}

/**
 * Writes `line` as `logger[level](line, 'request')` would, byte for byte (logger.spec.ts holds it
 * to pino's output for createLogger's options), built in one template: pino's walk over the
 * object, escaping each key and value on its own, cost twice as much, and every request at
 * `LOG_LEVEL=info` pays it. The caller checks the level.
 */
export function writeRequestLine(logger: AppLogger, level: 'info' | 'debug', line: RequestLine): void {
  const text =
    `{"level":"${level}"${isoTimeField()},"pid":${process.pid},"requestId":${JSON.stringify(line.requestId)},"method":${JSON.stringify(line.method)},"path":${JSON.stringify(line.path)}` +
    `${numberField('status', line.status)}${numberField('durationMs', line.durationMs)}${stringField('model', line.model)}${numberField('version', line.version)}` +
    `${stringField('route', line.route)}${numberField('queueMs', line.queueMs)}${numberField('computeMs', line.computeMs)}${numberField('batchSize', line.batchSize)},"msg":"request"}\n`;
  (logger as unknown as Record<symbol, DestinationStream>)[pino.symbols.streamSym].write(text);
}

/** `,"key":value` as pino writes a number: nothing when it is undefined, null when it is not finite. */
function numberField(key: string, value: number | undefined): string {
  return value === undefined ? '' : `,"${key}":${Number.isFinite(value) ? value : null}`;
}

/** `,"key":"value"` as pino writes a string: nothing when it is undefined. */
function stringField(key: string, value: string | undefined): string {
  return value === undefined ? '' : `,"${key}":${JSON.stringify(value)}`;
}

let fieldMs = Number.NaN;
let field = '';

/**
 * pino's `stdTimeFunctions.isoTime` (`,"time":"2026-12-06T12:00:00.000Z"`), formatted once per
 * millisecond: a busy server writes tens of request lines within the same one, and formatting the
 * date was a fifth of what a line cost.
 */
export function isoTimeField(): string {
  const now = Date.now();
  if (now !== fieldMs) {
    fieldMs = now;
    field = `,"time":"${new Date(now).toISOString()}"`;
  }
  return field;
}

/**
 * Where pino writes: lines are kept here and handed to `out` joined, once they reach `batchChars`
 * characters or on `flush`. sonic-boom gathers lines too (its `minLength`), but it measures the
 * bytes of everything it holds on every line, which cost more than the line itself; here a line
 * costs an array push.
 */
export class LineBatch implements DestinationStream {
  private lines: string[] = [];
  private chars = 0;

  constructor(
    private readonly out: { write(text: string): unknown },
    private readonly batchChars: number,
  ) {}

  write(line: string): void {
    this.lines.push(line);
    this.chars += line.length;
    if (this.chars >= this.batchChars) this.flush();
  }

  /** Hands every line kept to `out`, in order. */
  flush(): void {
    const text = this.take();
    if (text !== '') this.out.write(text);
  }

  /** Every line kept, joined ('' when none), and none kept any more. */
  take(): string {
    if (this.lines.length === 0) return '';
    const text = this.lines.length === 1 ? this.lines[0] : this.lines.join('');
    this.lines = [];
    this.chars = 0;
    return text;
  }
}

/** pino's asynchronous file-descriptor stream (sonic-boom). */
type Stdout = ReturnType<typeof pino.destination>;

interface StdoutLogger {
  logger: AppLogger;
  lines: LineBatch;
  stdout: Stdout;
  timer: NodeJS.Timeout;
  onExit: () => void;
}

const LOGGERS = new WeakMap<AppConfig, StdoutLogger>();

/**
 * The logger of one app, writing to stdout, made on first use: app.ts hands it to Nest before the
 * modules exist, and the telemetry module injects the same instance (both ask with the app's
 * config object). Writes are asynchronous and batched (LineBatch); what is kept is written every
 * second, at shutdown (closeLogger) and, should the process end otherwise, on its 'exit' event.
 */
export function loggerFor(config: AppConfig): AppLogger {
  let entry = LOGGERS.get(config);
  if (entry === undefined) {
    const stdout = pino.destination({ dest: STDOUT_FD, sync: false });
    const lines = new LineBatch(stdout, WRITE_BATCH_CHARS);
    const timer = setInterval(() => lines.flush(), FLUSH_INTERVAL_MS);
    timer.unref();
    const onExit = () => flushBeforeExit(lines, stdout, STDOUT_FD);
    process.on('exit', onExit);
    entry = { logger: createLogger(config, lines), lines, stdout, timer, onExit };
    LOGGERS.set(config, entry);
  }
  return entry.logger;
}

/** Writes what is kept and stops the app's flush timer (the app is closing). */
export function closeLogger(config: AppConfig): void {
  const entry = LOGGERS.get(config);
  if (entry === undefined) return;
  clearInterval(entry.timer);
  process.off('exit', entry.onExit);
  flushBeforeExit(entry.lines, entry.stdout, STDOUT_FD);
  LOGGERS.delete(config);
}

/** How long a final write waits, at most, for a full pipe to take its lines (EAGAIN). */
const EXIT_WRITE_PATIENCE_MS = 1000;
const EXIT_WRITE_RETRY_MS = 10;

/**
 * Writes everything kept before it returns, as the process may end right after (Nest's shutdown
 * hooks signal it to end as soon as the app has closed): what sonic-boom has queued (its
 * flushSync), then what `lines` holds, straight to `fd`, sonic-boom's own. Handed to sonic-boom,
 * the batch would start an asynchronous write that an ending process does not wait for. A write
 * sonic-boom already has in flight finishes on its own.
 */
export function flushBeforeExit(lines: LineBatch, stdout: Pick<Stdout, 'flushSync'>, fd: number): void {
  try {
    stdout.flushSync();
  } catch {
    // Nothing queued, or stdout is gone: the batch below may still get through.
  }
  const text = lines.take();
  if (text === '') return;
  const bytes = Buffer.from(text);
  const waitUntil = Date.now() + EXIT_WRITE_PATIENCE_MS;
  for (let at = 0; at < bytes.length; ) {
    try {
      at += writeSync(fd, bytes, at);
    } catch (error) {
      // A non-blocking pipe that is full: wait a little for its reader, as sonic-boom does.
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN' || Date.now() > waitUntil) return;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, EXIT_WRITE_RETRY_MS);
    }
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

/**
 * `npm run bench:logging`: what a request's log line costs at `LOG_LEVEL=info` (the default), on
 * this thread, no HTTP. Three ways of writing the same lines to a file descriptor:
 *
 * - pino's own: `logger.info(fields, 'request')`, `stdTimeFunctions.isoTime`, sonic-boom gathering
 *   lines itself (`minLength` 4096), as Modelgate wrote them until 6 December 2026: the baseline;
 * - the same pino call into this checkout's LineBatch, with its isoTimeField;
 * - this checkout's writeRequestLine into LineBatch: what a request costs now.
 *
 * The lines go to /dev/null (a descriptor per writer), so the figures leave out what the reader of
 * a real pipe (a terminal, journald, a container runtime) is woken for: fewer, larger writes save
 * that too. The server yields to its event loop between requests, so the writes finish as they
 * would there: each round writes BURST lines, then yields, until LINES. Each figure is the fastest
 * of ROUNDS rounds, the writers taking turns round by round; compare the ratios, not microseconds
 * across runs. At the end each stream writes what it holds and closes its descriptor.
 */
import { join, resolve } from 'node:path';
import pino from 'pino';
import { table } from './report';

const ROOT = resolve(__dirname, '..', '..');
const ROUNDS = 15;
const LINES = 20_000;
const BURST = 50;

/** A request's fields, as logger.ts's RequestLine holds them (the bench only passes them on). */
type RequestLine = Readonly<Record<string, string | number>>;

interface LoggerModule {
  createLogger(config: { logLevel: 'info' }, destination: pino.DestinationStream): pino.Logger;
  writeRequestLine(logger: pino.Logger, level: 'info', line: RequestLine): void;
  LineBatch: new (out: { write(text: string): unknown }, batchChars: number) => pino.DestinationStream & { flush(): void };
}

interface Writer {
  label: string;
  line(fields: RequestLine): void;
  flush(): void;
  /** Where the lines go: its own descriptor on /dev/null. */
  stream: ReturnType<typeof pino.destination>;
}

/** A prediction's line as request-telemetry.ts builds it, a little different each time. */
function requestLine(index: number): RequestLine {
  return {
    requestId: `7f1c2a9e-0c1d-4d7e-9a55-${(0x2b8c3f0e6a11 + index).toString(16)}`,
    method: 'POST',
    path: '/v2/models/bench-mlp/infer',
    status: 200,
    durationMs: Math.round((1 + (index % 97) / 31) * 1000) / 1000,
    model: 'bench-mlp',
    version: 1,
    route: 'latest',
    queueMs: Math.round(((index % 13) / 7) * 1000) / 1000,
    computeMs: 0.045,
    batchSize: 1 + (index % 24),
  };
}

function writers(module: LoggerModule): Writer[] {
  // The baseline: the logger options of createLogger with pino's own time field and stream batching.
  const boom = pino.destination({ dest: '/dev/null', sync: false, minLength: 4096 });
  const before = pino(
    { level: 'info', base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime, formatters: { level: (label) => ({ level: label }) } },
    boom,
  );
  const batchedStream = pino.destination({ dest: '/dev/null', sync: false });
  const batched = new module.LineBatch(batchedStream, 16_384);
  const pinoBatched = module.createLogger({ logLevel: 'info' }, batched);
  const templateStream = pino.destination({ dest: '/dev/null', sync: false });
  const template = new module.LineBatch(templateStream, 16_384);
  const templateLogger = module.createLogger({ logLevel: 'info' }, template);
  return [
    { label: 'pino, isoTime, sonic-boom minLength 4096 (before)', line: (fields) => before.info({ ...fields }, 'request'), flush: () => boom.flush(), stream: boom },
    { label: 'pino, isoTimeField, LineBatch', line: (fields) => pinoBatched.info({ ...fields }, 'request'), flush: () => batched.flush(), stream: batchedStream },
    { label: 'writeRequestLine, LineBatch (now)', line: (fields) => module.writeRequestLine(templateLogger, 'info', fields), flush: () => template.flush(), stream: templateStream },
  ];
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Microseconds of this thread's wall time and of the process's CPU per line, for one round of `writer`. */
async function round(writer: Writer, lines: readonly RequestLine[]): Promise<{ wallUs: number; cpuUs: number }> {
  const cpu = process.cpuUsage();
  let busyNs = 0n;
  for (let at = 0; at < LINES; at += BURST) {
    const started = process.hrtime.bigint();
    for (let index = at; index < at + BURST; index++) writer.line(lines[index % lines.length]);
    busyNs += process.hrtime.bigint() - started;
    await yieldToLoop();
  }
  writer.flush();
  // Let the last writes finish inside the round, so that their CPU counts here.
  for (let wait = 0; wait < 20; wait++) await yieldToLoop();
  const used = process.cpuUsage(cpu);
  return { wallUs: Number(busyNs) / 1000 / LINES, cpuUs: (used.user + used.system) / LINES };
}

async function main(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const module = require(join(ROOT, 'apps/api/dist/telemetry/logging/logger.js')) as LoggerModule;
  const all = writers(module);
  const lines = Array.from({ length: 1000 }, (_, index) => requestLine(index));
  const wall = all.map(() => Infinity);
  const cpu = all.map(() => Infinity);
  for (const writer of all) await round(writer, lines);
  for (let turn = 0; turn < ROUNDS; turn++) {
    for (const [which, writer] of all.entries()) {
      const measured = await round(writer, lines);
      wall[which] = Math.min(wall[which], measured.wallUs);
      cpu[which] = Math.min(cpu[which], measured.cpuUs);
    }
  }
  const rows = all.map((writer, which) => [writer.label, wall[which].toFixed(2), cpu[which].toFixed(2), `${(wall[0] / wall[which]).toFixed(2)}x`, `${(cpu[0] / cpu[which]).toFixed(2)}x`]);
  process.stdout.write(
    `A request's log line (LOG_LEVEL=info), ${LINES} lines a round written ${BURST} at a time, fastest of ${ROUNDS} rounds each:\n` +
      `${table(['writer', 'us a line, this thread', 'us a line, process CPU', 'thread vs before', 'CPU vs before'], rows).join('\n')}\n`,
  );
  // Each stream writes what it still holds and closes its file; the process then ends on its own.
  await Promise.all(all.map((writer) => new Promise((closed) => writer.stream.once('close', closed).end())));
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});

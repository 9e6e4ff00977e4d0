import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createLogger, flushBeforeExit, isoTimeField, LineBatch, type RequestLine, writeRequestLine } from './logger';

describe('isoTimeField', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('writes what pino.stdTimeFunctions.isoTime writes, for each millisecond', () => {
    vi.useFakeTimers({ now: Date.parse('2026-12-06T11:59:59.998Z'), toFake: ['Date'] });
    for (let step = 0; step < 4; step++) {
      expect(isoTimeField()).toBe(pino.stdTimeFunctions.isoTime());
      expect(isoTimeField()).toBe(pino.stdTimeFunctions.isoTime());
      vi.advanceTimersByTime(1);
    }
    expect(isoTimeField()).toBe(',"time":"2026-12-06T12:00:00.002Z"');
  });
});

describe('LineBatch', () => {
  it('hands lines on joined and in order once they reach the batch size, and the rest on flush', () => {
    const written: string[] = [];
    const batch = new LineBatch({ write: (text: string) => written.push(text) }, 10);
    batch.write('aaaa\n');
    batch.write('bbbb\n');
    expect(written).toEqual(['aaaa\nbbbb\n']);
    batch.write('cc\n');
    expect(written).toHaveLength(1);
    batch.flush();
    expect(written).toEqual(['aaaa\nbbbb\n', 'cc\n']);
    batch.flush();
    expect(written).toHaveLength(2);
  });

  it("holds the app logger's lines as pino wrote them", () => {
    const written: string[] = [];
    const batch = new LineBatch({ write: (text: string) => written.push(text) }, 1 << 20);
    const logger = createLogger({ logLevel: 'info' }, batch);
    logger.info({ requestId: 'r-1', path: '/v2/models/m/infer', status: 200, key: 'mg_secret' }, 'request');
    logger.debug('not at info');
    logger.warn('second');
    expect(written).toEqual([]);
    batch.flush();
    const lines = written.join('').split('\n');
    expect(lines.pop()).toBe('');
    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records).toEqual([
      { level: 'info', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/), pid: process.pid, requestId: 'r-1', path: '/v2/models/m/infer', status: 200, key: '[redacted]', msg: 'request' },
      { level: 'warn', time: expect.any(String), pid: process.pid, msg: 'second' },
    ]);
  });
});

describe('writeRequestLine', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const lines: RequestLine[] = [
    { requestId: '7f1c2a9e-0c1d-4d7e-9a55-2b8c3f0e6a11', method: 'POST', path: '/v2/models/iris/infer', status: 200, durationMs: 0.412, model: 'iris', version: 3, route: 'canary', queueMs: 0.05, computeMs: 0.021, batchSize: 7 },
    { requestId: 'client-id:42', method: 'POST', path: '/v1/models/iris:predict', status: 503, durationMs: 12, model: 'iris', version: 1, route: 'fallback' },
    { requestId: 'r', method: 'GET', path: '/api/models/a"b\\c\u0001\u2028é', status: 404, durationMs: Number.NaN },
    { requestId: 'r', method: 'POST', path: '/v2/models/m/infer', status: 400, durationMs: 1e21, model: 'm', version: 2, route: 'latest', queueMs: 0, computeMs: Number.POSITIVE_INFINITY, batchSize: 1 },
    // A computed answer whose timing has no batch size: the key is left out, as pino leaves it.
    { requestId: 'r', method: 'POST', path: '/v2/models/t/versions/1/infer', status: 200, durationMs: 3.5, model: 't', version: 1, route: 'pinned', queueMs: 0.1, computeMs: 2.9, batchSize: undefined },
  ];

  it.each(lines.map((line) => [line.path, line] as const))('writes what pino writes for %s', (_path, line) => {
    vi.useFakeTimers({ now: Date.parse('2026-12-06T12:34:56.789Z'), toFake: ['Date'] });
    for (const level of ['info', 'debug'] as const) {
      const written: string[] = [];
      const batch = new LineBatch({ write: (text: string) => written.push(text) }, 1 << 20);
      const logger = createLogger({ logLevel: 'debug' }, batch);
      logger[level]({ ...line }, 'request');
      writeRequestLine(logger, level, line);
      batch.flush();
      const [fromPino, fromTemplate, rest] = written.join('').split('\n');
      expect(rest).toBe('');
      expect(fromTemplate).toBe(fromPino);
      expect(JSON.parse(fromTemplate!)).toMatchObject({ level, msg: 'request', path: line.path });
    }
  });
});

describe('flushBeforeExit', () => {
  let dir: string;
  let path: string;
  let fd: number;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'modelgate-log-'));
    path = join(dir, 'stdout');
    fd = openSync(path, 'w');
  });

  afterEach(() => {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  });

  it("writes the stream's queue, then the batch's lines, before it returns, and never through the stream's asynchronous write", () => {
    const calls: string[] = [];
    const batch = new LineBatch({ write: () => calls.push('asynchronous write') }, 1 << 20);
    batch.write('first\n');
    batch.write('second\n');
    flushBeforeExit(batch, { flushSync: () => calls.push('flushSync') }, fd);
    expect(calls).toEqual(['flushSync']);
    expect(readFileSync(path, 'utf8')).toBe('first\nsecond\n');
    // Nothing is kept twice: a second call (the exit event after closeLogger) writes nothing more.
    flushBeforeExit(batch, { flushSync: () => undefined }, fd);
    expect(readFileSync(path, 'utf8')).toBe('first\nsecond\n');
  });

  it("leaves every line an app logged in the file at once, through the app's own stream and logger", () => {
    const stdout = pino.destination({ dest: fd, sync: false });
    const batch = new LineBatch(stdout, 1 << 20);
    const logger = createLogger({ logLevel: 'info' }, batch);
    logger.info({ context: 'NestApplication' }, 'started');
    writeRequestLine(logger, 'info', { requestId: 'r-1', method: 'GET', path: '/health/ready', status: 200, durationMs: 0.5 });
    flushBeforeExit(batch, stdout, fd);
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((line) => line.msg)).toEqual(['started', 'request']);
  });
});

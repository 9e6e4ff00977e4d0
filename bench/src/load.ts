/**
 * The one load generator every HTTP target is measured with: autocannon's keep-alive client (pure
 * JS, in this process), `connections` requests in flight (no pipelining), a warm-up run that is
 * thrown away, then a timed run. Latencies are taken from every response at microsecond
 * resolution (autocannon's own histogram rounds to whole milliseconds).
 */
import autocannon from 'autocannon';
import { medianOf, percentile } from './stats';

export interface LoadSpec {
  url: string;
  headers: Record<string, string>;
  body: Buffer;
  connections: number;
  warmupSeconds: number;
  durationSeconds: number;
  /** Called between the warm-up and the timed run (CPU accounting starts there). */
  beforeTimedRun?: () => Promise<void>;
  /**
   * A bodiless GET of `path` (with the same headers) before every `every` requests on each
   * connection, as a client that asks whether its model is ready now and then; counted with them.
   */
  interleave?: { path: string; every: number };
}

export interface LoadResult {
  /** 2xx answers per second over the timed run. */
  requestsPerSecond: number;
  completed: number;
  seconds: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
  /** Answers that were not 2xx, by status. */
  non2xx: Record<string, number>;
  /** Socket errors and timeouts. */
  errors: number;
  timeouts: number;
  firstError?: string;
}

const TIMEOUT_SECONDS = 30;
const SAMPLE_INTERVAL_MS = 100;

export async function generateLoad(spec: LoadSpec): Promise<LoadResult> {
  if (spec.warmupSeconds > 0) await timedRun(spec, spec.warmupSeconds);
  await spec.beforeTimedRun?.();
  return timedRun(spec, spec.durationSeconds);
}

function timedRun(spec: LoadSpec, seconds: number): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    let latencies = new Float64Array(65_536);
    let completed = 0;
    const non2xx: Record<string, number> = {};
    let firstError: string | undefined;
    const started = performance.now();
    const instance = autocannon(
      {
        url: spec.url,
        method: 'POST',
        headers: spec.headers,
        body: spec.body,
        connections: spec.connections,
        ...(spec.interleave === undefined
          ? {}
          : { requests: [{ method: 'GET', path: spec.interleave.path, body: Buffer.alloc(0) }, ...Array.from({ length: spec.interleave.every }, () => ({}))] }),
        pipelining: 1,
        duration: seconds,
        timeout: TIMEOUT_SECONDS,
        sampleInt: SAMPLE_INTERVAL_MS,
      },
      (error, result) => {
        if (error) return reject(error);
        const elapsedSeconds = (performance.now() - started) / 1000;
        const sorted = latencies.subarray(0, completed).sort();
        const sum = sorted.reduce((total, value) => total + value, 0);
        resolve({
          requestsPerSecond: completed / elapsedSeconds,
          completed,
          seconds: elapsedSeconds,
          p50Ms: percentile(sorted, 0.5),
          p90Ms: percentile(sorted, 0.9),
          p99Ms: percentile(sorted, 0.99),
          maxMs: sorted.length > 0 ? sorted[sorted.length - 1] : NaN,
          meanMs: sorted.length > 0 ? sum / sorted.length : NaN,
          non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          firstError,
        });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
      if (statusCode < 200 || statusCode >= 300) {
        non2xx[statusCode] = (non2xx[statusCode] ?? 0) + 1;
        return;
      }
      if (completed === latencies.length) {
        const grown = new Float64Array(latencies.length * 2);
        grown.set(latencies);
        latencies = grown;
      }
      latencies[completed++] = responseTimeMs;
    });
    instance.on('reqError', (error) => {
      firstError ??= error.message;
    });
  });
}

export function errorCount(result: LoadResult): number {
  return result.errors + Object.values(result.non2xx).reduce((total, count) => total + count, 0);
}

/**
 * A cell measured in several rounds, as one result: the median of the rounds' requests per second,
 * and of their p50, p90, p99 and mean latency, each on its own; the longest latency of any round;
 * the answers, errors and seconds of all of them. A round that fell in a slow spell of the machine
 * moves none of the medians (docs/performance.md, "How to read the results").
 */
export function medianOfRounds(rounds: readonly LoadResult[]): LoadResult {
  if (rounds.length === 0) throw new Error('medianOfRounds: no rounds');
  if (rounds.length === 1) return rounds[0];
  const median = (pick: (round: LoadResult) => number) => medianOf(rounds.map(pick));
  const non2xx: Record<string, number> = {};
  for (const round of rounds) for (const [status, count] of Object.entries(round.non2xx)) non2xx[status] = (non2xx[status] ?? 0) + count;
  const sum = (pick: (round: LoadResult) => number) => rounds.reduce((total, round) => total + pick(round), 0);
  return {
    requestsPerSecond: median((round) => round.requestsPerSecond),
    completed: sum((round) => round.completed),
    seconds: sum((round) => round.seconds),
    p50Ms: median((round) => round.p50Ms),
    p90Ms: median((round) => round.p90Ms),
    p99Ms: median((round) => round.p99Ms),
    maxMs: Math.max(...rounds.map((round) => round.maxMs)),
    meanMs: median((round) => round.meanMs),
    non2xx,
    errors: sum((round) => round.errors),
    timeouts: sum((round) => round.timeouts),
    firstError: rounds.find((round) => round.firstError !== undefined)?.firstError,
  };
}

/**
 * Target (a), the ceiling: onnxruntime-node in process, on the main thread, no HTTP, one
 * `session.run` after another at batch 1 and at larger batches, each batch size on one intra-op
 * thread and on as many as the machine has cores, the faster kept. The thread count is set, not left
 * to ONNX Runtime: its default comes from the CPU topology it detects, which on some virtual machines
 * is one thread where there are two cores (measured: the bench's CNN at 1.20 ms a run on one core
 * by default, 0.73 ms on two threads); and a small model runs faster on one thread than on two
 * (docs/architecture.md, "One thread for a small model"). Also computes the reference answer for the sample instance, which every server's
 * answer is checked against. Runs in its own process so that its thread pool never competes with
 * the load generator.
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { disturbedCores, isBusy, OtherCpuMeter } from '../cpu';
import { sampleInstance } from '../instances';
import { percentile } from '../stats';
import { readSpec } from './http-helpers';
import { runMain } from './run-main';

export interface RawSpec {
  models: { key: string; path: string; inputName: string; outputName: string; instanceShape: number[] }[];
  /** Measuring time per batch size; 0 computes the reference answers only. */
  seconds: number;
  batchSizes: number[];
  /** Runs per batch size at least; the fastest undisturbed one is kept. */
  minAttempts: number;
  /** Further runs while other processes disturb them. */
  busyRetries: number;
  resultFile: string;
}

export interface RawBatchResult {
  batchSize: number;
  /** The intra-op threads of the session that ran this batch size faster. */
  threads: number;
  runs: number;
  examplesPerSecond: number;
  /** Median time of one session.run at this batch size. */
  p50Ms: number;
  /** Cores other processes used meanwhile (Linux only). */
  otherCores?: number;
  /** Cores the hypervisor withheld meanwhile (Linux only). */
  stealCores?: number;
  attempts: number;
}

export interface RawModelResult {
  key: string;
  /** The model's output for the sample instance at batch 1. */
  reference: number[];
  batches: RawBatchResult[];
}

const WARMUP_RUNS = 3;

async function measure(
  session: InferenceSession,
  threads: number,
  inputName: string,
  instance: Float32Array,
  instanceShape: number[],
  batchSize: number,
  seconds: number,
): Promise<RawBatchResult> {
  const data = new Float32Array(instance.length * batchSize);
  for (let row = 0; row < batchSize; row++) data.set(instance, row * instance.length);
  const feeds = { [inputName]: new Tensor('float32', data, [batchSize, ...instanceShape]) };
  for (let run = 0; run < WARMUP_RUNS; run++) await session.run(feeds);
  const meter = new OtherCpuMeter();
  await meter.begin();
  const durations: number[] = [];
  const start = performance.now();
  let now = start;
  while (now - start < seconds * 1000) {
    const before = now;
    await session.run(feeds);
    now = performance.now();
    durations.push(now - before);
  }
  const disturbance = await meter.end();
  durations.sort((a, b) => a - b);
  return {
    batchSize,
    threads,
    runs: durations.length,
    examplesPerSecond: (durations.length * batchSize) / ((now - start) / 1000),
    p50Ms: percentile(durations, 0.5),
    ...disturbance,
    attempts: 1,
  };
}

/**
 * The ceiling is the fastest undisturbed run: at least `minAttempts` runs (a virtual machine can
 * lose CPU to its host without any process showing it), more while other processes disturb them.
 * Among undisturbed runs the fastest is kept; if every run was disturbed, the least disturbed.
 */
async function measureQuietly(spec: RawSpec, ...args: Parameters<typeof measure>): Promise<RawBatchResult> {
  const results: RawBatchResult[] = [];
  const quiet = (result: RawBatchResult) => !isBusy(result);
  while (results.length < spec.minAttempts + spec.busyRetries) {
    results.push(await measure(...args));
    if (results.length >= spec.minAttempts && results.some(quiet)) break;
  }
  const undisturbed = results.filter(quiet);
  const kept =
    undisturbed.length > 0
      ? undisturbed.reduce((best, result) => (result.examplesPerSecond > best.examplesPerSecond ? result : best))
      : results.reduce((best, result) => (disturbedCores(result) < disturbedCores(best) ? result : best));
  return { ...kept, attempts: results.length };
}

async function main(): Promise<void> {
  const spec = readSpec<RawSpec>();
  const results: RawModelResult[] = [];
  for (const model of spec.models) {
    const threadCounts = [...new Set([availableParallelism(), 1])];
    const sessions = await Promise.all(threadCounts.map((threads) => InferenceSession.create(model.path, { intraOpNumThreads: threads })));
    try {
      const instance = sampleInstance(model);
      const single = await sessions[0].run({ [model.inputName]: new Tensor('float32', instance, [1, ...model.instanceShape]) });
      const reference = Array.from(single[model.outputName].data as Float32Array);
      const batches: RawBatchResult[] = [];
      if (spec.seconds > 0) {
        for (const batchSize of spec.batchSizes) {
          const measured: RawBatchResult[] = [];
          for (const [index, session] of sessions.entries()) {
            measured.push(await measureQuietly(spec, session, threadCounts[index], model.inputName, instance, model.instanceShape, batchSize, spec.seconds));
          }
          batches.push(measured.reduce((best, result) => (result.examplesPerSecond > best.examplesPerSecond ? result : best)));
        }
      }
      results.push({ key: model.key, reference, batches });
    } finally {
      await Promise.all(sessions.map((session) => session.release()));
    }
  }
  writeFileSync(spec.resultFile, JSON.stringify(results));
}

runMain(main);

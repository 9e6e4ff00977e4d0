/**
 * One intra-op thread for a small model (worker/thread-choice.ts). The decision itself is a pure
 * function of the timings; which way real timings go depends on the machine, so the specs that
 * load real ONNX models force it with the tolerance (Infinity: one thread always wins; 0: never)
 * and check what follows: the session served, the answers, the counts and the reason. The workers
 * are real threads: build the runtime first (`npx tsc -p libs/runtime/tsconfig.lib.json`).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildOnnxModel } from './onnx-builder';
import { ModelRuntime, type ModelRuntimeOptions } from './pool';
import { linearInputs, linearReluModel } from './spec-models.fixture';
import { preferOneThread } from './worker/thread-choice';

let dir: string;
let linearPath: string;
let fixedPath: string;
let runtime: ModelRuntime;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'modelgate-threads-'));
  linearPath = join(dir, 'linear.onnx');
  writeFileSync(linearPath, linearReluModel());
  fixedPath = join(dir, 'fixed.onnx');
  writeFileSync(fixedPath, fixedBatchModel());
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

afterEach(() => runtime?.close());

/** Two threads for the one instance; lanes off, so that the choice is the only thing that changes the threads. */
function start(options: ModelRuntimeOptions): ModelRuntime {
  runtime = new ModelRuntime({ totalThreads: 2, laneMinRunMs: Infinity, ...options });
  return runtime;
}

const threadsOf = (key: string) => runtime.stats(key)?.workers.instances[0].threads;

/** y = x · [[2], [-1], [0.5]], with x fixed at FP32 [1, 3]: no free first dimension to time a batch on. */
function fixedBatchModel(): Uint8Array {
  return buildOnnxModel({
    inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 3] }],
    outputs: [{ name: 'y', datatype: 'FP32', shape: [1, 1] }],
    initializers: [{ name: 'w', datatype: 'FP32', shape: [3, 1], data: new Float32Array([2, -1, 0.5]) }],
    nodes: [{ opType: 'MatMul', inputs: ['x', 'w'], outputs: ['y'] }],
  });
}

describe('preferOneThread', () => {
  const timing = (oneThreadMs: number, wideMs: number, rows = 1) => ({ rows, oneThreadMs, wideMs });

  it('keeps one thread when it is within the tolerance at every size timed', () => {
    expect(preferOneThread([timing(0.03, 0.04), timing(0.09, 0.1, 32)], 1.1)).toBe(true);
    expect(preferOneThread([timing(0.105, 0.1), timing(0.1, 0.1, 32)], 1.1)).toBe(true);
  });

  it('keeps the wide session when one thread is slower than the tolerance allows at any size', () => {
    expect(preferOneThread([timing(0.03, 0.04), timing(0.2, 0.1, 32)], 1.1)).toBe(false);
    expect(preferOneThread([timing(1.9, 1.0)], 1.1)).toBe(false);
  });

  it('keeps the wide session when nothing was timed', () => {
    expect(preferOneThread([], Infinity)).toBe(false);
  });
});

describe('one thread for a small model', () => {
  it('serves on a one-thread session when it wins, with the same answers, and says why', async () => {
    start({ oneThreadTolerance: Infinity });
    await runtime.load('linear:1', { format: 'onnx', artifactPath: linearPath });
    const threads = threadsOf('linear:1')!;
    expect(threads.inUse).toBe(1);
    expect(threads.reason).toMatch(/^one thread: warm runs of 1 row take [\d.]+ ms on one thread and [\d.]+ ms on 2; 32 rows take [\d.]+ ms on one thread and [\d.]+ ms on 2$/);
    // The budget is unchanged: the instance still holds its share of the cores.
    expect(runtime.stats('linear:1')?.workers.instances[0].intraOpThreads).toBe(2);

    const requests = Array.from({ length: 12 }, (_, index) => linearInputs(1 + (index % 3), index));
    const answers = await Promise.all(requests.map(({ inputs }) => runtime.infer('linear:1', inputs)));
    answers.forEach((answer, index) => {
      expect(Array.from(answer.outputs.y.data as Float32Array)).toEqual(requests[index].expected);
      expect(answer.threads).toBe(1);
    });
    const { batches } = runtime.stats('linear:1')!;
    expect(batches.threads).toEqual({ 1: batches.count });
  });

  it('keeps all its threads when one thread loses, and says why with the timings', async () => {
    start({ oneThreadTolerance: 0 });
    await runtime.load('linear:1', { format: 'onnx', artifactPath: linearPath });
    const threads = threadsOf('linear:1')!;
    expect(threads.inUse).toBe(2);
    expect(threads.reason).toMatch(/^2 threads: warm runs of 1 row take [\d.]+ ms on one thread and [\d.]+ ms on 2; 32 rows take/);
    const { inputs, expected } = linearInputs(2, 5);
    const answer = await runtime.infer('linear:1', inputs);
    expect(answer.threads).toBe(2);
    expect(Array.from(answer.outputs.y.data as Float32Array)).toEqual(expected);
  });

  it('times one row only where the first dimension is fixed', async () => {
    start({ oneThreadTolerance: Infinity });
    await runtime.load('fixed:1', { format: 'onnx', artifactPath: fixedPath });
    expect(threadsOf('fixed:1')).toEqual({ inUse: 1, reason: expect.stringMatching(/^one thread: warm runs of 1 row take [\d.]+ ms on one thread and [\d.]+ ms on 2$/) });
    const answer = await runtime.infer('fixed:1', { x: { datatype: 'FP32', shape: [1, 3], data: new Float32Array([1, 2, 4]) } });
    expect(Array.from(answer.outputs.y.data as Float32Array)).toEqual([2]);
    expect(answer.threads).toBe(1);
  });

  it.each([
    ['a model slower than the limit', { oneThreadMaxRunMs: 1e-9, oneThreadTolerance: Infinity }, /^2 threads: a warm batch-1 run takes [\d.]+ ms, not under the 1e-9 ms below which one thread is tried$/],
    ['a runtime that turns the choice off', { oneThreadMaxRunMs: 0, oneThreadTolerance: Infinity }, /^2 threads: the instance's share of the cores$/],
    ['an instance split in two lanes', { laneMinRunMs: 0, oneThreadTolerance: Infinity }, /^2 threads, split in two lanes under load \(a narrow session of 1 thread beside the helper's\)$/],
    ['an instance with one thread to begin with', { totalThreads: 1, oneThreadTolerance: Infinity }, /^1 thread: the instance's share of the cores$/],
  ])('does not try one thread for %s', async (_, options, reason) => {
    start(options);
    await runtime.load('linear:1', { format: 'onnx', artifactPath: linearPath });
    const threads = threadsOf('linear:1')!;
    expect(threads.reason).toMatch(reason);
    const { inputs, expected } = linearInputs(1, 2);
    const answer = await runtime.infer('linear:1', inputs);
    expect(answer.threads).toBe(threads.inUse);
    expect(Array.from(answer.outputs.y.data as Float32Array)).toEqual(expected);
  });
});

/**
 * Inline execution (inline-instance.ts): a version fast enough runs on the calling thread. These
 * specs load real ONNX models; the worker that measures a model at load is a real thread, so
 * build the runtime first (`npx tsc -p libs/runtime/tsconfig.lib.json`).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeadlineExceededError, ModelNotLoadedError } from './errors';
import { ModelRuntime, type WorkerEvent } from './pool';
import { eventually, linearInputs, linearReluModel } from './spec-models.fixture';

let dir: string;
let linearPath: string;
let runtime: ModelRuntime;
let events: WorkerEvent[];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'modelgate-inline-'));
  linearPath = join(dir, 'linear.onnx');
  writeFileSync(linearPath, linearReluModel());
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A generous limit on the warm run, so that a busy test machine does not send the tiny model to a worker. */
const startRuntime = (options: { inlineMaxRunMs?: number } = {}) =>
  new ModelRuntime({ totalThreads: 2, testHooks: true, laneMinRunMs: Infinity, inlineMaxRunMs: 5, onWorkerEvent: (event) => events.push(event), ...options });

beforeEach(() => {
  events = [];
  runtime = startRuntime();
});

afterEach(() => runtime.close());

describe('inline execution', () => {
  it('runs a fast model on the calling thread once its worker has measured it, and the worker ends', async () => {
    const info = await runtime.load('linear:1', { format: 'onnx', artifactPath: linearPath, inline: true });
    expect(info.execution.mode).toBe('inline');
    expect(info.execution.reason).toMatch(/^a warm batch-1 run takes [\d.]+ ms and one of 32 rows [\d.]+ ms, within 5 and 1 ms$/);
    const stats = runtime.stats('linear:1')!;
    expect(stats.execution.mode).toBe('inline');
    expect(stats.workers).toMatchObject({ total: 1, ready: 1, instances: [{ instance: 0, device: 'cpu', intraOpThreads: 1, ready: true, inline: true }] });
    await eventually(() => events.some((event) => event.type === 'stopped' && /runs inline/.test(event.message)));
  });

  it('answers every request as computed alone, whether it ran alone or joined others', async () => {
    await runtime.load('linear:1', { format: 'onnx', artifactPath: linearPath, inline: true });
    const requests = Array.from({ length: 24 }, (_, index) => linearInputs(1 + (index % 3), index));
    const answers = await Promise.all(requests.map(({ inputs }) => runtime.infer('linear:1', inputs)));
    answers.forEach((answer, index) => {
      expect(Array.from(answer.outputs.y.data as Float32Array)).toEqual(requests[index].expected);
      expect(answer.outputs.y.shape).toEqual([1 + (index % 3), 2]);
      expect(answer.threads).toBe(1);
    });
    const { batches } = runtime.stats('linear:1')!;
    expect(batches.computedRequests).toBe(24);
    // Sent in one turn: the first alone at once, the rest joined behind it.
    expect(batches.count).toBeLessThan(24);
    expect(Math.max(...answers.map((answer) => answer.batchSize))).toBeGreaterThan(1);
  });

  it('keeps its workers, saying why, when inline execution is off, the version has several instances, or the model is too slow', async () => {
    expect((await runtime.load('off:1', { format: 'onnx', artifactPath: linearPath })).execution).toEqual({ mode: 'workers', reason: 'inline execution is off for this version' });
    const two = await runtime.load('two:1', { format: 'onnx', artifactPath: linearPath, inline: true, instances: 2 });
    expect(two.execution).toEqual({ mode: 'workers', reason: '2 instances: only a version with one instance runs inline' });
    expect(runtime.stats('two:1')!.workers.instances.map((instance) => instance.inline)).toEqual([undefined, undefined]);
    await runtime.close();

    runtime = startRuntime({ inlineMaxRunMs: 0 });
    const slow = await runtime.load('slow:1', { format: 'onnx', artifactPath: linearPath, inline: true });
    expect(slow.execution.mode).toBe('workers');
    expect(slow.execution.reason).toMatch(/^a warm batch-1 run takes [\d.]+ ms, more than the 0 ms a model may take to run inline$/);
    const { inputs, expected } = linearInputs(2, 3);
    expect(Array.from((await runtime.infer('slow:1', inputs)).outputs.y.data as Float32Array)).toEqual(expected);
  });

  it('holds the batches sent while stalled (the test hook), counted in flight, and fails a deadline that passes meanwhile', async () => {
    await runtime.load('linear:1', { format: 'onnx', artifactPath: linearPath, inline: true });
    runtime.simulateWorkerStall('linear:1', 0, 300);
    const started = performance.now();
    const held = [0, 1, 2].map((seed) => linearInputs(1, seed));
    const answers = held.map(({ inputs }) => runtime.infer('linear:1', inputs));
    const late = runtime.infer('linear:1', linearInputs(1, 9).inputs, { deadlineMs: 100 });
    await expect(late).rejects.toBeInstanceOf(DeadlineExceededError);
    expect(runtime.stats('linear:1')!.workers.instances[0].inFlightBatches).toBeGreaterThan(0);
    const results = await Promise.all(answers);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    results.forEach((result, index) => expect(Array.from(result.outputs.y.data as Float32Array)).toEqual(held[index].expected));
    expect(() => runtime.simulateWorkerCrash('linear:1')).toThrow(/runs inline: it has no worker thread to crash/);
  });

  it('fails what it holds when the version is unloaded, and serves nothing after', async () => {
    await runtime.load('linear:1', { format: 'onnx', artifactPath: linearPath, inline: true });
    runtime.simulateWorkerStall('linear:1', 0, 5_000);
    const held = expect(runtime.infer('linear:1', linearInputs(1, 1).inputs)).rejects.toBeInstanceOf(ModelNotLoadedError);
    await runtime.unload('linear:1');
    await held;
    await expect(runtime.infer('linear:1', linearInputs(1, 1).inputs)).rejects.toBeInstanceOf(ModelNotLoadedError);
  });
});

/**
 * The dynamic batcher end to end, on real worker threads (build the runtime first:
 * `npx tsc -p libs/runtime/tsconfig.lib.json`). Batches are formed without relying on timing: a test
 * hook stalls the only instance, a first request goes to it, and the requests under test wait in
 * the queue (maxQueueDelayMs is long) until the instance is idle again, then leave together.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// The generators live with the e2e fixtures so that both test the same models.
// eslint-disable-next-line @nx/enforce-module-boundaries
import {
  onnxMlp,
  onnxMlpFailingOnLargeInputs,
  onnxMultiInput,
  tfjsGraphDtypesModel,
  tfjsGraphDynamicModel,
  tfjsGraphModel,
  tfjsLayersModel,
} from '../../../test/fixtures/models';
import type { BatchingConfig } from './batching';
import { DeadlineExceededError, InferenceError, ModelLoadError, QueueFullError } from './errors';
import { buildOnnxModel, mlpModel, type DenseLayer } from './onnx-builder';
import { ModelRuntime, type InferOptions, type InferResult, type WorkerEvent } from './pool';
import type { ModelFormat, ModelSignature } from './signature';
import type { NamedTensors, Tensor } from './tensor';

/** Long enough that everything a test submits queues up behind the stalled instance. */
const STALL_MS = 250;
/** Batches leave when the instance is idle, not on a timer. */
const HOLD: Partial<BatchingConfig> = { maxQueueDelayMs: 1_000 };

let dir: string;
let runtime: ModelRuntime;
let events: WorkerEvent[];
let fixtureCount = 0;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'modelgate-batcher-'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeEach(() => {
  events = [];
  // One lane per instance, whatever the machine's load makes of the warm runs (lanes.spec.ts covers two).
  runtime = new ModelRuntime({ totalThreads: 2, testHooks: true, laneMinRunMs: Infinity, onWorkerEvent: (event) => events.push(event) });
});

afterEach(() => runtime.close());

/** A new empty folder for a fixture generator. */
function freshFolder(name: string): string {
  const folder = join(dir, `${++fixtureCount}-${name}`);
  mkdirSync(folder, { recursive: true });
  return folder;
}

function writeModel(name: string, model: Uint8Array): string {
  const path = join(dir, `${++fixtureCount}-${name}.onnx`);
  writeFileSync(path, model);
  return path;
}

function deterministicLayer(inputs: number, outputs: number, seed: number): DenseLayer {
  const value = (row: number, column: number) => Math.sin(seed * 97.1 + row * 13.7 + column * 3.1) * 0.2;
  return {
    weights: Array.from({ length: inputs }, (_, row) => Array.from({ length: outputs }, (_, column) => value(row, column))),
    bias: Array.from({ length: outputs }, (_, column) => value(-1, column)),
  };
}

/** The benchmark's MLP: 64 -> 256 -> 256 -> 10 (softmax), free batch. */
const MLP_LAYERS = [deterministicLayer(64, 256, 1), deterministicLayer(256, 256, 2), deterministicLayer(256, 10, 3)];

/** Inputs for any signature: free dimensions are `rows`; values vary with the seed, per datatype. */
function inputsFor(signature: ModelSignature, rows: number, seed: number): NamedTensors {
  const inputs: NamedTensors = {};
  for (const spec of signature.inputs) {
    const shape = spec.shape.map((dim) => (dim < 0 ? rows : dim));
    const count = shape.reduce((product, dim) => product * dim, 1);
    const value = (index: number) => ((index * 7 + seed * 13) % 17) - 8;
    let data: Tensor['data'];
    switch (spec.datatype) {
      case 'FP32':
        data = Float32Array.from({ length: count }, (_, index) => value(index) / 4);
        break;
      case 'FP64':
        data = Float64Array.from({ length: count }, (_, index) => value(index) / 4);
        break;
      case 'INT64':
        data = BigInt64Array.from({ length: count }, (_, index) => BigInt((index + seed) % 5));
        break;
      case 'INT32':
        data = Int32Array.from({ length: count }, (_, index) => (index + seed) % 5);
        break;
      case 'UINT8':
      case 'BOOL':
        data = Uint8Array.from({ length: count }, (_, index) => (index + seed) % (spec.datatype === 'BOOL' ? 2 : 7));
        break;
      default:
        throw new Error(`no test values for ${spec.datatype}`);
    }
    inputs[spec.name] = { datatype: spec.datatype, shape, data };
  }
  return inputs;
}

/**
 * Batched answers against unbatched ones: integers and booleans exactly; floats within 1e-6, since
 * ONNX Runtime and TF.js may pick other kernels for another batch size (MLAS blocks its GEMM by
 * the number of rows), which may round differently. On this machine they are bit-exact.
 */
function expectSameOutputs(actual: NamedTensors, expected: NamedTensors): void {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const name in expected) {
    expect(actual[name].datatype).toBe(expected[name].datatype);
    expect(actual[name].shape).toEqual(expected[name].shape);
    const isFloat = expected[name].datatype === 'FP32' || expected[name].datatype === 'FP64';
    const got = Array.from(actual[name].data as ArrayLike<number | bigint>);
    const want = Array.from(expected[name].data as ArrayLike<number | bigint>);
    if (!isFloat) {
      expect(got).toEqual(want);
      continue;
    }
    expect(got).toHaveLength(want.length);
    const worst = Math.max(0, ...got.map((value, index) => Math.abs((value as number) - (want[index] as number))));
    expect(worst).toBeLessThanOrEqual(1e-6);
  }
}

/** Answers each request on its own, one after the other (each takes the idle route). */
async function alone(key: string, requests: NamedTensors[]): Promise<InferResult[]> {
  const results: InferResult[] = [];
  for (const inputs of requests) results.push(await runtime.infer(key, inputs));
  return results;
}

/**
 * Stalls the instance, sends `blocker` to it, then submits `requests`: they wait in the queue and
 * leave together when the instance is free. Resolves with the requests' results (not the blocker's).
 */
async function underLoad(key: string, blocker: NamedTensors, requests: { inputs: NamedTensors; options?: InferOptions }[]): Promise<InferResult[]> {
  runtime.simulateWorkerStall(key, 0, STALL_MS);
  const first = runtime.infer(key, blocker);
  const results = await Promise.all(requests.map(({ inputs, options }) => runtime.infer(key, inputs, options)));
  await first;
  return results;
}

function statsOf(key: string) {
  const stats = runtime.stats(key);
  if (stats === undefined) throw new Error(`${key} is not loaded`);
  return stats;
}

describe('dynamic batching', () => {
  it('joins an MLP\'s requests, multi-row ones among single rows, and answers each as if alone', async () => {
    const path = writeModel('mlp', mlpModel({ layers: MLP_LAYERS }));
    const info = await runtime.load('mlp:1', { format: 'onnx', artifactPath: path, batching: HOLD });
    expect(info.batching).toMatchObject({ axis: 0, reason: 'joined along axis 0', maxBatchSize: 32 });
    const rowCounts = [1, 3, 1, 2, 1];
    const requests = () => rowCounts.map((rows, seed) => inputsFor(info.signature, rows, seed));

    const expected = await alone('mlp:1', requests());
    const batched = await underLoad('mlp:1', inputsFor(info.signature, 1, 99), requests().map((inputs) => ({ inputs })));

    batched.forEach((result, index) => {
      expect(result.batchSize).toBe(rowCounts.length);
      expect(result.outputs.probabilities.shape).toEqual([rowCounts[index], 10]);
      expectSameOutputs(result.outputs, expected[index].outputs);
    });
    const stats = statsOf('mlp:1');
    // 5 alone, the blocker alone, then the 5 together.
    expect(stats.batches.sizes).toEqual({ 1: 6, 5: 1 });
    expect(stats.batches.computedRequests).toBe(11);
    expect(stats.requests).toMatchObject({ accepted: 11, completed: 11, failed: 0 });
    // By rows joined (Triton's batch_stats): alone 1, 3, 1, 2, 1 and the blocker's 1; together 8.
    expect(Object.fromEntries(Object.entries(stats.batches.byRows).map(([rows, { count }]) => [rows, count]))).toEqual({ 1: 4, 2: 1, 3: 1, 8: 1 });
    // Triton's inference_stats: each request counts its engine call's time, so the five batched
    // requests count their one call five times.
    const callsMs = Object.values(stats.batches.byRows).reduce((sum, rows) => sum + rows.computeMs, 0);
    expect(stats.timing.computeMs - callsMs).toBeCloseTo(4 * batched[0].computeMs, 6);
    expect(stats.timing.completedRows).toBe(2 * 8 + 1);
    const queuedMs = [...expected, ...batched].reduce((sum, result) => sum + result.queueMs, 0);
    expect(stats.timing.queuedMs).toBeGreaterThanOrEqual(queuedMs - 1e-6);
    expect(stats.timing.failedMs).toBe(0);
    expect(stats.timing.lastCompletedAt).toBeGreaterThan(Date.now() - 60_000);
  });

  it('caps a batch at maxBatchSize rows and runs a larger request alone', async () => {
    const path = writeModel('mlp', mlpModel({ layers: MLP_LAYERS }));
    const info = await runtime.load('mlp:1', { format: 'onnx', artifactPath: path, batching: { ...HOLD, maxBatchSize: 4 } });
    const rowCounts = [6, 2, 2, 1, 3];
    const batched = await underLoad(
      'mlp:1',
      inputsFor(info.signature, 1, 99),
      rowCounts.map((rows, seed) => ({ inputs: inputsFor(info.signature, rows, seed) })),
    );
    // [6] alone (more than 4 rows), [2, 2] (4 rows), then [1, 3] (4 rows).
    expect(batched.map((result) => result.batchSize)).toEqual([1, 2, 2, 2, 2]);
    expect(batched.map((result) => result.outputs.probabilities.shape[0])).toEqual(rowCounts);
  });

  it('joins only requests whose other free dimensions match', async () => {
    const path = writeModel(
      'relu',
      buildOnnxModel({
        inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, -1] }],
        outputs: [{ name: 'y', datatype: 'FP32', shape: [-1, -1] }],
        nodes: [{ opType: 'Relu', inputs: ['x'], outputs: ['y'] }],
      }),
    );
    const info = await runtime.load('relu:1', { format: 'onnx', artifactPath: path, batching: HOLD });
    expect(info.batching.axis).toBe(0);
    const shapes = [
      [1, 3],
      [1, 5],
      [2, 3],
      [1, 5],
    ];
    const input = (shape: number[], seed: number): NamedTensors => {
      const data = Float32Array.from({ length: shape[0] * shape[1] }, (_, index) => index - seed);
      return { x: { datatype: 'FP32', shape, data } };
    };
    const results = await underLoad(
      'relu:1',
      input([1, 3], 9),
      shapes.map((shape, seed) => ({ inputs: input(shape, seed) })),
    );
    results.forEach((result, seed) => {
      const expected = Array.from(input(shapes[seed], seed).x.data as Float32Array, (value) => Math.max(0, value));
      expect(result.outputs.y.shape).toEqual(shapes[seed]);
      expect(Array.from(result.outputs.y.data as Float32Array)).toEqual(expected);
      expect(result.batchSize).toBe(2);
    });
    expect(statsOf('relu:1').batches.sizes).toEqual({ 1: 1, 2: 2 });
  });

  it('never joins a model with a fixed batch of 1', async () => {
    const weights = [0.5, -1, 2, 1, 0.25, -0.5, 1.5, -2, 1, 0, 1, -1];
    const path = writeModel(
      'fixed-batch',
      buildOnnxModel({
        inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4] }],
        outputs: [{ name: 'y', datatype: 'FP32', shape: [1, 3] }],
        initializers: [{ name: 'W', datatype: 'FP32', shape: [4, 3], data: weights }],
        nodes: [{ opType: 'MatMul', inputs: ['x', 'W'], outputs: ['y'] }],
      }),
    );
    const info = await runtime.load('fixed:1', { format: 'onnx', artifactPath: path, batching: HOLD });
    expect(info.batching.axis).toBeNull();
    expect(info.batching.reason).toMatch(/^served one by one: dimension 0 of input "x" is fixed \(shape \[1, 4\]\)/);

    const input = (seed: number): NamedTensors => ({ x: { datatype: 'FP32', shape: [1, 4], data: Float32Array.from([seed, 1, -1, 2]) } });
    const results = await underLoad('fixed:1', input(9), [0, 1, 2, 3, 4].map((seed) => ({ inputs: input(seed) })));
    results.forEach((result, seed) => {
      const x = [seed, 1, -1, 2];
      const expected = [0, 1, 2].map((column) => x.reduce((sum, value, row) => sum + value * weights[row * 3 + column], 0));
      expect(Array.from(result.outputs.y.data as Float32Array)).toEqual(expected);
      expect(result.batchSize).toBe(1);
    });
    expect(statsOf('fixed:1').batches.sizes).toEqual({ 1: 6 });
  });

  describe('a model with the batch on axis 1 (recurrent state [layers, batch, units])', () => {
    // next = relu(state * scale + shift), scale and shift per layer and unit: a request's rows only
    // come back right if they were joined and split along axis 1, keeping their layer.
    const scale = [0.5, -1, 2, 1.5, 1, 0.25, -0.5, 3];
    const shift = [0.25, 0.5, -0.75, 0, -1, 1, 0.5, -0.25];
    const recurrentModel = () =>
      writeModel(
        'recurrent',
        buildOnnxModel({
          inputs: [{ name: 'state', datatype: 'FP32', shape: [2, 'batch', 4] }],
          outputs: [{ name: 'next_state', datatype: 'FP32', shape: [2, 'batch', 4] }],
          initializers: [
            { name: 'scale', datatype: 'FP32', shape: [2, 1, 4], data: scale },
            { name: 'shift', datatype: 'FP32', shape: [2, 1, 4], data: shift },
          ],
          nodes: [
            { opType: 'Mul', inputs: ['state', 'scale'], outputs: ['scaled'] },
            { opType: 'Add', inputs: ['scaled', 'shift'], outputs: ['shifted'] },
            { opType: 'Relu', inputs: ['shifted'], outputs: ['next_state'] },
          ],
        }),
      );
    const state = (rows: number, seed: number): NamedTensors => ({
      state: { datatype: 'FP32', shape: [2, rows, 4], data: Float32Array.from({ length: 8 * rows }, (_, index) => ((index * 5 + seed * 3) % 11) / 2 - 2) },
    });
    const rowCounts = [1, 2, 1];

    it('is served one by one without configuration', async () => {
      const info = await runtime.load('recurrent:1', { format: 'onnx', artifactPath: recurrentModel(), batching: HOLD });
      expect(info.batching.axis).toBeNull();
      const results = await underLoad('recurrent:1', state(1, 9), rowCounts.map((rows, seed) => ({ inputs: state(rows, seed) })));
      expect(results.map((result) => result.batchSize)).toEqual([1, 1, 1]);
      expect(statsOf('recurrent:1').batches.sizes).toEqual({ 1: 4 });
    });

    it('is joined along axis 1 with batchAxis: 1, and each request gets exactly its own answer', async () => {
      const info = await runtime.load('recurrent:1', { format: 'onnx', artifactPath: recurrentModel(), batching: { ...HOLD, batchAxis: 1 } });
      expect(info.batching).toMatchObject({ axis: 1, batchAxis: 1, reason: 'joined along axis 1 (batchAxis)' });
      const expected = await alone('recurrent:1', rowCounts.map((rows, seed) => state(rows, seed)));
      const results = await underLoad('recurrent:1', state(1, 9), rowCounts.map((rows, seed) => ({ inputs: state(rows, seed) })));
      results.forEach((result, index) => {
        expect(result.batchSize).toBe(3);
        expect(result.outputs.next_state.shape).toEqual([2, rowCounts[index], 4]);
        // Bit-exact: elementwise Mul, Add and Relu compute each element the same way whatever the batch.
        expect(result.outputs.next_state.data).toEqual(expected[index].outputs.next_state.data);
      });
      expect(statsOf('recurrent:1').batches.sizes).toEqual({ 1: 4, 3: 1 });
    });

    it('refuses a batchAxis that is not free in every input and output', async () => {
      const load = runtime.load('recurrent:1', { format: 'onnx', artifactPath: recurrentModel(), batching: { batchAxis: 0 } });
      await expect(load).rejects.toBeInstanceOf(ModelLoadError);
      await expect(load).rejects.toThrow('batching.batchAxis is 0, but dimension 0 of input "state" is fixed (shape [2, -1, 4])');
      expect(runtime.isLoaded('recurrent:1')).toBe(false);
    });
  });

  describe('every fixture model answers the same batched as alone', () => {
    const fixtures: [string, (dir: string) => Promise<{ format: ModelFormat; path?: string; dir?: string }>, number | null][] = [
      ['ONNX MLP', (folder) => onnxMlp(folder), 0],
      ['ONNX model with a scalar input (one by one)', (folder) => onnxMultiInput(folder), null],
      ['TF.js layers MLP', (folder) => tfjsLayersModel(folder), 0],
      ['TF.js graph MLP', (folder) => tfjsGraphModel(folder), 0],
      ['TF.js graph of int64, double and bool tensors', (folder) => tfjsGraphDtypesModel(folder), 0],
      // x [-1] -> positions [-1, 1]: dimension 0 is free but is no batch; the load probe finds out.
      ['TF.js graph returning the positions of positive inputs (one by one)', (folder) => tfjsGraphDynamicModel(folder), null],
    ];

    for (const [name, generate, axis] of fixtures) {
      it(name, async () => {
        const fixture = await generate(freshFolder('fixture'));
        const info = await runtime.load('fixture:1', { format: fixture.format, artifactPath: (fixture.path ?? fixture.dir) as string, batching: HOLD });
        expect(info.batching.axis).toBe(axis);
        const rowCounts = [1, 2, 1, 3];
        const requests = () => rowCounts.map((rows, seed) => inputsFor(info.signature, rows, seed));
        const expected = await alone('fixture:1', requests());
        const batched = await underLoad('fixture:1', inputsFor(info.signature, 1, 99), requests().map((inputs) => ({ inputs })));
        batched.forEach((result, index) => expectSameOutputs(result.outputs, expected[index].outputs));
        expect(batched.map((result) => result.batchSize)).toEqual(rowCounts.map(() => (axis === null ? 1 : rowCounts.length)));
      });
    }

    it('explains why a model whose first dimension is no batch is served one by one', async () => {
      const fixture = await tfjsGraphDynamicModel(freshFolder('where'));
      const info = await runtime.load('where:1', { format: fixture.format, artifactPath: fixture.dir });
      expect(info.batching.reason).toMatch(/^served one by one: output "positions" (does not follow the batch|changes when requests are joined)/);
      expect(statsOf('where:1').batching.reason).toBe(info.batching.reason);
    });
  });

  describe('a joined batch that the engine fails', () => {
    // The fixture fails a run when a row's first feature is 4 or more; below that it answers the iris MLP.
    const GOOD = [
      [2.5, 3.5, 1.4, 0.2],
      [0.4, 1.1, 2.2, 3.3],
      [3.9, 0.1, 0.5, 1.7],
      [1, 2, 3, 4],
      [0, 0.5, 0.25, 2],
      [2, 1, 0, 3],
    ];
    const BAD = [5.1, 3.5, 1.4, 0.2];
    const single = (row: readonly number[]): NamedTensors => ({ x: { datatype: 'FP32', shape: [1, 4], data: Float32Array.from(row) } });

    for (const inline of [false, true]) {
      it(`is retried apart ${inline ? 'inline' : 'on a worker'}: the request at fault fails alone, the others answer as if never joined`, async () => {
        const failing = await onnxMlpFailingOnLargeInputs(freshFolder('failing'));
        const info = await runtime.load('flaky:1', { format: 'onnx', artifactPath: failing.path, batching: HOLD, inline });
        expect(info.execution.mode).toBe(inline ? 'inline' : 'workers');
        // Two requests at fault among six good ones: positions 2 and 6.
        const rows = [GOOD[0], GOOD[1], BAD, GOOD[2], GOOD[3], GOOD[4], BAD, GOOD[5]];
        runtime.simulateWorkerStall('flaky:1', 0, STALL_MS);
        const blocker = runtime.infer('flaky:1', single(GOOD[0]));
        const settled = await Promise.allSettled(rows.map((row) => runtime.infer('flaky:1', single(row))));
        await blocker;

        settled.forEach((outcome, index) => {
          if (rows[index] === BAD) {
            expect(outcome.status).toBe('rejected');
            const error = (outcome as PromiseRejectedResult).reason as Error;
            expect(error).toBeInstanceOf(InferenceError);
            expect(error.message).toMatch(/indices|out of|bounds/i);
            return;
          }
          expect(outcome.status).toBe('fulfilled');
          const result = (outcome as PromiseFulfilledResult<InferResult>).value;
          expect(result.outputs.probabilities.shape).toEqual([1, 3]);
          const expected = failing.predict([rows[index]])[0];
          Array.from(result.outputs.probabilities.data as Float32Array).forEach((value, column) => expect(value).toBeCloseTo(expected[column], 5));
          // Answered in a group of the failed batch, never beside a request at fault.
          expect(result.batchSize).toBeLessThan(rows.length);
        });

        const stats = statsOf('flaky:1');
        // The blocker; the eight joined, failed; halves of 4 (both failed); quarters of 2 (two
        // failed, holding the requests at fault); then those four alone.
        expect(stats.batches.sizes).toEqual({ 1: 5, 2: 4, 4: 2, 8: 1 });
        expect(stats.requests).toMatchObject({ accepted: 9, completed: 7, failed: 2, retriedApart: 8 + 8 + 4 });
        expect(stats.queueDepth).toEqual({ online: 0, batch: 0 });
        expect(stats.inFlight.batches).toBe(0);
      });

      it(`says so when a request passes its deadline while it waits to be retried apart ${inline ? 'inline' : 'on a worker'}`, async () => {
        const failing = await onnxMlpFailingOnLargeInputs(freshFolder('failing'));
        // maxBatchSize 2: the pair below fills the instance's second slot at once, behind the blocker.
        await runtime.load('flaky:1', { format: 'onnx', artifactPath: failing.path, batching: { maxBatchSize: 2, maxQueueDelayMs: 10_000 }, inline });
        const deadlineMs = STALL_MS * 2;
        runtime.simulateWorkerStall('flaky:1', 0, STALL_MS);
        // Once the blocker is answered the joined pair is already running (it was sent behind it), and
        // its retry is not sent yet: a second stall then holds the retry's first half.
        const blocker = runtime.infer('flaky:1', single(GOOD[0])).then((result) => {
          runtime.simulateWorkerStall('flaky:1', 0, STALL_MS * 4);
          return result;
        });
        const good = runtime.infer('flaky:1', single(GOOD[1]));
        const bad = runtime.infer('flaky:1', single(BAD), { deadlineMs });
        const others = Promise.allSettled([blocker, good]);
        // The pair fails; the good half is sent again and stalled, the bad half waits behind it.
        const error = await bad.catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(DeadlineExceededError);
        expect((error as DeadlineExceededError).kind).toBe('deadline-exceeded');
        expect((error as DeadlineExceededError).stage).toBe('retrying');
        expect((error as Error).message).toMatch(
          new RegExp(
            `^the request passed its deadline of ${deadlineMs} ms \\(after \\d+ ms\\) while it waited in the queue of model "flaky:1" to be retried apart: ` +
              'the batch it was joined in failed, and this request may be one the model cannot run; ' +
              'send it again with a longer deadline, and if it then fails alone, check its inputs$',
          ),
        );
        const [first, second] = await others;
        expect(first.status).toBe('fulfilled');
        // Answered alone once the second stall ends, as if never joined.
        expect((second as PromiseFulfilledResult<InferResult>).value?.batchSize).toBe(1);

        const stats = statsOf('flaky:1');
        expect(stats.batches.sizes).toEqual({ 1: 2, 2: 1 });
        expect(stats.requests).toMatchObject({
          accepted: 3,
          completed: 2,
          failed: 0,
          retriedApart: 2,
          deadlineExceededQueued: 0,
          deadlineExceededComputing: 0,
          deadlineExceededRetrying: 1,
        });
        expect(stats.queueDepth).toEqual({ online: 0, batch: 0 });
      });
    }

    it('does not retry a request that fails alone, nor a batch of requests that are all at fault', async () => {
      const failing = await onnxMlpFailingOnLargeInputs(freshFolder('failing'));
      await runtime.load('flaky:1', { format: 'onnx', artifactPath: failing.path, batching: HOLD });
      await expect(runtime.infer('flaky:1', single(BAD))).rejects.toBeInstanceOf(InferenceError);
      expect(statsOf('flaky:1').requests).toMatchObject({ failed: 1, retriedApart: 0 });

      runtime.simulateWorkerStall('flaky:1', 0, STALL_MS);
      const blocker = runtime.infer('flaky:1', single(GOOD[0]));
      const settled = await Promise.allSettled([BAD, BAD].map((row) => runtime.infer('flaky:1', single(row))));
      await blocker;
      expect(settled.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
      // Joined (2), halved once into two lone requests, each failing with the engine's error.
      expect(statsOf('flaky:1').batches.sizes).toEqual({ 1: 4, 2: 1 });
      expect(statsOf('flaky:1').requests).toMatchObject({ failed: 3, retriedApart: 2 });
    });
  });
});

describe('deadlines, queue bound and priority', () => {
  let mlpPath: string;
  let signature: ModelSignature;

  beforeAll(async () => {
    const fixture = await onnxMlp(freshFolder('iris'));
    mlpPath = fixture.path;
    signature = fixture.signature;
  });

  const row = (seed = 0) => inputsFor(signature, 1, seed);

  it('drops a request whose deadline passes while it waits, without computing it', async () => {
    await runtime.load('mlp:1', { format: 'onnx', artifactPath: mlpPath, batching: { ...HOLD, defaultTimeoutMs: 60_000 } });
    runtime.simulateWorkerStall('mlp:1', 0, STALL_MS);
    const first = runtime.infer('mlp:1', row());
    const late = runtime.infer('mlp:1', row(1), { deadlineMs: 30 });
    const error = await late.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect((error as DeadlineExceededError).stage).toBe('queued');
    expect((error as Error).message).toMatch(/^the request waited \d+ ms in the queue of model "mlp:1" and passed its deadline of 30 ms; it was not computed$/);
    await first;

    const stats = statsOf('mlp:1');
    expect(stats.requests).toMatchObject({ accepted: 2, completed: 1, deadlineExceededQueued: 1, deadlineExceededComputing: 0 });
    // Only the first request ever reached the engine; the late one failed after waiting its 30 ms.
    expect(stats.batches.computedRequests).toBe(1);
    expect(stats.timing.failedMs).toBeGreaterThanOrEqual(29);
    expect(stats.timing.completedRows).toBe(1);
    expect(stats.queueDepth).toEqual({ online: 0, batch: 0 });
  });

  it('applies the version\'s default deadline, which a request can shorten but not extend', async () => {
    await runtime.load('mlp:1', { format: 'onnx', artifactPath: mlpPath, batching: { ...HOLD, defaultTimeoutMs: 40 } });
    runtime.simulateWorkerStall('mlp:1', 0, STALL_MS);
    const first = runtime.infer('mlp:1', row()).catch((caught: unknown) => caught);
    const waiting = runtime.infer('mlp:1', row(1), { deadlineMs: 60_000 });
    await expect(waiting).rejects.toThrow(/passed its deadline of 40 ms; it was not computed/);
    // The first one was already with the instance: it is answered at its deadline, its result dropped.
    const error = await first;
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect((error as DeadlineExceededError).stage).toBe('computing');
    await expect(runtime.infer('mlp:1', row(), { deadlineMs: 0 })).rejects.toBeInstanceOf(DeadlineExceededError);
  });

  it('answers a request at its deadline while it is being computed, and drops the late result', async () => {
    await runtime.load('mlp:1', { format: 'onnx', artifactPath: mlpPath });
    runtime.setLabel('mlp:1', 'model "mlp" version 1');
    runtime.simulateWorkerStall('mlp:1', 0, STALL_MS);
    const error = await runtime.infer('mlp:1', row(), { deadlineMs: 30 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect((error as Error).message).toBe('the request passed its deadline of 30 ms while model "mlp" version 1 was computing it; the result is discarded');
    // Answered at the deadline: its batch is still running.
    expect(statsOf('mlp:1').inFlight.batches).toBe(1);

    const next = await runtime.infer('mlp:1', row(2));
    expect(next.outputs.probabilities.shape).toEqual([1, 3]);
    expect(statsOf('mlp:1').requests).toMatchObject({ completed: 1, deadlineExceededComputing: 1 });
  });

  it('refuses a request when the queue is full, with a Retry-After estimate, and computes none of it', async () => {
    await runtime.load('mlp:1', { format: 'onnx', artifactPath: mlpPath, batching: { ...HOLD, maxQueueSize: 2 } });
    runtime.simulateWorkerStall('mlp:1', 0, STALL_MS);
    const accepted = [runtime.infer('mlp:1', row(0)), runtime.infer('mlp:1', row(1)), runtime.infer('mlp:1', row(2))];
    const error = await runtime.infer('mlp:1', row(3)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(QueueFullError);
    expect((error as QueueFullError).retryAfterMs).toBeGreaterThanOrEqual(1);
    expect((error as Error).message).toMatch(/^the queue of model "mlp:1" is full \(2 requests waiting, batching.maxQueueSize 2\); retry in about \d+ ms$/);
    expect(statsOf('mlp:1').queueDepth.online).toBe(2);

    await Promise.all(accepted);
    const stats = statsOf('mlp:1');
    expect(stats.requests).toMatchObject({ accepted: 3, completed: 3, refusedQueueFull: 1 });
    expect(stats.batches.computedRequests).toBe(3);
  });

  it('under load, answers online requests before batch requests queued earlier', async () => {
    await runtime.load('mlp:1', { format: 'onnx', artifactPath: mlpPath, batching: { ...HOLD, maxBatchSize: 4 } });
    const finished: string[] = [];
    const submit = (label: string, priority: 'online' | 'batch') =>
      runtime.infer('mlp:1', row(), { priority }).then(() => void finished.push(label));

    runtime.simulateWorkerStall('mlp:1', 0, STALL_MS);
    const blocker = submit('blocker', 'online');
    const backgroundJobs = ['b1', 'b2', 'b3'].map((label) => submit(label, 'batch'));
    const onlineRequests = ['o1', 'o2', 'o3', 'o4', 'o5', 'o6'].map((label) => submit(label, 'online'));
    expect(statsOf('mlp:1').queueDepth).toEqual({ online: 2, batch: 3 });
    await Promise.all([blocker, ...backgroundJobs, ...onlineRequests]);

    // o1-o4 filled a batch of 4 and took the instance's second slot at once; o5 and o6 still went
    // before the batch jobs, which had waited longer.
    expect(finished).toEqual(['blocker', 'o1', 'o2', 'o3', 'o4', 'o5', 'o6', 'b1', 'b2', 'b3']);
    expect(statsOf('mlp:1').batches.sizes).toEqual({ 1: 1, 4: 1, 2: 1, 3: 1 });
  });

  it('sends a lone request straight to an idle instance: batch size 1, no waiting for company', async () => {
    // A delay of a whole second: had any request waited for it, the stats would say so.
    await runtime.load('mlp:1', { format: 'onnx', artifactPath: mlpPath, batching: { maxQueueDelayMs: 1_000 } });
    for (let seed = 0; seed < 20; seed++) {
      const result = await runtime.infer('mlp:1', row(seed));
      expect(result.batchSize).toBe(1);
    }
    const { batches, queueDepth } = statsOf('mlp:1');
    expect(batches).toMatchObject({ count: 20, dispatchedIdle: 20, dispatchedFull: 0, dispatchedAfterDelay: 0, delayWaits: 0, sizes: { 1: 20 } });
    expect(queueDepth).toEqual({ online: 0, batch: 0 });
  });

  it('while the host holds other requests, sends an idle instance those of one turn of the event loop as one batch', async () => {
    await runtime.load('mlp:1', { format: 'onnx', artifactPath: mlpPath, batching: HOLD });
    const seeds = [0, 1, 2];
    const expected = await alone('mlp:1', seeds.map(row));
    // The host (the HTTP server) holds the three requests while they are submitted in one turn.
    for (const _ of seeds) runtime.activity.enter();
    try {
      const pending = seeds.map((seed) => runtime.infer('mlp:1', row(seed)));
      // None has left yet, although the instance is idle: the batch is made at the end of the turn.
      expect(statsOf('mlp:1')).toMatchObject({ queueDepth: { online: 3, batch: 0 }, inFlight: { batches: 0, requests: 0 } });
      const results = await Promise.all(pending);
      results.forEach((result, index) => {
        expect(result.batchSize).toBe(3);
        expectSameOutputs(result.outputs, expected[index].outputs);
      });
    } finally {
      for (const _ of seeds) runtime.activity.leave();
    }
    // A request the host holds alone still goes at once, without waiting for the turn to end.
    runtime.activity.enter();
    try {
      const lone = runtime.infer('mlp:1', row(5));
      expect(statsOf('mlp:1').inFlight).toEqual({ batches: 1, requests: 1 });
      expect((await lone).batchSize).toBe(1);
    } finally {
      runtime.activity.leave();
    }
    expect(statsOf('mlp:1').batches).toMatchObject({ sizes: { 1: 4, 3: 1 }, dispatchedIdle: 5, delayWaits: 0 });
  });

  it('shares what one turn gathered among the idle instances', async () => {
    await runtime.load('mlp:1', { format: 'onnx', artifactPath: mlpPath, instances: 2, batching: HOLD });
    const seeds = [0, 1, 2, 3, 4];
    for (const _ of seeds) runtime.activity.enter();
    try {
      const results = await Promise.all(seeds.map((seed) => runtime.infer('mlp:1', row(seed))));
      // Five requests, two idle instances: three to one, two to the other, each pair of batches at once.
      expect(results.map((result) => result.batchSize)).toEqual([3, 3, 3, 2, 2]);
      expect(new Set(results.slice(0, 3).map((result) => result.worker)).size).toBe(1);
      expect(results[3].worker).not.toBe(results[0].worker);
    } finally {
      for (const _ of seeds) runtime.activity.leave();
    }
  });

  it('shows queue depth and busy workers while it is loaded', async () => {
    await runtime.load('mlp:1', { format: 'onnx', artifactPath: mlpPath, batching: HOLD });
    runtime.simulateWorkerStall('mlp:1', 0, STALL_MS);
    const pending = [runtime.infer('mlp:1', row(0)), runtime.infer('mlp:1', row(1)), runtime.infer('mlp:1', row(2), { priority: 'batch' })];
    const stats = statsOf('mlp:1');
    expect(stats.key).toBe('mlp:1');
    expect(stats.queueDepth).toEqual({ online: 1, batch: 1 });
    expect(stats.inFlight).toEqual({ batches: 1, requests: 1 });
    expect(stats.workers).toMatchObject({ total: 1, ready: 1, busy: 1 });
    expect(stats.batches.delayWaits).toBe(1);
    await Promise.all(pending);
    expect(statsOf('mlp:1').workers.busy).toBe(0);
    expect(runtime.stats('nope:1')).toBeUndefined();
  });
});

describe('instances and threads', () => {
  let mlpPath: string;

  beforeAll(async () => {
    mlpPath = (await onnxMlp(freshFolder('iris'))).path;
  });

  it('pins each instance to its device and splits the cores between them', async () => {
    await runtime.load('mlp:1', { format: 'onnx', artifactPath: mlpPath, instances: 2, device: ['cpu', 'cpu'] });
    expect(statsOf('mlp:1').workers.instances).toEqual([
      { instance: 0, device: 'cpu', intraOpThreads: 1, ready: true, inFlightBatches: 0, threads: { inUse: 1, reason: "1 thread: the instance's share of the cores" } },
      { instance: 1, device: 'cpu', intraOpThreads: 1, ready: true, inFlightBatches: 0, threads: { inUse: 1, reason: "1 thread: the instance's share of the cores" } },
    ]);
  });

  it('restarts instances with the new thread budget when versions come and go, serving throughout', async () => {
    const rebalancing = new ModelRuntime({ totalThreads: 2, rebalanceDelayMs: 10, laneMinRunMs: Infinity, onWorkerEvent: (event) => events.push(event) });
    const threadsOf = (key: string) => rebalancing.stats(key)?.workers.instances.map((instance) => instance.intraOpThreads);
    const waitFor = async (condition: () => boolean) => {
      while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
    };
    const iris = { datatype: 'FP32' as const, shape: [1, 4], data: Float32Array.from([5.1, 3.5, 1.4, 0.2]) };
    try {
      await rebalancing.load('a:1', { format: 'onnx', artifactPath: mlpPath });
      expect(threadsOf('a:1')).toEqual([2]);

      await rebalancing.load('b:1', { format: 'onnx', artifactPath: mlpPath });
      expect(threadsOf('b:1')).toEqual([1]);
      // Requests keep being answered while a:1's instance is restarted with 1 thread.
      const during = Array.from({ length: 20 }, () => rebalancing.infer('a:1', { x: { ...iris, data: iris.data.slice() } }));
      await waitFor(() => threadsOf('a:1')?.[0] === 1);
      expect((await Promise.all(during)).every((result) => result.outputs.probabilities.shape[0] === 1)).toBe(true);
      expect(events).toContainEqual({ key: 'a:1', instance: 0, type: 'rebalanced', message: 'restarted with 1 intra-op threads (was 2)' });

      await rebalancing.unload('b:1');
      await waitFor(() => threadsOf('a:1')?.[0] === 2);
      const after = await rebalancing.infer('a:1', { x: iris });
      expect(after.outputs.probabilities.shape).toEqual([1, 3]);
    } finally {
      await rebalancing.close();
    }
  });
});

/**
 * These specs start real worker threads from the built worker script: build the runtime first
 * (`npx tsc -p libs/runtime/tsconfig.lib.json`).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputValidationError, ModelLoadError, ModelNotLoadedError, WorkerCrashedError } from './errors';
import { ModelRuntime, type WorkerEvent } from './pool';
import { buildOnnxModel } from './onnx-builder';
import { MAX_SLOT_BYTES } from './worker/tensor-slots';
import { bytesEchoModel, eventually, int64BoolModel, linearInputs, linearReluModel, linearReluReference } from './spec-models.fixture';

let dir: string;
let linearPath: string;
let int64BoolPath: string;
let runtime: ModelRuntime;
let events: WorkerEvent[];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'modelgate-pool-'));
  linearPath = join(dir, 'linear.onnx');
  int64BoolPath = join(dir, 'int64-bool.onnx');
  writeFileSync(linearPath, linearReluModel());
  writeFileSync(int64BoolPath, int64BoolModel());
  writeFileSync(join(dir, 'corrupt.onnx'), Buffer.from('definitely not onnx'));
  // Loads, but Reshape to [3] fails on the warm-up's [1, 2] input: valid file, unusable model.
  writeFileSync(
    join(dir, 'bad-reshape.onnx'),
    buildOnnxModel({
      inputs: [{ name: 'x', datatype: 'FP32', shape: ['batch', 2] }],
      outputs: [{ name: 'y', datatype: 'FP32', shape: [3] }],
      initializers: [{ name: 'target', datatype: 'INT64', shape: [1], data: [3] }],
      nodes: [{ opType: 'Reshape', inputs: ['x', 'target'], outputs: ['y'] }],
    }),
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeEach(() => {
  events = [];
  // One lane per instance, whatever the machine's load makes of the warm runs (lanes.spec.ts covers two).
  runtime = new ModelRuntime({ totalThreads: 2, testHooks: true, laneMinRunMs: Infinity, onWorkerEvent: (event) => events.push(event) });
});

afterEach(() => runtime.close());


describe('ModelRuntime', () => {
  it('loads a model, warms it up and reports its signature and engine', async () => {
    const info = await runtime.load('linear:1', { format: 'onnx', artifactPath: linearPath });
    expect(info.signature.inputs).toEqual([{ name: 'x', datatype: 'FP32', shape: [-1, 3] }]);
    expect(info.engine).toMatch(/^onnxruntime-node .* \(cpu\)$/);
    expect(info.loadMs).toBeGreaterThan(0);
    expect(runtime.isLoaded('linear:1')).toBe(true);
    expect(runtime.signatureOf('linear:1')).toEqual(info.signature);
    expect(runtime.loadedKeys()).toEqual(['linear:1']);
  });

  it.each([
    ['through shared memory', true],
    ['by message (sharedMemory: false)', false],
  ])('answers many concurrent requests correctly across instances, %s', async (_, sharedMemory) => {
    if (!sharedMemory) {
      await runtime.close();
      runtime = new ModelRuntime({ totalThreads: 2, sharedMemory });
    }
    await runtime.load('linear:1', { format: 'onnx', artifactPath: linearPath, instances: 2 });
    const requests = Array.from({ length: 60 }, (_, index) => linearInputs(1 + (index % 5), index));
    const results = await Promise.all(requests.map(({ inputs }) => runtime.infer('linear:1', inputs)));
    results.forEach((result, index) => {
      expect(result.outputs.y.shape).toEqual([1 + (index % 5), 2]);
      expect(Array.from(result.outputs.y.data as Float32Array)).toEqual(requests[index].expected);
      expect(result.computeMs).toBeGreaterThanOrEqual(0);
      expect(result.queueMs).toBeGreaterThanOrEqual(0);
    });
    expect(new Set(results.map((result) => result.worker))).toEqual(new Set([0, 1]));
  });

  it('round-trips INT64 and BOOL tensors through a worker', async () => {
    await runtime.load('int64-bool:1', { format: 'onnx', artifactPath: int64BoolPath });
    const { outputs } = await runtime.infer('int64-bool:1', {
      ids: { datatype: 'INT64', shape: [2], data: BigInt64Array.from([-(2n ** 62n), 7n]) },
      mask: { datatype: 'BOOL', shape: [2], data: Uint8Array.from([0, 1]) },
    });
    expect(outputs.shifted).toEqual({ datatype: 'INT64', shape: [2], data: BigInt64Array.from([-(2n ** 62n) + 1000n, 1007n]) });
    expect(outputs.inverted).toEqual({ datatype: 'BOOL', shape: [2], data: Uint8Array.from([1, 0]) });
  });

  it('sends inputs through shared memory, leaving the caller\'s arrays and views of larger buffers as they were', async () => {
    await runtime.load('linear:1', { format: 'onnx', artifactPath: linearPath });
    const whole = linearInputs(2, 1);
    const sent = Array.from(whole.inputs.x.data as Float32Array);
    const answer = await runtime.infer('linear:1', whole.inputs);
    expect(Array.from(whole.inputs.x.data as Float32Array)).toEqual(sent);
    expect(Array.from(answer.outputs.y.data as Float32Array)).toEqual(whole.expected);
    // The outputs are the caller's own memory, not the slot the next batch overwrites.
    expect((answer.outputs.y.data as Float32Array).buffer).toBeInstanceOf(ArrayBuffer);

    const body = new Float32Array(12).fill(1);
    const view = body.subarray(3, 9);
    const { outputs } = await runtime.infer('linear:1', { x: { datatype: 'FP32', shape: [2, 3], data: view } });
    expect(Array.from(outputs.y.data as Float32Array)).toEqual(linearReluReference(view, 2));
    expect(body.length).toBe(12);
  });

  it('sends BYTES tensors by message, beside numeric ones, and answers with them', async () => {
    const path = join(dir, 'bytes-echo.onnx');
    writeFileSync(path, bytesEchoModel());
    await runtime.load('bytes:1', { format: 'onnx', artifactPath: path });
    const words = ['naïve', '', 'model'].map((word) => new TextEncoder().encode(word));
    const { outputs } = await runtime.infer('bytes:1', {
      text: { datatype: 'BYTES', shape: [3], data: words },
      x: { datatype: 'FP32', shape: [3], data: Float32Array.from([1.5, -2, 3]) },
    });
    expect(outputs.echo.datatype).toBe('BYTES');
    expect((outputs.echo.data as Uint8Array[]).map((word) => new TextDecoder().decode(word))).toEqual(['naïve', '', 'model']);
    expect(Array.from(outputs.y.data as Float32Array)).toEqual([1.5, -2, 3]);
  });

  it('grows a slot for a larger batch, and sends a batch past MAX_SLOT_BYTES by message with the same answers', async () => {
    await runtime.load('linear:1', { format: 'onnx', artifactPath: linearPath });
    // Past the first slot's 64 KiB (inputs 1.2 MB, outputs 0.8 MB), then past MAX_SLOT_BYTES (72 MB):
    // rows cycling through three patterns, checked against the reference of each.
    const patterns = [1, -2, 0.5, 3, 0, -1, -4, 2, 2];
    const reference = linearReluReference(patterns, 3);
    for (const rows of [100_000, Math.ceil(MAX_SLOT_BYTES / 12) + 1]) {
      const x = new Float32Array(rows * 3);
      for (let row = 0; row < rows; row++) x.set(patterns.slice((row % 3) * 3, (row % 3) * 3 + 3), row * 3);
      const { outputs } = await runtime.infer('linear:1', { x: { datatype: 'FP32', shape: [rows, 3], data: x } });
      const y = outputs.y.data as Float32Array;
      expect(outputs.y.shape).toEqual([rows, 2]);
      let mismatches = 0;
      for (let index = 0; index < y.length; index++) if (y[index] !== reference[((index >> 1) % 3) * 2 + (index & 1)]) mismatches++;
      expect(mismatches).toBe(0);
    }
    // Small ones still go through the grown slots.
    const small = linearInputs(3, 4);
    expect(Array.from((await runtime.infer('linear:1', small.inputs)).outputs.y.data as Float32Array)).toEqual(small.expected);
  });

  it('checks inputs against the signature before they reach a worker', async () => {
    await runtime.load('linear:1', { format: 'onnx', artifactPath: linearPath });
    const wrong = runtime.infer('linear:1', { x: { datatype: 'FP32', shape: [1, 4], data: new Float32Array(4) } });
    await expect(wrong).rejects.toBeInstanceOf(InputValidationError);
    await expect(wrong).rejects.toThrow('input "x": expected shape [-1, 3], got [1, 4] (dimension 1 must be 3)');
  });

  it('refuses a corrupt file with ModelLoadError and leaves nothing loaded', async () => {
    const load = runtime.load('corrupt:1', { format: 'onnx', artifactPath: join(dir, 'corrupt.onnx'), instances: 2 });
    await expect(load).rejects.toBeInstanceOf(ModelLoadError);
    await expect(load).rejects.toThrow(/protobuf parsing failed/i);
    expect(runtime.loadedKeys()).toEqual([]);
    expect(events.filter((event) => event.type === 'stopped')).toHaveLength(2);
    // The key is free again.
    await runtime.load('corrupt:1', { format: 'onnx', artifactPath: linearPath });
  });

  it('refuses a model whose warm-up run fails', async () => {
    const load = runtime.load('reshape:1', { format: 'onnx', artifactPath: join(dir, 'bad-reshape.onnx') });
    await expect(load).rejects.toBeInstanceOf(ModelLoadError);
    await expect(load).rejects.toThrow(/^warm-up failed: the ONNX model failed to run: /);
    expect(runtime.isLoaded('reshape:1')).toBe(false);
  });

  it('refuses to load a key twice', async () => {
    await runtime.load('linear:1', { format: 'onnx', artifactPath: linearPath });
    await expect(runtime.load('linear:1', { format: 'onnx', artifactPath: linearPath })).rejects.toThrow(/already loaded/);
  });

  it('answers ModelNotLoadedError for an unknown key', async () => {
    await expect(runtime.infer('nope:1', {})).rejects.toBeInstanceOf(ModelNotLoadedError);
  });

  for (const how of ['exit', 'throw'] as const) {
    it(`fails in-flight requests when a worker dies (${how}), then replaces it`, async () => {
      await runtime.load('linear:1', { format: 'onnx', artifactPath: linearPath });
      runtime.setLabel('linear:1', 'model "linear" version 1');
      // The crash message is queued ahead of the request, so the request is in flight when the thread dies.
      runtime.simulateWorkerCrash('linear:1', 0, how);
      const inFlight = runtime.infer('linear:1', linearInputs(1, 0).inputs);
      await expect(inFlight).rejects.toBeInstanceOf(WorkerCrashedError);
      await expect(inFlight).rejects.toThrow(
        'the model worker for model "linear" version 1 stopped unexpectedly; the request was not completed, retry it',
      );

      // The next request waits for the replacement and succeeds.
      const next = linearInputs(2, 3);
      const result = await runtime.infer('linear:1', next.inputs);
      expect(Array.from(result.outputs.y.data as Float32Array)).toEqual(next.expected);
      expect(events.map((event) => event.type)).toEqual(['crashed', 'replaced']);
      if (how === 'throw') expect(events[0].message).toContain('simulated worker crash');
    });
  }

  it('keeps serving from the other instances while one is replaced', async () => {
    await runtime.load('linear:1', { format: 'onnx', artifactPath: linearPath, instances: 2 });
    runtime.simulateWorkerCrash('linear:1', 1);
    await eventually(() => events.some((event) => event.type === 'crashed'));
    const { inputs, expected } = linearInputs(1, 4);
    const result = await runtime.infer('linear:1', inputs);
    expect(result.worker).toBe(0);
    expect(Array.from(result.outputs.y.data as Float32Array)).toEqual(expected);
    await eventually(() => events.some((event) => event.type === 'replaced'));
  });

  it('unload stops the workers and rejects what was still pending', async () => {
    await runtime.load('linear:1', { format: 'onnx', artifactPath: linearPath, instances: 2 });
    const done = await runtime.infer('linear:1', linearInputs(1, 1).inputs);
    const pending = Array.from({ length: 10 }, (_, index) => runtime.infer('linear:1', linearInputs(50, index).inputs));
    const settled = Promise.allSettled(pending);
    await runtime.unload('linear:1');

    for (const result of await settled) {
      if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(ModelNotLoadedError);
    }
    expect((await settled).some((result) => result.status === 'rejected')).toBe(true);
    expect(done.outputs.y.data.length).toBe(2);
    expect(events.filter((event) => event.type === 'stopped').map((event) => event.instance).sort()).toEqual([0, 1]);
    expect(runtime.isLoaded('linear:1')).toBe(false);
    await expect(runtime.infer('linear:1', linearInputs(1, 1).inputs)).rejects.toBeInstanceOf(ModelNotLoadedError);
  });

  it('unloading while the engine is mid-run lets the run finish inside the worker, and the process lives', async () => {
    // Terminating a thread inside an onnxruntime-node call aborts the process; unload must not do that.
    const width = 512;
    const slowPath = join(dir, 'slow.onnx');
    writeFileSync(
      slowPath,
      buildOnnxModel({
        inputs: [{ name: 'x', datatype: 'FP32', shape: ['batch', width] }],
        outputs: [{ name: 'y', datatype: 'FP32', shape: ['batch', width] }],
        initializers: [{ name: 'W', datatype: 'FP32', shape: [width, width], data: new Float32Array(width * width).fill(0.01) }],
        nodes: [
          { opType: 'MatMul', inputs: ['x', 'W'], outputs: ['h'] },
          { opType: 'MatMul', inputs: ['h', 'W'], outputs: ['y'] },
        ],
      }),
    );
    await runtime.load('slow:1', { format: 'onnx', artifactPath: slowPath });
    const rows = 2048;
    const batch = () => ({ x: { datatype: 'FP32' as const, shape: [rows, width], data: new Float32Array(rows * width) } });
    const running = Promise.allSettled([runtime.infer('slow:1', batch()), runtime.infer('slow:1', batch()), runtime.infer('slow:1', batch())]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await runtime.unload('slow:1');
    const results = await running;
    for (const result of results) {
      if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(ModelNotLoadedError);
    }
    expect(results.some((result) => result.status === 'rejected')).toBe(true);
    expect(events.filter((event) => event.type === 'stopped')).toHaveLength(1);
  });

  it('unloading while loading makes the load fail and leaves no worker', async () => {
    const load = runtime.load('linear:1', { format: 'onnx', artifactPath: linearPath });
    await runtime.unload('linear:1');
    await expect(load).rejects.toBeInstanceOf(ModelLoadError);
    expect(events.filter((event) => event.type === 'stopped')).toHaveLength(1);
    expect(runtime.loadedKeys()).toEqual([]);
  });

  it('only crashes workers on request when test hooks are on', async () => {
    const production = new ModelRuntime({ testHooks: false });
    await production.load('linear:1', { format: 'onnx', artifactPath: linearPath });
    try {
      expect(() => production.simulateWorkerCrash('linear:1')).toThrow(/testHooks/);
    } finally {
      await production.close();
    }
  });
});

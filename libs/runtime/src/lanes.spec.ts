/**
 * An instance split in two lanes under load (ModelRuntime, "Lanes"). These specs start real
 * worker threads from the built worker script: build the runtime first
 * (`npx tsc -p libs/runtime/tsconfig.lib.json`). The fixture model is far quicker than
 * LANE_MIN_RUN_MS, so the specs that split it set `laneMinRunMs: 0`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelRuntime, type ModelRuntimeOptions, type WorkerEvent } from './pool';
import { eventually, linearInputs, linearReluModel } from './spec-models.fixture';

let dir: string;
let linearPath: string;
let runtime: ModelRuntime;
let events: WorkerEvent[];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'modelgate-lanes-'));
  linearPath = join(dir, 'linear.onnx');
  writeFileSync(linearPath, linearReluModel());
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

afterEach(() => runtime.close());

function start(options: ModelRuntimeOptions = {}): ModelRuntime {
  events = [];
  runtime = new ModelRuntime({ totalThreads: 2, testHooks: true, laneMinRunMs: 0, onWorkerEvent: (event) => events.push(event), ...options });
  return runtime;
}


const lanesOf = (key: string, instance = 0) => runtime.stats(key)?.workers.instances[instance].lanes;
const helperReady = (key: string, instance = 0) => lanesOf(key, instance)?.helper.ready === true;

/** Loads the fixture as `linear:1` on two threads and waits until its instance 0 is split. */
async function loadSplit(): Promise<void> {
  start();
  await runtime.load('linear:1', { format: 'onnx', artifactPath: linearPath });
  await eventually(() => helperReady('linear:1'));
}

describe('lanes', () => {
  it('splits a two-thread instance into 1 + 1 threads, and a lone request still runs on both', async () => {
    await loadSplit();
    expect(lanesOf('linear:1')).toEqual({ narrowThreads: 1, helper: { intraOpThreads: 1, ready: true, inFlightBatches: 0 } });
    expect(events).toContainEqual(expect.objectContaining({ type: 'helper-started', helper: true, instance: 0 }));

    const { inputs, expected } = linearInputs(2, 1);
    const result = await runtime.infer('linear:1', inputs);
    expect(result.threads).toBe(2);
    expect(Array.from(result.outputs['y'].data as Float32Array)).toEqual(expected);
    expect(runtime.stats('linear:1')?.batches.threads).toEqual({ 2: 1 });
  });

  it('sends work to the helper only while the primary is busy, and answers the same on either lane', async () => {
    await loadSplit();
    runtime.simulateWorkerStall('linear:1', 0, 400);
    const cases = Array.from({ length: 5 }, (_, index) => linearInputs(1 + (index % 3), index));
    // The idle primary takes the first request (and holds it while stalled); the helper answers the rest.
    const first = runtime.infer('linear:1', cases[0].inputs);
    expect(runtime.stats('linear:1')?.workers.instances[0].inFlightBatches).toBe(1);
    for (const item of cases.slice(1)) {
      const result = await runtime.infer('linear:1', item.inputs);
      expect(result.threads).toBe(1);
      expect(Array.from(result.outputs['y'].data as Float32Array)).toEqual(item.expected);
    }
    const primary = await first;
    expect(primary.threads).toBe(2);
    expect(Array.from(primary.outputs['y'].data as Float32Array)).toEqual(cases[0].expected);
    expect(runtime.stats('linear:1')?.batches.threads).toEqual({ 1: 4, 2: 1 });
  });

  it('runs the primary on its narrow session while the helper computes, and on the wide one after', async () => {
    await loadSplit();
    const { inputs, expected } = linearInputs(3, 5);
    runtime.simulateWorkerStall('linear:1', 0, 300, true);
    // The helper's thread is blocked as by a long batch; give it time to start "computing".
    await new Promise((resolve) => setTimeout(resolve, 100));
    const during = await runtime.infer('linear:1', { x: { ...inputs['x'], data: (inputs['x'].data as Float32Array).slice() } });
    expect(during.threads).toBe(1);
    expect(Array.from(during.outputs['y'].data as Float32Array)).toEqual(expected);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const after = await runtime.infer('linear:1', inputs);
    expect(after.threads).toBe(2);
    expect(Array.from(after.outputs['y'].data as Float32Array)).toEqual(expected);
  });

  it('replaces a helper that crashes, and keeps answering meanwhile', async () => {
    await loadSplit();
    runtime.simulateWorkerCrash('linear:1', 0, 'exit', true);
    await eventually(() => events.some((event) => event.type === 'crashed' && event.helper === true));
    const { inputs, expected } = linearInputs(2, 3);
    const result = await runtime.infer('linear:1', inputs);
    expect(Array.from(result.outputs['y'].data as Float32Array)).toEqual(expected);
    await eventually(() => events.filter((event) => event.type === 'helper-started').length === 2 && helperReady('linear:1'));
    // The primary took no harm: it was never replaced.
    expect(events.filter((event) => event.type === 'crashed' && event.helper !== true)).toEqual([]);
    expect((await runtime.infer('linear:1', linearInputs(1, 4).inputs)).threads).toBe(2);
  });

  it('gives lone requests to a replaced primary before the helper that outlived the old one', async () => {
    await loadSplit();
    runtime.simulateWorkerCrash('linear:1', 0, 'exit');
    await eventually(() => events.some((event) => event.type === 'replaced'));
    await eventually(() => helperReady('linear:1'));
    for (let index = 0; index < 3; index++) expect((await runtime.infer('linear:1', linearInputs(1, index).inputs)).threads).toBe(2);
  });

  it.each([
    ['a model quicker than the default LANE_MIN_RUN_MS', { laneMinRunMs: undefined }, true],
    ['a version whose config says splitUnderLoad: false', {}, false],
    ['a one-thread instance', { totalThreads: 1 }, true],
  ])('does not split %s', async (_, options, splitUnderLoad) => {
    start(options);
    await runtime.load('linear:1', { format: 'onnx', artifactPath: linearPath, splitUnderLoad });
    // A helper starts within milliseconds of the load where it is wanted (see the specs above).
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(lanesOf('linear:1')).toBeUndefined();
    expect(events.filter((event) => event.type === 'helper-started')).toEqual([]);
    // Two threads, or one where the small model ran as fast on one (see thread-choice.spec.ts).
    const threads = runtime.stats('linear:1')?.workers.instances[0].threads?.inUse;
    expect(threads).toBeGreaterThan(0);
    expect((await runtime.infer('linear:1', linearInputs(1, 1).inputs)).threads).toBe(threads);
  });

  it('stops the helper when a rebalance leaves one thread per instance, and splits again when threads come back', async () => {
    start({ rebalanceDelayMs: 50 });
    await runtime.load('a:1', { format: 'onnx', artifactPath: linearPath });
    await eventually(() => helperReady('a:1'));
    await runtime.load('b:1', { format: 'onnx', artifactPath: linearPath, splitUnderLoad: false });
    await eventually(() => runtime.stats('a:1')?.workers.instances[0].intraOpThreads === 1 && lanesOf('a:1') === undefined);
    expect((await runtime.infer('a:1', linearInputs(2, 2).inputs)).threads).toBe(1);

    await runtime.unload('b:1');
    await eventually(() => runtime.stats('a:1')?.workers.instances[0].intraOpThreads === 2 && helperReady('a:1'));
    const { inputs, expected } = linearInputs(2, 6);
    const result = await runtime.infer('a:1', inputs);
    expect(result.threads).toBe(2);
    expect(Array.from(result.outputs['y'].data as Float32Array)).toEqual(expected);
  });

  it('stops the helper with its instance on unload, and fails nothing it had answered', async () => {
    await loadSplit();
    await runtime.unload('linear:1');
    expect(events.filter((event) => event.type === 'stopped')).toHaveLength(2);
    expect(runtime.stats('linear:1')).toBeUndefined();
  });
});

import type { InferOptions, InferResult, NamedTensors } from '@modelgate/runtime';
import type { ModelServer, ServedVersion } from '../../inference/model-server.service';
import type { TrafficRouter } from '../../inference/traffic-router';
import type { ServingMetrics } from '../../telemetry/metrics/serving-metrics';
import { ShadowSeries, type ShadowMinute } from './shadow-series';
import { ShadowService, type ShadowLimits } from './shadow.service';

const served = (version: number, state: ServedVersion['state'] = 'ready'): ServedVersion =>
  ({ id: `v${version}`, runtimeKey: `iris:${version}`, modelName: 'iris', version, state, inFlight: 0 }) as ServedVersion;
const inputs = (): NamedTensors => ({ x: { datatype: 'FP32', shape: [1, 2], data: new Float32Array([1, 2]) } });
const outputs = (values: number[]): NamedTensors => ({ probabilities: { datatype: 'FP32', shape: [1, values.length], data: new Float32Array(values) } });
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** A model server with v1 (primary) and v2 (shadow) whose shadow runs wait until released. */
class FakeModelServer {
  readonly versions = new Map([
    [1, served(1)],
    [2, served(2)],
  ]);
  readonly queueDepth = new Map<number, { online: number; batch: number }>();
  readonly calls: Array<{ version: number; inputs: NamedTensors; options?: InferOptions; settle: (result: InferResult | Error) => void }> = [];

  find(model: string, version: number) {
    return model === 'iris' ? this.versions.get(version) : undefined;
  }
  stats(version: ServedVersion) {
    return { queueDepth: this.queueDepth.get(version.version) ?? { online: 0, batch: 0 } };
  }
  predict(version: ServedVersion, tensors: NamedTensors, options?: InferOptions): Promise<InferResult> {
    return new Promise((resolve, reject) => {
      this.calls.push({
        version: version.version,
        inputs: tensors,
        options,
        settle: (result) => (result instanceof Error ? reject(result) : resolve(result)),
      });
    });
  }
  answer(index: number, values: number[]) {
    this.calls[index].settle({ outputs: outputs(values), queueMs: 0, computeMs: 1, batchSize: 1, worker: 0 } as InferResult);
  }
}

describe('ShadowService', () => {
  const limits: ShadowLimits = { maxInFlight: 2, maxQueueDepth: 4, deadlineMs: 5_000 };
  const spec = { version: 2, percent: 100 };
  let modelServer: FakeModelServer;
  let series: ShadowSeries;
  let outcomes: string[];
  let shadow: ShadowService;
  const recorded = (): ShadowMinute => series.takeForFlush()[0];

  beforeEach(() => {
    modelServer = new FakeModelServer();
    series = new ShadowSeries();
    outcomes = [];
    const metrics = { shadowRequest: (_model: string, _version: number, outcome: string) => outcomes.push(outcome) } as unknown as ServingMetrics;
    const router = { setShadowSink: vi.fn() } as unknown as TrafficRouter;
    shadow = new ShadowService(router, modelServer as unknown as ModelServer, series, metrics, limits);
    shadow.onModuleInit();
    expect(router.setShadowSink).toHaveBeenCalledWith(shadow);
  });
  afterEach(() => vi.restoreAllMocks());

  it('picks about `percent` of the requests', () => {
    const picked = Array.from({ length: 10_000 }, () => shadow.select(served(1), { version: 2, percent: 25 }, inputs())).filter(Boolean).length;
    expect(picked).toBeGreaterThan(2_250);
    expect(picked).toBeLessThan(2_750);
    vi.spyOn(Math, 'random').mockReturnValue(0.2499);
    expect(shadow.select(served(1), { version: 2, percent: 25 }, inputs())).toBeDefined();
    vi.spyOn(Math, 'random').mockReturnValue(0.25);
    expect(shadow.select(served(1), { version: 2, percent: 25 }, inputs())).toBeUndefined();
    expect(series.takeForFlush()).toEqual([]); // not picked is not dropped
  });

  it('runs a copy of the inputs on the shadow at batch priority after the answer, and records the comparison', async () => {
    const original = inputs();
    const ticket = shadow.select(modelServer.versions.get(1)!, spec, original)!;
    (original.x.data as Float32Array).fill(0); // the primary's inputs move to a worker
    shadow.dispatch(ticket, outputs([0.2, 0.8]));
    expect(modelServer.calls).toHaveLength(0); // deferred: never inside the client's request
    await nextTurn();
    expect(modelServer.calls).toHaveLength(1);
    const [call] = modelServer.calls;
    expect(call.version).toBe(2);
    expect(Array.from(call.inputs.x.data as Float32Array)).toEqual([1, 2]);
    expect(call.options).toEqual({ priority: 'batch', deadlineMs: 5_000 });
    expect(shadow.inFlight).toBe(1);
    modelServer.answer(0, [0.6, 0.4]);
    await nextTurn();
    expect(shadow.inFlight).toBe(0);
    const minute = recorded();
    expect(minute).toMatchObject({ modelName: 'iris', primaryVersion: 1, shadowVersion: 2, requests: 1, rows: 1, agreeingRows: 0, values: 2, errors: 0 });
    expect(minute.absDiffMax).toBeCloseTo(0.4, 6);
    expect(outcomes).toEqual(['compared']);
  });

  it('never has more than maxInFlight copies running: the rest are dropped, also when many were picked at once', async () => {
    const tickets = Array.from({ length: 5 }, () => shadow.select(served(1), spec, inputs())!);
    expect(tickets.every(Boolean)).toBe(true); // nothing runs yet: all picked
    for (const ticket of tickets) shadow.dispatch(ticket, outputs([0.5, 0.5]));
    await nextTurn();
    expect(modelServer.calls).toHaveLength(2);
    expect(shadow.inFlight).toBe(2);
    expect(shadow.select(served(1), spec, inputs())).toBeUndefined();
    modelServer.answer(0, [0.5, 0.5]);
    await nextTurn();
    expect(shadow.select(served(1), spec, inputs())).toBeDefined();
    expect(recorded()).toMatchObject({ requests: 1, dropped: 4, errors: 0 });
    expect(outcomes.filter((outcome) => outcome === 'dropped')).toHaveLength(4);
  });

  it('drops copies when the shadow is not ready here or either queue is deep', () => {
    modelServer.versions.set(2, served(2, 'loading'));
    expect(shadow.select(served(1), spec, inputs())).toBeUndefined();
    modelServer.versions.delete(2);
    expect(shadow.select(served(1), spec, inputs())).toBeUndefined();
    modelServer.versions.set(2, served(2));
    modelServer.queueDepth.set(2, { online: 1, batch: 3 });
    expect(shadow.select(served(1), spec, inputs())).toBeUndefined();
    modelServer.queueDepth.set(2, { online: 0, batch: 3 });
    modelServer.queueDepth.set(1, { online: 4, batch: 0 });
    expect(shadow.select(served(1), spec, inputs())).toBeUndefined();
    modelServer.queueDepth.set(1, { online: 3, batch: 100 });
    expect(shadow.select(served(1), spec, inputs())).toBeDefined();
    expect(recorded()).toMatchObject({ dropped: 4, requests: 0 });
  });

  it('counts failures and answers that cannot be compared as errors, without throwing', async () => {
    for (let index = 0; index < 2; index++) shadow.dispatch(shadow.select(served(1), spec, inputs())!, outputs([0.5, 0.5]));
    await nextTurn();
    modelServer.calls[0].settle(new Error('deadline exceeded'));
    modelServer.answer(1, [0.2, 0.3, 0.5]);
    await nextTurn();
    expect(recorded()).toMatchObject({ requests: 0, errors: 2 });
    expect(outcomes).toEqual(['error', 'error']);
    expect(shadow.inFlight).toBe(0);
  });

  it('drops a copy whose shadow was replaced before it ran', async () => {
    const ticket = shadow.select(served(1), spec, inputs())!;
    modelServer.versions.set(2, served(2));
    shadow.dispatch(ticket, outputs([0.5, 0.5]));
    await nextTurn();
    expect(modelServer.calls).toHaveLength(0);
    expect(recorded()).toMatchObject({ dropped: 1 });
  });

  it('at close, takes no more copies and waits for those in flight', async () => {
    shadow.dispatch(shadow.select(served(1), spec, inputs())!, outputs([0.5, 0.5]));
    await nextTurn();
    let closed = false;
    const closing = shadow.close(10_000).then(() => (closed = true));
    expect(shadow.select(served(1), spec, inputs())).toBeUndefined();
    await nextTurn();
    expect(closed).toBe(false);
    modelServer.answer(0, [0.5, 0.5]);
    await closing;
    expect(recorded()).toMatchObject({ requests: 1, dropped: 0 });
  });
});

import {
  DEFAULT_BATCHING,
  batchRows,
  checkBatchedOutputs,
  joinInputs,
  planBatching,
  resolveBatchingConfig,
  shapeKey,
  sliceOutputs,
} from './batching';
import { InferenceError, ModelLoadError } from './errors';
import { QueuedRequest, RequestLane } from './request-lane';
import type { ModelSignature } from './signature';
import type { NamedTensors, Tensor } from './tensor';

const fp32 = (shape: number[], values: number[]): Tensor => ({ datatype: 'FP32', shape, data: Float32Array.from(values) });
const signature = (input: number[], output: number[] = input): ModelSignature => ({
  inputs: [{ name: 'x', datatype: 'FP32', shape: input }],
  outputs: [{ name: 'y', datatype: 'FP32', shape: output }],
});

describe('resolveBatchingConfig', () => {
  it('fills in the defaults', () => {
    expect(resolveBatchingConfig()).toEqual(DEFAULT_BATCHING);
    expect(resolveBatchingConfig({ maxBatchSize: 8, batchAxis: 1 })).toEqual({ ...DEFAULT_BATCHING, maxBatchSize: 8, batchAxis: 1 });
    expect(resolveBatchingConfig({ maxQueueDelayMs: 0 }).maxQueueDelayMs).toBe(0);
  });

  it('refuses settings that cannot work, naming the field and what it takes', () => {
    expect(() => resolveBatchingConfig({ maxBatchSize: 0 })).toThrow(new ModelLoadError('batching.maxBatchSize must be a whole number of at least 1, got 0'));
    expect(() => resolveBatchingConfig({ maxQueueSize: 2.5 })).toThrow(/batching.maxQueueSize must be a whole number/);
    expect(() => resolveBatchingConfig({ maxQueueDelayMs: -1 })).toThrow(/batching.maxQueueDelayMs must be a number of milliseconds >= 0, got -1/);
    expect(() => resolveBatchingConfig({ defaultTimeoutMs: 0 })).toThrow(/batching.defaultTimeoutMs must be a number of milliseconds > 0/);
    expect(() => resolveBatchingConfig({ batchAxis: -1 })).toThrow(/batching.batchAxis must be a whole number >= 0/);
  });
});

describe('planBatching', () => {
  const config = resolveBatchingConfig();

  it('joins along axis 0 when it is free in every input and output', () => {
    expect(planBatching(signature([-1, 4], [-1, 3]), config)).toEqual({ axis: 0, reason: 'joined along axis 0', shapesVary: false });
  });

  it('serves one by one when a dimension 0 is fixed or missing, and says which', () => {
    const fixed = planBatching(signature([1, 4], [1, 3]), config);
    expect(fixed.axis).toBeNull();
    expect(fixed.reason).toBe(
      'served one by one: dimension 0 of input "x" is fixed (shape [1, 4]) (set batching.batchAxis if the batch is on another axis)',
    );
    expect(planBatching(signature([-1, 4], [3]), config).reason).toMatch(/dimension 0 of output "y" is fixed \(shape \[3\]\)/);
    const scalar: ModelSignature = {
      inputs: [...signature([-1, 3]).inputs, { name: 'scale', datatype: 'INT64', shape: [] }],
      outputs: signature([-1, 3]).outputs,
    };
    expect(planBatching(scalar, config).reason).toMatch(/dimension 0 of input "scale" does not exist \(shape \[\]\)/);
    expect(planBatching(signature([-1, 4]), { ...config, maxBatchSize: 1 })).toMatchObject({ axis: null, reason: 'served one by one: maxBatchSize is 1' });
  });

  it('joins along a configured axis only where it is free everywhere', () => {
    const recurrent = signature([2, -1, 4]);
    expect(planBatching(recurrent, config).axis).toBeNull();
    expect(planBatching(recurrent, { ...config, batchAxis: 1 })).toEqual({ axis: 1, reason: 'joined along axis 1 (batchAxis)', shapesVary: false });
    expect(() => planBatching(recurrent, { ...config, batchAxis: 0 })).toThrow(
      new ModelLoadError(
        'batching.batchAxis is 0, but dimension 0 of input "x" is fixed (shape [2, -1, 4]); ' +
          'the batch axis must be free (-1) in every input and output: name another axis or leave batchAxis out',
      ),
    );
    expect(() => planBatching(recurrent, { ...config, batchAxis: 3 })).toThrow(/dimension 3 of input "x" does not exist/);
  });

  it('notes when inputs have other free dimensions, so that only equal shapes join', () => {
    expect(planBatching(signature([-1, -1]), config).shapesVary).toBe(true);
    expect(planBatching(signature([2, -1, -1]), { ...config, batchAxis: 1 }).shapesVary).toBe(true);
  });
});

describe('joining and splitting', () => {
  it('reads the rows along the axis, and -1 when the inputs disagree', () => {
    expect(batchRows({ a: fp32([3, 2], Array(6).fill(0)), b: fp32([3], [0, 0, 0]) }, 0)).toBe(3);
    expect(batchRows({ a: fp32([3, 2], Array(6).fill(0)), b: fp32([2], [0, 0]) }, 0)).toBe(-1);
    expect(shapeKey({ a: fp32([3, 2], Array(6).fill(0)), b: fp32([3, 5], Array(15).fill(0)) }, ['a', 'b'], 0)).toBe('2,|5,|');
  });

  it('stacks along axis 0 and hands each request a view of its own rows', () => {
    const members = [
      { rows: 1, inputs: { x: fp32([1, 2], [1, 2]) } },
      { rows: 2, inputs: { x: fp32([2, 2], [3, 4, 5, 6]) } },
    ];
    const joined = joinInputs(members, ['x'], 0, 3);
    expect(joined.x).toEqual(fp32([3, 2], [1, 2, 3, 4, 5, 6]));

    const outputs: NamedTensors = { y: fp32([3, 2], [10, 20, 30, 40, 50, 60]) };
    const second = sliceOutputs(outputs, 0, 3, 1, 2).y;
    expect(second.shape).toEqual([2, 2]);
    expect(Array.from(second.data as Float32Array)).toEqual([30, 40, 50, 60]);
    expect((second.data as Float32Array).buffer).toBe((outputs.y.data as Float32Array).buffer);
  });

  it('stacks along an inner axis ([layers, batch, units]) and cuts each request back out', () => {
    // Request a: 1 row, b: 2 rows; 2 layers, 3 units. Values name their layer, request and row.
    const a = fp32([2, 1, 3], [100, 101, 102, 200, 201, 202]);
    const b = fp32([2, 2, 3], [110, 111, 112, 120, 121, 122, 210, 211, 212, 220, 221, 222]);
    const joined = joinInputs(
      [
        { rows: 1, inputs: { s: a } },
        { rows: 2, inputs: { s: b } },
      ],
      ['s'],
      1,
      3,
    );
    expect(joined.s).toEqual(fp32([2, 3, 3], [100, 101, 102, 110, 111, 112, 120, 121, 122, 200, 201, 202, 210, 211, 212, 220, 221, 222]));
    expect(sliceOutputs(joined, 1, 3, 0, 1).s).toEqual(a);
    expect(sliceOutputs(joined, 1, 3, 1, 2).s).toEqual(b);
  });

  it('joins and splits BYTES and 64-bit tensors too', () => {
    const text = (values: string[]): Tensor => ({ datatype: 'BYTES', shape: [values.length], data: values.map((value) => Buffer.from(value)) });
    const ids = (values: bigint[]): Tensor => ({ datatype: 'INT64', shape: [values.length], data: BigInt64Array.from(values) });
    const joined = joinInputs(
      [
        { rows: 1, inputs: { t: text(['a']), i: ids([1n]) } },
        { rows: 2, inputs: { t: text(['bb', 'c']), i: ids([2n, 3n]) } },
      ],
      ['t', 'i'],
      0,
      3,
    );
    expect((joined.t.data as Uint8Array[]).map((bytes) => Buffer.from(bytes).toString())).toEqual(['a', 'bb', 'c']);
    expect(joined.i.data).toEqual(BigInt64Array.from([1n, 2n, 3n]));
    const part = sliceOutputs(joined, 0, 3, 1, 2);
    expect((part.t.data as Uint8Array[]).map((bytes) => Buffer.from(bytes).toString())).toEqual(['bb', 'c']);
    expect(part.i).toEqual(ids([2n, 3n]));
  });

  it('refuses to split outputs that do not carry the batch rows', () => {
    expect(() => checkBatchedOutputs({ y: fp32([3, 1], [0, 0, 0]) }, 0, 3)).not.toThrow();
    expect(() => checkBatchedOutputs({ y: fp32([2, 1], [0, 0]) }, 0, 3)).toThrow(InferenceError);
    expect(() => checkBatchedOutputs({ y: fp32([2, 1], [0, 0]) }, 0, 3)).toThrow(/output "y" came back with shape \[2, 1\] for a batch of 3 rows/);
  });
});

describe('RequestLane', () => {
  const request = (rows: number, key = '', deadline = Infinity) =>
    new QueuedRequest({}, rows, key, 'online', 0, 1_000, deadline);

  it('takes the oldest and then those that fit, up to maxRows, and keeps its row count', () => {
    const lane = new RequestLane();
    const requests = [request(2), request(3), request(2), request(1)];
    requests.forEach((item) => lane.push(item));
    expect(lane.rows).toBe(8);
    const batch: QueuedRequest[] = [];
    expect(lane.collect(batch, 6, true, 0, () => undefined)).toBe(5);
    // Stops at the first that does not fit, so the order stays first come, first served.
    expect(batch).toEqual([requests[0], requests[1]]);
    expect(lane.size).toBe(2);
    expect(lane.rows).toBe(3);
    expect(lane.peek()).toBe(requests[2]);
  });

  it('joins only requests of the same shape, looking past the others', () => {
    const lane = new RequestLane();
    const requests = [request(1, 'w3'), request(1, 'w5'), request(2, 'w3'), request(-1), request(1, 'w3')];
    requests.forEach((item) => lane.push(item));
    const batch: QueuedRequest[] = [];
    expect(lane.collect(batch, 32, true, 0, () => undefined)).toBe(4);
    expect(batch).toEqual([requests[0], requests[2], requests[4]]);
    expect(lane.peek()).toBe(requests[1]);

    const next: QueuedRequest[] = [];
    lane.collect(next, 32, true, 0, () => undefined);
    expect(next).toEqual([requests[1]]);
    // A request that cannot join runs alone.
    const alone: QueuedRequest[] = [];
    lane.collect(alone, 32, true, 0, () => undefined);
    expect(alone).toEqual([requests[3]]);
    expect(lane.size).toBe(0);
  });

  it('takes one at a time when the version joins nothing', () => {
    const lane = new RequestLane();
    [request(1), request(1)].forEach((item) => lane.push(item));
    const batch: QueuedRequest[] = [];
    lane.collect(batch, 32, false, 0, () => undefined);
    expect(batch).toHaveLength(1);
  });

  it('hands requests past their deadline to expire, never to a batch', () => {
    const lane = new RequestLane();
    const requests = [request(1, '', 5), request(1, '', 50), request(1, '', 8), request(1, '', 90)];
    requests.forEach((item) => lane.push(item));
    const expired: QueuedRequest[] = [];
    expect(lane.removeExpired(10, (item) => expired.push(item))).toBe(50);
    expect(expired).toEqual([requests[0], requests[2]]);
    const batch: QueuedRequest[] = [];
    lane.collect(batch, 32, true, 60, (item) => expired.push(item));
    expect(expired).toEqual([requests[0], requests[2], requests[1]]);
    expect(batch).toEqual([requests[3]]);
  });

  it('puts requests back before everything waiting, in their order, into spent slots or not', () => {
    const lane = new RequestLane();
    const requests = [request(1), request(2), request(1), request(3)];
    requests.forEach((item) => lane.push(item));
    const taken: QueuedRequest[] = [];
    lane.collect(taken, 3, true, 0, () => undefined);
    expect(taken).toEqual([requests[0], requests[1]]);
    // Two slots at the front are spent: two fit there.
    lane.pushFront(taken);
    expect(lane.size).toBe(4);
    expect(lane.rows).toBe(7);
    // More than the spent slots: the rest move up.
    const extra = [request(2, 'apart'), request(1, 'apart'), request(1, 'apart')];
    lane.pushFront(extra);
    expect(lane.size).toBe(7);
    expect(lane.rows).toBe(11);
    const order: QueuedRequest[] = [];
    for (let taken = 0; taken < 7; taken++) {
      const batch: QueuedRequest[] = [];
      lane.collect(batch, 1, false, 0, () => undefined);
      order.push(...batch);
    }
    expect(order).toEqual([...extra, ...requests]);
    expect(lane.size).toBe(0);
  });
});

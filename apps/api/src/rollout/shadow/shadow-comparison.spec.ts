import type { DataType, NamedTensors, Tensor, TensorData } from '@modelgate/runtime';
import { compareAnswers, outputKind } from './shadow-comparison';
import { ShadowSeries } from './shadow-series';
import { byPair } from './shadow-comparisons.service';

const tensor = (datatype: DataType, shape: number[], data: TensorData): Tensor => ({ datatype, shape, data });
const scores = (rows: number[][]): Tensor => tensor('FP32', [rows.length, rows[0].length], new Float32Array(rows.flat()));

describe('compareAnswers', () => {
  it('tells classifier scores, labels and plain numbers apart by datatype and shape', () => {
    expect(outputKind({ datatype: 'FP32', shape: [4, 3] })).toBe('scores');
    expect(outputKind({ datatype: 'FP16', shape: [4, 2] })).toBe('scores');
    expect(outputKind({ datatype: 'FP32', shape: [4, 1] })).toBe('values');
    expect(outputKind({ datatype: 'FP64', shape: [4] })).toBe('values');
    expect(outputKind({ datatype: 'FP32', shape: [4, 3, 2] })).toBe('values');
    expect(outputKind({ datatype: 'INT64', shape: [4] })).toBe('labels');
    expect(outputKind({ datatype: 'BOOL', shape: [4] })).toBe('labels');
    expect(outputKind({ datatype: 'BYTES', shape: [4] })).toBe('labels');
    expect(outputKind({ datatype: 'INT32', shape: [4, 2] })).toBe('values');
    expect(outputKind({ datatype: 'BYTES', shape: [4, 2] })).toBe('none');
  });

  it('reports full agreement and no difference for identical answers', () => {
    const answer = { probabilities: scores([[0.1, 0.7, 0.2], [0.5, 0.3, 0.2]]) };
    expect(compareAnswers(answer, { probabilities: scores([[0.1, 0.7, 0.2], [0.5, 0.3, 0.2]]) })).toEqual({
      rows: 2,
      agreeingRows: 2,
      values: 6,
      absDiffSum: 0,
      absDiffMax: 0,
    });
  });

  it('counts top-1 agreement per row and the absolute differences of the scores', () => {
    const primary = { probabilities: scores([[0.1, 0.7, 0.2], [0.5, 0.25, 0.25], [0.2, 0.2, 0.6]]) };
    const shadow = { probabilities: scores([[0.1, 0.6, 0.3], [0.25, 0.5, 0.25], [0.2, 0.2, 0.6]]) };
    const comparison = compareAnswers(primary, shadow)!;
    expect(comparison.rows).toBe(3);
    expect(comparison.agreeingRows).toBe(2);
    expect(comparison.values).toBe(9);
    expect(comparison.absDiffSum).toBeCloseTo(0.1 + 0.1 + 0.25 + 0.25, 6);
    expect(comparison.absDiffMax).toBeCloseTo(0.25, 6);
  });

  it('compares integer and string labels by equality, without differences', () => {
    const primary: NamedTensors = {
      label: tensor('INT64', [3], new BigInt64Array([0n, 2n, 1n])),
      name: tensor('BYTES', [2], [Buffer.from('setosa'), Buffer.from('virginica')]),
    };
    const shadow: NamedTensors = {
      label: tensor('INT64', [3], new BigInt64Array([0n, 1n, 1n])),
      name: tensor('BYTES', [2], [Buffer.from('setosa'), Buffer.from('versicolor')]),
    };
    expect(compareAnswers(primary, shadow)).toEqual({ rows: 5, agreeingRows: 3, values: 0, absDiffSum: 0, absDiffMax: 0 });
  });

  it('gives the mean and max absolute difference of numeric outputs (FP16 decoded, 64-bit integers converted)', () => {
    const primary: NamedTensors = {
      value: tensor('FP64', [2, 1], new Float64Array([1.5, -2])),
      half: tensor('FP16', [1, 1], new Uint16Array([0x3c00])), // 1.0
      counts: tensor('INT64', [1, 2], new BigInt64Array([10n, 20n])),
    };
    const shadow: NamedTensors = {
      value: tensor('FP64', [2, 1], new Float64Array([1, -2])),
      half: tensor('FP16', [1, 1], new Uint16Array([0x4000])), // 2.0
      counts: tensor('INT64', [1, 2], new BigInt64Array([13n, 20n])),
    };
    expect(compareAnswers(primary, shadow)).toEqual({ rows: 0, agreeingRows: 0, values: 5, absDiffSum: 0.5 + 1 + 3, absDiffMax: 3 });
  });

  it('leaves non-finite differences out, and counts equal NaNs as no difference', () => {
    const primary = { value: tensor('FP32', [4], new Float32Array([NaN, NaN, Infinity, 1])) };
    const shadow = { value: tensor('FP32', [4], new Float32Array([NaN, 1, Infinity, 3])) };
    expect(compareAnswers(primary, shadow)).toEqual({ rows: 0, agreeingRows: 0, values: 3, absDiffSum: 2, absDiffMax: 2 });
  });

  it('compares only the outputs both have, and cannot compare answers of another shape or none in common', () => {
    const primary = { probabilities: scores([[0.9, 0.1]]), extra: tensor('FP32', [1], new Float32Array([1])) };
    expect(compareAnswers(primary, { probabilities: scores([[0.2, 0.8]]) })).toMatchObject({ rows: 1, agreeingRows: 0, values: 2 });
    expect(compareAnswers(primary, { probabilities: scores([[0.2, 0.5, 0.3]]) })).toBeUndefined();
    expect(compareAnswers(primary, { other: scores([[0.2, 0.8]]) })).toBeUndefined();
    expect(compareAnswers(primary, { extra: tensor('INT32', [1], new Int32Array([1])) })).toBeUndefined();
  });
});

describe('ShadowSeries and the report', () => {
  const minute = 1_700_000_000_000 - (1_700_000_000_000 % 60_000);
  const pair = { modelName: 'iris', primaryVersion: 1, shadowVersion: 2 };

  it('sums counts and keeps the largest difference per pair and minute, and gives back what a failed flush took', () => {
    const series = new ShadowSeries();
    series.compared(pair, { rows: 2, agreeingRows: 2, values: 6, absDiffSum: 0.3, absDiffMax: 0.1 }, minute + 1);
    series.compared(pair, { rows: 1, agreeingRows: 0, values: 3, absDiffSum: 0.9, absDiffMax: 0.5 }, minute + 2);
    series.dropped(pair, minute + 3);
    series.failed({ ...pair, shadowVersion: 3 }, minute + 4);
    const taken = series.takeForFlush();
    expect(taken).toHaveLength(2);
    expect(taken[0]).toMatchObject({ minute, requests: 2, rows: 3, agreeingRows: 2, values: 9, absDiffMax: 0.5, dropped: 1, errors: 0 });
    expect(taken[0].absDiffSum).toBeCloseTo(1.2, 10);
    expect(taken[1]).toMatchObject({ shadowVersion: 3, requests: 0, errors: 1 });
    expect(series.takeForFlush()).toEqual([]);

    series.compared(pair, { rows: 1, agreeingRows: 1, values: 3, absDiffSum: 0, absDiffMax: 0.7 }, minute + 5);
    series.flushFailed(taken);
    const retried = series.takeForFlush();
    expect(retried).toHaveLength(2);
    expect(retried.find((entry) => entry.shadowVersion === 2)).toMatchObject({ requests: 3, rows: 4, agreeingRows: 3, absDiffMax: 0.7, dropped: 1 });
  });

  it('turns stored minutes into totals and points per pair, with rates and means from the sums', () => {
    const series = new ShadowSeries();
    series.compared(pair, { rows: 4, agreeingRows: 3, values: 8, absDiffSum: 0.8, absDiffMax: 0.4 }, minute);
    series.compared(pair, { rows: 4, agreeingRows: 4, values: 8, absDiffSum: 0, absDiffMax: 0 }, minute + 60_000);
    series.dropped({ ...pair, shadowVersion: 3 }, minute);
    const [first, second] = byPair(series.takeForFlush());
    expect(first.totals).toEqual({ requests: 2, rows: 8, agreeingRows: 7, agreementRate: 7 / 8, values: 16, meanAbsDiff: 0.05, maxAbsDiff: 0.4, errors: 0, dropped: 0 });
    expect(first.points.map((point) => [point.time, point.agreementRate, point.maxAbsDiff])).toEqual([
      [new Date(minute).toISOString(), 0.75, 0.4],
      [new Date(minute + 60_000).toISOString(), 1, 0],
    ]);
    expect(second).toMatchObject({ shadowVersion: 3, totals: { requests: 0, agreementRate: null, meanAbsDiff: null, maxAbsDiff: null, dropped: 1 } });
  });
});

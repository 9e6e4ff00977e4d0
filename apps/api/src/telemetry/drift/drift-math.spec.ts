import type { ModelSignature } from '@modelgate/runtime';
import { buildBaseline, compareToBaseline, DriftWindow, sameBins } from './drift-aggregates';
import { driftLayout, fillRows, MAX_ROWS_PER_SAMPLE, MAX_VALUES_PER_SAMPLE, sampledRows } from './drift-layout';
import { categoricalBin, halfToNumber, meanAndStd, numericBin, populationStabilityIndex, quantileEdges } from './drift-math';

/** Evenly spaced quantiles of a standard normal (a noiseless sample), via the inverse error function's series. */
function normalQuantiles(count: number, shift = 0): number[] {
  // Acklam's rational approximation of the normal quantile function.
  const a = [-39.69683028665376, 220.9460984245205, -275.928510446969, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const quantile = (p: number): number => {
    if (p < 0.02425) {
      const q = Math.sqrt(-2 * Math.log(p));
      return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
    if (p > 1 - 0.02425) return -quantile(1 - p);
    const q = p - 0.5;
    const r = q * q;
    return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  };
  return Array.from({ length: count }, (_, index) => quantile((index + 0.5) / count) + shift);
}

describe('drift math', () => {
  it('puts bin edges at the deciles, merging equal ones', () => {
    const uniform = Array.from({ length: 1001 }, (_, index) => index / 10);
    expect(quantileEdges(uniform)).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90]);
    // Few distinct values: fewer bins (edges interpolate between neighbouring values).
    const binary = quantileEdges([0, 0, 0, 1, 1, 1, 1, 1, 1, 1]);
    expect(binary).toHaveLength(3);
    expect(binary[0]).toBe(0);
    expect(binary[1]).toBeCloseTo(0.7, 12);
    expect(binary[2]).toBe(1);
    expect(quantileEdges([3, 3, 3])).toEqual([3]);
    expect(quantileEdges([])).toEqual([]);
  });

  it('bins numbers at or below an edge into that bin, classes by index', () => {
    expect(numericBin([1, 2], 1)).toBe(0);
    expect(numericBin([1, 2], 1.5)).toBe(1);
    expect(numericBin([1, 2], 7)).toBe(2);
    expect(categoricalBin(4, 2)).toBe(2);
    expect(categoricalBin(4, 9)).toBe(3);
    expect(categoricalBin(4, -1)).toBe(3);
  });

  it('gives PSI 0 for identical shares and the textbook value otherwise', () => {
    expect(populationStabilityIndex([0.25, 0.25, 0.5], [0.25, 0.25, 0.5])).toBe(0);
    // (0.3-0.5)ln(0.3/0.5) + (0.7-0.5)ln(0.7/0.5)
    expect(populationStabilityIndex([0.5, 0.5], [0.3, 0.7])).toBeCloseTo(-0.2 * Math.log(0.6) + 0.2 * Math.log(1.4), 12);
    // An empty bin is taken as 1e-4, so the index stays finite.
    expect(Number.isFinite(populationStabilityIndex([0.5, 0.5], [1, 0]))).toBe(true);
  });

  it('flags a normal sample shifted by two standard deviations, not one shifted by a twentieth', () => {
    const spec = { name: 'x', source: 'input' as const, kind: 'numeric' as const };
    const baseline = buildBaseline([spec], normalQuantiles(2000).map((value) => Float64Array.of(value)), new Date(0), new Date(1));
    expect(baseline.features[0].mean).toBeCloseTo(0, 6);
    expect(baseline.features[0].std).toBeCloseTo(1, 1);
    const psiOf = (shift: number) => {
      const window = new DriftWindow(baseline, 0);
      for (const value of normalQuantiles(2000, shift)) window.add(Float64Array.of(value));
      return compareToBaseline(baseline, { ...window, from: null, to: null }, 0.2, 100)[0];
    };
    const shifted = psiOf(2);
    expect(shifted.psi!).toBeGreaterThan(2);
    expect(shifted.drifted).toBe(true);
    expect(shifted.current.mean!).toBeCloseTo(2, 6);
    const same = psiOf(0);
    expect(same.psi!).toBeCloseTo(0, 6);
    expect(same.drifted).toBe(false);
    expect(psiOf(0.05).drifted).toBe(false);
  });

  it('does not flag a window with too few rows, however different', () => {
    const spec = { name: 'x', source: 'input' as const, kind: 'numeric' as const };
    const baseline = buildBaseline([spec], normalQuantiles(500).map((value) => Float64Array.of(value)), new Date(0), new Date(1));
    const window = new DriftWindow(baseline, 0);
    for (const value of normalQuantiles(20, 5)) window.add(Float64Array.of(value));
    const [feature] = compareToBaseline(baseline, { ...window, from: null, to: null }, 0.2, 100);
    expect(feature.psi!).toBeGreaterThan(1);
    expect(feature.drifted).toBe(false);
  });

  it('computes mean and standard deviation from sums', () => {
    expect(meanAndStd(4, 10, 30)).toEqual({ mean: 2.5, std: Math.sqrt(30 / 4 - 6.25) });
    expect(meanAndStd(0, 0, 0)).toEqual({ mean: null, std: null });
  });

  it('reads half-precision bits', () => {
    expect(halfToNumber(0x3c00)).toBe(1);
    expect(halfToNumber(0xc000)).toBe(-2);
    expect(halfToNumber(0x3555)).toBeCloseTo(1 / 3, 3);
    expect(halfToNumber(0x7c00)).toBe(Infinity);
  });
});

describe('drift layout', () => {
  const signature: ModelSignature = {
    inputs: [
      { name: 'x', datatype: 'FP32', shape: [-1, 3] },
      { name: 'image', datatype: 'UINT8', shape: [-1, 32, 32, 3] },
      { name: 'text', datatype: 'BYTES', shape: [-1] },
    ],
    outputs: [
      { name: 'scores', datatype: 'FP32', shape: [-1, 2] },
      { name: 'label', datatype: 'INT64', shape: [-1] },
    ],
  };

  it('watches small tensors per element, large ones by row summary, and outputs as classes', () => {
    const layout = driftLayout(signature);
    expect(layout.features.map((feature) => `${feature.name}:${feature.kind}`)).toEqual([
      'x[0]:numeric',
      'x[1]:numeric',
      'x[2]:numeric',
      'image:mean:numeric',
      'image:std:numeric',
      'scores[0]:numeric',
      'scores[1]:numeric',
      'scores:class:categorical',
      'label:class:categorical',
    ]);
  });

  it('copies the sampled rows only, before the tensors are sent away', () => {
    const layout = driftLayout(signature);
    const image = new Uint8Array(2 * 32 * 32 * 3);
    image.fill(10, 0, 3072);
    image.fill(200, 3072);
    const inputs = {
      x: { datatype: 'FP32' as const, shape: [2, 3], data: Float32Array.of(1, 2, 3, 4, 5, 6) },
      image: { datatype: 'UINT8' as const, shape: [2, 32, 32, 3], data: image },
    };
    const rows = sampledRows(2, layout.features.length);
    const width = layout.features.length;
    const values = new Float64Array(rows.length * width);
    expect(fillRows(layout.inputs, inputs, rows, values, width)).toBe(true);
    const outputs = {
      scores: { datatype: 'FP32' as const, shape: [2, 2], data: Float32Array.of(0.9, 0.1, 0.2, 0.8) },
      label: { datatype: 'INT64' as const, shape: [2], data: BigInt64Array.of(0n, 1n) },
    };
    expect(fillRows(layout.outputs, outputs, rows, values, width)).toBe(true);
    expect(Array.from(values.subarray(0, width))).toEqual([1, 2, 3, 10, 0, Math.fround(0.9), Math.fround(0.1), 0, 0]);
    expect(Array.from(values.subarray(width))).toEqual([4, 5, 6, 200, 0, Math.fround(0.2), Math.fround(0.8), 1, 1]);
    // A row of another size than the signature's is not taken.
    expect(fillRows(layout.inputs, { x: { datatype: 'FP32', shape: [1, 2], data: Float32Array.of(1, 2) } }, [0], new Float64Array(9), 9)).toBe(false);
  });

  it('samples at most MAX_ROWS_PER_SAMPLE rows, spread over the batch, fewer when rows are wide', () => {
    expect(sampledRows(3)).toEqual([0, 1, 2]);
    const many = sampledRows(1000);
    expect(many).toHaveLength(MAX_ROWS_PER_SAMPLE);
    expect(many[0]).toBeLessThan(100);
    expect(many.at(-1)).toBeGreaterThan(900);
    expect(sampledRows(1000, 512)).toHaveLength(MAX_VALUES_PER_SAMPLE / 512);
    expect(sampledRows(1000, 100_000)).toHaveLength(1);
  });

  it('tells whether two baselines bin alike', () => {
    const spec = [{ name: 'x', source: 'input' as const, kind: 'numeric' as const }];
    const one = buildBaseline(spec, [1, 2, 3, 4].map((value) => Float64Array.of(value)), new Date(0), new Date(1));
    const same = buildBaseline(spec, [1, 2, 3, 4].map((value) => Float64Array.of(value)), new Date(5), new Date(6));
    const other = buildBaseline(spec, [1, 2, 3, 9].map((value) => Float64Array.of(value)), new Date(0), new Date(1));
    expect(sameBins(one, same)).toBe(true);
    expect(sameBins(one, other)).toBe(false);
  });
});

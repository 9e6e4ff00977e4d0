import { axisLabel, niceCeiling } from './chart-scale';

describe('niceCeiling', () => {
  it('rounds up to 1, 2, 2.5 or 5 times a power of ten', () => {
    expect([0.7, 1, 1.2, 2.2, 3, 7, 12, 0.013, 180].map(niceCeiling)).toEqual([1, 1, 2, 2.5, 5, 10, 20, 0.02, 200]);
  });
  it('gives 1 for nothing to draw (no values, zeros), never 0 (the axis would divide by it)', () => {
    expect(niceCeiling(0)).toBe(1);
    expect(niceCeiling(Number.NaN)).toBe(1);
  });
});

describe('axisLabel', () => {
  it('takes as many decimals as the step needs, so no two ticks read the same', () => {
    const top = niceCeiling(0.017);
    const labels = [0, 1, 2, 3, 4].map((index) => axisLabel((index * top) / 4, top / 4, ''));
    expect(labels).toEqual(['0.000', '0.005', '0.010', '0.015', '0.020']);
    expect([0, 1, 2, 3, 4].map((index) => axisLabel(index * 0.25, 0.25, ''))).toEqual(['0.00', '0.25', '0.50', '0.75', '1.00']);
    expect(new Set(labels).size).toBe(5);
  });
  it('writes whole numbers for whole steps, with the unit', () => {
    expect([0, 5, 10, 15, 20].map((tick) => axisLabel(tick, 5, ' ms'))).toEqual(['0 ms', '5 ms', '10 ms', '15 ms', '20 ms']);
    expect(axisLabel(2.5, 0.25, '%')).toBe('2.50%');
  });
});

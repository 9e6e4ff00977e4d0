import { describe, expect, it } from 'vitest';
import { disturbedCores, isBusy, machineTicks } from './cpu';

describe('machineTicks', () => {
  it('counts steal apart from the time processes used, and leaves idle and iowait out of both', () => {
    // cpu user nice system idle iowait irq softirq steal guest guest_nice
    const stat = 'cpu  1000 20 300 9000 50 4 6 700 100 0\ncpu0 500 10 150 4500 25 2 3 350 50 0\n';
    expect(machineTicks(stat)).toEqual({ busy: 1000 + 20 + 300 + 4 + 6, steal: 700 });
  });

  it('reads a kernel that reports no steal column as no steal', () => {
    expect(machineTicks('cpu  10 0 5 100 0 0 1\n')).toEqual({ busy: 16, steal: 0 });
  });
});

describe('a disturbed measurement', () => {
  it('adds steal to the other processes', () => {
    expect(disturbedCores({ otherCores: 0.1, stealCores: 0.2 })).toBeCloseTo(0.3);
    expect(isBusy({ otherCores: 0.1, stealCores: 0.2 })).toBe(true);
    expect(isBusy({ otherCores: 0.1, stealCores: 0.1 })).toBe(false);
  });

  it('reads results from before steal was measured apart by their other processes alone', () => {
    expect(isBusy({ otherCores: 0.3 })).toBe(true);
    expect(isBusy({ otherCores: 0.2 })).toBe(false);
    expect(isBusy(undefined)).toBe(false);
  });
});

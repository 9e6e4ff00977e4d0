import { planOf } from './plan-fields';

const FIELDS = { minRequests: '100', minDuration: '60', maxErrorPercent: '1', maxLatencyRatio: '1.5', maxP99Ms: '' };

describe('planOf', () => {
  it('reads the steps and fields into the API plan, the error rate from percent, blank gates left out', () => {
    expect(planOf('5, 25 50,100', FIELDS)).toEqual({
      steps: [5, 25, 50, 100],
      minRequests: 100,
      minDurationSeconds: 60,
      gates: { maxErrorRate: 0.01, maxLatencyRatio: 1.5 },
    });
  });
  it('leaves out gates and counts that are all blank, for the API defaults', () => {
    expect(planOf('50 100', { minRequests: '', minDuration: ' ', maxErrorPercent: '', maxLatencyRatio: '', maxP99Ms: '' })).toEqual({ steps: [50, 100] });
  });
  it('refuses steps that are not numbers, saying what would do', () => {
    expect(() => planOf('5, lots, 100', FIELDS)).toThrow('steps must be percentages separated by commas, such as 5, 25, 50, 100; got "5, lots, 100"');
    expect(() => planOf('  ', FIELDS)).toThrow('steps must be percentages');
  });
});

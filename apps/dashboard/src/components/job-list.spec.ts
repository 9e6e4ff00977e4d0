import { ACTIVE_REFRESH_MS, isActive, refreshMsFor, scoredPercent } from './job-list';

describe('refreshMsFor', () => {
  it('reads the list again while a job is queued or running', () => {
    expect(refreshMsFor([{ status: 'succeeded' }, { status: 'queued' }])).toBe(ACTIVE_REFRESH_MS);
    expect(refreshMsFor([{ status: 'running' }])).toBe(ACTIVE_REFRESH_MS);
  });
  it('stops once every job has ended, and before the list has loaded', () => {
    expect(refreshMsFor([{ status: 'succeeded' }, { status: 'failed' }, { status: 'cancelled' }])).toBeUndefined();
    expect(refreshMsFor([])).toBeUndefined();
    expect(refreshMsFor(undefined)).toBeUndefined();
  });
  it('counts only queued and running as active', () => {
    expect(['queued', 'running', 'succeeded', 'failed', 'cancelled'].filter((status) => isActive({ status: status as 'queued' }))).toEqual(['queued', 'running']);
  });
});

describe('scoredPercent', () => {
  it('rounds down, so that 100% means every row is scored', () => {
    expect(scoredPercent({ processedRows: 0, totalRows: 3 })).toBe(0);
    expect(scoredPercent({ processedRows: 1, totalRows: 3 })).toBe(33);
    expect(scoredPercent({ processedRows: 999, totalRows: 1000 })).toBe(99);
    expect(scoredPercent({ processedRows: 1000, totalRows: 1000 })).toBe(100);
  });
  it('never shows more than 100%, nor divides by zero rows', () => {
    expect(scoredPercent({ processedRows: 5, totalRows: 4 })).toBe(100);
    expect(scoredPercent({ processedRows: 0, totalRows: 0 })).toBe(100);
  });
});

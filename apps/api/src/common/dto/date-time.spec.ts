import { isDateTime } from './date-time';

describe('isDateTime', () => {
  it('takes the ISO 8601 date-times a client writes', () => {
    for (const value of ['2026-12-31T23:59:59Z', '2026-12-31T23:59:59.123Z', '2026-12-31T23:59:59+02:00', '2026-12-31', '1000-01-01T00:00:00Z', '9999-12-31T23:59:59-05:00']) {
      expect(isDateTime(value), value).toBe(true);
    }
  });

  it('refuses the ISO 8601 forms Date cannot read, which class-validator takes, and years the database cannot hold', () => {
    // Each of these reached PostgreSQL as an invalid date and answered 500 (found by fuzz.e2e.ts, seed 2186045813).
    for (const value of ['-2099-01-01T00:00:00Z', '+2099-01-01T00:00:00Z', '20990101T000000Z', '2099-W01-1', '0000-01-01T00:00:00Z']) {
      expect(isDateTime(value), value).toBe(false);
    }
    for (const value of ['tomorrow', '2026-13-01', '2026-02-30T00:00:00Z', '', 20261231, null, undefined]) expect(isDateTime(value), String(value)).toBe(false);
  });
});

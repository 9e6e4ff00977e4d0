import { sanitizeChanges } from './audit.service';

describe('sanitizeChanges', () => {
  it('redacts secret-looking fields at any depth', () => {
    expect(
      sanitizeChanges({ name: 'ci', password: 'hunter2', nested: { secretHash: 'abc', list: [{ token: 't', ok: 1 }] }, key: 'mg_x_y', keyId: 'kept' }),
    ).toEqual({ name: 'ci', password: '[redacted]', nested: { secretHash: '[redacted]', list: [{ token: '[redacted]', ok: 1 }] }, key: '[redacted]', keyId: 'kept' });
  });

  it('bounds the size of what it keeps', () => {
    const huge = sanitizeChanges({ labels: Object.fromEntries(Array.from({ length: 2000 }, (_, index) => [`label${index}`, 'x'.repeat(50)])) });
    expect(huge).toEqual({ truncated: true, fields: ['labels'] });
    expect((sanitizeChanges({ description: 'y'.repeat(5000) }).description as string).length).toBe(1001);
  });

  it('writes dates as ISO strings', () => {
    expect(sanitizeChanges({ expiresAt: new Date('2030-01-01T00:00:00Z') })).toEqual({ expiresAt: '2030-01-01T00:00:00.000Z' });
  });
});

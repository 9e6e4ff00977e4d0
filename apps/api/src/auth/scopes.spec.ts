import { delegationProblem, hasScope, ROLE_SCOPES, type Grant } from './scopes';

const grant = (fields: Partial<Grant>): Grant => ({ scopes: [], models: null, expiresAt: null, rateLimit: null, ...fields });

describe('hasScope', () => {
  it('grants a scope that is held, and every scope to admin', () => {
    expect(hasScope(['predict'], 'predict')).toBe(true);
    expect(hasScope(['predict'], 'models:read')).toBe(false);
    expect(hasScope(['admin'], 'models:write')).toBe(true);
    expect(hasScope(['admin'], 'keys')).toBe(true);
  });

  it('keeps the scopes independent', () => {
    expect(hasScope(['models:write'], 'models:read')).toBe(false);
    expect(hasScope(['keys'], 'admin')).toBe(false);
  });

  it('maps roles onto scopes', () => {
    expect(ROLE_SCOPES.viewer.some((scope) => hasScope(ROLE_SCOPES.viewer, scope))).toBe(true);
    expect(hasScope(ROLE_SCOPES.viewer, 'models:write')).toBe(false);
    expect(hasScope(ROLE_SCOPES.operator, 'models:write')).toBe(true);
    expect(hasScope(ROLE_SCOPES.operator, 'admin')).toBe(false);
    expect(hasScope(ROLE_SCOPES.admin, 'deploy')).toBe(true);
  });
});

describe('delegationProblem', () => {
  const admin = grant({ scopes: ['admin'] });

  it('lets admin hand out anything', () => {
    expect(delegationProblem(admin, grant({ scopes: ['admin', 'predict'], models: ['iris'] }))).toBeUndefined();
  });

  it('refuses scopes the creator does not hold', () => {
    const creator = grant({ scopes: ['keys', 'predict'] });
    expect(delegationProblem(creator, grant({ scopes: ['predict'] }))).toBeUndefined();
    expect(delegationProblem(creator, grant({ scopes: ['predict', 'keys'] }))).toBeUndefined();
    expect(delegationProblem(creator, grant({ scopes: ['models:write'] }))).toContain('models:write');
    expect(delegationProblem(creator, grant({ scopes: ['admin'] }))).toContain('admin');
    expect(delegationProblem(creator, grant({ scopes: ['nonsense'] }))).toContain('nonsense');
  });

  it('keeps a model-restricted creator from minting a key for other or all models', () => {
    const creator = grant({ scopes: ['keys', 'predict'], models: ['iris', 'mnist'] });
    expect(delegationProblem(creator, grant({ scopes: ['predict'], models: ['iris'] }))).toBeUndefined();
    expect(delegationProblem(creator, grant({ scopes: ['predict'], models: null }))).toContain('list them');
    expect(delegationProblem(creator, grant({ scopes: ['predict'], models: ['iris', 'other'] }))).toContain('other');
  });

  it('keeps the new key from outliving or outpacing its creator', () => {
    const expiresAt = new Date('2030-01-01T00:00:00Z');
    const creator = grant({ scopes: ['keys', 'predict'], expiresAt, rateLimit: { perSecond: 10, burst: 20 } });
    const fine = grant({ scopes: ['predict'], expiresAt: new Date('2029-01-01T00:00:00Z'), rateLimit: { perSecond: 5, burst: 20 } });
    expect(delegationProblem(creator, fine)).toBeUndefined();
    expect(delegationProblem(creator, { ...fine, expiresAt: null })).toContain('expire');
    expect(delegationProblem(creator, { ...fine, expiresAt: new Date('2031-01-01T00:00:00Z') })).toContain('expire');
    expect(delegationProblem(creator, { ...fine, rateLimit: null })).toContain('rate limit');
    expect(delegationProblem(creator, { ...fine, rateLimit: { perSecond: 11, burst: 1 } })).toContain('rate limit');
    expect(delegationProblem(creator, { ...fine, rateLimit: { perSecond: 1, burst: 21 } })).toContain('rate limit');
  });
});

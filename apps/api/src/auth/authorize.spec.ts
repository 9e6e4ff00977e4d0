import { ForbiddenError, NotFoundError } from '../common/errors';
import { authorize } from './authorize';
import type { Principal } from './principal';

const key = (fields: Partial<Principal> = {}): Principal => ({
  kind: 'key',
  id: 'abcdefgh',
  actor: 'key:abcdefgh',
  name: 'test',
  scopes: ['predict'],
  models: null,
  expiresAt: null,
  rateLimit: null,
  ...fields,
});
const operator = (role: 'admin' | 'operator' | 'viewer', scopes: string[]): Principal => ({
  ...key(),
  kind: 'operator',
  id: 'alice',
  actor: 'operator:alice',
  role,
  scopes,
});

describe('authorize', () => {
  it('refuses a route that declares no access rule', () => {
    expect(() => authorize(undefined, key({ scopes: ['admin'] }), 'GET /x', undefined)).toThrow(ForbiddenError);
    expect(() => authorize(undefined, key({ scopes: ['admin'] }), 'GET /x', undefined)).toThrow('deny by default');
  });

  it('checks the scope, admin holding every scope', () => {
    const access = { kind: 'scope', scope: 'models:write' } as const;
    expect(() => authorize(access, key({ scopes: ['models:read'] }), 'POST /api/models', undefined)).toThrow(
      'this API key lacks the "models:write" scope that POST /api/models needs',
    );
    expect(() => authorize(access, key({ scopes: ['admin'] }), 'POST /api/models', undefined)).not.toThrow();
    expect(() => authorize(access, operator('viewer', ['models:read']), 'POST /api/models', undefined)).toThrow('the role "viewer"');
  });

  it('answers 404 for a model outside the allowed list, worded like a missing model', () => {
    const access = { kind: 'scope', scope: 'predict' } as const;
    const restricted = key({ models: ['iris'] });
    expect(() => authorize(access, restricted, 'POST /v2/models/:name/infer', { name: 'iris', inBody: false })).not.toThrow();
    expect(() => authorize(access, restricted, 'POST /v2/models/:name/infer', { name: 'secret-model', inBody: false })).toThrow(NotFoundError);
    expect(() => authorize(access, restricted, 'POST /v2/models/:name/infer', { name: 'secret-model', inBody: false })).toThrow(
      'model "secret-model" not found; GET /api/models lists the models',
    );
    expect(() => authorize(access, key(), 'POST /v2/models/:name/infer', { name: 'anything', inBody: false })).not.toThrow();
    const create = { kind: 'scope', scope: 'models:write' } as const;
    expect(() => authorize(create, key({ scopes: ['models:write'], models: ['iris'] }), 'POST /api/models', { name: 'other', inBody: true })).toThrow(
      ForbiddenError,
    );
  });

  it('keeps session-only routes from API keys', () => {
    const access = { kind: 'session' } as const;
    expect(() => authorize(access, key({ scopes: ['admin'] }), 'POST /api/auth/password', undefined)).toThrow(ForbiddenError);
    expect(() => authorize(access, operator('viewer', ['models:read']), 'POST /api/auth/password', undefined)).not.toThrow();
  });
});

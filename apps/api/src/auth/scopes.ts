/**
 * What a credential may do. `admin` implies every other scope; the others are independent (a key
 * that uploads models does not read them unless it also holds `models:read`).
 */
export const SCOPES = ['predict', 'models:read', 'models:write', 'deploy', 'keys', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export const SCOPE_DESCRIPTIONS: Record<Scope, string> = {
  predict: 'call the inference routes (/v2, /v1) of the models the key may use',
  'models:read': 'read models and versions (GET /api/models...)',
  'models:write': 'create, change, upload and delete models and versions',
  deploy: 'change deployments (traffic splits, promote, rollback)',
  keys: 'create keys with a subset of its own scopes, and list, rotate and revoke the keys it created',
  admin: 'everything, including every key, operators and the audit log',
};

/** Operator roles, mapped onto the same scopes as API keys. */
export const ROLES = ['admin', 'operator', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_SCOPES: Record<Role, readonly Scope[]> = {
  admin: ['admin'],
  operator: ['predict', 'models:read', 'models:write', 'deploy', 'keys'],
  viewer: ['models:read'],
};

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

export function hasScope(granted: readonly string[], needed: Scope): boolean {
  return granted.includes('admin') || granted.includes(needed);
}

export interface RateLimit {
  /** Tokens added per second (sustained rate). */
  perSecond: number;
  /** Bucket size: how many requests may arrive at once. */
  burst: number;
}

/** What a credential grants, as far as handing it on to a new key is concerned. */
export interface Grant {
  scopes: readonly string[];
  /** Models it may call; null for all. */
  models: readonly string[] | null;
  expiresAt: Date | null;
  rateLimit: RateLimit | null;
}

/**
 * Why `creator` may not hand out `requested`, or undefined when it may. A key can only create keys
 * that can do no more than itself: scopes it holds, models it may call, an expiry no later than
 * its own and a rate limit no higher than its own; otherwise a limited key could mint an
 * unlimited one.
 */
export function delegationProblem(creator: Grant, requested: Grant): string | undefined {
  const missing = requested.scopes.filter((scope) => !isScope(scope) || !hasScope(creator.scopes, scope));
  if (missing.length > 0) return `you cannot grant scopes you do not hold: ${missing.join(', ')}`;
  if (creator.models !== null) {
    if (requested.models === null) return `you may only use models ${creator.models.join(', ')}; list them in "models"`;
    const outside = requested.models.filter((model) => !creator.models!.includes(model));
    if (outside.length > 0) return `you cannot grant models you may not use: ${outside.join(', ')}`;
  }
  if (creator.expiresAt !== null && (requested.expiresAt === null || requested.expiresAt > creator.expiresAt)) {
    return `the new key must expire no later than yours (${creator.expiresAt.toISOString()}); set "expiresAt"`;
  }
  if (creator.rateLimit !== null) {
    const limit = requested.rateLimit;
    if (limit === null || limit.perSecond > creator.rateLimit.perSecond || limit.burst > creator.rateLimit.burst) {
      return `the new key needs a rate limit no higher than yours (perSecond ${creator.rateLimit.perSecond}, burst ${creator.rateLimit.burst})`;
    }
  }
  return undefined;
}

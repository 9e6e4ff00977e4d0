import type { RateLimit } from '../scopes';

/**
 * Token bucket: a bucket of `burst` tokens refilled at `perSecond`; each request takes one, and a
 * request that finds less than one token is refused. The same arithmetic runs in memory here and
 * in Redis (token-bucket.script.ts), so both stores answer alike.
 */
export interface BucketState {
  tokens: number;
  /** Milliseconds since the epoch of the last update. */
  updatedAt: number;
}

export interface RateDecision {
  allowed: boolean;
  /** RateLimit-Limit: the bucket size. */
  limit: number;
  /** RateLimit-Remaining: whole requests left right now. */
  remaining: number;
  /** RateLimit-Reset: seconds until the bucket is full again. */
  resetSeconds: number;
  /** Retry-After when refused: seconds until one token is back. */
  retryAfterSeconds: number;
}

/** The bucket after refilling up to `now` and taking one token if there is one. */
export function takeToken(state: BucketState | undefined, limit: RateLimit, now: number): { state: BucketState; allowed: boolean } {
  let tokens = state ? state.tokens : limit.burst;
  const updatedAt = state ? Math.max(state.updatedAt, now) : now;
  if (state && now > state.updatedAt) tokens += ((now - state.updatedAt) * limit.perSecond) / 1000;
  tokens = Math.min(tokens, limit.burst);
  const allowed = tokens >= 1;
  if (allowed) tokens -= 1;
  return { state: { tokens, updatedAt }, allowed };
}

/** What the headers say about a bucket holding `tokens` after the decision. */
export function describeBucket(tokens: number, limit: RateLimit, allowed: boolean): RateDecision {
  return {
    allowed,
    limit: limit.burst,
    remaining: Math.max(0, Math.floor(tokens)),
    resetSeconds: Math.max(0, Math.ceil((limit.burst - tokens) / limit.perSecond)),
    retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((1 - tokens) / limit.perSecond)),
  };
}

/** How long an idle bucket takes to refill; after that it is as good as absent and can be dropped. */
export function refillMs(state: BucketState, limit: RateLimit): number {
  return Math.ceil(((limit.burst - state.tokens) / limit.perSecond) * 1000);
}

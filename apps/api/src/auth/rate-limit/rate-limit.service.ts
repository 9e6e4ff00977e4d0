import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/config';
import { TooManyRequestsError } from '../../common/errors';
import type { Principal } from '../principal';
import type { RateLimit } from '../scopes';
import { MemoryRateLimiter, type RateLimiter } from './memory-rate-limiter';
import { RedisRateLimiter } from './redis-rate-limiter';
import type { RateDecision } from './token-bucket';

/**
 * Token buckets per API key (the key's own rate and burst) and per client address for logins. In
 * memory on one replica; through Redis when REDIS_URL is set, so that replicas share one limit.
 */
@Injectable()
export class RateLimitService implements OnApplicationShutdown {
  private readonly memory = new MemoryRateLimiter();
  private readonly redis: RedisRateLimiter | undefined;
  private readonly limiter: RateLimiter;
  private readonly loginLimit: RateLimit;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.redis = config.redisUrl ? new RedisRateLimiter(config.redisUrl, config.redisKeyPrefix, this.memory) : undefined;
    this.limiter = this.redis ?? this.memory;
    this.loginLimit = { perSecond: config.loginAttemptsPerMinute / 60, burst: config.loginAttemptsPerMinute };
  }

  /** A request by a key with a rate limit; undefined for credentials without one. */
  forPrincipal(principal: Principal): Promise<RateDecision> | undefined {
    return principal.rateLimit ? this.limiter.consume(`key:${principal.id}`, principal.rateLimit) : undefined;
  }

  /** A login attempt from `ip` (against password guessing across many usernames). */
  forLogin(ip: string): Promise<RateDecision> {
    return this.limiter.consume(`login:${ip}`, this.loginLimit);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis?.close();
  }
}

/** The IETF RateLimit header fields (draft-ietf-httpapi-ratelimit-headers) for a decision. */
export function rateLimitHeaders(decision: RateDecision, limit: RateLimit): Record<string, string> {
  return {
    'ratelimit-limit': String(decision.limit),
    'ratelimit-remaining': String(decision.remaining),
    'ratelimit-reset': String(decision.resetSeconds),
    'ratelimit-policy': `${limit.burst};w=${Math.max(1, Math.ceil(limit.burst / limit.perSecond))}`,
  };
}

/** The 429 for a key over its rate limit (`decision` refused it), with the wait in the message and in Retry-After. */
export function rateLimitRefusal(principal: Principal, decision: RateDecision): TooManyRequestsError {
  const { perSecond, burst } = principal.rateLimit!;
  return new TooManyRequestsError(
    `key ${principal.id} is over its rate limit (${perSecond} per second, bursts of ${burst}); retry after ${decision.retryAfterSeconds} s`,
    decision.retryAfterSeconds,
  );
}

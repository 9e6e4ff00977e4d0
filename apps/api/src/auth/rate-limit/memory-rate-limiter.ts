import type { RateLimit } from '../scopes';
import { describeBucket, refillMs, takeToken, type BucketState, type RateDecision } from './token-bucket';

export interface RateLimiter {
  consume(bucket: string, limit: RateLimit): Promise<RateDecision>;
}

/**
 * Buckets in this process: the limit of a single replica, and the fallback while Redis is away.
 * Buckets that have refilled are swept from time to time, and the map has a hard cap, so a flood
 * of distinct bucket names (client addresses) cannot grow memory without bound.
 */
export class MemoryRateLimiter implements RateLimiter {
  private readonly buckets = new Map<string, { state: BucketState; limit: RateLimit }>();
  private nextSweep = 0;

  constructor(
    private readonly maxBuckets = 100_000,
    private readonly clock: () => number = Date.now,
  ) {}

  consume(bucket: string, limit: RateLimit): Promise<RateDecision> {
    return Promise.resolve(this.consumeNow(bucket, limit));
  }

  consumeNow(bucket: string, limit: RateLimit): RateDecision {
    const now = this.clock();
    if (now >= this.nextSweep || this.buckets.size >= this.maxBuckets) this.sweep(now);
    const result = takeToken(this.buckets.get(bucket)?.state, limit, now);
    this.buckets.set(bucket, { state: result.state, limit });
    return describeBucket(result.state.tokens, limit, result.allowed);
  }

  get size(): number {
    return this.buckets.size;
  }

  private sweep(now: number): void {
    this.nextSweep = now + 10_000;
    for (const [name, { state, limit }] of this.buckets) {
      if (now - state.updatedAt >= refillMs(state, limit)) this.buckets.delete(name);
    }
    // Still full of busy buckets: drop the oldest half rather than grow (they restart full).
    if (this.buckets.size >= this.maxBuckets) {
      let drop = Math.ceil(this.buckets.size / 2);
      for (const name of this.buckets.keys()) {
        if (drop-- <= 0) break;
        this.buckets.delete(name);
      }
    }
  }
}

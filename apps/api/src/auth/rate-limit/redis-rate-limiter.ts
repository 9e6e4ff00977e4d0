import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import type { RateLimit } from '../scopes';
import type { MemoryRateLimiter, RateLimiter } from './memory-rate-limiter';
import { TOKEN_BUCKET_SCRIPT } from './token-bucket.script';
import { describeBucket, type RateDecision } from './token-bucket';

type ScriptClient = Redis & { modelgateTakeToken(key: string, perSecond: number, burst: number): Promise<[number, string]> };

/** A Redis call slower than this counts as Redis being away. */
const COMMAND_TIMEOUT_MS = 250;
/** After a failure, Redis is left alone this long (the local buckets answer) before it is tried again. */
const BACKOFF_MS = 2000;

/**
 * Buckets shared by every replica through Redis, so that they enforce one limit together.
 *
 * Redis unreachable: fail open to this replica's own buckets (`fallback`), so a Redis outage never
 * takes predictions down, while each replica still enforces the limit on its own (a client can
 * then get up to the limit once per replica). Requests never wait for Redis to come back: commands
 * are not queued while disconnected, time out after COMMAND_TIMEOUT_MS, and after a failure Redis
 * is skipped for BACKOFF_MS.
 */
export class RedisRateLimiter implements RateLimiter {
  private readonly logger = new Logger('RateLimit');
  private readonly client: ScriptClient;
  private skipUntil = 0;
  private degraded = false;

  constructor(
    url: string,
    private readonly prefix: string,
    private readonly fallback: MemoryRateLimiter,
  ) {
    this.client = new Redis(url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: COMMAND_TIMEOUT_MS,
      connectTimeout: 2000,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
      // Errors are reported once per outage below; ioredis would otherwise print every reconnect.
      lazyConnect: false,
    }) as ScriptClient;
    this.client.on('error', () => undefined);
    this.client.on('ready', () => {
      if (this.degraded) this.logger.log('Redis is back: rate limits are shared across replicas again');
      this.degraded = false;
    });
    this.client.defineCommand('modelgateTakeToken', { numberOfKeys: 1, lua: TOKEN_BUCKET_SCRIPT });
  }

  async consume(bucket: string, limit: RateLimit): Promise<RateDecision> {
    if (this.client.status !== 'ready' || Date.now() < this.skipUntil) return this.local(bucket, limit);
    try {
      const [allowed, tokens] = await this.client.modelgateTakeToken(`${this.prefix}rl:${bucket}`, limit.perSecond, limit.burst);
      return describeBucket(Number(tokens), limit, allowed === 1);
    } catch (error) {
      this.skipUntil = Date.now() + BACKOFF_MS;
      if (!this.degraded) {
        this.degraded = true;
        this.logger.warn(`Redis rate limiting failed (${(error as Error).message}); each replica limits on its own until it is back`);
      }
      return this.local(bucket, limit);
    }
  }

  async close(): Promise<void> {
    this.client.disconnect();
  }

  private local(bucket: string, limit: RateLimit): RateDecision {
    if (!this.degraded && this.client.status !== 'ready' && this.client.status !== 'connecting' && this.client.status !== 'connect') {
      this.degraded = true;
      this.logger.warn('Redis is unreachable; each replica limits on its own until it is back');
    }
    return this.fallback.consumeNow(bucket, limit);
  }
}

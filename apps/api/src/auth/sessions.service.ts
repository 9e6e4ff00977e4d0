import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { UnauthorizedError } from '../common/errors';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import type { Transaction } from '../database/transaction';
import { SESSION_TOKEN_PATTERN, sessionCookieName } from './cookies';
import type { OperatorEntity } from './operator.entity';
import type { Principal } from './principal';
import { ROLE_SCOPES } from './scopes';
import type { SessionEntity } from './session.entity';
import { SessionsRepository } from './sessions.repository';
import { TtlCache } from './ttl-cache';

/** An ended session (logout, disabled account, new password) stops working everywhere within this long. */
const CACHE_TTL_MS = 1000;
const CACHE_MAX_ENTRIES = 10_000;

export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Server-side operator sessions: started at login, checked on every request that carries the cookie. */
@Injectable()
export class SessionsService {
  private readonly cache = new TtlCache<SessionEntity | null>(CACHE_TTL_MS, CACHE_MAX_ENTRIES);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repository: SessionsRepository,
  ) {}

  get cookieName(): string {
    return sessionCookieName(this.config.cookieSecure);
  }

  async authenticate(token: string): Promise<Principal> {
    const ended = new UnauthorizedError('the session has ended or is not valid; log in again with POST /api/auth/login');
    if (!SESSION_TOKEN_PATTERN.test(token)) throw ended;
    const tokenHash = hashSessionToken(token);
    const session = await this.cache.get(tokenHash, () => this.repository.findByTokenHash(tokenHash));
    const operator = session?.operator;
    if (!session || !operator || session.revokedAt || session.expiresAt.getTime() <= Date.now() || operator.disabledAt) throw ended;
    return {
      kind: 'operator',
      id: operator.username,
      actor: `operator:${operator.username}`,
      name: operator.username,
      scopes: ROLE_SCOPES[operator.role],
      models: null,
      expiresAt: null,
      rateLimit: null,
      role: operator.role,
      sessionId: session.id,
      sessionExpiresAt: session.expiresAt,
    };
  }

  /** A new session; the token goes into the cookie and is never stored. */
  async start(
    operator: OperatorEntity,
    client: { ip: string; userAgent: string | undefined },
    transaction: Transaction,
  ): Promise<{ token: string; session: SessionEntity }> {
    const token = randomBytes(32).toString('base64url');
    await this.repository.deleteExpired(new Date(Date.now() - 24 * 60 * 60 * 1000), transaction);
    const session = await this.repository.insert(
      {
        tokenHash: hashSessionToken(token),
        operatorId: operator.id,
        ip: client.ip.slice(0, 64),
        userAgent: client.userAgent?.replace(/[^\x20-\x7e]/g, '?').slice(0, 256) ?? null,
        expiresAt: new Date(Date.now() + this.config.sessionTtlMs),
      },
      transaction,
    );
    return { token, session };
  }

  async end(sessionId: string): Promise<void> {
    await this.repository.revoke(sessionId, new Date());
    this.cache.clear();
  }

  /** Ends every session of an operator but `exceptId`; takes effect here at once, elsewhere within a second. */
  async endAllOf(operatorId: string, exceptId?: string): Promise<void> {
    await this.repository.revokeAllOf(operatorId, new Date(), exceptId);
    this.cache.clear();
  }

  /** Forget cached sessions (an account was disabled or changed role): re-read on the next request. */
  forgetCached(): void {
    this.cache.clear();
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import type { RequestOrigin } from '../audit/request-origin';
import { TooManyRequestsError, UnauthorizedError, type ApiError } from '../common/errors';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { Transactions } from '../database/transaction';
import { clearedSessionCookie, sessionCookie } from './cookies';
import type { LoginDto, SessionDto } from './dto/login.dto';
import { loginWaitMs, MAX_BACKOFF_MS, stateForAttempt, UnknownAccountThrottle, type LoginPolicy } from './login-throttle';
import type { OperatorEntity } from './operator.entity';
import { toOperatorDto } from './operator-dto';
import { OperatorsRepository } from './operators.repository';
import { decoyPasswordHash, verifyPassword } from './password';
import type { Principal } from './principal';
import { RateLimitService } from './rate-limit/rate-limit.service';
import { ROLE_SCOPES } from './scopes';
import { SessionsService } from './sessions.service';

export interface Client {
  ip: string;
  userAgent: string | undefined;
}

type Verdict = { operator: OperatorEntity } | { refusal: ApiError; reason: 'unknown-or-disabled' | 'wrong-password' | 'throttled' | 'locked' };

const WRONG_CREDENTIALS = 'wrong username or password';

/**
 * Operator logins. Passwords are checked under the throttle of login-throttle.ts; an unknown or
 * disabled username costs the same scrypt work and gets the same answers as a real one, so
 * neither timing nor messages reveal which accounts exist. Logins and failed logins are audited
 * (not the attempts refused by the per-address limit: those are cheap for a flood to make).
 */
@Injectable()
export class LoginService {
  private readonly policy: LoginPolicy;
  private readonly unknownAccounts: UnknownAccountThrottle;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly operators: OperatorsRepository,
    private readonly sessions: SessionsService,
    private readonly rateLimits: RateLimitService,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
  ) {
    this.policy = { maxFailures: config.loginMaxFailures, lockMs: config.loginLockMs };
    this.unknownAccounts = new UnknownAccountThrottle(this.policy);
  }

  async login(dto: LoginDto, client: Client, origin: RequestOrigin): Promise<{ cookie: string; body: SessionDto }> {
    const fromAddress = await this.rateLimits.forLogin(client.ip);
    if (!fromAddress.allowed) {
      throw new TooManyRequestsError(`too many login attempts from your address; retry after ${fromAddress.retryAfterSeconds} s`, fromAddress.retryAfterSeconds);
    }
    const username = normalize(dto.username);
    const verdict = await this.verify(username, dto.password, new Date());
    if ('refusal' in verdict) {
      await this.audit.recordAfter(origin, { action: 'auth.login_failed', target: `operator:${username}`, changes: { reason: verdict.reason } });
      throw verdict.refusal;
    }
    const { operator } = verdict;
    const actor = `operator:${operator.username}`;
    const { token, session } = await this.transactions.run(async (transaction) => {
      const started = await this.sessions.start(operator, client, transaction);
      await this.audit.record(origin, { action: 'auth.login', target: actor, actor, changes: { sessionId: started.session.id } }, transaction);
      return started;
    });
    const cookie = sessionCookie(token, { secure: this.config.cookieSecure, maxAgeSeconds: this.config.sessionTtlMs / 1000 });
    return {
      cookie,
      body: { operator: toOperatorDto(operator), scopes: [...ROLE_SCOPES[operator.role]], expiresAt: session.expiresAt.toISOString() },
    };
  }

  async logout(principal: Principal, origin: RequestOrigin): Promise<string> {
    if (principal.sessionId) {
      await this.sessions.end(principal.sessionId);
      await this.audit.recordAfter(origin, { action: 'auth.logout', target: principal.actor, changes: { sessionId: principal.sessionId } });
    }
    return clearedSessionCookie({ secure: this.config.cookieSecure });
  }

  /** The operator whose password this is, or throws 401 (wrong) / 429 (too many failures, with Retry-After). */
  async checkPassword(username: string, password: string): Promise<OperatorEntity> {
    const verdict = await this.verify(normalize(username), password, null);
    if ('refusal' in verdict) throw verdict.refusal;
    return verdict.operator;
  }

  private async verify(username: string, password: string, loginAt: Date | null): Promise<Verdict> {
    const now = Date.now();
    const operator = await this.operators.findByUsername(username);
    if (!operator || operator.disabledAt) {
      const wait = this.unknownAccounts.waitMs(username, now);
      if (wait > 0) return throttled(wait, wait > MAX_BACKOFF_MS ? 'locked' : 'throttled');
      this.unknownAccounts.fail(username, now);
      await verifyPassword(password, await decoyPasswordHash());
      return { refusal: new UnauthorizedError(WRONG_CREDENTIALS), reason: 'unknown-or-disabled' };
    }
    const seen = { failedLogins: operator.failedLogins, lastFailedLoginAt: operator.lastFailedLoginAt, lockedUntil: operator.lockedUntil };
    const wait = loginWaitMs(seen, now);
    if (wait > 0) return throttled(wait, seen.lockedUntil && seen.lockedUntil.getTime() > now ? 'locked' : 'throttled');
    // Counted as failed before the password is checked, so concurrent guesses each need a slot.
    if (!(await this.operators.reserveLoginAttempt(operator, seen, stateForAttempt(seen, now, this.policy)))) return throttled(1000, 'throttled');
    if (!(await verifyPassword(password, operator.passwordHash))) {
      return { refusal: new UnauthorizedError(WRONG_CREDENTIALS), reason: 'wrong-password' };
    }
    await this.operators.clearLoginFailures(operator, loginAt);
    return { operator };
  }
}

function normalize(username: string): string {
  return username.trim().toLowerCase().slice(0, 64);
}

function throttled(waitMs: number, reason: 'throttled' | 'locked'): Verdict {
  const seconds = Math.ceil(waitMs / 1000);
  return { refusal: new TooManyRequestsError(`too many failed logins for this account; try again in ${seconds} s`, seconds), reason };
}

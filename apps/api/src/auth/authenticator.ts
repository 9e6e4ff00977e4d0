import type { IncomingHttpHeaders } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ForbiddenError, UnauthorizedError } from '../common/errors';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { ApiKeysService } from './api-keys.service';
import { readCookie } from './cookies';
import { isCrossSiteWrite } from './cross-site';
import type { Principal } from './principal';
import { SessionsService } from './sessions.service';

export const CREDENTIALS_REQUIRED =
  'credentials are required: send an API key as "Authorization: Bearer <key>" or "X-API-Key: <key>", ' +
  'or log in with POST /api/auth/login for a session cookie';

/**
 * Who sent a request: an API key (`Authorization: Bearer <key>` or `X-API-Key`), or else an
 * operator's session cookie. Keys and sessions come from one-second caches, so this rarely
 * reaches the database.
 */
@Injectable()
export class Authenticator {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly keys: ApiKeysService,
    private readonly sessions: SessionsService,
  ) {}

  async authenticate(request: FastifyRequest): Promise<Principal> {
    const rawKey = presentedKey(request.headers);
    if (rawKey) return this.keys.authenticate(rawKey);
    const sessionToken = readCookie(request.headers.cookie, this.sessions.cookieName);
    if (sessionToken === undefined) throw new UnauthorizedError(CREDENTIALS_REQUIRED);
    const principal = await this.sessions.authenticate(sessionToken);
    if (isCrossSiteWrite(request.method, request.headers, this.config.corsOrigins)) {
      throw new ForbiddenError("cross-site request refused: a session may only change things from this server's own pages (or an origin in CORS_ORIGINS)");
    }
    return principal;
  }
}

/** The API key in `Authorization: Bearer <key>` or `X-API-Key`, if any. */
export function presentedKey(headers: IncomingHttpHeaders): string | undefined {
  const authorization = headers.authorization;
  if (typeof authorization === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (match) return match[1];
  }
  const header = headers['x-api-key'];
  return typeof header === 'string' && header.length > 0 ? header.trim() : undefined;
}

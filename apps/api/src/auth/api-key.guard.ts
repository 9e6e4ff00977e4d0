import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { UnauthorizedError } from '../common/errors';
import { ApiKeysService } from './api-keys.service';
import { IS_PUBLIC } from './public.decorator';

/**
 * Deny by default: every route needs an API key unless it is marked @Public(). The key comes as
 * `Authorization: Bearer <key>` or `X-API-Key: <key>`.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeysService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const rawKey = presentedKey(request);
    if (!rawKey) {
      throw new UnauthorizedError('an API key is required: send "Authorization: Bearer <key>" or "X-API-Key: <key>"');
    }
    request.principal = await this.keys.authenticate(rawKey);
    return true;
  }
}

function presentedKey(request: FastifyRequest): string | undefined {
  const authorization = request.headers.authorization;
  if (typeof authorization === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (match) return match[1];
  }
  const header = request.headers['x-api-key'];
  return typeof header === 'string' && header.length > 0 ? header.trim() : undefined;
}

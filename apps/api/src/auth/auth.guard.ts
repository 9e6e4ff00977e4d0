import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { ACCESS_METADATA, type RouteAccess } from './access.decorator';
import { Authenticator } from './authenticator';
import { authorize, type ModelReference } from './authorize';

/**
 * Deny by default: every route needs a credential and the access it declares (@RequireScope,
 * @RequireSession), unless it is marked @Public(); a route that declares nothing is refused.
 * The credential was usually checked (and rate limited) already by the request hook, before the
 * body was read; this guard is the authority either way.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access = this.reflector.get<RouteAccess | undefined>(ACCESS_METADATA, context.getHandler());
    if (access?.kind === 'public') return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    request.principal ??= await this.authenticator.authenticate(request);
    authorize(access, request.principal, `${request.method} ${request.routeOptions.url ?? request.url}`, modelNamed(request, access));
    return true;
  }
}

/** The model a request acts on: the `name` path parameter, or the body field the route names. */
function modelNamed(request: FastifyRequest, access: RouteAccess | undefined): ModelReference | undefined {
  const fromPath = (request.params as Record<string, unknown> | undefined)?.name;
  if (typeof fromPath === 'string') return { name: fromPath, inBody: false };
  if (access?.kind === 'scope' && access.modelInBody) {
    const body = request.body as Record<string, unknown> | undefined;
    const value = typeof body === 'object' && body !== null ? body[access.modelInBody] : undefined;
    // A missing or non-string name is left to validation (400).
    return typeof value === 'string' ? { name: value, inBody: true } : undefined;
  }
  return undefined;
}

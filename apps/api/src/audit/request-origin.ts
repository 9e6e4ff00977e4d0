import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/** Who made a request and from where, as the audit log records it. */
export interface RequestOrigin {
  /** `key:<id>`, `operator:<username>`, or `anonymous` before authentication. */
  actor: string;
  ip: string | null;
  requestId: string | null;
}

export function originOf(request: FastifyRequest): RequestOrigin {
  return { actor: request.principal?.actor ?? 'anonymous', ip: request.ip ?? null, requestId: request.id ?? null };
}

/** Work done by the server itself (bootstrap, the demo model). */
export function systemOrigin(what: string): RequestOrigin {
  return { actor: `system:${what}`, ip: null, requestId: null };
}

/** The RequestOrigin of the current request, for services that write audit entries. */
export const CurrentOrigin = createParamDecorator((_data: unknown, context: ExecutionContext): RequestOrigin => originOf(context.switchToHttp().getRequest<FastifyRequest>()));

import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { toErrorResponse } from '../common/error-response';
import { ROUTE_CONFIG_ACCESS, type RouteAccess } from './access.decorator';
import { Authenticator } from './authenticator';
import { RateLimitService, rateLimitHeaders, rateLimitRefusal } from './rate-limit/rate-limit.service';

/**
 * Checks the credential and the key's rate limit as soon as a request's headers arrive, before
 * its body is read: an unknown caller or a client over its limit is answered (401, 429) without
 * the server parsing megabytes of JSON or streaming an upload for it, so it cannot slow down the
 * others. Routes without a declared access rule are left to the AuthGuard, which refuses them.
 */
@Injectable()
export class RequestGate implements OnModuleInit {
  private readonly logger = new Logger('HTTP');

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly authenticator: Authenticator,
    private readonly rateLimits: RateLimitService,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onRequest', (request, reply) => this.check(request, reply));
  }

  private async check(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    const access = (request.routeOptions.config as unknown as Record<string, unknown> | undefined)?.[ROUTE_CONFIG_ACCESS] as RouteAccess | undefined;
    if (access === undefined || access.kind === 'public') return undefined;
    try {
      const principal = await this.authenticator.authenticate(request);
      request.principal = principal;
      const decision = await this.rateLimits.forPrincipal(principal);
      if (decision && principal.rateLimit) {
        void reply.headers(rateLimitHeaders(decision, principal.rateLimit));
        if (!decision.allowed) throw rateLimitRefusal(principal, decision);
      }
      return undefined;
    } catch (error) {
      const response = toErrorResponse(error, request.id);
      if (response.internal) this.logger.error(`${request.method} ${request.routeOptions.url} failed (request ${request.id})`, (response.internal as Error)?.stack);
      if (response.status === 401) void reply.header('WWW-Authenticate', 'Bearer realm="modelgate"');
      if (response.headers) void reply.headers(response.headers);
      return reply.status(response.status).send(response.body);
    }
  }
}

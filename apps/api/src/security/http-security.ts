import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { ROUTE_CONFIG_ACCESS, type RouteAccess } from '../auth/access.decorator';
import { BadRequestError } from '../common/errors';
import type { AppConfig } from '../config/config';
import { findJsonProblem } from './json-problems';
import { securityHeaders } from './security-headers';

/** Headers a browser on a CORS_ORIGINS origin may send and read. */
const CORS_ALLOWED_HEADERS = ['Authorization', 'X-API-Key', 'Content-Type', 'X-Request-Id', 'X-Request-Timeout-Ms', 'X-Request-Priority', 'Inference-Header-Content-Length'];
const CORS_EXPOSED_HEADERS = [
  'X-Request-Id',
  'X-Model-Version',
  'X-Route',
  'X-Fallback',
  'Server-Timing',
  'X-Batch-Size',
  'Retry-After',
  'RateLimit-Limit',
  'RateLimit-Remaining',
  'RateLimit-Reset',
  'RateLimit-Policy',
  'Inference-Header-Content-Length',
];

/**
 * The HTTP-level defences: JSON nesting limit, browser security headers on every response, CORS
 * (off unless CORS_ORIGINS lists origins). TLS itself is set on the server (see app.ts).
 */
export function configureHttpSecurity(app: NestFastifyApplication, config: AppConfig): void {
  const fastify = app.getHttpAdapter().getInstance();
  // Callback hooks, not async ones: every request runs them, and each async hook costs a promise
  // and a microtask turn. A throw is answered like a rejection (Fastify catches it).
  const tls = config.tls !== undefined;
  fastify.addHook('preValidation', (request, _reply, done) => {
    checkInput(request, config.maxJsonDepth);
    done();
  });
  fastify.addHook('onSend', (request, reply, payload, done) => {
    void reply.headers(securityHeaders(request.url, tls));
    done(null, payload);
  });
  if (config.corsOrigins.length > 0) {
    app.enableCors({
      origin: config.corsOrigins,
      credentials: true,
      methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: CORS_ALLOWED_HEADERS,
      exposedHeaders: CORS_EXPOSED_HEADERS,
      maxAge: 600,
    });
  }
}

/**
 * Path and query values, and management and auth bodies, before any handler sees them: no NUL
 * character or unpaired surrogate (PostgreSQL text cannot hold them, and no name or description
 * needs them), and no body
 * nested deeper than the limit (class-transformer recurses: a deeply nested body would overflow
 * the stack). The inference routes' bodies are not walked here: their codecs refuse data nested
 * deeper than a tensor's rank can be, store nothing, and walking every tensor twice would slow
 * predictions down.
 */
function checkInput(request: FastifyRequest, maxDepth: number): void {
  for (const values of [request.params, request.query]) {
    const problem = typeof values === 'object' && values !== null ? findJsonProblem(values, 2) : undefined;
    if (problem === 'nul-character') throw new BadRequestError('the path or query holds a NUL character (%00); remove it');
    if (problem === 'unpaired-surrogate') throw new BadRequestError('the path or query holds half of a UTF-16 surrogate pair, which is not a character; send valid Unicode');
  }
  const body = request.body;
  if (typeof body !== 'object' || body === null || Buffer.isBuffer(body) || (body.constructor !== Object && !Array.isArray(body))) return;
  const access = (request.routeOptions.config as unknown as Record<string, unknown> | undefined)?.[ROUTE_CONFIG_ACCESS] as RouteAccess | undefined;
  if (access?.kind === 'scope' && access.scope === 'predict') return;
  const problem = findJsonProblem(body, maxDepth);
  if (problem === 'too-deep') {
    throw new BadRequestError(`the JSON body nests arrays and objects more than ${maxDepth} levels deep; flatten it (the limit is MODELGATE_MAX_JSON_DEPTH)`);
  }
  if (problem === 'nul-character') throw new BadRequestError('the JSON body holds a NUL character (\\u0000) in a string; remove it');
  if (problem === 'unpaired-surrogate') {
    throw new BadRequestError('the JSON body holds half of a UTF-16 surrogate pair (e.g. a lone \\ud800) in a string, which is not a character; send valid Unicode');
  }
}

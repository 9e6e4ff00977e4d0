import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyContextConfig, FastifyReply, FastifyRequest } from 'fastify';
import { ROUTE_CONFIG_ACCESS, type RouteAccess } from '../auth/access.decorator';
import { toErrorResponse } from '../common/error-response';
import { ServiceUnavailableError } from '../common/errors';
import { DASHBOARD_INDEX, type DashboardBuild } from '../config/dashboard-config';
import { API_PREFIXES } from '../security/security-headers';

/** Paths of the server itself: the dashboard never answers them, so they keep the API's JSON 404. */
const SERVER_PREFIXES = [...API_PREFIXES, '/docs'];
/** The pages and their files are public: the dashboard's login page calls POST /api/auth/login. */
const PUBLIC_ROUTE = { config: { [ROUTE_CONFIG_ACCESS]: { kind: 'public' } satisfies RouteAccess } as FastifyContextConfig };
/** Vite puts a hash of each file's content in its name under assets/: a name never changes content. */
const ASSET_CACHE = { maxAge: 365 * 24 * 60 * 60 * 1000, immutable: true };

const NOT_BUILT =
  'the dashboard is not built; build it with npm run build (npm start builds it too), then reload. The API answers meanwhile: ' +
  'predictions under /v2 and /v1, management under /api, and its reference at /docs';
const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Modelgate: the dashboard is not built</title></head>
<body>
<h1>The dashboard is not built</h1>
<p>Build it with <code>npm run build</code> (<code>npm start</code> builds it too), then reload this page.</p>
<p>The API answers meanwhile: predictions under <code>/v2</code> and <code>/v1</code>, management under <code>/api</code>,
and its reference at <a href="/docs">/docs</a>.</p>
</body>
</html>
`;

/**
 * Serves the dashboard build at /: index.html (revalidated on every load), the hashed files under
 * /assets/ (cached for good), the other files at the top of the build, and index.html for any
 * other page a browser asks for, so that a reload on a client-side route such as /models/iris
 * works. Two plain Fastify routes, GET /assets/* and GET /* (HEAD too), declared public; they add
 * no hook, so no other route does more work. Paths of the API and the docs are never theirs.
 * index.html is looked for on each page load, so a build made after the start is served.
 */
export async function serveDashboard(app: NestFastifyApplication, dashboard: DashboardBuild): Promise<void> {
  if (!dashboard.built) {
    new Logger('Dashboard').warn(
      `the dashboard is not built (no ${DASHBOARD_INDEX} in ${dashboard.dir}): GET / answers 503 until it is; build it with npm run build. The API and /docs work without it`,
    );
  }
  // Only reply.sendFile (path checks, content types, ETag, ranges); the routes are these below.
  await app.register(fastifyStatic, { serve: false, dotfiles: 'ignore', index: false });
  const fastify = app.getHttpAdapter().getInstance();
  const assets = join(dashboard.dir, 'assets');
  fastify.get('/assets/*', PUBLIC_ROUTE, (request, reply) => reply.sendFile(wildcard(request), assets, ASSET_CACHE));
  fastify.get('/*', PUBLIC_ROUTE, (request, reply) => answerPage(request, reply, dashboard.dir));
}

async function answerPage(request: FastifyRequest, reply: FastifyReply, dir: string): Promise<FastifyReply> {
  const path = `/${wildcard(request)}`;
  if (path === '/' || path === `/${DASHBOARD_INDEX}`) return sendIndex(request, reply, dir);
  if (isServerPath(path)) return notFound(reply);
  const name = path.slice(1);
  if (isTopLevelName(name) && (await isFile(join(dir, name)))) return sendRevalidated(reply, name, dir);
  if (acceptsHtml(request.headers.accept)) return sendIndex(request, reply, dir);
  // A script, a style sheet or an API client: a missing file is a 404, never the page.
  return notFound(reply);
}

/** The app's own 404 (Nest's JSON answer), exactly as for a path no route matches. */
function notFound(reply: FastifyReply): FastifyReply {
  reply.callNotFound();
  return reply;
}

async function sendIndex(request: FastifyRequest, reply: FastifyReply, dir: string): Promise<FastifyReply> {
  if (!(await isFile(join(dir, DASHBOARD_INDEX)))) return answerNotBuilt(request, reply);
  return sendRevalidated(reply, DASHBOARD_INDEX, dir);
}

/** Files whose names do not change with their content: the browser revalidates them (a 304 when unchanged). */
function sendRevalidated(reply: FastifyReply, name: string, dir: string): FastifyReply {
  return reply.header('cache-control', 'no-cache').sendFile(name, dir, { cacheControl: false });
}

function answerNotBuilt(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  void reply.header('cache-control', 'no-store');
  if (prefersJson(request.headers.accept)) {
    const response = toErrorResponse(new ServiceUnavailableError(NOT_BUILT), request.id);
    return reply.code(response.status).send(response.body);
  }
  return reply.code(503).type('text/html; charset=utf-8').send(NOT_BUILT_PAGE);
}

/** The path the wildcard matched, percent-decoded by the router (so /%61pi/x is seen as /api/x). */
function wildcard(request: FastifyRequest): string {
  return (request.params as { '*': string })['*'];
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** A path of the API or the docs (the prefixes the security headers know as API, and /docs*). */
export function isServerPath(path: string): boolean {
  return SERVER_PREFIXES.some((prefix) => path === prefix.replace(/\/$/, '') || path.startsWith(prefix));
}

/** One file name at the top of the build (favicon.svg, robots.txt): no folder, no dot file. */
export function isTopLevelName(name: string): boolean {
  return /^[^/\\.][^/\\]*$/.test(name);
}

/** Whether an Accept header lists text/html (with a non-zero q): what a browser sends when it loads a page. */
export function acceptsHtml(accept: string | undefined): boolean {
  return mediaTypes(accept).includes('text/html');
}

/** An API client asking for JSON, not a browser. */
export function prefersJson(accept: string | undefined): boolean {
  const types = mediaTypes(accept);
  return !types.includes('text/html') && types.some((type) => type === 'application/json' || type.endsWith('+json'));
}

function mediaTypes(accept: string | undefined): string[] {
  if (accept === undefined) return [];
  return accept
    .split(',')
    .map((entry) => entry.split(';'))
    .filter(([, ...parameters]) => !parameters.some((parameter) => /^\s*q\s*=\s*0(\.0*)?\s*$/i.test(parameter)))
    .map(([type]) => type!.trim().toLowerCase());
}

import 'reflect-metadata';
import { mkdir } from 'node:fs/promises';
import multipart from '@fastify/multipart';
import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { ROUTE_CONFIG_ACCESS, type RouteAccess } from './auth/access.decorator';
import type { AppConfig } from './config/config';
import { ApiExceptionFilter } from './common/api-exception.filter';
import { BadRequestError } from './common/errors';
import { requestIdFor } from './common/request-id';
import { describeValidationErrors, VALIDATION_OPTIONS } from './common/validation';
import { serveDashboard } from './dashboard/serve-dashboard';
import { EmbeddedPostgres } from './database/embedded-postgres';
import { DemoService } from './demo/demo.service';
import { registerInferenceBodyParsers } from './inference/binary-body';
import { DataPlaneSwitch, InferenceDataPlane } from './inference/data-plane';
import type { Http1Connections } from './inference/http1-connections';
import { InferenceService } from './inference/inference.service';
import { GrpcServer } from './inference/grpc/grpc-server.service';
import { ModelServer } from './inference/model-server.service';
import { ApiKeysService } from './auth/api-keys.service';
import { RateLimitService } from './auth/rate-limit/rate-limit.service';
import { setupOpenApi } from './openapi';
import { configureHttpSecurity } from './security/http-security';
import { closeLogger, loggerFor, NestPinoLogger } from './telemetry/logging/logger';
import { RequestTelemetry } from './telemetry/request-telemetry';

export interface RegisteredRoute {
  method: string;
  url: string;
  /** What the route needs (from @RequireScope / @RequireSession / @Public); undefined: nothing declared, so refused. */
  access?: RouteAccess;
}

export interface Modelgate {
  app: NestFastifyApplication;
  /** Every route the HTTP server registered (the auth tests walk them all). */
  routes: RegisteredRoute[];
  /** The database the app uses (the embedded one's private URL when DATABASE_URL is unset). */
  databaseUrl: string;
  /** The inference data plane, when it runs (MODELGATE_DATA_PLANE, no CORS_ORIGINS). */
  dataPlane: InferenceDataPlane | undefined;
  /** The plane's own HTTP/1.1 connections, where it reads them (MODELGATE_DATA_PLANE_HTTP). */
  http1: Http1Connections | undefined;
  /** Starts the HTTP server, then the gRPC server (MODELGATE_GRPC_PORT; GrpcServer.address); resolves with the HTTP URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

/**
 * Builds the whole server: database (embedded when DATABASE_URL is unset), migrations, the Nest
 * application on Fastify, the demo model. Used by main.ts and by the integration tests, so both
 * run exactly the same start-up.
 */
export async function createModelgate(config: AppConfig): Promise<Modelgate> {
  await mkdir(config.dataDir, { recursive: true });
  const embedded = config.databaseUrl ? undefined : await EmbeddedPostgres.start(config.dataDir);
  const databaseUrl = config.databaseUrl ?? embedded!.url;
  let app: NestFastifyApplication | undefined;
  const routes: RegisteredRoute[] = [];
  const dataPlane = new DataPlaneSwitch(config.dataPlaneHttp === 'modelgate' && InferenceDataPlane.enabledFor(config));
  let plane: InferenceDataPlane | undefined;
  try {
    const adapter = new FastifyAdapter({
      // Prediction requests may be answered before Fastify sees them (inference/data-plane.ts).
      serverFactory: dataPlane.serverFactory,
      bodyLimit: config.maxBodyBytes,
      genReqId: requestIdFor,
      requestIdHeader: false,
      // MODELGATE_TRUST_PROXY: off by default, the TCP peer is the client (login limits, audit).
      trustProxy: trustProxyOption(config.trustProxy),
      logger: false,
      // TLS_CERT and TLS_KEY (read and checked at start); unset: plain HTTP.
      ...(config.tls ? { https: { cert: config.tls.cert, key: config.tls.key } } : {}),
    });
    app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, databaseUrl, embedded !== undefined), adapter, {
      // JSON lines through pino at LOG_LEVEL, like the request lines (telemetry/logging).
      logger: new NestPinoLogger(loggerFor(config)),
      abortOnError: false,
      // Bodies are parsed by registerInferenceBodyParsers (and @fastify/multipart for uploads).
      bodyParser: false,
    });
    app.getHttpAdapter().getInstance().addHook('onRoute', (route) => {
      const access = (route.config as Record<string, unknown> | undefined)?.[ROUTE_CONFIG_ACCESS] as RouteAccess | undefined;
      for (const method of [route.method].flat()) routes.push({ method, url: route.url, access });
    });
    await configureHttp(app, config);
    // Once closing, Fastify answers every request (503 until the server is closed).
    app.getHttpAdapter().getInstance().addHook('preClose', (done) => {
      dataPlane.remove();
      done();
    });
    await app.init();
    dataPlane.countRequestsIn(app.get(ModelServer).activity);
    if (InferenceDataPlane.enabledFor(config)) {
      plane = new InferenceDataPlane(config, app.get(ApiKeysService), app.get(RateLimitService), app.get(InferenceService), app.get(RequestTelemetry));
      dataPlane.install(plane);
    }
    await app.get(DemoService).seedIfEmpty();
  } catch (error) {
    await app?.close().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    closeLogger(config);
    throw error;
  }
  const started = app;
  return {
    app: started,
    routes,
    databaseUrl,
    dataPlane: plane,
    http1: dataPlane.ownedConnections,
    async listen() {
      await started.listen(config.port, config.host);
      // After HTTP, so that a port taken stops the start with HTTP's own error first.
      await started.get(GrpcServer).listen();
      return started.getUrl();
    },
    async close() {
      await started.close();
      await embedded?.stop();
    },
  };
}

async function configureHttp(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onSend', (request, reply, payload, done) => {
    void reply.header('X-Request-Id', request.id);
    done(null, payload);
  });
  // Metrics, chart series and one log line per request, once the response is sent.
  app.get(RequestTelemetry).register(fastify);
  registerInferenceBodyParsers(fastify, config.maxBodyBytes);
  configureHttpSecurity(app, config);
  await app.register(multipart, {
    limits: { fileSize: config.maxUploadBytes, files: 1, fields: 10, fieldSize: 1024 * 1024, parts: 20 },
    throwFileSizeLimit: true,
  });
  app.useGlobalPipes(
    new ValidationPipe({
      ...VALIDATION_OPTIONS,
      transform: true,
      exceptionFactory: (errors) => new BadRequestError(describeValidationErrors(errors).join('; ')),
    }),
  );
  app.useGlobalFilters(new ApiExceptionFilter());
  app.enableShutdownHooks([...SHUTDOWN_SIGNALS]);
  setupOpenApi(app);
  await serveDashboard(app, config.dashboard);
}

/**
 * The signals that stop the server gracefully (its shutdown hooks: the data plane hands over, the
 * workers finish, the telemetry is flushed): an orchestrator's SIGTERM, Ctrl-C, a closed terminal,
 * nodemon's restart. Nest's default list also takes SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT,
 * SIGTRAP and SIGQUIT, and a JavaScript listener on a fault signal keeps a real fault from ending
 * the process: after each listener call the faulting instruction runs again, and faults again. A
 * segfault in native model code on the main thread (inline execution) left the server spinning on
 * 1.5 cores, deaf to SIGTERM too (no listener could run), until SIGKILL; in a worker it turned the
 * crash into a graceful shutdown beside a spinning thread. Without the listener the process ends at
 * once with the fault, for its supervisor to restart. SIGABRT and SIGQUIT are how an operator asks
 * a stuck process for a core dump, which a listener on a stuck event loop would swallow; SIGTRAP is
 * a debugger's. Those keep their default actions.
 */
export const SHUTDOWN_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGUSR2'] as const;

/** Fastify's form of MODELGATE_TRUST_PROXY: a number of hops becomes "trust the first N peers". */
function trustProxyOption(trust: AppConfig['trustProxy']): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  return trust;
}

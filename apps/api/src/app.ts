import 'reflect-metadata';
import { mkdir } from 'node:fs/promises';
import multipart from '@fastify/multipart';
import { ValidationPipe, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import type { AppConfig } from './config/config';
import { ApiExceptionFilter } from './common/api-exception.filter';
import { BadRequestError } from './common/errors';
import { registerJsonBodyParsers } from './common/json-body';
import { requestIdFor } from './common/request-id';
import { describeValidationErrors, VALIDATION_OPTIONS } from './common/validation';
import { EmbeddedPostgres } from './database/embedded-postgres';
import { DemoService } from './demo/demo.service';
import { setupOpenApi } from './openapi';

export interface RegisteredRoute {
  method: string;
  url: string;
}

export interface Modelgate {
  app: NestFastifyApplication;
  /** Every route the HTTP server registered (the auth tests walk them all). */
  routes: RegisteredRoute[];
  /** The database the app uses (the embedded one's private URL when DATABASE_URL is unset). */
  databaseUrl: string;
  listen(): Promise<string>;
  close(): Promise<void>;
}

const NEST_LOG_LEVELS: Record<AppConfig['logLevel'], LogLevel[] | false> = {
  silent: false,
  fatal: ['fatal'],
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  info: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug'],
  trace: ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'],
};

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
  try {
    const adapter = new FastifyAdapter({
      bodyLimit: config.maxBodyBytes,
      genReqId: requestIdFor,
      requestIdHeader: false,
      trustProxy: false,
      logger: false,
    });
    app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, databaseUrl, embedded !== undefined), adapter, {
      logger: NEST_LOG_LEVELS[config.logLevel],
      abortOnError: false,
      // Bodies are parsed by registerJsonBodyParsers (and @fastify/multipart for uploads).
      bodyParser: false,
    });
    app.getHttpAdapter().getInstance().addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) routes.push({ method, url: route.url });
    });
    await configureHttp(app, config);
    await app.init();
    await app.get(DemoService).seedIfEmpty();
  } catch (error) {
    await app?.close().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    throw error;
  }
  const started = app;
  return {
    app: started,
    routes,
    databaseUrl,
    async listen() {
      await started.listen(config.port, config.host);
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
  fastify.addHook('onSend', async (request, reply) => {
    void reply.header('X-Request-Id', request.id);
  });
  registerJsonBodyParsers(fastify, config.maxBodyBytes);
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
  app.enableShutdownHooks();
  setupOpenApi(app);
}

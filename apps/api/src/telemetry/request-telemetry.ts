import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction, onRequestHookHandler } from 'fastify';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { ModelServer } from '../inference/model-server.service';
import type { PredictionParams } from '../inference/request-options';
import { APP_LOGGER, type AppLogger, type RequestLine, writeRequestLine } from './logging/logger';
import { isServerError } from './metrics/request-outcome';
import { ServingMetrics } from './metrics/serving-metrics';
import type { PredictionRecord } from './prediction-context';
import { LatencySeries } from './series/latency-series';
import { VersionWindow } from './series/version-window';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A prediction route (set by RequestTelemetry when the route is registered). */
    modelgatePrediction?: boolean;
    /** GET /metrics, where METRICS_TOKEN is accepted. */
    modelgateMetricsScrape?: boolean;
  }
}

const PREDICTION_URL = /(\/infer|::predict)$/;
export const METRICS_PATH = '/metrics';
/** Probes and scrapes come every few seconds: their lines are logged at debug, not info. */
const QUIET_PATHS = new Set([
  '/health/live',
  '/health/ready',
  '/v2/health/live',
  '/v2/health/ready',
  '/inference.GRPCInferenceService/ServerLive',
  '/inference.GRPCInferenceService/ServerReady',
  '/grpc.health.v1.Health/Check',
  '/grpc.health.v1.Health/Watch',
  METRICS_PATH,
]);

/** What the log line names of a request. */
export interface AnsweredRequest {
  readonly id: string;
  readonly method: string;
  readonly url: string;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * Per-request telemetry, in Fastify hooks so that no controller changes: once a response is sent,
 * a prediction is counted (Prometheus counters and histograms, the per-minute series) and every
 * request gets one JSON log line. The prediction path only leaves a PredictionRecord on the
 * request; nothing here runs before the response is sent.
 */
@Injectable()
export class RequestTelemetry {
  private readonly metricsTokenDigest: Buffer | undefined;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(APP_LOGGER) private readonly logger: AppLogger,
    private readonly metrics: ServingMetrics,
    private readonly series: LatencySeries,
    private readonly versionWindow: VersionWindow,
    private readonly modelServer: ModelServer,
  ) {
    const token = config.telemetry.metricsToken;
    this.metricsTokenDigest = token === undefined ? undefined : digest(token);
  }

  /**
   * Adds the hooks; call before the routes are registered (app.init) and before any other
   * onRequest hook, so that a scraper's METRICS_TOKEN is answered before credentials are checked.
   */
  register(fastify: FastifyInstance): void {
    fastify.addHook('onRoute', (route) => {
      if (PREDICTION_URL.test(route.url)) route.config = { ...route.config, modelgatePrediction: true };
      if (route.url === METRICS_PATH) route.config = { ...route.config, modelgateMetricsScrape: true };
    });
    if (this.metricsTokenDigest !== undefined) fastify.addHook('onRequest', this.serveScrapeWithToken);
    fastify.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
      this.onResponse(request, reply);
      done();
    });
  }

  /**
   * METRICS_TOKEN: a scraper presenting it as a bearer token gets the metrics before credentials
   * are checked (the token is not an API key). Anything else goes on to them (admin only).
   */
  private readonly serveScrapeWithToken: onRequestHookHandler = (request, reply, done) => {
    if (request.routeOptions.config?.modelgateMetricsScrape !== true) return done();
    const presented = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
    if (presented === undefined || !timingSafeEqual(digest(presented), this.metricsTokenDigest!)) return done();
    this.metrics.exposition().then(
      (text) => void reply.header('content-type', this.metrics.contentType).send(text),
      (error: unknown) => done(error as Error),
    );
  };

  private onResponse(request: FastifyRequest, reply: FastifyReply): void {
    const isPrediction = request.routeOptions.config?.modelgatePrediction === true;
    this.answered(request, isPrediction ? ((request.params ?? {}) as PredictionParams) : undefined, reply.statusCode, reply.elapsedTime, request.prediction);
  }

  /**
   * One answered request, from Fastify's hook or from the inference data plane: a prediction route
   * (`predictionParams` set) is counted, and every request gets its log line.
   */
  answered(
    request: AnsweredRequest,
    predictionParams: PredictionParams | undefined,
    status: number,
    elapsedMs: number,
    prediction: PredictionRecord | undefined,
  ): void {
    if (predictionParams !== undefined) this.countPrediction(predictionParams, status, elapsedMs, prediction);
    this.logRequest(request, status, elapsedMs, prediction);
  }

  private countPrediction(params: PredictionParams, status: number, elapsedMs: number, prediction: PredictionRecord | undefined): void {
    if (prediction !== undefined) {
      const { served, route, timing } = prediction;
      const counters = this.metrics.routeCounters(served.modelName, served.version, route);
      this.metrics.observePrediction(counters, status, elapsedMs, timing);
      this.series.record(served.modelName, served.version, elapsedMs, isServerError(status));
      this.versionWindow.record(served.modelName, served.version, elapsedMs, isServerError(status));
      return;
    }
    // Refused before a version was chosen: labelled by the model only if it is one.
    const name = typeof params.name === 'string' && this.modelServer.hasModel(params.name) ? params.name : '';
    const route = params.version === undefined ? 'latest' : 'pinned';
    this.metrics.observePrediction(this.metrics.routeCounters(name, undefined, route), status, elapsedMs, undefined);
  }

  private logRequest(request: AnsweredRequest, status: number, elapsedMs: number, prediction: PredictionRecord | undefined): void {
    const url = request.url;
    const query = url.indexOf('?');
    const path = query < 0 ? url : url.slice(0, query);
    const level = QUIET_PATHS.has(path) ? 'debug' : 'info';
    if (!this.logger.isLevelEnabled(level)) return;
    // Field by field: never headers (keys, cookies), bodies (payloads, passwords) or the query.
    const line: RequestLine = {
      requestId: request.id,
      method: request.method,
      path,
      status,
      durationMs: Math.round(elapsedMs * 1000) / 1000,
    };
    if (prediction !== undefined) {
      line.model = prediction.served.modelName;
      line.version = prediction.served.version;
      line.route = prediction.route;
      if (prediction.timing !== undefined) {
        line.queueMs = Math.round(prediction.timing.queueMs * 1000) / 1000;
        line.computeMs = Math.round(prediction.timing.computeMs * 1000) / 1000;
        line.batchSize = prediction.timing.batchSize;
      }
    }
    writeRequestLine(this.logger, level, line);
  }
}

import { createServer as createHttpServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { Logger } from '@nestjs/common';
import type { ActivityGauge } from '@modelgate/runtime';
import type { FastifyServerOptions } from 'fastify';
import type { RouteAccess } from '../auth/access.decorator';
import { ApiKeysService } from '../auth/api-keys.service';
import { presentedKey } from '../auth/authenticator';
import { authorize } from '../auth/authorize';
import type { Principal } from '../auth/principal';
import { RateLimitService, rateLimitHeaders } from '../auth/rate-limit/rate-limit.service';
import type { RateDecision } from '../auth/rate-limit/token-bucket';
import { toErrorResponse } from '../common/error-response';
import { requestIdFrom } from '../common/request-id';
import type { AppConfig } from '../config/config';
import { securityHeaders } from '../security/security-headers';
import { failureRecord, type PredictionRecord } from '../telemetry/prediction-context';
import { RequestTelemetry } from '../telemetry/request-telemetry';
import { RawInferenceBody, v2BodyHeaders } from './binary-body';
import { handedOver, Http1Connections } from './http1-connections';
import { BodyJoiner, type PlaneExchange, type RequestBody } from './plane-exchange';
import { RequestScratch, ScratchBlocks, type ScratchBlockStats } from './scratch-blocks';
import { POOLED_MAX_BYTES } from './codecs/tensor-storage';
import { readInferenceHeaderLength } from './codecs/v2.binary';
import { InferenceService, type Answer } from './inference.service';
import { predictionCall, type PredictionCall, type PredictionParams } from './request-options';
import { JSON_CONTENT_TYPE, pushPredictionHeaders } from './response-headers';

/** What the prediction routes' controllers declare (@RequireScope('predict')). */
export const PREDICT_ACCESS: RouteAccess = { kind: 'scope', scope: 'predict' };

/**
 * The prediction routes as the controllers register them, for names and versions without `/`, `:`,
 * `%` (Fastify would decode it), `?` or `#`, and no longer than Fastify's maxParamLength (its
 * default, 100: past it the router answers 414); anything else is left to Fastify's router.
 */
const SEGMENT = '([^/:%?#]{1,100})';
const V2_INFER = new RegExp(`^/v2/models/${SEGMENT}(?:/versions/${SEGMENT})?/infer$`);
const TF_PREDICT = new RegExp(`^/v1/models/${SEGMENT}(?:/(versions|labels)/${SEGMENT})?:predict$`);

export interface PredictionRoute {
  protocol: 'v2' | 'tf';
  params: PredictionParams;
}

/** The prediction route `url` names, as Fastify would route it; undefined for anything else (left to Fastify). */
export function matchRoute(url: string): PredictionRoute | undefined {
  const v2 = V2_INFER.exec(url);
  if (v2 !== null) return { protocol: 'v2', params: v2[2] === undefined ? { name: v2[1] } : { name: v2[1], version: v2[2] } };
  const tf = TF_PREDICT.exec(url);
  if (tf === null) return undefined;
  if (tf[2] === undefined) return { protocol: 'tf', params: { name: tf[1] } };
  return { protocol: 'tf', params: tf[2] === 'versions' ? { name: tf[1], version: tf[3] } : { name: tf[1], label: tf[3] } };
}

export interface DataPlaneStats {
  /** Predictions this plane answered itself. */
  answered: number;
  /** Requests it looked into and handed to Fastify before reading their body (a refusal, or something it does not handle). */
  handedOver: number;
  /** The reusable memory of its multi-chunk bodies and large tensors. */
  scratch: ScratchBlockStats;
}

type RequestListener = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * The inference data plane: prediction requests answered straight from node:http, without Fastify's
 * request lifecycle and Nest's guards, pipes and filters, which cost more main-thread time than the
 * whole bare HTTP exchange (docs/performance.md). The management API, metadata, docs and every
 * request this plane does not take stay on Fastify and Nest: the control plane.
 *
 * It takes only the common case and leaves everything else to the framework, so that each refusal is
 * still answered by the one implementation that owns it: a POST to a prediction route, with an API
 * key, a Content-Length within the body limit, no Origin (CORS and cross-site checks), no multipart
 * body. Before reading the body it checks, with the same functions the framework calls, the key, its
 * access to the model, the path and headers, and the key's rate limit; if any of them refuses, the
 * request is handed to Fastify untouched, which answers it (the refusals take no rate-limit token,
 * so none is counted twice). Once the body is read, the plane answers what the controllers would:
 * the inference service's answer or its error (toErrorResponse, as the exception filter), with the
 * same headers, and records it for telemetry as the response hook does. The integration test
 * test/data-plane.e2e.ts sends the same requests with the plane on and off and compares the answers.
 *
 * MODELGATE_DATA_PLANE=false turns it off; it is also off when CORS_ORIGINS is set, so that CORS
 * headers stay with the framework's CORS handling.
 *
 * A check added to the framework for every request (a Fastify hook, a global guard) must be added
 * here too, or the plane must hand such requests over; the integration test pins the prediction
 * routes' declared access to PREDICT_ACCESS.
 */
export class InferenceDataPlane {
  private readonly logger = new Logger('HTTP');
  /** The security headers of an API answer (every prediction route is one), as name, value, name, value... */
  private readonly securityHeaders: readonly string[];
  private readonly maxBodyBytes: number;
  /** Where bodies that arrive in several chunks are joined, and large tensors decoded (scratch-blocks.ts). */
  readonly scratch = new ScratchBlocks();
  private answered = 0;
  private handedOver = 0;

  constructor(
    config: AppConfig,
    private readonly keys: ApiKeysService,
    private readonly rateLimits: RateLimitService,
    private readonly inference: InferenceService,
    private readonly telemetry: RequestTelemetry,
  ) {
    this.securityHeaders = pushHeaders([], securityHeaders('/v2/models', config.tls !== undefined));
    this.maxBodyBytes = config.maxBodyBytes;
  }

  /** Whether this plane runs for `config`. */
  static enabledFor(config: AppConfig): boolean {
    return config.dataPlane && config.corsOrigins.length === 0;
  }

  stats(): DataPlaneStats {
    return { answered: this.answered, handedOver: this.handedOver, scratch: this.scratch.stats() };
  }

  /**
   * Takes the request (true) or leaves it to `framework` (false). Synchronous up to the decision;
   * a request taken may still be handed to `framework` later, before its body is read.
   */
  take(request: IncomingMessage, response: ServerResponse, framework: RequestListener): boolean {
    if (request.method !== 'POST') return false;
    return this.takeExchange(new NodeExchange(request, response, framework));
  }

  /**
   * take for a POST on either transport: node:http's (take) or a connection the plane reads itself
   * (http1-connections.ts). False: the exchange is not one the plane answers, and nothing was done.
   */
  takeExchange(exchange: PlaneExchange): boolean {
    const route = matchRoute(exchange.url);
    if (route === undefined) return false;
    const headers = exchange.headers;
    if (headers.origin !== undefined || headers['transfer-encoding'] !== undefined) return false;
    const length = Number(headers['content-length']);
    if (!(length > 0 && length <= this.maxBodyBytes)) return false;
    if (headers['content-type']?.toLowerCase().startsWith('multipart/')) return false;
    const key = presentedKey(headers);
    if (key === undefined) return false;
    this.serve(exchange, route, key, length).catch((error: unknown) => {
      // Not reached by design (serve answers its own errors); a connection is never left hanging.
      this.logger.error(`POST ${exchange.url} failed in the data plane`, (error as Error)?.stack ?? String(error));
      exchange.drop();
    });
    return true;
  }

  private async serve(exchange: PlaneExchange, route: PredictionRoute, key: string, length: number): Promise<void> {
    const started = performance.now();
    const admission = this.admit(exchange.headers, route, key);
    const admitted = admission instanceof Promise ? await admission : admission;
    if (admitted === undefined) {
      this.handedOver++;
      exchange.handOver();
      return;
    }
    const id = requestIdFrom(exchange.headers['x-request-id']);
    let body: RequestBody;
    try {
      body = await exchange.readBody(length, this.scratch);
    } catch {
      // The client went away mid-body: there is no one to answer.
      exchange.drop();
      return;
    }
    this.answered++;
    const rateHeaders = admitted.decision && admitted.principal.rateLimit ? rateLimitHeaders(admitted.decision, admitted.principal.rateLimit) : undefined;
    let status = 200;
    let prediction: PredictionRecord | undefined;
    // Recorded once the answer is handed to the socket (or its write failed), as Fastify runs its
    // onResponse hook: an answer whose client went away before it was written is recorded by neither.
    const record = () => this.telemetry.answered({ id, method: 'POST', url: exchange.url }, route.params, status, performance.now() - started, prediction);
    let headers: string[];
    let payload: string | Buffer;
    try {
      const answered = await this.predict(route, admitted, body);
      prediction = answered.answer;
      headers = [];
      if (rateHeaders !== undefined) pushHeaders(headers, rateHeaders);
      pushPredictionHeaders(headers, answered.answer);
      pushHeaders(headers, answered.contentHeaders);
      payload = answered.payload;
    } catch (error) {
      const failure = toErrorResponse(error, id);
      status = failure.status;
      prediction = failureRecord(error);
      if (failure.internal) {
        this.logger.error(`POST ${exchange.url} failed (request ${id})`, (failure.internal as Error)?.stack ?? String(failure.internal));
      }
      headers = pushHeaders([], { ...rateHeaders, ...failure.headers, ...JSON_CONTENT_TYPE });
      payload = JSON.stringify(failure.body);
    }
    // As Fastify sends a reply: the route's headers, then the response hooks' (request id,
    // security), then the length.
    headers.push('x-request-id', id);
    for (const part of this.securityHeaders) headers.push(part);
    headers.push('content-length', String(typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length));
    exchange.send(status, headers, payload, record);
  }

  /**
   * The checks the framework makes before a body is read, with its functions: the key, its access to
   * the model, the path and headers, the rate limit. Undefined: one of them refused (or failed), and
   * the framework answers the request. A promise only where a check has to wait: a key not yet
   * cached (or refused: `authenticate` decides), a key with a rate limit.
   */
  private admit(headers: IncomingHttpHeaders, route: PredictionRoute, key: string): Admission {
    const principal = this.keys.authenticateNow(key);
    if (principal !== undefined) return this.admitKey(headers, route, principal);
    return this.keys.authenticate(key).then(
      (authenticated) => this.admitKey(headers, route, authenticated),
      () => undefined,
    );
  }

  private admitKey(headers: IncomingHttpHeaders, route: PredictionRoute, principal: Principal): Admission {
    try {
      authorize(PREDICT_ACCESS, principal, '', { name: route.params.name, inBody: false });
      const call = predictionCall(route.params, headers, principal);
      const headerLength = route.protocol === 'v2' ? readInferenceHeaderLength(headers['inference-header-content-length']) : undefined;
      // Last, so that a request handed over has taken no token.
      const limiting = this.rateLimits.forPrincipal(principal);
      if (limiting === undefined) return { principal, call, headerLength, decision: undefined };
      return limiting.then(
        (decision) => (decision.allowed ? { principal, call, headerLength, decision } : undefined),
        () => undefined,
      );
    } catch {
      return undefined;
    }
  }

  /**
   * The inference service decodes the body before it awaits anything, into tensors of its own when it
   * is given tensor memory (its docs): a pooled body's block goes back as soon as the call returns its
   * promise. The large tensors it decodes are kept until the answer is settled.
   */
  private async predict(route: PredictionRoute, admitted: Admitted, body: RequestBody): Promise<{ answer: Answer<unknown>; payload: string | Buffer; contentHeaders: Readonly<Record<string, string>> }> {
    // A body this short decodes into no tensor large enough to take a block (each element takes a
    // byte of the body at least, or two in JSON, and 8 at most in the tensor).
    const scratch = body.bytes.length > POOLED_MAX_BYTES / 4 ? new RequestScratch(this.scratch) : undefined;
    try {
      if (route.protocol === 'v2') {
        const answering = this.inference.v2Infer(admitted.call, new RawInferenceBody(body.bytes, admitted.headerLength), scratch?.tensorMemory);
        this.bodyDecoded(body);
        const answer = await answering;
        return { answer, payload: answer.body.body, contentHeaders: v2BodyHeaders(answer.body) };
      }
      const answering = this.inference.tfPredict(admitted.call, body.bytes, scratch?.tensorMemory);
      this.bodyDecoded(body);
      const answer = await answering;
      return { answer, payload: answer.body, contentHeaders: JSON_CONTENT_TYPE };
    } finally {
      scratch?.release();
    }
  }

  /**
   * Once the body is decoded, its block goes back. A pooled body is longer than 4 KiB, so the request
   * decoded it with tensor memory, and no tensor views it.
   */
  private bodyDecoded(body: RequestBody): void {
    if (body.pooled) this.scratch.give(body.bytes.buffer as ArrayBuffer);
  }
}

type Admission = Admitted | undefined | Promise<Admitted | undefined>;

/** `headers`' names and values onto `pairs` (name, value, name, value...); returns `pairs`. */
function pushHeaders(pairs: string[], headers: Readonly<Record<string, string>>): string[] {
  for (const name in headers) pairs.push(name, headers[name]);
  return pairs;
}

interface Admitted {
  principal: Principal;
  call: PredictionCall;
  headerLength: number | undefined;
  decision: RateDecision | undefined;
}

/** A request and its answer as node:http gives them to the request listener. */
class NodeExchange implements PlaneExchange {
  constructor(
    private readonly request: IncomingMessage,
    private readonly response: ServerResponse,
    private readonly framework: RequestListener,
  ) {}

  get url(): string {
    return this.request.url!;
  }

  get headers(): IncomingHttpHeaders {
    return this.request.headers;
  }

  readBody(length: number, blocks: ScratchBlocks): Promise<RequestBody> {
    return readBody(this.request, length, blocks);
  }

  handOver(): void {
    this.framework(this.request, this.response);
  }

  send(status: number, headers: string[], payload: string | Buffer, written: () => void): void {
    // A flat list spares writeHead a walk over an object's keys. The flag: 'finish' and 'error' may both come.
    let done = false;
    const once = () => {
      if (done) return;
      done = true;
      written();
    };
    this.response.on('finish', once);
    this.response.on('error', once);
    this.response.writeHead(status, headers);
    this.response.end(payload);
  }

  drop(): void {
    this.response.destroy();
  }
}

/**
 * The whole body of `length` bytes from node:http; rejects when the client goes away before its end.
 */
function readBody(request: IncomingMessage, length: number, blocks: ScratchBlocks): Promise<RequestBody> {
  return new Promise((resolve, reject) => {
    const joiner = new BodyJoiner(length, blocks);
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      joiner.discard();
      reject(error);
    };
    request.on('data', (chunk: Buffer) => {
      if (settled) return;
      if (chunk.length > joiner.missing) {
        request.destroy(new Error('body longer than its Content-Length'));
        return;
      }
      joiner.add(chunk);
    });
    // `on`, not `once`: `settled` already makes each of these act once, and `once` wraps every listener.
    request.on('end', () => {
      if (settled) return;
      if (joiner.missing !== 0) return fail(new Error('body shorter than its Content-Length'));
      settled = true;
      resolve(joiner.body());
    });
    request.on('error', fail);
    request.on('close', () => {
      if (!request.complete) fail(new Error('the client closed the connection'));
    });
  });
}

/**
 * Where the data plane meets the HTTP server: the FastifyAdapter's serverFactory makes the server
 * as Fastify would (HTTP or HTTPS, Fastify's timeouts) with a request listener that offers each
 * request to the plane first. The plane is installed once the app is initialised and removed when
 * it starts closing, after which Fastify answers everything (503 while it closes). The same
 * listener counts the requests in progress, whichever side answers them (countRequestsIn).
 */
export class DataPlaneSwitch {
  private plane: InferenceDataPlane | undefined;
  private activity: ActivityGauge | undefined;
  private connections: Http1Connections | undefined;

  /** `ownConnections`: read HTTP/1.1 connections (plain or TLS) with the plane's own parser (http1-connections.ts; MODELGATE_DATA_PLANE_HTTP). */
  constructor(private readonly ownConnections = true) {}

  install(plane: InferenceDataPlane): void {
    this.plane = plane;
    this.connections?.serve(plane);
  }

  remove(): void {
    this.plane = undefined;
    this.connections?.serve(undefined);
  }

  /** The connections read by the plane's own parser, where it reads them. */
  get ownedConnections(): Http1Connections | undefined {
    return this.connections;
  }

  /**
   * Counts every request from its arrival until its response closes (answered, or the connection
   * gone) in `activity`, which idle spin and the batcher read (ModelServer.activity).
   */
  countRequestsIn(activity: ActivityGauge): void {
    this.activity = activity;
  }

  readonly serverFactory = (framework: RequestListener, options: FastifyServerOptions & { https?: object | null; http?: object | null }): Server => {
    const listener: RequestListener = (request, response) => {
      const activity = this.activity;
      if (activity !== undefined) {
        activity.enter();
        response.on('close', activity.leave);
      }
      const plane = this.plane;
      // A request the plane took on a connection of its own and handed over is the framework's.
      if (plane === undefined || handedOver(request.socket) || !plane.take(request, response, framework)) framework(request, response);
    };
    const server = options.https ? createHttpsServer(options.https, listener) : createHttpServer(options.http ?? {}, listener);
    if (options.keepAliveTimeout !== undefined) server.keepAliveTimeout = options.keepAliveTimeout;
    if (options.requestTimeout !== undefined) server.requestTimeout = options.requestTimeout;
    server.setTimeout(options.connectionTimeout ?? 0);
    if (options.maxRequestsPerSocket !== undefined && options.maxRequestsPerSocket > 0) server.maxRequestsPerSocket = options.maxRequestsPerSocket;
    if (this.ownConnections && Http1Connections.suit(server)) {
      this.connections = new Http1Connections(server, () => this.activity);
      if (this.plane !== undefined) this.connections.serve(this.plane);
    }
    return server;
  };
}

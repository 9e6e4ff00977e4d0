import type { IncomingHttpHeaders } from 'node:http';
import { Metadata, status, type ServerDuplexStream, type ServerUnaryCall, type sendUnaryData, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { Injectable, Logger } from '@nestjs/common';
import type { RouteAccess } from '../../auth/access.decorator';
import { ApiKeysService } from '../../auth/api-keys.service';
import { presentedKey } from '../../auth/authenticator';
import { authorize } from '../../auth/authorize';
import type { Principal } from '../../auth/principal';
import { RateLimitService, rateLimitHeaders, rateLimitRefusal } from '../../auth/rate-limit/rate-limit.service';
import { BadRequestError, UnauthorizedError } from '../../common/errors';
import { requestIdFrom } from '../../common/request-id';
import { parseVersionNumber } from '../../common/version-number.pipe';
import { HealthService } from '../../telemetry/health.service';
import { failureRecord, type PredictionRecord } from '../../telemetry/prediction-context';
import { RequestTelemetry } from '../../telemetry/request-telemetry';
import { CLASSIFICATION_EXTENSION } from '../codecs/classification';
import { MODEL_CONFIGURATION_EXTENSION } from '../codecs/v2.model-config';
import { STATISTICS_EXTENSION } from '../codecs/v2.statistics';
import { v2ServerMetadata } from '../codecs/v2.metadata';
import { PREDICT_ACCESS } from '../data-plane';
import { InferenceService } from '../inference.service';
import { ModelServer } from '../model-server.service';
import { predictionCall, type PredictionParams } from '../request-options';
import { predictionParameters, pushPredictionHeaders } from '../response-headers';
import { SERVER_VERSION } from '../v2.controller';
import { toGrpcFailure } from './grpc-errors';
import type { ModelInferRequestMessage, ModelInferResponseMessage } from './grpc-tensors';

export const GRPC_SERVICE = 'inference.GRPCInferenceService';

/** ServerLive and ServerReady are public, as GET /v2/health/live and /ready are; the rest need what the v2 routes need. */
const PUBLIC_ACCESS: RouteAccess = { kind: 'public' };

const CREDENTIALS_REQUIRED = 'credentials are required: send an API key in the "authorization: Bearer <key>" or "x-api-key: <key>" metadata';

/**
 * Requests of one ModelStreamInfer stream being answered at once, past which the stream stops
 * reading (HTTP/2 flow control then holds the client back) until half of them are answered.
 */
export const STREAM_MAX_IN_FLIGHT = 256;

interface ModelStreamInferResponseMessage {
  error_message: string;
  infer_response: ModelInferResponseMessage | { model_name: string; model_version: string; id: string };
}

/** An open ModelStreamInfer call and its requests in progress. */
interface OpenStream {
  call: ServerDuplexStream<ModelInferRequestMessage, ModelStreamInferResponseMessage>;
  pending: number;
  /** The client sent its last request (or the server closes): the stream ends once `pending` is 0. */
  ending: boolean;
}

/** Extensions this service serves: classification (`classification` on a requested output), statistics (ModelStatistics) and model configuration (ModelConfig); binary data is HTTP's. */
const GRPC_EXTENSIONS = [CLASSIFICATION_EXTENSION, STATISTICS_EXTENSION, MODEL_CONFIGURATION_EXTENSION];

interface ModelRequestMessage {
  name?: string;
  version?: string;
}

/** What a handler answers: the response message, the metadata sent before it, and the prediction it made (for telemetry). */
interface Handled<T> {
  response: T;
  metadata?: Record<string, string>;
  prediction?: PredictionRecord;
}

/** Who called and what their key's rate limit said (its IETF RateLimit fields go back as metadata). */
interface Admitted {
  principal: Principal | undefined;
  rateHeaders: Record<string, string> | undefined;
}

/**
 * The Open Inference Protocol's gRPC service (inference.GRPCInferenceService) over the same parts as
 * the HTTP routes: API keys (authenticate, authorize, the key's rate limit) with the refusals and
 * messages of the HTTP routes, the inference service's predict path for ModelInfer, and the request
 * telemetry (a gRPC prediction counts in the same metrics and series as an HTTP one).
 * Every handler answers each call once, with a status from toGrpcFailure when it fails; no input a
 * client sends escapes as an exception.
 */
@Injectable()
export class GrpcInference {
  private readonly logger = new Logger('gRPC');
  private readonly streams = new Set<OpenStream>();
  private stopping = false;

  constructor(
    private readonly keys: ApiKeysService,
    private readonly rateLimits: RateLimitService,
    private readonly inference: InferenceService,
    private readonly modelServer: ModelServer,
    private readonly health: HealthService,
    private readonly telemetry: RequestTelemetry,
  ) {}

  /** The handlers grpc-js calls; RPCs of the proto left out here (none today) answer UNIMPLEMENTED. */
  implementation(): UntypedServiceImplementation {
    return {
      ServerLive: this.unary('ServerLive', PUBLIC_ACCESS, () => ({ response: { live: true } })),
      ServerReady: this.unary('ServerReady', PUBLIC_ACCESS, async () => ({ response: { ready: (await this.health.readiness()).ready } })),
      ServerMetadata: this.unary('ServerMetadata', PREDICT_ACCESS, () => ({ response: v2ServerMetadata(SERVER_VERSION, GRPC_EXTENSIONS) })),
      ModelReady: this.unary<ModelRequestMessage>('ModelReady', PREDICT_ACCESS, (request) => ({
        response: { ready: this.inference.isReady(request.name ?? '', versionOf(request.version)) },
      }), modelNamed),
      ModelMetadata: this.unary<ModelRequestMessage>('ModelMetadata', PREDICT_ACCESS, (request) => ({
        response: this.inference.v2Metadata(request.name ?? '', versionOf(request.version)),
      }), modelNamed),
      ModelInfer: this.unary<ModelInferRequestMessage>('ModelInfer', PREDICT_ACCESS, (request, call, admitted) => this.infer(request, call, admitted), (request) => request.model_name ?? '', true),
      ModelStreamInfer: (call: ServerDuplexStream<ModelInferRequestMessage, ModelStreamInferResponseMessage>) => this.stream(call),
      // Triton's statistics, as GET /v2/models[/{name}[/versions/{v}]]/stats: no name, every model the key may see.
      ModelStatistics: this.unary<ModelRequestMessage>('ModelStatistics', PREDICT_ACCESS, (request, _call, admitted) => {
        const allowed = admitted.principal?.models ?? null;
        if (request.name) return { response: this.inference.v2Statistics(allowed, request.name, versionOf(request.version)) };
        if (request.version) throw new BadRequestError(`version "${request.version}" was given without a model name; name the model, or leave both out for every model`);
        return { response: this.inference.v2Statistics(allowed) };
      }, (request) => request.name || undefined),
      // Triton's model configuration, as GET /v2/models/{name}[/versions/{v}]/config.
      ModelConfig: this.unary<ModelRequestMessage>('ModelConfig', PREDICT_ACCESS, (request) => ({
        response: { config: this.inference.v2ModelConfig(request.name ?? '', versionOf(request.version)) },
      }), modelNamed),
    };
  }

  /**
   * The app is closing: open streams read no more requests, answer those in progress, and end
   * (status OK), so that they do not hold the server's drain; new streams end at once.
   */
  stopStreams(): void {
    this.stopping = true;
    for (const stream of this.streams) {
      stream.call.pause();
      stream.ending = true;
      this.endIfDone(stream);
    }
  }

  /**
   * ModelStreamInfer (Triton's, for tritonclient.grpc's start_stream and async_stream_infer): each
   * request on the stream goes the way a ModelInfer does, admitted on its own (the key in the
   * stream's metadata, its rate limit, scope and model list), and is answered when it is done, in
   * completion order, with its id. A request that fails answers its error_message (the HTTP
   * route's message) and the stream goes on; a key that is missing or not valid ends the stream
   * with UNAUTHENTICATED, since no request on it could be answered. An answer says how it was
   * served in its parameters (route, queue and compute time, batch size), as a ModelInfer answer
   * does besides its metadata, since a stream's answers have none of their own. The stream's own deadline
   * bounds the stream, not each request: a request's deadline is its `timeout` parameter or the
   * x-request-timeout-ms metadata.
   */
  private stream(call: ServerDuplexStream<ModelInferRequestMessage, ModelStreamInferResponseMessage>): void {
    const path = `/${GRPC_SERVICE}/ModelStreamInfer`;
    const stream: OpenStream = { call, pending: 0, ending: this.stopping };
    this.streams.add(stream);
    const headers = headersOf(call.metadata);
    const closed = () => this.streams.delete(stream);
    call.on('cancelled', closed);
    call.on('error', closed);
    call.on('end', () => {
      stream.ending = true;
      this.endIfDone(stream);
    });
    call.on('data', (request: ModelInferRequestMessage) => {
      if (stream.ending) return;
      stream.pending++;
      if (stream.pending >= STREAM_MAX_IN_FLIGHT) call.pause();
      const started = performance.now();
      const id = requestIdFrom(undefined);
      const activity = this.modelServer.activity;
      activity.enter();
      const answer = async () => {
        const admitted = await this.admit(call.metadata, path, PREDICT_ACCESS, request.model_name ?? '');
        return this.inference.grpcInfer(predictionCall(predictionParamsOf(request), headers, admitted.principal), request);
      };
      answer().then(
        (answered) => {
          answered.body.parameters = predictionParameters(answered);
          this.send(stream, { error_message: '', infer_response: answered.body });
          this.record(id, path, request, 200, started, answered);
        },
        (error: unknown) => {
          const failure = toGrpcFailure(error, id);
          if (failure.internal !== undefined) this.logger.error(`${path} failed (request ${id})`, (failure.internal as Error)?.stack ?? String(failure.internal));
          this.record(id, path, request, failure.httpStatus, started, failureRecord(error));
          if (failure.error.code === status.UNAUTHENTICATED) {
            // No request on this stream can be answered: end it as a unary call would be.
            if (this.streams.delete(stream)) call.emit('error', failure.error);
            return;
          }
          const { model_name = '', model_version = '', id: requestId = '' } = request;
          this.send(stream, { error_message: failure.error.details ?? failure.error.message, infer_response: { model_name, model_version, id: requestId } });
        },
      ).finally(() => {
        activity.leave();
        stream.pending--;
        if (stream.pending === Math.floor(STREAM_MAX_IN_FLIGHT / 2) && !stream.ending) call.resume();
        this.endIfDone(stream);
      });
    });
    if (stream.ending) this.endIfDone(stream);
  }

  private send(stream: OpenStream, response: ModelStreamInferResponseMessage): void {
    if (this.streams.has(stream) && !stream.call.cancelled) stream.call.write(response);
  }

  private endIfDone(stream: OpenStream): void {
    if (!stream.ending || stream.pending > 0 || !this.streams.delete(stream)) return;
    stream.call.end();
  }

  private async infer(request: ModelInferRequestMessage, call: ServerUnaryCall<ModelInferRequestMessage, unknown>, admitted: Admitted): Promise<Handled<ModelInferResponseMessage>> {
    const params = predictionParamsOf(request);
    const headers = headersOf(call.metadata);
    const prediction = predictionCall(params, headers, admitted.principal);
    const remainingMs = remainingMsOf(call.getDeadline());
    if (remainingMs !== undefined) prediction.options = { ...prediction.options, deadlineMs: Math.min(prediction.options.deadlineMs ?? Infinity, remainingMs) };
    const answer = await this.inference.grpcInfer(prediction, request);
    answer.body.parameters = predictionParameters(answer);
    const pairs: string[] = [];
    pushPredictionHeaders(pairs, answer);
    const metadata: Record<string, string> = { ...admitted.rateHeaders };
    for (let at = 0; at < pairs.length; at += 2) metadata[pairs[at]] = pairs[at + 1];
    return { response: answer.body, metadata, prediction: answer };
  }

  /**
   * One RPC: the caller admitted as the HTTP routes admit theirs (`access`, on the model
   * `modelOf` names), then `handle`; its answer or its failure sent, and the call recorded for
   * telemetry (counted as a prediction when `isPrediction`, logged either way).
   */
  private unary<Request, Response = unknown>(
    method: string,
    access: RouteAccess,
    handle: (request: Request, call: ServerUnaryCall<Request, Response>, admitted: Admitted) => Handled<Response> | Promise<Handled<Response>>,
    modelOf?: (request: Request) => string | undefined,
    isPrediction = false,
  ) {
    const path = `/${GRPC_SERVICE}/${method}`;
    return (call: ServerUnaryCall<Request, Response>, callback: sendUnaryData<Response>): void => {
      const started = performance.now();
      const id = requestIdFrom(call.metadata.get('x-request-id')[0]);
      const activity = isPrediction ? this.modelServer.activity : undefined;
      activity?.enter();
      const run = async () => handle(call.request, call, await this.admit(call.metadata, path, access, modelOf?.(call.request)));
      run().then(
        ({ response, metadata, prediction }) => {
          activity?.leave();
          const initial = new Metadata();
          for (const [name, value] of Object.entries(metadata ?? {})) initial.set(name, value);
          initial.set('x-request-id', id);
          call.sendMetadata(initial);
          callback(null, response);
          this.record(id, path, isPrediction ? call.request : undefined, 200, started, prediction);
        },
        (error: unknown) => {
          activity?.leave();
          const failure = toGrpcFailure(error, id);
          if (failure.internal !== undefined) this.logger.error(`${path} failed (request ${id})`, (failure.internal as Error)?.stack ?? String(failure.internal));
          callback(failure.error);
          this.record(id, path, isPrediction ? call.request : undefined, failure.httpStatus, started, failureRecord(error));
        },
      );
    };
  }

  /**
   * The checks RequestGate and the AuthGuard make for an HTTP route, with their functions: the
   * key, its rate limit, then its scope and model list. Public RPCs take no credential.
   */
  private async admit(metadata: Metadata, path: string, access: RouteAccess, model: string | undefined): Promise<Admitted> {
    if (access.kind === 'public') return { principal: undefined, rateHeaders: undefined };
    const key = presentedKey(headersOf(metadata));
    if (key === undefined) throw new UnauthorizedError(CREDENTIALS_REQUIRED);
    const principal = this.keys.authenticateNow(key) ?? (await this.keys.authenticate(key));
    const decision = await this.rateLimits.forPrincipal(principal);
    if (decision !== undefined && !decision.allowed) throw rateLimitRefusal(principal, decision);
    authorize(access, principal, path, model === undefined ? undefined : { name: model, inBody: false });
    return { principal, rateHeaders: decision && principal.rateLimit ? rateLimitHeaders(decision, principal.rateLimit) : undefined };
  }

  /** As RequestTelemetry records an HTTP request: a ModelInfer (`inferRequest`) counts as a prediction, every call gets its log line. */
  private record(id: string, path: string, inferRequest: unknown, status: number, started: number, prediction: PredictionRecord | undefined): void {
    const params = inferRequest === undefined ? undefined : predictionParamsOf(inferRequest as ModelInferRequestMessage);
    this.telemetry.answered({ id, method: 'POST', url: path }, params, status, performance.now() - started, prediction);
  }
}

function modelNamed(request: ModelRequestMessage): string {
  return request.name ?? '';
}

/** The protocol's empty version means "the server chooses"; anything else must be a version number (400 otherwise). */
function versionOf(version: string | undefined): number | undefined {
  return version === undefined || version === '' ? undefined : parseVersionNumber(version);
}

function predictionParamsOf(request: ModelInferRequestMessage): PredictionParams {
  const name = request.model_name ?? '';
  return request.model_version ? { name, version: request.model_version } : { name };
}

/** The call's metadata as the HTTP headers the shared readers take (the first value of each key; binary ones left out). */
function headersOf(metadata: Metadata): IncomingHttpHeaders {
  const headers: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(metadata.getMap())) if (typeof value === 'string') headers[name] = value;
  return headers;
}

/** Milliseconds left before the call's deadline (at least 1), or undefined when it has none. */
function remainingMsOf(deadline: Date | number): number | undefined {
  const at = deadline instanceof Date ? deadline.getTime() : deadline;
  if (!Number.isFinite(at)) return undefined;
  return Math.max(1, at - Date.now());
}

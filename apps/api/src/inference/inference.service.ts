import { Inject, Injectable } from '@nestjs/common';
import { copyTensors, RuntimeError, type InferOptions, type InferResult, type NamedTensors } from '@modelgate/runtime';
import { classifyOutputs } from './codecs/classification';
import { v2ModelStat, type V2StatisticsResponse } from './codecs/v2.statistics';
import { v2ModelConfig, type V2ModelConfig } from './codecs/v2.model-config';
import { platformFor, v2ModelMetadata, type V2ModelMetadata } from './codecs/v2.metadata';
import { decodePredictRequest, encodePredictResponse } from './codecs/tfserving.codec';
import { tfServingMetadata, tfServingModelStatus } from './codecs/tfserving.metadata';
import { decodeV2InferBody, encodeV2InferBody, type V2EncodedBody } from './binary-body';
import { decodeGrpcInferRequest, encodeGrpcInferResponse, type ModelInferRequestMessage, type ModelInferResponseMessage } from './grpc/grpc-tensors';
import { withTensorMemory, type TensorMemory } from './codecs/tensor-storage';
import { ModelServer, type ServedVersion } from './model-server.service';
import { TrafficRouter, type Routed, type RouteKind } from './traffic-router';
import { withProtocolParameters, type PredictionCall } from './request-options';
import { PredictionSampler } from '../telemetry/prediction-sampler';
import { ServingMetrics } from '../telemetry/metrics/serving-metrics';
import { attributeFailure } from '../telemetry/prediction-context';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { assertTensorElements } from '../security/tensor-limits';

export interface Answer<T> {
  served: ServedVersion;
  route: RouteKind;
  /** Time queued and computing, and how many requests shared the engine call. */
  timing: Pick<InferResult, 'queueMs' | 'computeMs' | 'batchSize'>;
  /** Why a fallback version answered instead of the routed one. */
  fallbackReason?: FallbackReason;
  body: T;
}

/** `circuit-open`: the routed version failed repeatedly; `overloaded` or `failed`: it refused or failed this request. */
export type FallbackReason = 'circuit-open' | 'overloaded' | 'failed';

/** Runtime failures that a fallback version may answer instead: load and faults, not the client's input or its deadline. */
const FAILOVER_KINDS: Record<string, FallbackReason | undefined> = {
  'queue-full': 'overloaded',
  'model-not-loaded': 'overloaded',
  'worker-crashed': 'failed',
  inference: 'failed',
};

/**
 * The protocols over the model server: decode the request against the version's signature,
 * predict, encode the answer. Protocol shapes live in the codecs; which version answers lives in
 * the model server.
 */
@Injectable()
export class InferenceService {
  constructor(
    private readonly modelServer: ModelServer,
    private readonly router: TrafficRouter,
    private readonly metrics: ServingMetrics,
    private readonly sampler: PredictionSampler,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * `body` is what the body parser produced: a RawInferenceBody on the v2 infer routes (JSON text,
   * or the binary tensor extension when Inference-Header-Content-Length was sent), else parsed JSON.
   *
   * The body is decoded before the first await. JSON text is decoded into tensors of its own, and so
   * is a binary body when `tensorMemory` is given (without it, binary tensors may stay views of the
   * body): the data plane reuses a body's memory once this returns its promise (scratch-blocks.ts).
   * Large tensors take `tensorMemory` where it offers some.
   */
  async v2Infer({ target, options }: PredictionCall, body: unknown, tensorMemory?: TensorMemory): Promise<Answer<V2EncodedBody>> {
    const routed = this.router.route(target);
    const request = this.decoded(routed, () => decodeV2InferBody(body, routed.served.signature), tensorMemory);
    const answered = await this.predict(routed, request.inputs, withProtocolParametersFor(routed, options, request.parameters));
    const { served } = answered;
    try {
      const encoded = encodeV2InferBody(
        {
          modelName: target.model,
          modelVersion: served.version,
          id: request.id,
          outputs: answerOutputs(request, answered.result, served),
          requestedOutputs: request.requestedOutputs,
          signature: served.signature,
        },
        request,
      );
      return { served, route: answered.route, timing: answered.result, fallbackReason: answered.fallbackReason, body: encoded };
    } catch (error) {
      throw attributeFailure(error, served, answered.route);
    }
  }

  /**
   * The gRPC service's ModelInfer (grpc/grpc-inference.ts): as v2Infer, with the request decoded from
   * its protobuf message against the routed version's signature and the outputs answered as raw bytes.
   */
  async grpcInfer({ target, options }: PredictionCall, message: ModelInferRequestMessage): Promise<Answer<ModelInferResponseMessage>> {
    const routed = this.router.route(target);
    const request = this.decoded(routed, () => decodeGrpcInferRequest(message, routed.served.signature), undefined);
    const answered = await this.predict(routed, request.inputs, withProtocolParametersFor(routed, options, request.parameters));
    const { served } = answered;
    try {
      const encoded = encodeGrpcInferResponse({
        modelName: target.model,
        modelVersion: served.version,
        id: request.id,
        outputs: answerOutputs(request, answered.result, served),
        requestedOutputs: request.requestedOutputs,
        signature: served.signature,
      });
      return { served, route: answered.route, timing: answered.result, fallbackReason: answered.fallbackReason, body: encoded };
    } catch (error) {
      throw attributeFailure(error, served, answered.route);
    }
  }

  v2Metadata(modelName: string, version?: number): V2ModelMetadata {
    const served = this.router.describe(modelName, version);
    const versions = version === undefined ? this.readyVersions(modelName) : [served.version];
    return v2ModelMetadata({ name: modelName, versions, platform: platformFor(served.format), signature: served.signature });
  }

  /**
   * Triton's statistics of the loaded versions: of every model `allowed` lets the caller see (null:
   * all), of one model, or of one version (404 unknown, 503 not loaded here).
   */
  v2Statistics(allowed: readonly string[] | null, modelName?: string, version?: number): V2StatisticsResponse {
    let versions: ServedVersion[];
    if (modelName === undefined) {
      versions = [...this.modelServer.allVersions()]
        .filter((served) => allowed === null || allowed.includes(served.modelName))
        .sort((a, b) => (a.modelName < b.modelName ? -1 : a.modelName > b.modelName ? 1 : a.version - b.version));
    } else if (version === undefined) {
      versions = this.modelServer.versionsOf(modelName);
    } else {
      versions = [this.modelServer.resolve(modelName, version)];
    }
    return {
      model_stats: versions
        .filter((served) => served.state === 'ready')
        .map((served) => v2ModelStat(served.modelName, served.version, this.modelServer.stats(served))),
    };
  }

  /** Triton's model configuration of the version the model's traffic goes to now, or of one version (404, 503 as metadata). */
  v2ModelConfig(modelName: string, version?: number): V2ModelConfig {
    const served = this.router.describe(modelName, version);
    return v2ModelConfig(served, this.modelServer.stats(served));
  }

  /** Whether the model (or that version) can answer now; unknown names still answer 404. */
  isReady(modelName: string, version?: number): boolean {
    const versions = this.modelServer.versionsOf(modelName);
    if (version === undefined) return versions.some((served) => served.state === 'ready');
    const served = versions.find((candidate) => candidate.version === version);
    if (!served) this.modelServer.resolve(modelName, version);
    return served?.state === 'ready';
  }

  /** As v2Infer: the body (JSON, parsed or as bytes) is decoded before the first await, into tensors of its own (large ones in `tensorMemory` where it offers some). */
  async tfPredict({ target, options }: PredictionCall, body: unknown, tensorMemory?: TensorMemory): Promise<Answer<string>> {
    const routed = this.router.route(target);
    const request = this.decoded(routed, () => decodePredictRequest(body, routed.served.signature), tensorMemory);
    const answered = await this.predict(routed, request.inputs, options);
    const { served } = answered;
    try {
      const encoded = encodePredictResponse(request.format, answered.result.outputs, served.signature);
      return { served, route: answered.route, timing: answered.result, fallbackReason: answered.fallbackReason, body: encoded };
    } catch (error) {
      throw attributeFailure(error, served, answered.route);
    }
  }

  /** Decodes against the routed version's signature; a refusal counts against that version. */
  private decoded<T>(routed: Routed, decode: () => T, tensorMemory: TensorMemory | undefined): T {
    try {
      return tensorMemory === undefined ? decode() : withTensorMemory(tensorMemory, decode);
    } catch (error) {
      throw attributeFailure(error, routed.served, routed.route);
    }
  }

  /**
   * Predicts on the routed version. With a deployment's fallback, a version whose circuit is open
   * is skipped, and a request it refuses (overloaded) or fails is answered by the fallback. With a
   * shadow, a share of requests is copied to it once answered. Failures count against the version
   * that failed (metrics, rollout gates).
   */
  private async predict(routed: Routed, inputs: NamedTensors, options: InferOptions): Promise<{ served: ServedVersion; route: RouteKind; result: InferResult; fallbackReason?: FallbackReason }> {
    const { served, route, fallback, shadow } = routed;
    try {
      assertTensorElements(inputs, this.config.maxTensorElements);
    } catch (error) {
      throw attributeFailure(error, served, route);
    }
    const shadowSink = shadow !== undefined ? this.router.shadow : undefined;
    const ticket = shadowSink?.select(served, shadow!, inputs);
    if (fallback === undefined || fallback.version === served.version) {
      const result = await this.predictOn(served, route, inputs, options);
      if (ticket !== undefined) shadowSink!.dispatch(ticket, result.outputs);
      return { served, route, result };
    }
    if (this.router.circuitOpen(served)) return this.predictFallback(routed.served.modelName, fallback.version, 'circuit-open', inputs, options);
    // The inputs move to a worker; the fallback needs its own copy.
    const spare = copyTensors(inputs);
    try {
      const result = await this.predictOn(served, route, inputs, options);
      this.router.recordSuccess(served);
      if (ticket !== undefined) shadowSink!.dispatch(ticket, result.outputs);
      return { served, route, result };
    } catch (error) {
      const reason = error instanceof RuntimeError ? FAILOVER_KINDS[error.kind] : undefined;
      if (reason === undefined) {
        this.router.recordSuccess(served);
        throw error;
      }
      this.router.recordFailure(served, fallback);
      try {
        return await this.predictFallback(served.modelName, fallback.version, reason, spare, options);
      } catch {
        throw error;
      }
    }
  }

  private async predictFallback(modelName: string, version: number, reason: FallbackReason, inputs: NamedTensors, options: InferOptions) {
    const served = this.modelServer.resolve(modelName, version);
    this.metrics.fallbackUsed(modelName, version, reason);
    const result = await this.predictOn(served, 'fallback', inputs, options);
    return { served, route: 'fallback' as const, result, fallbackReason: reason };
  }

  /** Predicts, sampling the request for drift and payload logging: copies are made before the tensors move to a worker. */
  private async predictOn(served: ServedVersion, route: RouteKind, inputs: NamedTensors, options: InferOptions): Promise<InferResult> {
    try {
      const sample = this.sampler.sample(served, inputs);
      const result = await this.modelServer.predict(served, inputs, options);
      if (sample !== undefined) this.sampler.complete(sample, result.outputs);
      return result;
    } catch (error) {
      throw attributeFailure(error, served, route);
    }
  }

  tfStatus(modelName: string, version?: number) {
    const versions = this.modelServer
      .versionsOf(modelName)
      .filter((served) => version === undefined || served.version === version)
      .map((served) => ({
        version: served.version,
        state: TF_SERVING_STATE[served.state],
        error: served.reason,
      }));
    if (versions.length === 0 && version !== undefined) this.modelServer.resolve(modelName, version);
    return tfServingModelStatus(versions);
  }

  tfMetadata(modelName: string, version?: number, label?: string) {
    const served = this.router.describe(modelName, version, label);
    return tfServingMetadata(modelName, served.version, served.signature);
  }

  private readyVersions(modelName: string): number[] {
    return this.modelServer
      .versionsOf(modelName)
      .filter((served) => served.state === 'ready')
      .map((served) => served.version);
  }
}

/** TF Serving's version states; a version that failed to load reports END with its error. */
const TF_SERVING_STATE = { ready: 'AVAILABLE', loading: 'LOADING', unavailable: 'END' } as const;

/** The v2 `timeout` and `priority` parameters, read once the route is known (their errors count against that version). */
function withProtocolParametersFor(routed: Routed, options: InferOptions, parameters: Record<string, unknown> | undefined): InferOptions {
  try {
    return withProtocolParameters(options, parameters);
  } catch (error) {
    throw attributeFailure(error, routed.served, routed.route);
  }
}

/** The outputs an answer carries: the engine's, with the classification extension's top classes where the request asked for them. */
function answerOutputs(request: { classification?: ReadonlyMap<string, number> }, result: InferResult, served: ServedVersion): NamedTensors {
  return request.classification === undefined ? result.outputs : classifyOutputs(result.outputs, request.classification, served.classLabels);
}

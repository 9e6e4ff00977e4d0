import { Inject, Injectable } from '@nestjs/common';
import type { InferOptions, InferResult, NamedTensors } from '@modelgate/runtime';
import { platformFor, v2ModelMetadata, type V2ModelMetadata } from './codecs/v2.metadata';
import { decodePredictRequest, encodePredictResponse } from './codecs/tfserving.codec';
import { tfServingMetadata, tfServingModelStatus } from './codecs/tfserving.metadata';
import { decodeV2InferBody, encodeV2InferBody, type V2EncodedBody } from './binary-body';
import { ModelServer, type ServedVersion } from './model-server.service';
import { withProtocolTimeout } from './request-options';
import { PredictionSampler } from '../telemetry/prediction-sampler';
import { attributeFailure } from '../telemetry/prediction-context';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { assertTensorElements } from '../security/tensor-limits';

/** How a request reached its version: pinned by the path, or routed by the server. */
export type RouteKind = 'pinned' | 'latest';

export interface Answer<T> {
  served: ServedVersion;
  route: RouteKind;
  /** Time queued and computing, and how many requests shared the engine call. */
  timing: Pick<InferResult, 'queueMs' | 'computeMs' | 'batchSize'>;
  body: T;
}

/**
 * The protocols over the model server: decode the request against the version's signature,
 * predict, encode the answer. Protocol shapes live in the codecs; which version answers lives in
 * the model server.
 */
@Injectable()
export class InferenceService {
  constructor(
    private readonly modelServer: ModelServer,
    private readonly sampler: PredictionSampler,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * `body` is what the body parser produced: a RawInferenceBody on the v2 infer routes (JSON text,
   * or the binary tensor extension when Inference-Header-Content-Length was sent), else parsed JSON.
   */
  async v2Infer(modelName: string, version: number | undefined, body: unknown, options: InferOptions): Promise<Answer<V2EncodedBody>> {
    const served = this.modelServer.resolve(modelName, version);
    const route = routeOf(version);
    try {
      const request = decodeV2InferBody(body, served.signature);
      const result = await this.predict(served, request.inputs, withProtocolTimeout(options, request.parameters));
      const outputs = result.outputs;
      const encoded = encodeV2InferBody(
        {
          modelName,
          modelVersion: served.version,
          id: request.id,
          outputs,
          requestedOutputs: request.requestedOutputs,
          signature: served.signature,
        },
        request,
      );
      return { served, route, timing: result, body: encoded };
    } catch (error) {
      // Failures after routing count against the version that failed (metrics, rollout gates).
      throw attributeFailure(error, served, route);
    }
  }

  v2Metadata(modelName: string, version?: number): V2ModelMetadata {
    const served = this.modelServer.resolve(modelName, version);
    const versions = version === undefined ? this.readyVersions(modelName) : [served.version];
    return v2ModelMetadata({ name: modelName, versions, platform: platformFor(served.format), signature: served.signature });
  }

  /** Whether the model (or that version) can answer now; unknown names still answer 404. */
  isReady(modelName: string, version?: number): boolean {
    const versions = this.modelServer.versionsOf(modelName);
    if (version === undefined) return versions.some((served) => served.state === 'ready');
    const served = versions.find((candidate) => candidate.version === version);
    if (!served) this.modelServer.resolve(modelName, version);
    return served?.state === 'ready';
  }

  async tfPredict(modelName: string, version: number | undefined, body: unknown, options: InferOptions): Promise<Answer<string>> {
    const served = this.modelServer.resolve(modelName, version);
    const route = routeOf(version);
    try {
      const request = decodePredictRequest(body, served.signature);
      const result = await this.predict(served, request.inputs, options);
      return { served, route, timing: result, body: encodePredictResponse(request.format, result.outputs, served.signature) };
    } catch (error) {
      throw attributeFailure(error, served, route);
    }
  }

  /** Predicts, sampling the request for drift and payload logging: copies are made before the tensors move to a worker. */
  private async predict(served: ServedVersion, inputs: NamedTensors, options: InferOptions): Promise<InferResult> {
    assertTensorElements(inputs, this.config.maxTensorElements);
    const sample = this.sampler.sample(served, inputs);
    const result = await this.modelServer.predict(served, inputs, options);
    if (sample !== undefined) this.sampler.complete(sample, result.outputs);
    return result;
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

  tfMetadata(modelName: string, version?: number) {
    const served = this.modelServer.resolve(modelName, version);
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

function routeOf(version: number | undefined): RouteKind {
  return version === undefined ? 'latest' : 'pinned';
}

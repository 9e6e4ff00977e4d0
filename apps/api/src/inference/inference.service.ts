import { Injectable } from '@nestjs/common';
import { decodeV2Request, encodeV2Response } from './codecs/v2.codec';
import { platformFor, v2ModelMetadata, type V2ModelMetadata } from './codecs/v2.metadata';
import { decodePredictRequest, encodePredictResponse } from './codecs/tfserving.codec';
import { tfServingMetadata, tfServingModelStatus } from './codecs/tfserving.metadata';
import { ModelServer, type ServedVersion } from './model-server.service';

/** How a request reached its version: pinned by the path, or routed by the server. */
export type RouteKind = 'pinned' | 'latest';

export interface Answer<T> {
  served: ServedVersion;
  route: RouteKind;
  body: T;
}

/**
 * The protocols over the model server: decode the request against the version's signature,
 * predict, encode the answer. Protocol shapes live in the codecs; which version answers lives in
 * the model server.
 */
@Injectable()
export class InferenceService {
  constructor(private readonly modelServer: ModelServer) {}

  async v2Infer(modelName: string, version: number | undefined, body: unknown): Promise<Answer<string>> {
    const served = this.modelServer.resolve(modelName, version);
    const request = decodeV2Request(body, served.signature);
    const outputs = await this.modelServer.predict(served, request.inputs);
    const text = encodeV2Response({
      modelName,
      modelVersion: served.version,
      id: request.id,
      outputs,
      requestedOutputs: request.requestedOutputs,
      signature: served.signature,
    });
    return { served, route: routeOf(version), body: text };
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

  async tfPredict(modelName: string, version: number | undefined, body: unknown): Promise<Answer<string>> {
    const served = this.modelServer.resolve(modelName, version);
    const request = decodePredictRequest(body, served.signature);
    const outputs = await this.modelServer.predict(served, request.inputs);
    return { served, route: routeOf(version), body: encodePredictResponse(request.format, outputs, served.signature) };
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

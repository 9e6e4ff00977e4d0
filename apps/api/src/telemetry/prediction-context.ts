import type { FastifyRequest } from 'fastify';
import type { PredictionTiming } from './metrics/serving-metrics';

/** The version that answered (or failed) a prediction, as telemetry needs it. */
export interface PredictionServed {
  /** The version's row id. */
  id: string;
  modelName: string;
  version: number;
}

/**
 * What the prediction path tells the response hook about one request: which version it reached,
 * along which traffic route, and (when computed) where its time went. Set on the request by the
 * inference code (notePrediction on success, through the exception filter on failure) and read once
 * the response is sent, for metrics, chart series and the log line.
 */
export interface PredictionRecord {
  served: PredictionServed;
  route: string;
  timing?: PredictionTiming & { batchSize?: number };
}

declare module 'fastify' {
  interface FastifyRequest {
    prediction?: PredictionRecord;
  }
}

const ATTRIBUTED = Symbol('modelgate.prediction');

/** Called by the inference code with its answer: the request reached `served` and was computed. */
export function notePrediction(request: FastifyRequest, record: PredictionRecord): void {
  request.prediction = record;
}

/**
 * Marks an error thrown after a version was chosen with that version, so that a 504 from a canary
 * counts against the canary. Returns the error, to be rethrown.
 */
export function attributeFailure<E>(error: E, served: PredictionServed, route: string): E {
  if (typeof error === 'object' && error !== null && !Object.prototype.hasOwnProperty.call(error, ATTRIBUTED)) {
    Object.defineProperty(error, ATTRIBUTED, { value: { served, route } satisfies PredictionRecord, enumerable: false });
  }
  return error;
}

/** The version an error was attributed to (attributeFailure), if any. */
export function failureRecord(error: unknown): PredictionRecord | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  return (error as { [ATTRIBUTED]?: PredictionRecord })[ATTRIBUTED];
}

/** Called by the exception filter: keeps the version an error was attributed to, if any. */
export function noteFailure(request: FastifyRequest, error: unknown): void {
  if (request.prediction !== undefined) return;
  const record = failureRecord(error);
  if (record !== undefined) request.prediction = record;
}

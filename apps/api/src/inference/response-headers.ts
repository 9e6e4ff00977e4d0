import type { FastifyReply } from 'fastify';
import { notePrediction } from '../telemetry/prediction-context';
import type { InferParameterMessage } from './grpc/grpc-tensors';
import type { Answer } from './inference.service';

/** The Content-Type of every JSON answer, named in lower case as Fastify writes it. */
export const JSON_CONTENT_TYPE: Readonly<Record<string, string>> = Object.freeze({ 'content-type': 'application/json; charset=utf-8' });

/**
 * Every prediction says which version answered, how it was chosen, and where its time went:
 * `Server-Timing` (queue and compute, in ms, readable in browser dev tools) and `X-Batch-Size`
 * (how many requests shared the engine call), so batching can be seen working per request.
 * `X-Fallback` says why a deployment's fallback version answered (with `X-Route: fallback`).
 * Lower-case names, as Fastify writes them, so that both paths to a prediction send the same bytes.
 */
export function predictionHeaders(answer: Answer<unknown>): Record<string, string> {
  const pairs: string[] = [];
  pushPredictionHeaders(pairs, answer);
  const headers: Record<string, string> = {};
  for (let at = 0; at < pairs.length; at += 2) headers[pairs[at]] = pairs[at + 1];
  return headers;
}

/** predictionHeaders as name, value, name, value... onto `pairs`, as the data plane hands them to writeHead. */
export function pushPredictionHeaders(pairs: string[], answer: Answer<unknown>): void {
  const { queueMs, computeMs, batchSize } = answer.timing;
  pairs.push(
    'x-model-version',
    String(answer.served.version),
    'x-route',
    answer.route,
    'server-timing',
    `queue;dur=${queueMs.toFixed(3)}, compute;dur=${computeMs.toFixed(3)}`,
    'x-batch-size',
    String(batchSize),
  );
  if (answer.fallbackReason !== undefined) pairs.push('x-fallback', answer.fallbackReason);
}

/**
 * The same facts as response parameters, for the gRPC service's ModelInferResponse (grpc-tensors'
 * InferParameterMessage): `route`, `queue_ms` and `compute_ms` (as Server-Timing's durations),
 * `batch_size`, and `fallback` where the fallback answered. The version is the message's own
 * `model_version`. A ModelStreamInfer answer has no metadata of its own, and Triton's clients read
 * a response's parameters (InferResult.get_response()) but not its metadata.
 */
export function predictionParameters(answer: Answer<unknown>): Record<string, InferParameterMessage> {
  const { queueMs, computeMs, batchSize } = answer.timing;
  const parameters: Record<string, InferParameterMessage> = {
    route: { string_param: answer.route },
    queue_ms: { double_param: Math.round(queueMs * 1000) / 1000 },
    compute_ms: { double_param: Math.round(computeMs * 1000) / 1000 },
    batch_size: { int64_param: batchSize },
  };
  if (answer.fallbackReason !== undefined) parameters.fallback = { string_param: answer.fallbackReason };
  return parameters;
}

/** The controllers' side: the headers on the reply, and the answer noted for the response hook (metrics, series, log line). */
export function setPredictionHeaders(reply: FastifyReply, answer: Answer<unknown>): void {
  void reply.headers(predictionHeaders(answer));
  notePrediction(reply.request, answer);
}

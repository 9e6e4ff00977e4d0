import type { FastifyReply } from 'fastify';
import { notePrediction } from '../telemetry/prediction-context';
import type { Answer } from './inference.service';

/**
 * Every prediction says which version answered, how it was chosen, and where its time went:
 * `Server-Timing` (queue and compute, in ms, readable in browser dev tools) and `X-Batch-Size`
 * (how many requests shared the engine call), so batching can be seen working per request.
 * `X-Fallback` says why a deployment's fallback version answered (with `X-Route: fallback`).
 */
export function setPredictionHeaders(reply: FastifyReply, answer: Answer<unknown>): void {
  const { queueMs, computeMs, batchSize } = answer.timing;
  void reply.header('X-Model-Version', String(answer.served.version));
  void reply.header('X-Route', answer.route);
  void reply.header('Server-Timing', `queue;dur=${queueMs.toFixed(3)}, compute;dur=${computeMs.toFixed(3)}`);
  void reply.header('X-Batch-Size', String(batchSize));
  if (answer.fallbackReason !== undefined) void reply.header('X-Fallback', answer.fallbackReason);
  // For the response hook: metrics, chart series and the request's log line.
  notePrediction(reply.request, answer);
}

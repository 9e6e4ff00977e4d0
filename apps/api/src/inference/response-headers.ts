import type { FastifyReply } from 'fastify';
import type { Answer } from './inference.service';

/** Every prediction says which version answered and how it was chosen. */
export function setPredictionHeaders(reply: FastifyReply, answer: Answer<unknown>): void {
  void reply.header('X-Model-Version', String(answer.served.version));
  void reply.header('X-Route', answer.route);
}

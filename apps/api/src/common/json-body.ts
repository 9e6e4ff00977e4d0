import type { FastifyInstance, FastifyRequest } from 'fastify';
import secureJsonParse from 'secure-json-parse';
import { BadRequestError } from './errors';

/**
 * Every body that is not multipart is read as JSON, whatever its Content-Type: clients written for
 * TF Serving often post JSON with curl's default form Content-Type, and TF Serving accepts that.
 * A parse failure says where the JSON broke. Prototype-poisoning keys are refused.
 */
export function registerJsonBodyParsers(fastify: FastifyInstance, bodyLimit: number): void {
  const parse = (_request: FastifyRequest, body: string | Buffer, done: (error: Error | null, value?: unknown) => void) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim().length === 0) {
      done(null, undefined);
      return;
    }
    try {
      done(null, secureJsonParse.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' }));
    } catch (error) {
      done(new BadRequestError(`the body is not valid JSON (${(error as Error).message}); send a JSON object`));
    }
  };
  // Fastify's own application/json and text/plain parsers are replaced; '*' takes every other type.
  fastify.addContentTypeParser(['application/json', 'text/plain'], { parseAs: 'string', bodyLimit }, parse);
  fastify.addContentTypeParser('*', { parseAs: 'string', bodyLimit }, parse);
}

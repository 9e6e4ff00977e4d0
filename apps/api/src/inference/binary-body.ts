import type { ModelSignature } from '@modelgate/runtime';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import secureJsonParse from 'secure-json-parse';
import { BadRequestError } from '../common/errors';
import {
  INFERENCE_HEADER_CONTENT_LENGTH,
  decodeV2BinaryRequest,
  encodeV2BinaryResponse,
  readInferenceHeaderLength,
} from './codecs/v2.binary';
import { decodeV2Request, encodeV2Response, type V2InferRequest, type V2InferResponseParts } from './codecs/v2.codec';
import { decodeV2RequestText } from './codecs/v2.text';
import { JSON_CONTENT_TYPE } from './response-headers';

/**
 * The body of a v2 inference request, left undecoded by the body parser: the codec reads the bytes
 * itself (decodeV2InferBody), either as JSON text (scanning tensor data straight into typed arrays)
 * or, with `headerLength`, as the binary tensor data extension (JSON header, then raw tensor bytes).
 */
export class RawInferenceBody {
  constructor(
    readonly bytes: Buffer,
    /** Inference-Header-Content-Length: the byte length of the JSON header; undefined for plain JSON. */
    readonly headerLength: number | undefined,
  ) {}
}

/**
 * Marks, in the OpenAPI document, an operation that also takes the binary tensor data extension's
 * body; its value describes that body (buildOpenApiDocument adds it beside the JSON one).
 */
export const BINARY_BODY_EXTENSION = 'x-binary-tensor-data';

/** Route patterns (as Fastify registered them) whose bodies reach the handler raw. */
const V2_INFER_ROUTE = /\/v2\/models\/:[^/]+(\/versions\/:[^/]+)?\/infer$/;

export function isV2InferRoute(url: string | undefined): boolean {
  return url !== undefined && V2_INFER_ROUTE.test(url);
}

/** TF Serving's predict routes (`...::predict` as Fastify registered them), whose bodies reach the codec as bytes. */
const TF_PREDICT_ROUTE = /^\/v1\/models\/.*::predict$/;

export function isTfPredictRoute(url: string | undefined): boolean {
  return url !== undefined && TF_PREDICT_ROUTE.test(url);
}

/**
 * Every body that is not multipart is read as JSON, whatever its Content-Type, with
 * prototype-poisoning keys refused and a message that says where the JSON broke; except the v2 infer routes, whose bodies arrive as a RawInferenceBody: with an
 * Inference-Header-Content-Length header (any Content-Type, typically application/octet-stream)
 * for the binary extension, or plain JSON for the codec's own scanner; and TF Serving's predict
 * routes, whose bodies arrive as a Buffer for decodePredictRequest (same parsing, same errors).
 */
export function registerInferenceBodyParsers(fastify: FastifyInstance, bodyLimit: number): void {
  const parse = (request: FastifyRequest, body: Buffer, done: (error: Error | null, value?: unknown) => void) => {
    // routeOptions is a getter that builds an object on every read.
    const url = request.routeOptions.url;
    if (isV2InferRoute(url)) {
      let headerLength: number | undefined;
      try {
        headerLength = readInferenceHeaderLength(request.headers['inference-header-content-length']);
      } catch (error) {
        done(error as Error);
        return;
      }
      done(null, new RawInferenceBody(body, headerLength));
      return;
    }
    if (isTfPredictRoute(url)) {
      // decodePredictRequest scans the bytes, or parses them as below when it cannot.
      done(null, body);
      return;
    }
    const text = body.toString('utf8');
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
  // Fastify's own application/json and text/plain parsers are replaced; '*' takes every other type
  // (TF Serving clients often post JSON with curl's default form Content-Type).
  fastify.addContentTypeParser(['application/json', 'text/plain'], { parseAs: 'buffer', bodyLimit }, parse);
  fastify.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, parse);
}

/** A v2 inference request from whatever the body parser produced (raw, or already-parsed JSON). */
export function decodeV2InferBody(body: unknown, signature: ModelSignature): V2InferRequest {
  if (!(body instanceof RawInferenceBody)) return decodeV2Request(body, signature);
  if (body.headerLength === undefined) return decodeV2RequestText(body.bytes, signature);
  return decodeV2BinaryRequest(body.bytes, body.headerLength, signature);
}

/** An encoded v2 answer: JSON text, or the binary extension's header + tensor bytes. */
export type V2EncodedBody = { kind: 'json'; body: string } | { kind: 'binary'; body: Buffer; headerLength: number };

/** The answer to `request`: binary when it asked for any output as binary data, JSON otherwise. */
export function encodeV2InferBody(parts: V2InferResponseParts, request: V2InferRequest): V2EncodedBody {
  if (request.binaryOutputs === undefined) return { kind: 'json', body: encodeV2Response(parts) };
  return { kind: 'binary', ...encodeV2BinaryResponse(parts, request.binaryOutputs) };
}

const HEADER_LENGTH_NAME = INFERENCE_HEADER_CONTENT_LENGTH.toLowerCase();

/** Content-Type (and Inference-Header-Content-Length for binary) of an encoded answer, named in lower case as Fastify writes them. */
export function v2BodyHeaders(encoded: V2EncodedBody): Record<string, string> {
  if (encoded.kind === 'json') return JSON_CONTENT_TYPE;
  return { 'content-type': 'application/octet-stream', [HEADER_LENGTH_NAME]: String(encoded.headerLength) };
}

/** Sets Content-Type (and Inference-Header-Content-Length for binary) and returns what to send. */
export function writeV2Body(reply: FastifyReply, encoded: V2EncodedBody): string | Buffer {
  void reply.headers(v2BodyHeaders(encoded));
  return encoded.body;
}

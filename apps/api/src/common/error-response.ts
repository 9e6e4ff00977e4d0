import { HttpException } from '@nestjs/common';
import { RuntimeError } from '@modelgate/runtime';
import { ApiError } from './errors';

export interface ErrorResponse {
  status: number;
  body: Record<string, unknown> & { error: string };
  /** Logged, never sent: the unexpected failure behind a 500. */
  internal?: unknown;
}

const RUNTIME_STATUS: Record<string, number> = {
  'input-validation': 400,
  'model-load': 422,
  'model-not-loaded': 503,
  'worker-crashed': 503,
  inference: 500,
};

/** Messages for errors Fastify raises before a route runs (body parsing, limits). */
const FASTIFY_MESSAGES: Record<string, (error: { message: string }) => string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: () => 'the request body is larger than the limit (MODELGATE_MAX_BODY_MB); send less data per request',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => 'unsupported Content-Type; send application/json (or multipart/form-data for uploads)',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => 'the Content-Length header does not match the body',
};

/**
 * The one place where errors become HTTP answers: `{ "error": "<what went wrong, how to fix it>" }`
 * with the status code the error kind calls for. Unknown errors become a 500 that names the
 * request id and never carries a stack trace or an internal message.
 */
export function toErrorResponse(exception: unknown, requestId: string): ErrorResponse {
  if (exception instanceof ApiError) {
    return { status: exception.status, body: { error: exception.message, ...exception.details, requestId } };
  }
  if (exception instanceof RuntimeError) {
    const status = RUNTIME_STATUS[exception.kind] ?? 500;
    return { status, body: { error: exception.message, requestId }, internal: status >= 500 ? exception : undefined };
  }
  if (exception instanceof HttpException) {
    // Nest wraps Fastify's own errors (body limits, content types) with the original as cause.
    if (exception.cause !== undefined) {
      const cause = toErrorResponse(exception.cause, requestId);
      if (cause.status === exception.getStatus()) return cause;
    }
    const status = exception.getStatus();
    const response = exception.getResponse();
    const message = typeof response === 'string' ? response : describeHttpResponse(response);
    return { status, body: { error: message, requestId }, internal: status >= 500 ? exception : undefined };
  }
  const fastifyError = exception as { statusCode?: unknown; code?: unknown; message?: string };
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    const code = typeof fastifyError.code === 'string' ? fastifyError.code : '';
    const describe = FASTIFY_MESSAGES[code];
    const message = describe ? describe({ message: fastifyError.message ?? '' }) : (fastifyError.message ?? 'bad request');
    return { status: fastifyError.statusCode, body: { error: message, requestId } };
  }
  return { status: 500, body: { error: `internal error; report request id ${requestId}`, requestId }, internal: exception };
}

function describeHttpResponse(response: object): string {
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  if (typeof message === 'string') return message;
  return 'request failed';
}

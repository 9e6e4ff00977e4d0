import { HttpException } from '@nestjs/common';
import { QueueFullError, RuntimeError } from '@modelgate/runtime';
import { ApiError } from './errors';

export interface ErrorResponse {
  status: number;
  body: Record<string, unknown> & { error: string };
  /** Logged, never sent: the unexpected failure behind a 500. */
  internal?: unknown;
  headers?: Record<string, string>;
}

const RUNTIME_STATUS: Record<string, number> = {
  'input-validation': 400,
  'model-load': 422,
  'model-not-loaded': 503,
  'worker-crashed': 503,
  'queue-full': 429,
  'deadline-exceeded': 504,
  inference: 500,
};

/**
 * PostgreSQL refusing a value a client sent (a NUL character, text longer than its column, a
 * number out of range), wherever a check upstream let it through: the client's input, so a 400.
 */
const DATABASE_VALUE_ERRORS: Record<string, string> = {
  '22021': 'a text value holds a NUL character (\\u0000) or bytes that are not UTF-8; remove them',
  '22P05': 'a text value holds a character the database cannot store; remove it',
  '22001': 'a text value is longer than allowed; shorten it',
  '22003': 'a number is out of the allowed range',
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
    return { status: exception.status, body: { error: exception.message, ...exception.details, requestId }, headers: exception.headers };
  }
  if (exception instanceof RuntimeError) {
    const status = RUNTIME_STATUS[exception.kind] ?? 500;
    const headers = exception instanceof QueueFullError ? { 'retry-after': String(Math.max(1, Math.ceil(exception.retryAfterMs / 1000))) } : undefined;
    // A 503 or 504 here is load or a worker replaced, not a bug: nothing to log as internal.
    return { status, body: { error: exception.message, requestId }, headers, internal: status === 500 ? exception : undefined };
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
  const refusedValue = DATABASE_VALUE_ERRORS[(exception as { driverError?: { code?: string } } | undefined)?.driverError?.code ?? ''];
  if (refusedValue) return { status: 400, body: { error: refusedValue, requestId } };
  return { status: 500, body: { error: `internal error; report request id ${requestId}`, requestId }, internal: exception };
}

function describeHttpResponse(response: object): string {
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  if (typeof message === 'string') return message;
  return 'request failed';
}

/**
 * The API's own error kinds. Services throw these; the global exception filter maps each to its
 * status code and the JSON body `{ "error": "...", "requestId": "..." }`.
 */
export abstract class ApiError extends Error {
  abstract readonly status: number;
  /** Response headers that belong to the answer (e.g. retry-after), named in lower case as Fastify writes them. */
  headers?: Record<string, string>;
  constructor(
    message: string,
    /** Extra fields for the response body (never secrets). */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class BadRequestError extends ApiError {
  readonly status = 400;
}
export class UnauthorizedError extends ApiError {
  readonly status = 401;
}
export class ForbiddenError extends ApiError {
  readonly status = 403;
}
export class NotFoundError extends ApiError {
  readonly status = 404;
}
export class ConflictError extends ApiError {
  readonly status = 409;
}
export class PayloadTooLargeError extends ApiError {
  readonly status = 413;
}
export class UnsupportedMediaTypeError extends ApiError {
  readonly status = 415;
}
/** A model file that cannot be loaded or served. */
export class UnprocessableModelError extends ApiError {
  readonly status = 422;
}
export class ServiceUnavailableError extends ApiError {
  readonly status = 503;
}
/** Over a rate limit or a login throttle; the client may retry after `retryAfterSeconds`. */
export class TooManyRequestsError extends ApiError {
  readonly status = 429;
  constructor(message: string, retryAfterSeconds: number, headers: Record<string, string> = {}) {
    super(message);
    this.headers = { ...headers, 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) };
  }
}

import { Metadata, status as GrpcStatus, type ServerErrorResponse } from '@grpc/grpc-js';
import { toErrorResponse } from '../../common/error-response';

/** The gRPC code for each status Modelgate's errors carry; anything else is INTERNAL. */
const CODE_BY_STATUS: Readonly<Record<number, GrpcStatus>> = {
  400: GrpcStatus.INVALID_ARGUMENT,
  401: GrpcStatus.UNAUTHENTICATED,
  403: GrpcStatus.PERMISSION_DENIED,
  404: GrpcStatus.NOT_FOUND,
  409: GrpcStatus.FAILED_PRECONDITION,
  413: GrpcStatus.RESOURCE_EXHAUSTED,
  429: GrpcStatus.RESOURCE_EXHAUSTED,
  503: GrpcStatus.UNAVAILABLE,
  504: GrpcStatus.DEADLINE_EXCEEDED,
};

export interface GrpcFailure {
  /** What the call ends with: code, the HTTP answer's message, and trailers (retry-after, x-request-id). */
  error: ServerErrorResponse & { code: GrpcStatus };
  /** The status the HTTP routes would have answered: what metrics and the log line record. */
  httpStatus: number;
  /** Logged, never sent: the unexpected failure behind an INTERNAL. */
  internal?: unknown;
}

/**
 * An error as the gRPC service ends a call with it: the same message as the HTTP answer
 * (toErrorResponse), its status mapped to a gRPC code, its headers as trailers. A 429 also says in
 * its message when to retry, since a gRPC client shows the message and rarely the trailers.
 */
export function toGrpcFailure(exception: unknown, requestId: string): GrpcFailure {
  const response = toErrorResponse(exception, requestId);
  const trailers = new Metadata();
  for (const [name, value] of Object.entries(response.headers ?? {})) trailers.set(name, value);
  trailers.set('x-request-id', requestId);
  let message = response.body.error;
  const retryAfter = response.headers?.['retry-after'];
  if (response.status === 429 && retryAfter !== undefined && !/retry after/i.test(message)) message += `; retry after ${retryAfter} s`;
  const code = CODE_BY_STATUS[response.status] ?? GrpcStatus.INTERNAL;
  return { error: Object.assign(new Error(message), { code, details: message, metadata: trailers }), httpStatus: response.status, internal: response.internal };
}

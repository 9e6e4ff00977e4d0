import { status } from '@grpc/grpc-js';
import { DeadlineExceededError, InputValidationError, QueueFullError } from '@modelgate/runtime';
import { ConflictError, ForbiddenError, NotFoundError, PayloadTooLargeError, ServiceUnavailableError, TooManyRequestsError, UnauthorizedError } from '../../common/errors';
import { toGrpcFailure } from './grpc-errors';

describe('toGrpcFailure', () => {
  it.each<[string, unknown, status, number]>([
    ['bad input', new InputValidationError('input "x": wrong'), status.INVALID_ARGUMENT, 400],
    ['no key', new UnauthorizedError('no key'), status.UNAUTHENTICATED, 401],
    ['a missing scope', new ForbiddenError('no scope'), status.PERMISSION_DENIED, 403],
    ['an unknown model', new NotFoundError('model "m" not found'), status.NOT_FOUND, 404],
    ['a conflict', new ConflictError('taken'), status.FAILED_PRECONDITION, 409],
    ['too much data', new PayloadTooLargeError('too large'), status.RESOURCE_EXHAUSTED, 413],
    ['a model not ready', new ServiceUnavailableError('not ready'), status.UNAVAILABLE, 503],
    ['a deadline', new DeadlineExceededError('passed its deadline', 'queued'), status.DEADLINE_EXCEEDED, 504],
    ['a bug', new Error('secret detail'), status.INTERNAL, 500],
  ])('maps %s to its gRPC code, with the HTTP answer\'s message', (_case, error, code, httpStatus) => {
    const failure = toGrpcFailure(error, 'req-1');
    expect(failure.error.code).toBe(code);
    expect(failure.httpStatus).toBe(httpStatus);
    expect(failure.error.metadata!.get('x-request-id')).toEqual(['req-1']);
    if (httpStatus === 500) {
      expect(failure.error.details).toBe('internal error; report request id req-1');
      expect(failure.internal).toBe(error);
    } else expect(failure.error.details).toBe((error as Error).message);
  });

  it('says when to retry a 429, in the message and in a retry-after trailer', () => {
    const limited = toGrpcFailure(new TooManyRequestsError('key k is over its rate limit; retry after 2 s', 2), 'r');
    expect(limited.error).toMatchObject({ code: status.RESOURCE_EXHAUSTED, details: 'key k is over its rate limit; retry after 2 s' });
    expect(limited.error.metadata!.get('retry-after')).toEqual(['2']);
    const full = toGrpcFailure(new QueueFullError('the queue of model "m" version 1 is full', 1500), 'r');
    expect(full.error).toMatchObject({ code: status.RESOURCE_EXHAUSTED, details: 'the queue of model "m" version 1 is full; retry after 2 s' });
    expect(full.error.metadata!.get('retry-after')).toEqual(['2']);
  });
});

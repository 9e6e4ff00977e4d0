import { status } from '@grpc/grpc-js';
import { GRPC_CODE_NAMES, methodLabels } from './grpc-metrics';

describe('gRPC server metric labels', () => {
  it('names every status code as grpc-go does, by its number', () => {
    expect(GRPC_CODE_NAMES).toHaveLength(17);
    expect(GRPC_CODE_NAMES[status.OK]).toBe('OK');
    expect(GRPC_CODE_NAMES[status.CANCELLED]).toBe('Canceled');
    expect(GRPC_CODE_NAMES[status.INVALID_ARGUMENT]).toBe('InvalidArgument');
    expect(GRPC_CODE_NAMES[status.DEADLINE_EXCEEDED]).toBe('DeadlineExceeded');
    expect(GRPC_CODE_NAMES[status.RESOURCE_EXHAUSTED]).toBe('ResourceExhausted');
    expect(GRPC_CODE_NAMES[status.UNIMPLEMENTED]).toBe('Unimplemented');
    expect(GRPC_CODE_NAMES[status.UNAUTHENTICATED]).toBe('Unauthenticated');
  });

  it.each([
    [false, false, 'unary'],
    [true, false, 'client_stream'],
    [false, true, 'server_stream'],
    [true, true, 'bidi_stream'],
  ])('labels a method with requestStream %s and responseStream %s as %s, with its service and name', (requestStream, responseStream, type) => {
    expect(methodLabels({ path: '/inference.GRPCInferenceService/ModelStreamInfer', requestStream, responseStream })).toEqual({
      grpc_type: type,
      grpc_service: 'inference.GRPCInferenceService',
      grpc_method: 'ModelStreamInfer',
    });
  });
});

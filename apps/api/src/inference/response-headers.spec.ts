import type { Answer } from './inference.service';
import { predictionHeaders, predictionParameters } from './response-headers';

function answer(overrides: Partial<Answer<unknown>> = {}): Answer<unknown> {
  return {
    served: { version: 3 } as Answer<unknown>['served'],
    route: 'canary',
    timing: { queueMs: 0.41234, computeMs: 1.5, batchSize: 7 },
    body: {},
    ...overrides,
  };
}

describe('a prediction says how it was served', () => {
  it('in headers and in gRPC parameters alike: route, queue and compute time to the microsecond, batch size', () => {
    expect(predictionHeaders(answer())).toEqual({
      'x-model-version': '3',
      'x-route': 'canary',
      'server-timing': 'queue;dur=0.412, compute;dur=1.500',
      'x-batch-size': '7',
    });
    expect(predictionParameters(answer())).toEqual({
      route: { string_param: 'canary' },
      queue_ms: { double_param: 0.412 },
      compute_ms: { double_param: 1.5 },
      batch_size: { int64_param: 7 },
    });
  });

  it('names why the fallback answered, where it did', () => {
    const fallback = answer({ route: 'fallback', fallbackReason: 'circuit-open' });
    expect(predictionHeaders(fallback)).toMatchObject({ 'x-route': 'fallback', 'x-fallback': 'circuit-open' });
    expect(predictionParameters(fallback)).toMatchObject({ route: { string_param: 'fallback' }, fallback: { string_param: 'circuit-open' } });
  });
});

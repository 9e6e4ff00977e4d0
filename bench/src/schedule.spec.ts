import type { Protocol } from './protocols';
import type { HttpTarget } from './results';
import { roundOrder } from './schedule';

const cell = (target: HttpTarget, protocol: Protocol) => ({ run: { target, protocol }, label: `${target} ${protocol}` });

describe('roundOrder', () => {
  it('puts the bare server between the two Modelgate rows read against it, after the naive server and (e)', () => {
    // In the order measureModel plans them: by protocol, then server.
    const planned = [cell('bare-http', 'v2-json'), cell('naive', 'v2-json'), cell('batching', 'v2-json'), cell('modelgate', 'v2-json'), cell('modelgate', 'v2-binary')];
    expect(roundOrder(planned).map((entry) => entry.label)).toEqual([
      'naive v2-json',
      'batching v2-json',
      'modelgate v2-json',
      'bare-http v2-json',
      'modelgate v2-binary',
    ]);
  });

  it('orders the TF Serving group the same way, and leaves its input as it was', () => {
    const planned = [cell('bare-http', 'tf-rest'), cell('naive', 'tf-rest'), cell('modelgate', 'tf-rest')];
    expect(roundOrder(planned).map((entry) => entry.label)).toEqual(['naive tf-rest', 'modelgate tf-rest', 'bare-http tf-rest']);
    expect(planned[0].label).toBe('bare-http tf-rest');
  });
});

import { BadRequestError } from '../common/errors';
import { predictionCall, withProtocolParameters } from './request-options';

describe("a prediction request's options, from its headers and protocol parameters", () => {
  const options = (headers: Record<string, string>) => predictionCall({ name: 'iris' }, headers, undefined).options;

  it('reads the priority header: online by default, batch when asked, in any case and spacing', () => {
    expect(options({}).priority).toBe('online');
    expect(options({ 'x-request-priority': 'batch' }).priority).toBe('batch');
    expect(options({ 'x-request-priority': ' Batch ' }).priority).toBe('batch');
    expect(options({ 'x-request-priority': 'online' }).priority).toBe('online');
  });

  it('refuses a priority that is not a level, saying which levels there are', () => {
    for (const value of ['urgent', '', '1', 'batch,online']) {
      expect(() => options({ 'x-request-priority': value }), value).toThrow(BadRequestError);
      expect(() => options({ 'x-request-priority': value }), value).toThrow(/X-Request-Priority header must be "online" \(the default\) or "batch"/);
    }
  });

  it('takes the shorter deadline and the lower priority of the headers and the v2 parameters', () => {
    const fromHeaders = options({ 'x-request-timeout-ms': '2000' });
    expect(withProtocolParameters(fromHeaders, undefined)).toBe(fromHeaders);
    expect(withProtocolParameters(fromHeaders, { timeout: 500_000 })).toEqual({ priority: 'online', deadlineMs: 500 });
    expect(withProtocolParameters(fromHeaders, { timeout: 5_000_000 })).toEqual({ priority: 'online', deadlineMs: 2000 });
    expect(withProtocolParameters(fromHeaders, { priority: 'batch' })).toEqual({ priority: 'batch', deadlineMs: 2000 });
    // A parameter cannot raise what the header lowered.
    expect(withProtocolParameters(options({ 'x-request-priority': 'batch' }), { priority: 'online' }).priority).toBe('batch');
  });

  it('refuses bad v2 parameters with the parameter named', () => {
    const base = options({});
    expect(() => withProtocolParameters(base, { timeout: -1 })).toThrow(/parameters.timeout must be a positive number of microseconds/);
    for (const priority of [1, 'high', null, ['batch']]) {
      expect(() => withProtocolParameters(base, { priority }), JSON.stringify(priority)).toThrow(/parameters.priority must be "online" \(the default\) or "batch"/);
    }
  });
});

import { matchRoute } from './data-plane';

describe('data plane: which requests are prediction routes', () => {
  it('reads the v2 infer routes, latest and pinned', () => {
    expect(matchRoute('/v2/models/iris/infer')).toEqual({ protocol: 'v2', params: { name: 'iris' } });
    expect(matchRoute('/v2/models/iris/versions/3/infer')).toEqual({ protocol: 'v2', params: { name: 'iris', version: '3' } });
    // A bad version is still the route: the framework's 400 comes from parsing it, not from routing.
    expect(matchRoute('/v2/models/iris/versions/abc/infer')).toEqual({ protocol: 'v2', params: { name: 'iris', version: 'abc' } });
    expect(matchRoute(`/v2/models/${'m'.repeat(100)}/infer`)).toEqual({ protocol: 'v2', params: { name: 'm'.repeat(100) } });
  });

  it("reads TF Serving's predict routes: latest, version and label", () => {
    expect(matchRoute('/v1/models/iris:predict')).toEqual({ protocol: 'tf', params: { name: 'iris' } });
    expect(matchRoute('/v1/models/iris/versions/2:predict')).toEqual({ protocol: 'tf', params: { name: 'iris', version: '2' } });
    expect(matchRoute('/v1/models/iris/labels/canary:predict')).toEqual({ protocol: 'tf', params: { name: 'iris', label: 'canary' } });
  });

  it('leaves to Fastify what it would decode, and paths that are not exactly a prediction route', () => {
    for (const url of [
      '/v2/models/ir%69s/infer',
      '/v2/models/iris/infer?x=1',
      '/v2/models/iris/infer/',
      '/v2/models//infer',
      '/v2/models/a/b/infer',
      '/v2/models/iris/versions/1/2/infer',
      '/v2/models/iris',
      '/v2/models/iris/ready',
      '/v1/models/iris:classify',
      '/v1/models/a:b:predict',
      '/v1/models/iris/versions/:predict',
      '/v1/models/iris/other/2:predict',
      '/V2/models/iris/infer',
      '/api/models/iris/infer',
      '',
      // Past Fastify's maxParamLength (100), which its router answers 414.
      `/v2/models/${'m'.repeat(101)}/infer`,
      `/v2/models/iris/versions/${'1'.repeat(101)}/infer`,
      `/v1/models/${'m'.repeat(101)}:predict`,
      `/v1/models/iris/labels/${'l'.repeat(101)}:predict`,
    ]) {
      expect(matchRoute(url), url).toBeUndefined();
    }
  });
});

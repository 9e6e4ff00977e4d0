import { callExamples, exampleShape, exampleVersion, MAX_WRITTEN_ELEMENTS, type VersionSpec } from './call-examples';

const iris = [{ name: 'features', datatype: 'FP32', shape: [-1, 4] }];
const local = { origin: 'http://localhost:8080', grpc: { port: 8081, tls: false } };

/** The JSON body of a curl or grpcurl example (between -d ' and the closing quote). */
function bodyOf(code: string): unknown {
  return JSON.parse(/-d '([^']*)'/.exec(code)![1]);
}

describe('callExamples', () => {
  it('writes a curl whose body is the v2 JSON of one request of zeros, the key from $MODELGATE_KEY', () => {
    const [curl] = callExamples('iris', iris, local);
    expect(curl.title).toBe('curl (Open Inference Protocol)');
    expect(curl.code.split('\n')[0]).toBe('curl -s http://localhost:8080/v2/models/iris/infer \\');
    expect(curl.code).toContain('-H "Authorization: Bearer $MODELGATE_KEY"');
    expect(bodyOf(curl.code)).toEqual({ inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 4], data: [0, 0, 0, 0] }] });
    expect(curl.note).toBeNull();
  });

  it('offers tritonclient over HTTP and gRPC and grpcurl where gRPC listens, and only HTTP where it does not', () => {
    expect(callExamples('iris', iris, local).map((example) => example.title)).toEqual([
      'curl (Open Inference Protocol)',
      'Python, tritonclient over HTTP',
      'Python, tritonclient over gRPC',
      'grpcurl (server reflection, no proto needed)',
    ]);
    expect(callExamples('iris', iris, { ...local, grpc: null }).map((example) => example.title)).toEqual(['curl (Open Inference Protocol)', 'Python, tritonclient over HTTP']);
  });

  it('points each client at its address, with TLS where the server serves it', () => {
    const [, http, grpc, grpcurl] = callExamples('iris', iris, { origin: 'https://models.example.com:8443', grpc: { port: 9443, tls: true } });
    expect(http.code).toContain('tritonclient.http as client');
    expect(http.code).toContain('client.InferenceServerClient("models.example.com:8443", ssl=True)');
    expect(grpc.code).toContain('client.InferenceServerClient("models.example.com:9443", ssl=True)');
    expect(grpc.code).toContain('features.set_data_from_numpy(np.zeros((1, 4), dtype=np.float32))');
    expect(grpcurl.code).not.toContain('-plaintext');
    expect(grpcurl.code).toContain('models.example.com:9443 inference.GRPCInferenceService/ModelInfer');
    expect(bodyOf(grpcurl.code)).toEqual({ model_name: 'iris', inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 4], contents: { fp32_contents: [0, 0, 0, 0] } }] });
  });

  it('puts each datatype in its contents field and numpy type, and names Python variables that are not identifiers', () => {
    const inputs = [
      { name: 'ids', datatype: 'INT64', shape: [-1, 2] },
      { name: 'mask-1', datatype: 'BOOL', shape: [2] },
      { name: 'text', datatype: 'BYTES', shape: [-1] },
    ];
    const [curl, , grpc, grpcurl] = callExamples('multi', inputs, local);
    expect(bodyOf(curl.code)).toEqual({
      inputs: [
        { name: 'ids', datatype: 'INT64', shape: [1, 2], data: [0, 0] },
        { name: 'mask-1', datatype: 'BOOL', shape: [2], data: [false, false] },
        { name: 'text', datatype: 'BYTES', shape: [1], data: ['text'] },
      ],
    });
    expect((bodyOf(grpcurl.code) as { inputs: Array<{ contents: object }> }).inputs.map((input) => Object.keys(input.contents)[0])).toEqual(['int64_contents', 'bool_contents', 'bytes_contents']);
    expect(grpc.code).toContain('input1 = client.InferInput("mask-1", [2], "BOOL")');
    expect(grpc.code).toContain('input1.set_data_from_numpy(np.zeros((2,), dtype=np.bool_))');
    expect(grpc.code).toContain('text.set_data_from_numpy(np.full((1,), b"text", dtype=np.object_))');
    expect(grpc.code).toContain('result = triton.infer("multi", [ids, input1, text], headers=headers)');
  });

  it('leaves a large input out of the JSON bodies and says so, and offers no grpcurl for FP16, which travels raw only', () => {
    const image = [{ name: 'image', datatype: 'FP32', shape: [-1, 3, 64, 64] }];
    const [curl, python] = callExamples('cnn', image, local);
    expect(curl.code).toContain('"data": [/* 12288 values */]');
    expect(curl.note).toBe(`"image" has more than ${MAX_WRITTEN_ELEMENTS} elements: fill in its data (row-major), or use the Python example`);
    expect(python.code).toContain('np.zeros((1, 3, 64, 64), dtype=np.float32)');
    expect(callExamples('half', [{ name: 'x', datatype: 'FP16', shape: [-1, 4] }], local).map((example) => example.title)).not.toContain('grpcurl (server reflection, no proto needed)');
  });

  it('takes a batch of one where the batch dimension is free', () => {
    expect(exampleShape({ name: 'x', datatype: 'FP32', shape: [-1, 28, -1] })).toEqual([1, 28, 1]);
  });
});

describe('exampleVersion', () => {
  const wide = [{ name: 'features', datatype: 'FP32', shape: [-1, 8] }];
  const version = (number: number, inputs = iris, status = 'ready'): VersionSpec => ({ version: number, status, signature: { inputs } });
  const routes = (stable: number | null, ...weights: [number, number][]) => ({ stable, routes: weights.map(([number, weight]) => ({ version: number, weight })) });
  const pick = (versions: VersionSpec[], deployment: Parameters<typeof exampleVersion>[1]) => {
    const chosen = exampleVersion(versions, deployment);
    return chosen && { version: chosen.version.version, why: chosen.why, otherInputs: chosen.otherInputs };
  };

  it('takes the newest ready version where the model has no deployment, as the server routes it', () => {
    expect(pick([version(1), version(2), version(3, iris, 'loading')], null)).toEqual({ version: 2, why: 'the newest ready version', otherInputs: [] });
    expect(pick([version(1, iris, 'failed')], null)).toBeUndefined();
  });

  it("takes the deployment's stable route over a newer version, so the calls fit what unpinned traffic reaches", () => {
    // Version 3, with other inputs, is uploaded but not routed: the calls keep stable's inputs.
    expect(pick([version(1), version(2), version(3, wide)], routes(1, [1, 90], [2, 10]))).toEqual({ version: 1, why: 'the stable route', otherInputs: [] });
  });

  it('takes the heaviest route where no stable is labelled, or stable is not ready or takes nothing', () => {
    expect(pick([version(1), version(2)], routes(null, [1, 30], [2, 70]))).toEqual({ version: 2, why: 'the heaviest ready route', otherInputs: [] });
    expect(pick([version(1, iris, 'loading'), version(2)], routes(1, [1, 80], [2, 20]))).toMatchObject({ version: 2, why: 'the heaviest ready route' });
    expect(pick([version(1), version(2)], routes(1, [1, 0], [2, 100]))).toMatchObject({ version: 2, why: 'the heaviest ready route' });
  });

  it('falls back to the newest ready version where no routed version is ready', () => {
    expect(pick([version(1, iris, 'loading'), version(2, iris, 'failed'), version(3)], routes(1, [1, 50], [2, 50]))).toMatchObject({ version: 3, why: 'the newest ready version' });
  });

  it('names the other routed versions a request for its inputs does not fit, the same inputs in another order fitting', () => {
    const twoInputs = [
      { name: 'a', datatype: 'FP32', shape: [-1, 2] },
      { name: 'b', datatype: 'INT64', shape: [-1] },
    ];
    expect(pick([version(1), version(2, wide), version(3)], routes(1, [1, 80], [2, 10], [3, 10]))).toMatchObject({ version: 1, otherInputs: [2] });
    expect(pick([version(1, twoInputs), version(2, [...twoInputs].reverse())], routes(1, [1, 50], [2, 50]))).toMatchObject({ otherInputs: [] });
    expect(pick([version(1), version(2, [{ ...iris[0], datatype: 'FP64' }])], routes(1, [1, 50], [2, 50]))).toMatchObject({ otherInputs: [2] });
    // A free dimension takes what the other fixes: a request for [1, 4] fits [-1, -1].
    expect(pick([version(1), version(2, [{ ...iris[0], shape: [-1, -1] }])], routes(1, [1, 50], [2, 50]))).toMatchObject({ otherInputs: [] });
  });
});

import { callExamples, exampleShape, MAX_WRITTEN_ELEMENTS } from './call-examples';

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

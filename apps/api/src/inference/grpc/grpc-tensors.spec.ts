import { compileInputCheck, InputValidationError, type DataType, type ModelSignature, type TensorData } from '@modelgate/runtime';
import { toFloat16Bits } from '../codecs/float16';
import { decodeGrpcInferRequest, encodeGrpcInferResponse, parameterValues, type InferTensorContentsMessage, type ModelInferRequestMessage } from './grpc-tensors';

/** One input of every datatype, with the elements each carries and its `contents` field. */
const CASES: Array<{ datatype: DataType; values: unknown[]; field?: keyof InferTensorContentsMessage; expected: TensorData }> = [
  { datatype: 'BOOL', values: [true, false, true], field: 'bool_contents', expected: Uint8Array.from([1, 0, 1]) },
  { datatype: 'INT8', values: [-128, 0, 127], field: 'int_contents', expected: Int8Array.from([-128, 0, 127]) },
  { datatype: 'INT16', values: [-32768, 1, 32767], field: 'int_contents', expected: Int16Array.from([-32768, 1, 32767]) },
  { datatype: 'INT32', values: [-2147483648, 2, 2147483647], field: 'int_contents', expected: Int32Array.from([-2147483648, 2, 2147483647]) },
  { datatype: 'INT64', values: ['-9223372036854775808', '3', '9223372036854775807'], field: 'int64_contents', expected: BigInt64Array.from([-(2n ** 63n), 3n, 2n ** 63n - 1n]) },
  { datatype: 'UINT8', values: [0, 128, 255], field: 'uint_contents', expected: Uint8Array.from([0, 128, 255]) },
  { datatype: 'UINT16', values: [0, 1, 65535], field: 'uint_contents', expected: Uint16Array.from([0, 1, 65535]) },
  { datatype: 'UINT32', values: [0, 1, 4294967295], field: 'uint_contents', expected: Uint32Array.from([0, 1, 4294967295]) },
  { datatype: 'UINT64', values: ['0', '1', '18446744073709551615'], field: 'uint64_contents', expected: BigUint64Array.from([0n, 1n, 2n ** 64n - 1n]) },
  { datatype: 'FP32', values: [1.5, -2.25, 3], field: 'fp32_contents', expected: Float32Array.from([1.5, -2.25, 3]) },
  { datatype: 'FP64', values: [0.1, -1e300, 2], field: 'fp64_contents', expected: Float64Array.from([0.1, -1e300, 2]) },
  { datatype: 'FP16', values: [], expected: Uint16Array.from([1, -2, 0.5].map(toFloat16Bits)) },
];

const signatureFor = (datatype: DataType, shape = [-1]): ModelSignature => ({
  inputs: [{ name: 'x', datatype, shape }],
  outputs: [{ name: 'y', datatype, shape }],
});

function rawOf(data: TensorData): Buffer {
  if (Array.isArray(data)) return Buffer.concat(data.flatMap((element) => [Buffer.from(Uint32Array.from([element.length]).buffer), Buffer.from(element)]));
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

const decode = (message: ModelInferRequestMessage, signature: ModelSignature) => {
  const request = decodeGrpcInferRequest(message, signature);
  // What the runtime checks next: a decoded request of the right shape passes it.
  compileInputCheck(signature)(request.inputs);
  return request;
};

describe('decodeGrpcInferRequest', () => {
  it.each(CASES.filter((testCase) => testCase.field !== undefined))('reads $datatype from contents.$field', ({ datatype, values, field, expected }) => {
    const request = decode({ inputs: [{ name: 'x', datatype, shape: ['3'], contents: { [field!]: values } }] }, signatureFor(datatype));
    expect(request.inputs.x).toEqual({ datatype, shape: [3], data: expected });
  });

  it.each(CASES)('reads $datatype from raw_input_contents', ({ datatype, expected }) => {
    const raw = rawOf(expected);
    // An odd offset in a larger buffer, as a field inside a protobuf message is.
    const unaligned = Buffer.concat([Buffer.from([9]), raw]).subarray(1);
    const request = decode({ inputs: [{ name: 'x', datatype, shape: ['3'] }], raw_input_contents: [unaligned] }, signatureFor(datatype));
    expect(request.inputs.x).toEqual({ datatype, shape: [3], data: expected });
  });

  it('reads BYTES from contents and from raw contents (a 4-byte little-endian length before each element)', () => {
    const elements = [Buffer.from('héllo'), Buffer.alloc(0), Buffer.from([0, 255])];
    const typed = decode({ inputs: [{ name: 'x', datatype: 'BYTES', shape: [3], contents: { bytes_contents: elements } }] }, signatureFor('BYTES'));
    const raw = decode({ inputs: [{ name: 'x', datatype: 'BYTES', shape: [3] }], raw_input_contents: [rawOf(elements)] }, signatureFor('BYTES'));
    for (const request of [typed, raw]) expect((request.inputs.x.data as Uint8Array[]).map((element) => Buffer.from(element))).toEqual(elements);
  });

  it('reads several inputs from raw contents in input order, with the id, the parameters and the requested outputs', () => {
    const signature: ModelSignature = {
      inputs: [
        { name: 'a', datatype: 'FP32', shape: [-1, 2] },
        { name: 'b', datatype: 'INT64', shape: [] },
      ],
      outputs: [
        { name: 'p', datatype: 'FP32', shape: [-1] },
        { name: 'q', datatype: 'FP32', shape: [-1] },
      ],
    };
    const request = decode(
      {
        id: 'r-1',
        inputs: [
          { name: 'a', datatype: 'FP32', shape: ['2', '2'] },
          { name: 'b', datatype: 'INT64', shape: [] },
        ],
        raw_input_contents: [rawOf(Float32Array.from([1, 2, 3, 4])), rawOf(BigInt64Array.from([7n]))],
        parameters: { timeout: { parameter_choice: 'int64_param', int64_param: '5000' }, priority: { parameter_choice: 'string_param', string_param: 'batch' } },
        outputs: [{ name: 'q' }],
      },
      signature,
    );
    expect(request).toEqual({
      id: 'r-1',
      inputs: { a: { datatype: 'FP32', shape: [2, 2], data: Float32Array.from([1, 2, 3, 4]) }, b: { datatype: 'INT64', shape: [], data: BigInt64Array.from([7n]) } },
      parameters: { timeout: 5000, priority: 'batch' },
      requestedOutputs: ['q'],
    });
  });

  it.each<[string, ModelInferRequestMessage, string]>([
    ['a raw FP32 input a byte short', { inputs: [{ name: 'x', datatype: 'FP32', shape: ['1', '4'] }], raw_input_contents: [Buffer.alloc(15)] }, 'input "x": raw_input_contents[0] has 15 bytes but shape [1, 4] of FP32 needs 16 (4 elements of 4 bytes)'],
    ['a raw INT64 input with an extra byte', { inputs: [{ name: 'x', datatype: 'INT64', shape: ['2'] }], raw_input_contents: [Buffer.alloc(17)] }, 'input "x": raw_input_contents[0] has 17 bytes but shape [2] of INT64 needs 16 (2 elements of 8 bytes)'],
    ['raw contents for fewer inputs than sent', { inputs: [{ name: 'x', datatype: 'FP32', shape: ['1'] }, { name: 'y', datatype: 'FP32', shape: ['1'] }], raw_input_contents: [Buffer.alloc(4)] }, 'raw_input_contents has 1 entry but the request has 2 inputs; send one entry per input, in the order of "inputs"'],
    ['a BOOL byte other than 0 or 1', { inputs: [{ name: 'x', datatype: 'BOOL', shape: ['2'] }], raw_input_contents: [Buffer.from([1, 2])] }, 'input "x": element 1 is the byte 2, expected 0 (false) or 1 (true) for datatype BOOL'],
    ['raw BYTES too short for its elements', { inputs: [{ name: 'x', datatype: 'BYTES', shape: ['2'] }], raw_input_contents: [Buffer.alloc(7)] }, 'input "x": raw_input_contents[0] has 7 bytes, too few for the 2 elements of shape [2]: each BYTES element takes at least 4 bytes (its little-endian length)'],
    ['a raw BYTES element longer than what is left', { inputs: [{ name: 'x', datatype: 'BYTES', shape: ['1'] }], raw_input_contents: [Buffer.from([9, 0, 0, 0, 1])] }, 'input "x": element 0 says it has 9 bytes but only 1 bytes of raw_input_contents[0] are left'],
    ['raw BYTES with bytes after its elements', { inputs: [{ name: 'x', datatype: 'BYTES', shape: ['1'] }], raw_input_contents: [Buffer.from([0, 0, 0, 0, 1])] }, 'input "x": raw_input_contents[0] has 1 bytes after its 1 elements; it must hold exactly the elements of shape [1]'],
    ['fewer elements in contents than the shape holds', { inputs: [{ name: 'x', datatype: 'FP32', shape: ['2', '4'], contents: { fp32_contents: [1, 2, 3] } }] }, 'input "x": contents.fp32_contents has 3 elements but shape [2, 4] needs 8'],
    ['the contents field of another datatype', { inputs: [{ name: 'x', datatype: 'FP32', shape: ['1'], contents: { fp64_contents: [1] } }] }, 'input "x": datatype FP32 takes its elements in contents.fp32_contents, got contents.fp64_contents'],
    ['an INT8 out of its range', { inputs: [{ name: 'x', datatype: 'INT8', shape: ['2'], contents: { int_contents: [1, 200] } }] }, 'input "x": contents.int_contents[1] is 200, out of range for datatype INT8 (-128 to 127)'],
    ['FP16 in contents', { inputs: [{ name: 'x', datatype: 'FP16', shape: ['1'], contents: {} }] }, 'input "x": datatype FP16 has no "contents" field; send its elements in raw_input_contents (2 little-endian bytes each)'],
    ['BF16, which Modelgate does not serve', { inputs: [{ name: 'x', datatype: 'BF16', shape: ['1'] }], raw_input_contents: [Buffer.alloc(2)] }, 'input "x": datatype "BF16" is not a v2 datatype; use one of BOOL, UINT8'],
    ['both contents and raw contents', { inputs: [{ name: 'x', datatype: 'FP32', shape: ['1'], contents: { fp32_contents: [1] } }], raw_input_contents: [Buffer.alloc(4)] }, 'input "x": has both "contents" and raw_input_contents'],
    ['no data at all', { inputs: [{ name: 'x', datatype: 'FP32', shape: ['1'], contents: null }] }, 'input "x": has no data; send its elements in raw_input_contents'],
    ['a negative dimension', { inputs: [{ name: 'x', datatype: 'FP32', shape: ['-1'], contents: { fp32_contents: [] } }] }, 'input "x": "shape" must be non-negative whole numbers (at most 32), got [-1]'],
    ['an input twice', { inputs: [{ name: 'x', datatype: 'FP32', shape: [], contents: { fp32_contents: [1] } }, { name: 'x', datatype: 'FP32', shape: [], contents: { fp32_contents: [1] } }] }, 'input "x" appears more than once in "inputs"'],
    ['an unknown requested output', { inputs: [{ name: 'x', datatype: 'FP32', shape: ['1'], contents: { fp32_contents: [1] } }], outputs: [{ name: 'nope' }] }, 'requested output "nope" is not an output of this model; its outputs are "y"'],
  ])('refuses %s, saying what is wrong', (_case, message, expected) => {
    expect(() => decodeGrpcInferRequest(message, signatureFor('FP32'))).toThrow(InputValidationError);
    expect(() => decodeGrpcInferRequest(message, signatureFor('FP32'))).toThrow(expected);
  });

  it('leaves shape and element-count mismatches with the signature to the runtime check, whose message names the input', () => {
    const request = decodeGrpcInferRequest({ inputs: [{ name: 'x', datatype: 'FP32', shape: ['1', '3'] }], raw_input_contents: [Buffer.alloc(12)] }, signatureFor('FP32', [-1, 4]));
    expect(() => compileInputCheck(signatureFor('FP32', [-1, 4]))(request.inputs)).toThrow('input "x": expected shape [-1, 4], got [1, 3] (dimension 1 must be 4)');
  });

  it('never allocates for a shape that claims more elements than were sent', () => {
    const message = { inputs: [{ name: 'x', datatype: 'FP32', shape: ['1000000000', '1000000000'] }], raw_input_contents: [Buffer.alloc(4)] };
    expect(() => decodeGrpcInferRequest(message, signatureFor('FP32'))).toThrow('has 4 bytes but shape [1000000000, 1000000000] of FP32 needs');
  });
});

describe('parameterValues', () => {
  it('takes each parameter\'s set field; 64-bit integers as numbers where exact', () => {
    expect(
      parameterValues({
        a: { parameter_choice: 'bool_param', bool_param: true },
        b: { parameter_choice: 'int64_param', int64_param: '-12' },
        c: { parameter_choice: 'uint64_param', uint64_param: '18446744073709551615' },
        d: { parameter_choice: 'double_param', double_param: 0.5 },
        e: { parameter_choice: 'string_param', string_param: 'online' },
        f: {},
      }),
    ).toEqual({ a: true, b: -12, c: '18446744073709551615', d: 0.5, e: 'online' });
  });
});

describe('encodeGrpcInferResponse', () => {
  it.each(CASES)('answers $datatype as little-endian raw contents', ({ datatype, expected }) => {
    const response = encodeGrpcInferResponse({ modelName: 'm', modelVersion: 2, id: 'r', outputs: { y: { datatype, shape: [3], data: expected } }, signature: signatureFor(datatype) });
    expect(response).toMatchObject({ model_name: 'm', model_version: '2', id: 'r', outputs: [{ name: 'y', datatype, shape: [3] }] });
    expect(Buffer.compare(response.raw_output_contents[0], rawOf(expected))).toBe(0);
  });

  it('answers BYTES with a length before each element, and only the requested outputs in their order', () => {
    const signature: ModelSignature = { inputs: [], outputs: [{ name: 'a', datatype: 'FP32', shape: [1] }, { name: 'b', datatype: 'BYTES', shape: [2] }] };
    const outputs = { a: { datatype: 'FP32' as const, shape: [1], data: Float32Array.from([1]) }, b: { datatype: 'BYTES' as const, shape: [2], data: [Buffer.from('ab'), Buffer.from('c')] } };
    const response = encodeGrpcInferResponse({ modelName: 'm', modelVersion: 1, id: '', outputs, requestedOutputs: ['b'], signature });
    expect(response.outputs).toEqual([{ name: 'b', datatype: 'BYTES', shape: [2] }]);
    expect([...response.raw_output_contents[0]]).toEqual([2, 0, 0, 0, 97, 98, 1, 0, 0, 0, 99]);
  });

  it('refuses an output whose data does not fill its shape (a backend bug, not the client\'s)', () => {
    const outputs = { y: { datatype: 'FP32' as const, shape: [2], data: Float32Array.from([1]) } };
    expect(() => encodeGrpcInferResponse({ modelName: 'm', modelVersion: 1, id: '', outputs, signature: signatureFor('FP32') })).toThrow('output "y" has 1 elements but its shape [2] needs 2');
  });
});

import {
  InferenceError,
  InputValidationError,
  type DataType,
  type ModelSignature,
  type NamedTensors,
  type Tensor,
} from '@modelgate/runtime';
import { decodeV2Request, encodeV2Response } from './v2.codec';

const signature: ModelSignature = {
  inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 4] }],
  outputs: [
    { name: 'probabilities', datatype: 'FP32', shape: [-1, 3] },
    { name: 'label', datatype: 'INT64', shape: [-1] },
  ],
};

function request(input: Record<string, unknown>, extra: Record<string, unknown> = {}): unknown {
  return { inputs: [{ name: 'x', ...input }], ...extra };
}

function decodeOne(datatype: string, shape: number[], data: unknown): Tensor {
  return decodeV2Request(request({ datatype, shape, data }), signature).inputs.x;
}

function decodeError(body: unknown): InputValidationError {
  try {
    decodeV2Request(body, signature);
  } catch (error) {
    expect(error).toBeInstanceOf(InputValidationError);
    return error as InputValidationError;
  }
  throw new Error('expected the request to be rejected');
}

function encode(outputs: NamedTensors, extra: { id?: string; requestedOutputs?: string[] } = {}): string {
  return encodeV2Response({ modelName: 'iris', modelVersion: 2, outputs, signature, ...extra });
}

function encodedData(tensor: Tensor): unknown {
  const body = JSON.parse(encode({ y: tensor })) as { outputs: { data: unknown }[] };
  return body.outputs[0].data;
}

describe('decodeV2Request', () => {
  it('decodes the spec example and keeps id, parameters and requested outputs', () => {
    const decoded = decodeV2Request(
      {
        id: '42',
        parameters: { priority: 1 },
        inputs: [
          { name: 'input0', shape: [2, 2], datatype: 'UINT32', data: [1, 2, 3, 4] },
          { name: 'input1', shape: [3], datatype: 'BOOL', data: [true, false, true], parameters: {} },
        ],
        outputs: [{ name: 'label' }, { name: 'probabilities', parameters: { binary_data: false } }],
      },
      signature,
    );
    expect(decoded.id).toBe('42');
    expect(decoded.parameters).toEqual({ priority: 1 });
    expect(decoded.requestedOutputs).toEqual(['label', 'probabilities']);
    expect(decoded.inputs.input0).toEqual({ datatype: 'UINT32', shape: [2, 2], data: new Uint32Array([1, 2, 3, 4]) });
    expect(decoded.inputs.input1.data).toEqual(new Uint8Array([1, 0, 1]));
  });

  it('leaves optional fields out when absent', () => {
    const decoded = decodeV2Request(request({ datatype: 'FP32', shape: [1, 4], data: [1, 2, 3, 4] }), signature);
    expect(Object.keys(decoded)).toEqual(['inputs']);
  });

  it('accepts flat and nested data alike, in row-major order', () => {
    const flat = decodeOne('FP32', [2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]);
    const nested = decodeOne('FP32', [2, 2, 2], [[[1, 2], [3, 4]], [[5, 6], [7, 8]]]);
    const rows = decodeOne('FP32', [2, 2, 2], [[1, 2, 3, 4], [5, 6, 7, 8]]);
    expect(flat.data).toEqual(new Float32Array([1, 2, 3, 4, 5, 6, 7, 8]));
    expect(nested.data).toEqual(flat.data);
    expect(rows.data).toEqual(flat.data);
  });

  it('decodes scalars and empty tensors', () => {
    expect(decodeOne('INT32', [], [7]).data).toEqual(new Int32Array([7]));
    expect(decodeOne('FP32', [0, 4], []).data).toEqual(new Float32Array(0));
  });

  describe('datatypes', () => {
    it.each<[DataType, unknown[], ArrayLike<unknown>]>([
      ['BOOL', [true, false, 1, 0], new Uint8Array([1, 0, 1, 0])],
      ['UINT8', [0, 255], new Uint8Array([0, 255])],
      ['UINT16', [0, 65535], new Uint16Array([0, 65535])],
      ['UINT32', [0, 4294967295], new Uint32Array([0, 4294967295])],
      ['INT8', [-128, 127], new Int8Array([-128, 127])],
      ['INT16', [-32768, 32767], new Int16Array([-32768, 32767])],
      ['INT32', [-2147483648, 2147483647], new Int32Array([-2147483648, 2147483647])],
      ['FP32', [0.5, -1.25, 3], new Float32Array([0.5, -1.25, 3])],
      ['FP64', [0.1, -1e300], new Float64Array([0.1, -1e300])],
      ['FP16', [0.5, -2, 65504], new Uint16Array([0x3800, 0xc000, 0x7bff])],
    ])('decodes %s into its typed array', (datatype, data, expected) => {
      expect(decodeOne(datatype, [data.length], data).data).toEqual(expected);
    });

    it('decodes INT64 from safe numbers and decimal strings, negatives included', () => {
      const tensor = decodeOne('INT64', [5], [0, -1, 9007199254740991, '-9223372036854775808', '9223372036854775807']);
      expect(tensor.data).toEqual(
        new BigInt64Array([0n, -1n, 9007199254740991n, -9223372036854775808n, 9223372036854775807n]),
      );
    });

    it('decodes UINT64 up to 2^64 - 1', () => {
      const tensor = decodeOne('UINT64', [3], [0, 4294967296, '18446744073709551615']);
      expect(tensor.data).toEqual(new BigUint64Array([0n, 4294967296n, 18446744073709551615n]));
    });

    it('decodes BYTES as UTF-8, one buffer per element', () => {
      const tensor = decodeOne('BYTES', [2], ['héllo', '']);
      const data = tensor.data as Uint8Array[];
      expect(Buffer.from(data[0]).toString('utf8')).toBe('héllo');
      expect(data[1]).toEqual(new Uint8Array(0));
      expect(data[0].buffer).not.toBe(data[1].buffer);
    });

    it('accepts "NaN", "Infinity" and "-Infinity" for floats', () => {
      const tensor = decodeOne('FP32', [3], ['NaN', 'Infinity', '-Infinity']);
      expect(Array.from(tensor.data as Float32Array)).toEqual([NaN, Infinity, -Infinity]);
    });
  });

  describe('errors', () => {
    it.each([null, [], 'x', {}, { inputs: {} }])('rejects a body without an "inputs" array: %j', (body) => {
      expect(decodeError(body).message).toBe('request body must be a JSON object with an "inputs" array');
    });

    it('rejects an input without a name', () => {
      expect(decodeError({ inputs: [{ shape: [1], datatype: 'FP32', data: [1] }] }).message).toMatch(
        /^inputs\[0\] must be an object with a "name" string/,
      );
    });

    it('rejects a datatype that is not a v2 datatype, listing the valid ones', () => {
      const error = decodeError(request({ datatype: 'FLOAT', shape: [1], data: [1] }));
      expect(error.message).toBe(
        'input "x": datatype "FLOAT" is not a v2 datatype; use one of BOOL, UINT8, UINT16, UINT32, UINT64, ' +
          'INT8, INT16, INT32, INT64, FP16, FP32, FP64, BYTES',
      );
      expect(error.input).toBe('x');
    });

    it('says so when an input has no datatype, listing the valid ones', () => {
      expect(decodeError(request({ shape: [1], data: [1] })).message).toBe(
        'input "x": "datatype" is missing; use one of BOOL, UINT8, UINT16, UINT32, UINT64, INT8, INT16, INT32, INT64, FP16, FP32, FP64, BYTES',
      );
    });

    it.each([[[2, -1]], [[1.5]], ['2'], [undefined]])('rejects shape %j', (shape) => {
      expect(decodeError(request({ datatype: 'FP32', shape, data: [1] })).message).toMatch(
        /^input "x": "shape" must be an array of non-negative integers/,
      );
    });

    it('rejects data that is not an array', () => {
      expect(decodeError(request({ datatype: 'FP32', shape: [1], data: 1 })).message).toBe(
        'input "x": "data" must be an array (flat or nested), got 1',
      );
    });

    it('names the element count and the shape when they disagree', () => {
      expect(decodeError(request({ datatype: 'FP32', shape: [2, 4], data: [1, 2, 3, 4, 5, 6, 7] })).message).toBe(
        'input "x": data has 7 elements but shape [2, 4] needs 8',
      );
      expect(decodeError(request({ datatype: 'FP32', shape: [2, 2], data: [[1, 2], [3]] })).message).toBe(
        'input "x": data has 3 elements but shape [2, 2] needs 4',
      );
    });

    it('rejects data nested deeper than the shape, without walking it all', () => {
      expect(decodeError(request({ datatype: 'FP32', shape: [2], data: [[[1]], [[2]]] })).message).toBe(
        'input "x": "data" is nested deeper than shape [2] has dimensions',
      );
    });

    it('does not allocate for a shape the data cannot fill', () => {
      expect(decodeError(request({ datatype: 'FP64', shape: [1e9, 1e9], data: [[1]] })).message).toBe(
        'input "x": data has 1 elements but shape [1000000000, 1000000000] needs 1000000000000000000',
      );
    });

    it('names the element, its value and the datatype for a wrong element type', () => {
      expect(decodeError(request({ datatype: 'FP32', shape: [4], data: [1, 2, 3, 'abc'] })).message).toBe(
        'input "x": element 3 is "abc", expected a number for datatype FP32',
      );
      expect(decodeError(request({ datatype: 'FP64', shape: [1], data: [null] })).message).toBe(
        'input "x": element 0 is null, expected a number for datatype FP64',
      );
      expect(decodeError(request({ datatype: 'BOOL', shape: [1], data: [2] })).message).toBe(
        'input "x": element 0 is 2, expected true, false, 0 or 1 for datatype BOOL',
      );
      expect(decodeError(request({ datatype: 'INT32', shape: [1], data: [1.5] })).message).toBe(
        'input "x": element 0 is 1.5, expected an integer for datatype INT32',
      );
      expect(decodeError(request({ datatype: 'BYTES', shape: [1], data: [5] })).message).toBe(
        'input "x": element 0 is 5, expected a string (or {"b64": "<base64>"}) for datatype BYTES',
      );
    });

    it.each<[DataType, unknown, string]>([
      ['INT8', 128, '(-128 to 127)'],
      ['INT8', -129, '(-128 to 127)'],
      ['UINT8', -1, '(0 to 255)'],
      ['UINT16', 65536, '(0 to 65535)'],
      ['INT32', 2147483648, '(-2147483648 to 2147483647)'],
      ['UINT32', 4294967296, '(0 to 4294967295)'],
      ['INT64', '9223372036854775808', '(-9223372036854775808 to 9223372036854775807)'],
      ['UINT64', -1, '(0 to 18446744073709551615)'],
      ['UINT64', '18446744073709551616', '(0 to 18446744073709551615)'],
    ])('rejects %s value %j as out of range', (datatype, value, range) => {
      expect(decodeError(request({ datatype, shape: [1], data: [value] })).message).toBe(
        `input "x": element 0 is ${JSON.stringify(value)}, out of range for datatype ${datatype} ${range}`,
      );
    });

    it('rejects floats beyond the range of FP32 and FP16', () => {
      expect(decodeError(request({ datatype: 'FP32', shape: [1], data: [1e39] })).message).toMatch(
        /^input "x": element 0 is 1e\+39, out of range for datatype FP32/,
      );
      expect(decodeError(request({ datatype: 'FP16', shape: [1], data: [70000] })).message).toBe(
        'input "x": element 0 is 70000, out of range for datatype FP16 (largest magnitude 65504)',
      );
    });

    it('rejects 64-bit integers that JSON numbers cannot carry exactly, and non-decimal strings', () => {
      expect(decodeError(request({ datatype: 'INT64', shape: [1], data: [2 ** 53] })).message).toBe(
        'input "x": element 0 is 9007199254740992, beyond 2^53 where JSON numbers lose precision; ' +
          'send such datatype INT64 values as decimal strings',
      );
      for (const text of ['0x10', ' 1', '', '1e3', '-']) {
        expect(decodeError(request({ datatype: 'INT64', shape: [1], data: [text] })).message).toBe(
          `input "x": element 0 is ${JSON.stringify(text)}, expected an integer (a number, or a decimal string for large values) for datatype INT64`,
        );
      }
    });

    it('rejects a requested output the model does not have, naming the known ones', () => {
      const error = decodeError(
        request({ datatype: 'FP32', shape: [1, 4], data: [1, 2, 3, 4] }, { outputs: [{ name: 'scores' }] }),
      );
      expect(error.message).toBe(
        'requested output "scores" is not an output of this model; its outputs are "probabilities", "label"',
      );
      const long = decodeError(request({ datatype: 'FP32', shape: [1, 4], data: [1, 2, 3, 4] }, { outputs: [{ name: 's'.repeat(5_000) }] }));
      expect(long.message).toBe(`requested output "${'s'.repeat(64)}"... (5000 characters) is not an output of this model; its outputs are "probabilities", "label"`);
    });

    it('rejects duplicate inputs, a non-string id and malformed outputs or parameters', () => {
      const input = { name: 'x', datatype: 'FP32', shape: [1], data: [1] };
      expect(decodeError({ inputs: [input, input] }).message).toBe('input "x" appears more than once in "inputs"');
      const long = { ...input, name: 'y'.repeat(1_000) };
      expect(decodeError({ inputs: [long, long] }).message).toBe(`input "${'y'.repeat(64)}"... (1000 characters) appears more than once in "inputs"`);
      expect(decodeError({ inputs: [input], id: 42 }).message).toBe('"id" must be a string, got 42');
      expect(decodeError({ inputs: [input], outputs: { name: 'label' } }).message).toMatch(/^"outputs" must be an array/);
      expect(decodeError({ inputs: [input], parameters: [] }).message).toMatch(/^"parameters" must be an object/);
      expect(decodeError({ inputs: [{ ...input, name: '__proto__' }] }).message).toBe(
        'input name "__proto__" is not allowed',
      );
    });
  });
});

describe('encodeV2Response', () => {
  const probabilities: Tensor = { datatype: 'FP32', shape: [2, 3], data: new Float32Array([0.5, 0.25, 0.25, 1, 0, 0]) };
  const label: Tensor = { datatype: 'INT64', shape: [2], data: new BigInt64Array([0n, 2n]) };

  it('writes the spec shape, outputs in signature order, version as a string', () => {
    const body = JSON.parse(encode({ label, probabilities }, { id: '42' }));
    expect(body).toEqual({
      model_name: 'iris',
      model_version: '2',
      id: '42',
      outputs: [
        { name: 'probabilities', datatype: 'FP32', shape: [2, 3], data: [0.5, 0.25, 0.25, 1, 0, 0] },
        { name: 'label', datatype: 'INT64', shape: [2], data: [0, 2] },
      ],
    });
  });

  it('returns only the requested outputs, in the requested order, and omits an absent id', () => {
    const body = JSON.parse(encode({ label, probabilities }, { requestedOutputs: ['label'] }));
    expect(body).toEqual({ model_name: 'iris', model_version: '2', outputs: [{ name: 'label', datatype: 'INT64', shape: [2], data: [0, 2] }] });
  });

  it('writes outputs that the signature does not list after the listed ones', () => {
    const names = JSON.parse(encode({ top: label, probabilities })).outputs.map((output: { name: string }) => output.name);
    expect(names).toEqual(['probabilities', 'top']);
  });

  it('writes whole floats with ".0", as float JSON for typed clients', () => {
    expect(encode({ probabilities })).toContain('"data":[0.5,0.25,0.25,1.0,0.0,0.0]');
  });

  it('writes float32 values exactly, as the shortest text of their double value', () => {
    const tensor: Tensor = { datatype: 'FP32', shape: [1], data: new Float32Array([0.1]) };
    const [value] = encodedData(tensor) as number[];
    expect(Math.fround(value)).toBe(Math.fround(0.1));
    expect(value).toBe(0.10000000149011612);
  });

  it('round-trips every datatype through decode and encode', () => {
    const cases: [DataType, unknown[], unknown[]][] = [
      ['BOOL', [true, false, 1, 0], [true, false, true, false]],
      ['UINT8', [0, 255], [0, 255]],
      ['UINT16', [0, 65535], [0, 65535]],
      ['UINT32', [0, 4294967295], [0, 4294967295]],
      ['INT8', [-128, 127], [-128, 127]],
      ['INT16', [-32768, 32767], [-32768, 32767]],
      ['INT32', [-2147483648, 2147483647], [-2147483648, 2147483647]],
      ['INT64', [-9007199254740991, 0, 9007199254740991], [-9007199254740991, 0, 9007199254740991]],
      ['UINT64', [0, 4294967296], [0, 4294967296]],
      ['FP16', [0.5, -2, 65504], [0.5, -2, 65504]],
      ['FP32', [0.5, -1.25, 3], [0.5, -1.25, 3]],
      ['FP64', [0.1, -1e300, 1e21], [0.1, -1e300, 1e21]],
      ['BYTES', ['héllo', '"quoted"\n', ''], ['héllo', '"quoted"\n', '']],
    ];
    for (const [datatype, sent, received] of cases) {
      const tensor = decodeOne(datatype, [sent.length], sent);
      expect(encodedData(tensor), datatype).toEqual(received);
    }
  });

  it('writes 64-bit integers beyond 2^53 with all their digits, as JSON numbers', () => {
    const big: Tensor = {
      datatype: 'INT64',
      shape: [3],
      data: new BigInt64Array([-9223372036854775808n, 9007199254740993n, -4294967296n]),
    };
    const unsigned: Tensor = { datatype: 'UINT64', shape: [1], data: new BigUint64Array([18446744073709551615n]) };
    expect(encode({ y: big })).toContain('"data":[-9223372036854775808,9007199254740993,-4294967296]');
    expect(encode({ y: unsigned })).toContain('"data":[18446744073709551615]');
  });

  it('writes NaN and the infinities as strings, keeping the body valid JSON', () => {
    const tensor: Tensor = { datatype: 'FP64', shape: [3], data: new Float64Array([NaN, Infinity, -Infinity]) };
    expect(encodedData(tensor)).toEqual(['NaN', 'Infinity', '-Infinity']);
  });

  it('fails as an inference error when a requested output is missing or a shape does not match its data', () => {
    expect(() => encode({ probabilities }, { requestedOutputs: ['label'] })).toThrow(InferenceError);
    const wrong: Tensor = { datatype: 'FP32', shape: [2, 2], data: new Float32Array(3) };
    expect(() => encode({ y: wrong })).toThrow('output "y" has 3 elements but its shape [2, 2] needs 4');
  });
});

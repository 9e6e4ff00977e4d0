import { InputValidationError, type DataType, type ModelSignature, type NamedTensors, type Tensor, type TensorData } from '@modelgate/runtime';
import {
  binaryByteLength,
  decodeV2BinaryRequest,
  encodeV2BinaryResponse,
  isBinaryOutput,
  readInferenceHeaderLength,
} from './v2.binary';
import { withTensorMemory } from './tensor-storage';
import { decodeV2Request, type BinaryOutputSelection } from './v2.codec';

const signature: ModelSignature = {
  inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 4] }],
  outputs: [
    { name: 'probabilities', datatype: 'FP32', shape: [-1, 3] },
    { name: 'label', datatype: 'INT64', shape: [-1] },
  ],
};

/** Wire bytes of a tensor's data: little-endian (the test host is), BYTES length-prefixed. */
function wireBytes(data: TensorData): Uint8Array {
  if (!Array.isArray(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
  const parts: Uint8Array[] = [];
  for (const element of data) {
    const length = new Uint8Array(4);
    new DataView(length.buffer).setUint32(0, element.length, true);
    parts.push(length, element);
  }
  return Buffer.concat(parts);
}

/** A binary request body: JSON header, then the chunks; `padding` spaces after the JSON shift the offsets. */
function binaryBody(header: unknown, chunks: Uint8Array[], padding = 0): { body: Buffer; headerLength: number } {
  const json = Buffer.from(JSON.stringify(header) + ' '.repeat(padding));
  // A copy into a fresh, 8-aligned buffer of its own, as the body parser's Buffer.concat gives.
  const body = Buffer.concat([json, ...chunks]);
  return { body, headerLength: json.length };
}

function binaryInput(name: string, datatype: DataType, shape: number[], data: TensorData, extra: Record<string, unknown> = {}) {
  const bytes = wireBytes(data);
  return {
    json: { name, datatype, shape, ...extra, parameters: { binary_data_size: bytes.length, ...((extra.parameters as object) ?? {}) } },
    bytes,
  };
}

function decodeError(run: () => unknown): InputValidationError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InputValidationError);
    return error as InputValidationError;
  }
  throw new Error('expected the request to be rejected');
}

const EXAMPLES: [DataType, TensorData][] = [
  ['BOOL', new Uint8Array([1, 0, 1])],
  ['UINT8', new Uint8Array([0, 7, 255])],
  ['UINT16', new Uint16Array([0, 65535, 300])],
  ['UINT32', new Uint32Array([0, 4294967295, 70000])],
  ['UINT64', new BigUint64Array([0n, 18446744073709551615n, 4294967296n])],
  ['INT8', new Int8Array([-128, 0, 127])],
  ['INT16', new Int16Array([-32768, 1, 32767])],
  ['INT32', new Int32Array([-2147483648, 2, 2147483647])],
  ['INT64', new BigInt64Array([-9223372036854775808n, 3n, 9223372036854775807n])],
  ['FP16', new Uint16Array([0x3800, 0xc000, 0x7c00])],
  ['FP32', new Float32Array([0.5, -0, NaN])],
  ['FP64', new Float64Array([0.1, -Infinity, 1e300])],
  ['BYTES', [new TextEncoder().encode('héllo'), new Uint8Array(0), new Uint8Array([0, 255, 10])]],
];

describe('decodeV2BinaryRequest', () => {
  it('decodes the extension example: two binary inputs and a binary output request', () => {
    const input0 = binaryInput('input0', 'UINT32', [2, 2], new Uint32Array([1, 2, 3, 4]));
    const input1 = binaryInput('input1', 'BOOL', [3], new Uint8Array([1, 0, 1]));
    const { body, headerLength } = binaryBody(
      {
        model_name: 'mymodel',
        inputs: [input0.json, input1.json],
        outputs: [{ name: 'probabilities', parameters: { binary_data: true } }],
      },
      [input0.bytes, input1.bytes],
    );
    expect(body.length - headerLength).toBe(19);
    const request = decodeV2BinaryRequest(body, headerLength, signature);
    expect(request.inputs.input0).toEqual({ datatype: 'UINT32', shape: [2, 2], data: new Uint32Array([1, 2, 3, 4]) });
    expect(request.inputs.input1).toEqual({ datatype: 'BOOL', shape: [3], data: new Uint8Array([1, 0, 1]) });
    expect(request.requestedOutputs).toEqual(['probabilities']);
    expect(request.binaryOutputs?.byName.get('probabilities')).toBe(true);
  });

  it.each(EXAMPLES)('round-trips %s, at aligned and unaligned offsets alike', (datatype, data) => {
    for (const padding of [0, 1, 2, 3, 4, 5, 6, 7]) {
      const input = binaryInput('t', datatype, [3], data);
      const { body, headerLength } = binaryBody({ inputs: [input.json] }, [input.bytes], padding);
      const tensor = decodeV2BinaryRequest(body, headerLength, signature).inputs.t;
      expect(tensor.datatype).toBe(datatype);
      expect(tensor.shape).toEqual([3]);
      expect(tensor.data, `padding ${padding}`).toEqual(data);
      // The exact typed array class the runtime's input check wants (never a Buffer).
      expect(tensor.data.constructor).toBe(data.constructor);
    }
  });

  it('decodes the same request as the JSON path', () => {
    const data = new Float32Array([0.25, -1, 3.5, 1e-3, 7, 8, 9, 10]);
    const input = binaryInput('x', 'FP32', [2, 4], data);
    const { body, headerLength } = binaryBody({ id: 'a', inputs: [input.json], parameters: { p: 1 } }, [input.bytes]);
    const json = decodeV2Request({ id: 'a', inputs: [{ name: 'x', datatype: 'FP32', shape: [2, 4], data: Array.from(data) }], parameters: { p: 1 } }, signature);
    const binary = decodeV2BinaryRequest(body, headerLength, signature);
    expect(binary.inputs).toEqual(json.inputs);
    expect(binary.id).toBe('a');
    // The request's own parameters pass through as sent; the input's binary_data_size is the codec's.
    expect(binary.parameters).toEqual({ p: 1 });
  });

  it('views the body where the offset is a multiple of the element size, and copies where not', () => {
    const data = new Float32Array([1, 2, 3, 4]);
    const aligned = [0, 1, 2, 3].map((padding) => {
      const input = binaryInput('x', 'FP32', [1, 4], data);
      const { body, headerLength } = binaryBody({ inputs: [input.json] }, [input.bytes], padding);
      const tensor = decodeV2BinaryRequest(body, headerLength, signature).inputs.x.data as Float32Array;
      expect(tensor).toEqual(data);
      const viewsBody = tensor.buffer === body.buffer;
      expect(viewsBody).toBe((body.byteOffset + headerLength) % 4 === 0);
      // Unaligned data is copied out of the body.
      if (!viewsBody) expect(tensor.buffer).not.toBe(body.buffer);
      return viewsBody;
    });
    expect(aligned.filter(Boolean)).toHaveLength(1);
  });

  it('copies even aligned data under tensor memory, large tensors into that memory, so that nothing views the body', () => {
    const large = new Float32Array(2048).map((_, index) => index / 7);
    const small = new Float32Array([1, 2, 3, 4]);
    for (const data of [large, small]) {
      const input = binaryInput('x', 'FP32', [data.length / 4, 4], data);
      // The padding that puts the tensor at a multiple of 4 bytes, where it would be viewed.
      const { body, headerLength } = [0, 1, 2, 3]
        .map((padding) => binaryBody({ inputs: [input.json] }, [input.bytes], padding))
        .find((candidate) => (candidate.body.byteOffset + candidate.headerLength) % 4 === 0)!;
      const given: ArrayBuffer[] = [];
      const memory = (bytes: number) => {
        const block = new ArrayBuffer(bytes);
        given.push(block);
        return block;
      };
      const tensor = withTensorMemory(memory, () => decodeV2BinaryRequest(body, headerLength, signature)).inputs.x.data as Float32Array;
      expect(tensor).toEqual(data);
      expect(tensor.buffer).not.toBe(body.buffer);
      // Above tensor-storage's 4 KiB the copy takes the memory given; smaller ones are carved as usual.
      expect(given.map((block) => block === tensor.buffer)).toEqual(data === large ? [true] : []);
      // Outside it, the same body is viewed again.
      expect((decodeV2BinaryRequest(body, headerLength, signature).inputs.x.data as Float32Array).buffer).toBe(body.buffer);
    }
  });

  it('copies BYTES elements once into a buffer of their own', () => {
    const input = binaryInput('s', 'BYTES', [2], [new Uint8Array([1, 2]), new Uint8Array([3])]);
    const { body, headerLength } = binaryBody({ inputs: [input.json] }, [input.bytes]);
    const elements = decodeV2BinaryRequest(body, headerLength, signature).inputs.s.data as Uint8Array[];
    expect(elements).toEqual([new Uint8Array([1, 2]), new Uint8Array([3])]);
    expect(elements[0].buffer).not.toBe(body.buffer);
    expect(elements[0].buffer).toBe(elements[1].buffer);
    expect(elements[0].buffer.byteLength).toBe(11);
  });

  it('mixes binary inputs with JSON inputs, binary data in the order of the binary inputs', () => {
    const first = binaryInput('first', 'INT32', [2], new Int32Array([-5, 6]));
    const second = binaryInput('second', 'BYTES', [1], [new TextEncoder().encode('ok')]);
    const { body, headerLength } = binaryBody(
      {
        inputs: [
          first.json,
          { name: 'json', datatype: 'FP64', shape: [2, 1], data: [[0.5], [1.5]] },
          second.json,
          { name: 'flags', datatype: 'BOOL', shape: [2], data: [true, false] },
        ],
      },
      [first.bytes, second.bytes],
    );
    const inputs = decodeV2BinaryRequest(body, headerLength, signature).inputs;
    expect(Object.keys(inputs)).toEqual(['first', 'json', 'second', 'flags']);
    expect(inputs.first.data).toEqual(new Int32Array([-5, 6]));
    expect(inputs.json.data).toEqual(new Float64Array([0.5, 1.5]));
    expect(inputs.second.data).toEqual([new TextEncoder().encode('ok')]);
    expect(inputs.flags.data).toEqual(new Uint8Array([1, 0]));
  });

  it('accepts a header-only body (every input in JSON) and empty binary tensors', () => {
    const { body, headerLength } = binaryBody({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: [1, 2, 3, 4] }] }, []);
    expect(decodeV2BinaryRequest(body, headerLength, signature).inputs.x.data).toEqual(new Float32Array([1, 2, 3, 4]));
    const empty = binaryBody({ inputs: [{ name: 'x', datatype: 'FP32', shape: [0, 4], parameters: { binary_data_size: 0 } }] }, []);
    expect(decodeV2BinaryRequest(empty.body, empty.headerLength, signature).inputs.x.data).toEqual(new Float32Array(0));
  });

  it('reads binary_data_output and binary_data, the output setting winning', () => {
    const input = binaryInput('x', 'FP32', [1, 4], new Float32Array(4));
    const { body, headerLength } = binaryBody(
      {
        inputs: [input.json],
        parameters: { binary_data_output: true },
        outputs: [{ name: 'label', parameters: { binary_data: false } }, { name: 'probabilities' }],
      },
      [input.bytes],
    );
    const selection = decodeV2BinaryRequest(body, headerLength, signature).binaryOutputs!;
    expect(isBinaryOutput(selection, 'label')).toBe(false);
    expect(isBinaryOutput(selection, 'probabilities')).toBe(true);
  });

  it('answers plain JSON when no output of the answer goes as binary data, whatever binary_data_output says', () => {
    const input = binaryInput('x', 'FP32', [1, 4], new Float32Array(4));
    const decode = (json: Record<string, unknown>) => {
      const { body, headerLength } = binaryBody({ inputs: [input.json], ...json }, [input.bytes]);
      return decodeV2BinaryRequest(body, headerLength, signature).binaryOutputs;
    };
    const allJson = { parameters: { binary_data_output: true }, outputs: [{ name: 'label', parameters: { binary_data: false } }] };
    expect(decode(allJson)).toBeUndefined();
    expect(decode({ parameters: { binary_data_output: true } })?.byDefault).toBe(true);
    expect(decode({ outputs: [{ name: 'label', parameters: { binary_data: false } }] })).toBeUndefined();
  });

  describe('errors', () => {
    const input = () => binaryInput('x', 'FP32', [1, 4], new Float32Array([1, 2, 3, 4]));

    it.each([-1, 1.5, NaN, 1000])('rejects a header length of %s that does not fit the body', (length) => {
      const { body } = binaryBody({ inputs: [input().json] }, [input().bytes]);
      expect(decodeError(() => decodeV2BinaryRequest(body, length, signature)).message).toBe(
        `Inference-Header-Content-Length is ${length} but the body has ${body.length} bytes; ` +
          'it must give the byte length of the JSON at the start of the body',
      );
    });

    it('rejects a header that is not JSON, or is cut short, saying how many bytes were read', () => {
      const { body, headerLength } = binaryBody({ inputs: [input().json] }, [input().bytes]);
      const error = decodeError(() => decodeV2BinaryRequest(body, headerLength - 1, signature));
      expect(error.message).toMatch(
        new RegExp(`^the first ${headerLength - 1} bytes of the body \\(Inference-Header-Content-Length\\) are not valid JSON \\(.+\\); send the JSON request there, then the binary tensor data$`),
      );
      expect(decodeError(() => decodeV2BinaryRequest(body, 0, signature)).message).toMatch(/^the first 0 bytes of the body/);
    });

    it('refuses prototype-poisoning keys in the header', () => {
      const header = Buffer.from('{"inputs":[],"__proto__":{"x":1}}');
      expect(decodeError(() => decodeV2BinaryRequest(header, header.length, signature)).message).toMatch(
        /not valid JSON \(Object contains forbidden prototype property\)/,
      );
    });

    it('applies every check of the JSON path to the header', () => {
      const { body, headerLength } = binaryBody({ inputs: [{ ...input().json, datatype: 'FLOAT' }] }, [input().bytes]);
      expect(decodeError(() => decodeV2BinaryRequest(body, headerLength, signature)).message).toMatch(
        /^input "x": datatype "FLOAT" is not a v2 datatype/,
      );
      const noInputs = binaryBody({ outputs: [] }, []);
      expect(decodeError(() => decodeV2BinaryRequest(noInputs.body, noInputs.headerLength, signature)).message).toBe(
        'request body must be a JSON object with an "inputs" array',
      );
    });

    it('rejects a binary_data_size that does not match the shape and datatype', () => {
      const sent = input();
      const { body, headerLength } = binaryBody({ inputs: [{ ...sent.json, parameters: { binary_data_size: 12 } }] }, [sent.bytes.subarray(0, 12)]);
      const error = decodeError(() => decodeV2BinaryRequest(body, headerLength, signature));
      expect(error.message).toBe('input "x": "binary_data_size" is 12 bytes but shape [1, 4] of FP32 needs 16 (4 elements of 4 bytes)');
      expect(error.input).toBe('x');
      const bools = binaryBody({ inputs: [{ name: 'b', datatype: 'BOOL', shape: [2], parameters: { binary_data_size: 1 } }] }, [new Uint8Array([1])]);
      expect(decodeError(() => decodeV2BinaryRequest(bools.body, bools.headerLength, signature)).message).toBe(
        'input "b": "binary_data_size" is 1 bytes but shape [2] of BOOL needs 2 (2 elements of 1 byte)',
      );
    });

    it.each([-1, 1.5, '16', null, 2 ** 53])('rejects binary_data_size %j', (size) => {
      const sent = input();
      const { body, headerLength } = binaryBody({ inputs: [{ ...sent.json, parameters: { binary_data_size: size } }] }, [sent.bytes]);
      expect(decodeError(() => decodeV2BinaryRequest(body, headerLength, signature)).message).toBe(
        `input "x": "binary_data_size" must be a whole number of bytes (0 or more), got ${JSON.stringify(size)}`,
      );
    });

    it('rejects binary data that runs past the end of the body', () => {
      const sent = input();
      const { body, headerLength } = binaryBody({ inputs: [sent.json] }, [sent.bytes.subarray(0, 10)]);
      expect(decodeError(() => decodeV2BinaryRequest(body, headerLength, signature)).message).toBe(
        'input "x": "binary_data_size" is 16 bytes but only 10 bytes of binary data follow the JSON header',
      );
      const other = binaryInput('y', 'INT8', [2], new Int8Array([1, 2]));
      const two = binaryBody({ inputs: [other.json, sent.json] }, [other.bytes, sent.bytes.subarray(0, 4)]);
      expect(decodeError(() => decodeV2BinaryRequest(two.body, two.headerLength, signature)).message).toBe(
        'input "x": "binary_data_size" is 16 bytes but only 4 bytes of binary data follow the JSON header and the inputs before it',
      );
    });

    it('rejects bytes left over after the last binary input', () => {
      const sent = input();
      const { body, headerLength } = binaryBody({ inputs: [sent.json] }, [sent.bytes, new Uint8Array(3)]);
      expect(decodeError(() => decodeV2BinaryRequest(body, headerLength, signature)).message).toBe(
        `the body has 3 bytes after the binary data of the inputs: the JSON header is ${headerLength} bytes ` +
          `(Inference-Header-Content-Length) and the inputs' "binary_data_size" add up to 16, but the body is ${body.length} bytes`,
      );
      const jsonOnly = binaryBody({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1], data: [1] }] }, [new Uint8Array(2)]);
      expect(decodeError(() => decodeV2BinaryRequest(jsonOnly.body, jsonOnly.headerLength, signature)).message).toMatch(
        /^the body has 2 bytes after the binary data of the inputs: .* add up to 0/,
      );
    });

    it('rejects an input with both data and binary_data_size', () => {
      const sent = input();
      const { body, headerLength } = binaryBody({ inputs: [{ ...sent.json, data: [1, 2, 3, 4] }] }, [sent.bytes]);
      expect(decodeError(() => decodeV2BinaryRequest(body, headerLength, signature)).message).toBe(
        'input "x": has both "data" and "binary_data_size"; send its elements one way, in "data" or as binary data',
      );
    });

    it('rejects an input with neither, mentioning binary data', () => {
      const { body, headerLength } = binaryBody({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4] }] }, []);
      expect(decodeError(() => decodeV2BinaryRequest(body, headerLength, signature)).message).toBe(
        'input "x": "data" must be an array (flat or nested) (or "parameters": {"binary_data_size": <bytes>} for binary data), got missing',
      );
    });

    it('rejects binary_data_size in a plain JSON request', () => {
      expect(
        decodeError(() =>
          decodeV2Request({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1], parameters: { binary_data_size: 4 } }] }, signature),
        ).message,
      ).toBe(
        'input "x": "binary_data_size" is set but the request has no binary data; send the tensor bytes after the JSON ' +
          'with an Inference-Header-Content-Length header giving the JSON length, or send "data" instead',
      );
    });

    it('rejects BOOL bytes other than 0 and 1', () => {
      const { body, headerLength } = binaryBody(
        { inputs: [{ name: 'b', datatype: 'BOOL', shape: [3], parameters: { binary_data_size: 3 } }] },
        [new Uint8Array([1, 0, 2])],
      );
      expect(decodeError(() => decodeV2BinaryRequest(body, headerLength, signature)).message).toBe(
        'input "b": element 2 is the byte 2, expected 0 (false) or 1 (true) for datatype BOOL',
      );
    });

    it('rejects malformed BYTES elements: too few bytes, a length past the end, bytes left over', () => {
      const bytesInput = (shape: number[], bytes: number[]) =>
        binaryBody({ inputs: [{ name: 's', datatype: 'BYTES', shape, parameters: { binary_data_size: bytes.length } }] }, [new Uint8Array(bytes)]);
      const cases: [number[], number[], string][] = [
        [[2], [1, 0, 0, 0, 65], 'input "s": "binary_data_size" is 5 bytes, too few for the 2 elements of shape [2]: each BYTES element takes at least 4 bytes (its little-endian length)'],
        [[2], [1, 0, 0, 0, 65, 0, 0, 0], 'input "s": its binary data ends inside the length of element 1; each BYTES element is a 4-byte little-endian length followed by that many bytes'],
        [[1], [9, 0, 0, 0, 65, 66], 'input "s": element 0 says it has 9 bytes but only 2 bytes of its "binary_data_size" (6) are left'],
        [[1], [1, 0, 0, 0, 65, 66], 'input "s": its binary data has 1 bytes after its 1 elements; "binary_data_size" (6) must cover exactly the elements of its shape'],
      ];
      for (const [shape, bytes, message] of cases) {
        const { body, headerLength } = bytesInput(shape, bytes);
        expect(decodeError(() => decodeV2BinaryRequest(body, headerLength, signature)).message).toBe(message);
      }
    });

    it('does not allocate for a shape the binary data cannot fill', () => {
      const { body, headerLength } = binaryBody(
        { inputs: [{ name: 's', datatype: 'BYTES', shape: [1e9, 1e9], parameters: { binary_data_size: 4 } }] },
        [new Uint8Array(4)],
      );
      expect(decodeError(() => decodeV2BinaryRequest(body, headerLength, signature)).message).toMatch(/too few for the 1000000000000000000 elements/);
    });

    it('rejects binary_data and binary_data_output that are not booleans', () => {
      const x = { name: 'x', datatype: 'FP32', shape: [1, 4], data: [1, 2, 3, 4] };
      expect(decodeError(() => decodeV2Request({ inputs: [x], parameters: { binary_data_output: 'yes' } }, signature)).message).toBe(
        '"parameters": "binary_data_output" must be true or false, got "yes"',
      );
      expect(
        decodeError(() => decodeV2Request({ inputs: [x], outputs: [{ name: 'label', parameters: { binary_data: 1 } }] }, signature)).message,
      ).toBe('output "label": "parameters": "binary_data" must be true or false, got 1');
    });
  });
});

describe('readInferenceHeaderLength', () => {
  it('reads a decimal byte count, absent as undefined', () => {
    expect(readInferenceHeaderLength(undefined)).toBeUndefined();
    expect(readInferenceHeaderLength('123')).toBe(123);
    expect(readInferenceHeaderLength(' 0 ')).toBe(0);
  });

  it.each(['', 'abc', '-1', '1.5', '0x10', '1e3', '9999999999999999'])('rejects %j', (value) => {
    expect(decodeError(() => readInferenceHeaderLength(value)).message).toBe(
      `Inference-Header-Content-Length must be the byte length of the JSON at the start of the body, got ${JSON.stringify(value)}`,
    );
  });
});

describe('encodeV2BinaryResponse', () => {
  const all: BinaryOutputSelection = { byDefault: true, byName: new Map() };

  /** Parses a binary response back: the header JSON, then each binary output's bytes as its tensor. */
  function parseBack(body: Buffer, headerLength: number) {
    const header = JSON.parse(body.toString('utf8', 0, headerLength)) as {
      outputs: { name: string; datatype: DataType; shape: number[]; data?: unknown; parameters?: { binary_data_size: number } }[];
    } & Record<string, unknown>;
    let offset = headerLength;
    const tensors: Record<string, Uint8Array> = {};
    for (const output of header.outputs) {
      const size = output.parameters?.binary_data_size;
      if (size === undefined) continue;
      tensors[output.name] = body.subarray(offset, offset + size);
      offset += size;
    }
    expect(offset).toBe(body.length);
    return { header, tensors };
  }

  it.each(EXAMPLES)('writes %s as its raw little-endian bytes, sized in the header', (datatype, data) => {
    const tensor: Tensor = { datatype, shape: [3], data };
    const { body, headerLength } = encodeV2BinaryResponse({ modelName: 'm', modelVersion: 3, outputs: { y: tensor }, signature }, all);
    const { header, tensors } = parseBack(body, headerLength);
    expect(header.outputs).toEqual([{ name: 'y', datatype, shape: [3], parameters: { binary_data_size: binaryByteLength(tensor) } }]);
    expect(tensors.y).toEqual(Buffer.from(wireBytes(data)));
  });

  it('round-trips every datatype: binary response bytes decode as a binary request to the same tensor', () => {
    for (const [datatype, data] of EXAMPLES) {
      const { body, headerLength } = encodeV2BinaryResponse(
        { modelName: 'm', modelVersion: 1, outputs: { y: { datatype, shape: [3], data } }, signature },
        all,
      );
      const { tensors } = parseBack(body, headerLength);
      const request = binaryBody({ inputs: [{ name: 'y', datatype, shape: [3], parameters: { binary_data_size: tensors.y.length } }] }, [tensors.y]);
      expect(decodeV2BinaryRequest(request.body, request.headerLength, signature).inputs.y.data, datatype).toEqual(data);
    }
  });

  it('keeps unselected outputs as JSON in the header, in response order, with id and parameters', () => {
    const outputs: NamedTensors = {
      label: { datatype: 'INT64', shape: [2], data: new BigInt64Array([0n, 2n]) },
      probabilities: { datatype: 'FP32', shape: [2, 3], data: new Float32Array([0.5, 0.25, 0.25, 1, 0, 0]) },
    };
    const selection: BinaryOutputSelection = { byDefault: false, byName: new Map([['probabilities', true]]) };
    const { body, headerLength } = encodeV2BinaryResponse(
      { modelName: 'iris', modelVersion: 2, id: '7', parameters: { queue_ms: 1 }, outputs, signature },
      selection,
    );
    const { header, tensors } = parseBack(body, headerLength);
    expect(header).toEqual({
      model_name: 'iris',
      model_version: '2',
      id: '7',
      parameters: { queue_ms: 1 },
      outputs: [
        { name: 'probabilities', datatype: 'FP32', shape: [2, 3], parameters: { binary_data_size: 24 } },
        { name: 'label', datatype: 'INT64', shape: [2], data: [0, 2] },
      ],
    });
    expect(new Float32Array(Uint8Array.from(tensors.probabilities).buffer)).toEqual(outputs.probabilities.data);
  });

  it('writes binary outputs in requested order, and the header length in bytes (UTF-8 names)', () => {
    const outputs: NamedTensors = {
      'é': { datatype: 'UINT8', shape: [1], data: new Uint8Array([9]) },
      b: { datatype: 'INT16', shape: [1], data: new Int16Array([-2]) },
    };
    const { body, headerLength } = encodeV2BinaryResponse(
      { modelName: 'm', modelVersion: 1, outputs, requestedOutputs: ['b', 'é'], signature },
      all,
    );
    expect(headerLength).toBe(Buffer.byteLength(body.toString('utf8', 0, headerLength)));
    const { header, tensors } = parseBack(body, headerLength);
    expect(header.outputs.map((output) => output.name)).toEqual(['b', 'é']);
    expect(Array.from(tensors.b)).toEqual([0xfe, 0xff]);
    expect(Array.from(tensors['é'])).toEqual([9]);
  });

  it('writes a view of a larger buffer without its neighbours', () => {
    const backing = new Float32Array([1, 2, 3, 4, 5]);
    const { body, headerLength } = encodeV2BinaryResponse(
      { modelName: 'm', modelVersion: 1, outputs: { y: { datatype: 'FP32', shape: [2], data: backing.subarray(2, 4) } }, signature },
      all,
    );
    expect(new Float32Array(Uint8Array.from(parseBack(body, headerLength).tensors.y).buffer)).toEqual(new Float32Array([3, 4]));
  });

  it('fails like the JSON encoder on a missing output or a wrong size', () => {
    const wrong: Tensor = { datatype: 'FP32', shape: [2, 2], data: new Float32Array(3) };
    expect(() => encodeV2BinaryResponse({ modelName: 'm', modelVersion: 1, outputs: { y: wrong }, signature }, all)).toThrow(
      'output "y" has 3 elements but its shape [2, 2] needs 4',
    );
    expect(() =>
      encodeV2BinaryResponse({ modelName: 'm', modelVersion: 1, outputs: {}, requestedOutputs: ['label'], signature }, all),
    ).toThrow('the model produced no output "label"');
  });
});

import { InferenceError, InputValidationError, type ModelSignature, type Tensor } from '@modelgate/runtime';
import { classifyOutputs, readClassification, topClasses } from './classification';
import { toFloat16Bits } from './float16';
import { decodeV2Request, encodeV2Response } from './v2.codec';

const text = new TextDecoder();

function strings(tensor: Tensor): string[] {
  return (tensor.data as Uint8Array[]).map((element) => text.decode(element));
}

const signature: ModelSignature = {
  inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 4] }],
  outputs: [
    { name: 'probabilities', datatype: 'FP32', shape: [-1, 3] },
    { name: 'label', datatype: 'INT64', shape: [-1] },
    { name: 'name', datatype: 'BYTES', shape: [-1] },
    { name: 'flag', datatype: 'BOOL', shape: [-1] },
  ],
};
const x = { name: 'x', datatype: 'FP32', shape: [1, 4], data: [1, 2, 3, 4] };

function rejection(body: unknown): string {
  try {
    decodeV2Request(body, signature);
  } catch (error) {
    expect(error).toBeInstanceOf(InputValidationError);
    return (error as Error).message;
  }
  throw new Error('expected the request to be refused');
}

describe('topClasses', () => {
  it("answers Triton's example: the top 2 of [1.1, 3.3, 0.5, 2.4] as value:index, shape [2]", () => {
    const top = topClasses('output0', { datatype: 'FP32', shape: [4], data: new Float32Array([1.1, 3.3, 0.5, 2.4]) }, 2);
    expect(top.datatype).toBe('BYTES');
    expect(top.shape).toEqual([2]);
    expect(strings(top)).toEqual(['3.3:1', '2.4:3']);
  });

  it('ranks each row of a batch along the first axis, with labels, shape [rows, k]', () => {
    const probabilities = new Float32Array([0.1, 0.7, 0.2, 0.5, 0.2, 0.3]);
    const top = topClasses('p', { datatype: 'FP32', shape: [2, 3], data: probabilities }, 2, ['cat', 'dog', 'fox']);
    expect(top.shape).toEqual([2, 2]);
    expect(strings(top)).toEqual(['0.7:1:dog', '0.2:2:fox', '0.5:0:cat', '0.3:2:fox']);
  });

  it('flattens every axis after the first into one row of classes', () => {
    const top = topClasses('p', { datatype: 'INT32', shape: [1, 2, 2], data: new Int32Array([4, 9, 7, 1]) }, 3);
    expect(top.shape).toEqual([1, 3]);
    expect(strings(top)).toEqual(['9:1', '7:2', '4:0']);
  });

  it('returns every class when asked for more than a row has', () => {
    const top = topClasses('p', { datatype: 'FP64', shape: [1, 2], data: new Float64Array([0.25, 0.75]) }, 10);
    expect(top.shape).toEqual([1, 2]);
    expect(strings(top)).toEqual(['0.75:1', '0.25:0']);
  });

  it('keeps index order among equal values and puts NaN last', () => {
    const top = topClasses('p', { datatype: 'FP32', shape: [5], data: new Float32Array([NaN, 2, 5, 2, -Infinity]) }, 5);
    expect(strings(top)).toEqual(['5:2', '2:1', '2:3', '-Infinity:4', 'NaN:0']);
  });

  it('writes FP32 and FP16 values with the fewest digits that read back as the element, integers in full', () => {
    const fp32 = topClasses('p', { datatype: 'FP32', shape: [3], data: new Float32Array([0.96, 1 / 3, 1e-7]) }, 3);
    expect(strings(fp32)).toEqual(['0.96:0', '0.33333334:1', '1e-7:2']);
    const fp16 = topClasses('p', { datatype: 'FP16', shape: [2], data: new Uint16Array([toFloat16Bits(0.1), toFloat16Bits(-2.5)]) }, 2);
    expect(strings(fp16)).toEqual(['0.1:0', '-2.5:1']);
    const int64 = topClasses('p', { datatype: 'INT64', shape: [3], data: new BigInt64Array([2n ** 62n, 2n ** 62n + 1n, -1n]) }, 2);
    expect(strings(int64)).toEqual([`${2n ** 62n + 1n}:1`, `${2n ** 62n}:0`]);
  });

  it('reads the FP32 value of each element exactly (the shortest text is the same float32)', () => {
    const data = new Float32Array(200).map((_, index) => Math.sin(index + 1) * 10 ** ((index % 9) - 4));
    const top = topClasses('p', { datatype: 'FP32', shape: [200], data }, 200);
    for (const element of strings(top)) {
      const [value, index] = element.split(':');
      expect(Math.fround(Number(value))).toBe(data[Number(index)]);
    }
  });

  it('names only the classes that have a non-empty label', () => {
    const top = topClasses('p', { datatype: 'UINT8', shape: [3], data: new Uint8Array([1, 3, 2]) }, 3, ['a', '']);
    expect(strings(top)).toEqual(['3:1', '2:2', '1:0:a']);
  });

  it('answers an empty batch with an empty [0, k] tensor', () => {
    const top = topClasses('p', { datatype: 'FP32', shape: [0, 3], data: new Float32Array(0) }, 2);
    expect(top.shape).toEqual([0, 2]);
    expect(top.data).toEqual([]);
  });

  it('refuses an output it cannot rank, or whose data does not fill its shape, as a server error', () => {
    expect(() => topClasses('n', { datatype: 'BYTES', shape: [1], data: [new Uint8Array(1)] }, 1)).toThrow(InferenceError);
    expect(() => topClasses('p', { datatype: 'FP32', shape: [2, 3], data: new Float32Array(5) }, 1)).toThrow(
      'output "p" has 5 elements but its shape [2, 3] needs 6',
    );
  });
});

describe('classifyOutputs', () => {
  it('replaces only the outputs asked for, with their labels', () => {
    const label: Tensor = { datatype: 'INT64', shape: [1], data: new BigInt64Array([2n]) };
    const outputs = { probabilities: { datatype: 'FP32' as const, shape: [1, 3], data: new Float32Array([0.1, 0.2, 0.7]) }, label };
    const classified = classifyOutputs(outputs, new Map([['probabilities', 1]]), { probabilities: ['a', 'b', 'c'] });
    expect(strings(classified.probabilities)).toEqual(['0.7:2:c']);
    expect(classified.label).toBe(label);
    expect(outputs.probabilities.datatype).toBe('FP32');
  });
});

describe('the "classification" parameter of a v2 request', () => {
  it('is read per requested output, and 0 asks for the raw tensor', () => {
    const request = decodeV2Request(
      { inputs: [x], outputs: [{ name: 'probabilities', parameters: { classification: 2 } }, { name: 'label', parameters: { classification: 0 } }] },
      signature,
    );
    expect(request.classification).toEqual(new Map([['probabilities', 2]]));
    expect(decodeV2Request({ inputs: [x], outputs: [{ name: 'label' }] }, signature).classification).toBeUndefined();
  });

  it.each([-1, 1.5, '2', true, null, 100_001])('refuses %j, saying what it must be', (count) => {
    expect(rejection({ inputs: [x], outputs: [{ name: 'probabilities', parameters: { classification: count } }] })).toBe(
      `output "probabilities": "classification" must be the number of top classes to return, a whole number from 1 to 100000 (0 for the raw tensor), got ${count === null ? 'null' : typeof count === 'string' ? `"${count}"` : String(count)}`,
    );
  });

  it.each(['name', 'flag'])('refuses it on a %s output, which has no order to rank by', (name) => {
    const datatype = name === 'name' ? 'BYTES' : 'BOOL';
    expect(rejection({ inputs: [x], outputs: [{ name, parameters: { classification: 1 } }] })).toBe(
      `output "${name}": "classification" ranks numeric outputs, but "${name}" is ${datatype}; ask for it without "classification"`,
    );
  });

  it('takes classified outputs through the JSON encoder as BYTES strings', () => {
    const outputs = classifyOutputs(
      { probabilities: { datatype: 'FP32', shape: [1, 3], data: new Float32Array([0.1, 0.2, 0.7]) } },
      new Map([['probabilities', 2]]),
      undefined,
    );
    const body = JSON.parse(encodeV2Response({ modelName: 'm', modelVersion: 1, outputs, signature, requestedOutputs: ['probabilities'] }));
    expect(body.outputs).toEqual([{ name: 'probabilities', datatype: 'BYTES', shape: [1, 2], data: ['0.7:2', '0.2:1'] }]);
  });
});

describe('readClassification', () => {
  it('is undefined when the parameter is absent', () => {
    expect(readClassification({ name: 'p', datatype: 'FP32', shape: [-1, 3] }, {})).toBeUndefined();
  });
});

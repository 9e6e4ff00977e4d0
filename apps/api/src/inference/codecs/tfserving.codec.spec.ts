import { InputValidationError, type ModelSignature, type NamedTensors, type Tensor } from '@modelgate/runtime';
import { decodePredictRequest, encodePredictResponse } from './tfserving.codec';

const single: ModelSignature = {
  inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 2] }],
  outputs: [{ name: 'y', datatype: 'FP32', shape: [-1] }],
};

const multiple: ModelSignature = {
  inputs: [
    { name: 'tag', datatype: 'BYTES', shape: [-1] },
    { name: 'signal', datatype: 'INT32', shape: [-1, 5] },
    { name: 'sensor', datatype: 'FP32', shape: [-1, 2, 2] },
  ],
  outputs: [
    { name: 'scores', datatype: 'FP32', shape: [-1, 2] },
    { name: 'label', datatype: 'INT64', shape: [-1] },
  ],
};

function decodeError(body: unknown, signature: ModelSignature = single): string {
  try {
    decodePredictRequest(body, signature);
  } catch (error) {
    expect(error).toBeInstanceOf(InputValidationError);
    return (error as Error).message;
  }
  throw new Error('expected the request to be rejected');
}

function text(tensor: Tensor): string[] {
  return (tensor.data as Uint8Array[]).map((bytes) => Buffer.from(bytes).toString('utf8'));
}

describe('decodePredictRequest', () => {
  it('decodes row format for a single input: the batch is the number of instances', () => {
    const decoded = decodePredictRequest({ instances: [[1, 2], [3, 4], [5, 6]] }, single);
    expect(decoded).toEqual({
      format: 'row',
      inputs: { x: { datatype: 'FP32', shape: [3, 2], data: new Float32Array([1, 2, 3, 4, 5, 6]) } },
    });
  });

  it('decodes scalar instances, as in the half_plus_three example', () => {
    const decoded = decodePredictRequest({ instances: [1.0, 2.0, 5.0] }, single);
    expect(decoded.inputs.x).toEqual({ datatype: 'FP32', shape: [3], data: new Float32Array([1, 2, 5]) });
  });

  it('decodes row format for multiple inputs: one object per instance', () => {
    const decoded = decodePredictRequest(
      {
        signature_name: 'serving_default',
        instances: [
          { tag: 'foo', signal: [1, 2, 3, 4, 5], sensor: [[1, 2], [3, 4]] },
          { tag: 'bar', signal: [3, 4, 1, 2, 5], sensor: [[4, 5], [6, 8]] },
        ],
      },
      multiple,
    );
    expect(decoded.format).toBe('row');
    expect(decoded.signatureName).toBe('serving_default');
    expect(text(decoded.inputs.tag)).toEqual(['foo', 'bar']);
    expect(decoded.inputs.tag.shape).toEqual([2]);
    expect(decoded.inputs.signal).toEqual({ datatype: 'INT32', shape: [2, 5], data: new Int32Array([1, 2, 3, 4, 5, 3, 4, 1, 2, 5]) });
    expect(decoded.inputs.sensor).toEqual({ datatype: 'FP32', shape: [2, 2, 2], data: new Float32Array([1, 2, 3, 4, 4, 5, 6, 8]) });
  });

  it('accepts named instances for a single-input model too', () => {
    const decoded = decodePredictRequest({ instances: [{ x: [1, 2] }] }, single);
    expect(decoded.inputs.x.shape).toEqual([1, 2]);
  });

  it('decodes columnar format, as a value for a single input and an object for several', () => {
    expect(decodePredictRequest({ inputs: [[1, 2]] }, single)).toEqual({
      format: 'columnar',
      inputs: { x: { datatype: 'FP32', shape: [1, 2], data: new Float32Array([1, 2]) } },
    });
    expect(decodePredictRequest({ inputs: { x: [[1, 2]] } }, single).inputs.x.shape).toEqual([1, 2]);

    const decoded = decodePredictRequest(
      {
        inputs: {
          tag: ['foo', 'bar'],
          signal: [[1, 2, 3, 4, 5], [3, 4, 1, 2, 5]],
          sensor: [[[1, 2], [3, 4]], [[4, 5], [6, 8]]],
          ignored: 'extra keys are ignored, as TF Serving does',
        },
      },
      multiple,
    );
    expect(text(decoded.inputs.tag)).toEqual(['foo', 'bar']);
    expect(decoded.inputs.sensor.shape).toEqual([2, 2, 2]);
    expect(Object.keys(decoded.inputs)).toEqual(['tag', 'signal', 'sensor']);
  });

  it('decodes a columnar scalar, and inputs of different batch sizes', () => {
    expect(decodePredictRequest({ inputs: 3 }, single).inputs.x).toEqual({ datatype: 'FP32', shape: [], data: new Float32Array([3]) });
    const decoded = decodePredictRequest({ inputs: { tag: ['a'], signal: [], sensor: [[[1, 2], [3, 4]]] } }, multiple);
    expect(decoded.inputs.signal.shape).toEqual([0]);
  });

  it('decodes {"b64": ...} values as binary BYTES, and strings as UTF-8', () => {
    const signature: ModelSignature = { inputs: [{ name: 'image_bytes', datatype: 'BYTES', shape: [-1] }], outputs: [] };
    const decoded = decodePredictRequest({ instances: [{ b64: 'aW1hZ2UgYnl0ZXM=' }, { b64: '_-8' }, 'plain'] }, signature);
    const data = decoded.inputs.image_bytes.data as Uint8Array[];
    expect(Buffer.from(data[0]).toString()).toBe('image bytes');
    expect(Array.from(data[1])).toEqual([0xff, 0xef]);
    expect(Buffer.from(data[2]).toString()).toBe('plain');
  });

  it('takes datatypes from the signature', () => {
    const signature: ModelSignature = {
      inputs: [{ name: 'ids', datatype: 'INT64', shape: [-1, 3] }],
      outputs: [],
    };
    const decoded = decodePredictRequest({ instances: [[101, 2023, '9007199254740993']] }, signature);
    expect(decoded.inputs.ids.data).toEqual(new BigInt64Array([101n, 2023n, 9007199254740993n]));
  });

  describe('errors', () => {
    it("uses TF Serving's messages for missing, doubled or malformed instances/inputs", () => {
      expect(decodeError({})).toBe("Missing 'inputs' or 'instances' key");
      expect(decodeError({ instances: [1], inputs: [1] })).toBe(
        "Not formatted correctly expecting only one of 'inputs' or 'instances' keys to exist",
      );
      expect(decodeError({ instances: 1 })).toBe("Expecting 'instances' to be an list/array");
      expect(decodeError({ instances: [] })).toBe("No values in 'instances' array");
      expect(decodeError([1])).toMatch(/^request body must be a JSON object with "instances" or "inputs"/);
    });

    it('accepts only the default signature name', () => {
      expect(decodeError({ signature_name: 'predict', instances: [[1, 2]] })).toBe(
        'Serving signature key "predict" not found. This model has one signature: "serving_default".',
      );
      expect(decodeError({ signature_name: 1, instances: [[1, 2]] })).toBe("'signature_name' key must be a string value.");
      expect(decodePredictRequest({ signature_name: '', instances: [[1, 2]] }, single).signatureName).toBe('');
    });

    it('rejects ragged rows, naming where and what shape was expected', () => {
      expect(decodeError({ instances: [[1, 2], [3]] })).toBe(
        'input "x": the value at [1] is a list of 1, expected a list of 2 to match shape [2, 2] ' +
          '(nested lists must be rectangular, like a tensor)',
      );
      expect(decodeError({ inputs: [[1, 2], 3] })).toBe(
        'input "x": the value at [1] is 3, expected a list of 2 to match shape [2, 2] ' +
          '(nested lists must be rectangular, like a tensor)',
      );
      expect(decodeError({ inputs: [[1, 2], [3, [4]]] })).toBe(
        'input "x": element [1, 1] is [4] (a list nested deeper than the shape), expected a number for dtype DT_FLOAT',
      );
    });

    it('names the element and the dtype for a wrong element type or range', () => {
      expect(decodeError({ instances: [[1, 2], [3, 'abc']] })).toBe(
        'input "x": element [1, 1] is "abc", expected a number for dtype DT_FLOAT',
      );
      const signature: ModelSignature = { inputs: [{ name: 'pixels', datatype: 'UINT8', shape: [-1, 2] }], outputs: [] };
      expect(decodeError({ instances: [[0, 256]] }, signature)).toBe(
        'input "pixels": element [0, 1] is 256, out of range for dtype DT_UINT8 (0 to 255)',
      );
    });

    it('rejects bad base64', () => {
      const signature: ModelSignature = { inputs: [{ name: 'image_bytes', datatype: 'BYTES', shape: [-1] }], outputs: [] };
      for (const b64 of ['a', 'ab$c', 'ab=c', 'abc==']) {
        expect(decodeError({ instances: [{ b64 }] }, signature)).toBe(
          `input "image_bytes": element [0] is {"b64":${JSON.stringify(b64)}}, whose "b64" value is not valid base64`,
        );
      }
    });

    it('requires objects keyed by every input name for multi-input models', () => {
      expect(decodeError({ instances: [['foo']] }, multiple)).toBe(
        'instances is a plain list, but expecting list of objects as this model has 3 inputs ("tag", "signal", "sensor"): ' +
          'give each instance as an object keyed by input name',
      );
      expect(decodeError({ instances: [{ tag: 'a', signal: [1, 2, 3, 4, 5] }] }, multiple)).toBe(
        `Failed to process element: 0 of 'instances' list. JSON object keys "tag", "signal" must be equal to ` +
          `the model's inputs: "tag", "signal", "sensor"`,
      );
      expect(decodeError({ instances: [Object.fromEntries(['k1', 'k2', 'k3', 'k4', 'k'.repeat(500)].map((key) => [key, 1]))] }, multiple)).toBe(
        `Failed to process element: 0 of 'instances' list. JSON object keys "k1", "k2", "k3" and 2 more must be equal to ` +
          `the model's inputs: "tag", "signal", "sensor"`,
      );
      expect(decodeError({ inputs: ['foo'] }, multiple)).toMatch(/^inputs is a plain value\/list, but expecting an object/);
      expect(decodeError({ inputs: { tag: ['a'], signal: [[1, 2, 3, 4, 5]] } }, multiple)).toBe(
        `Missing named input: sensor in 'inputs' object. The model's inputs are "tag", "signal", "sensor".`,
      );
      expect(decodeError({ inputs: { tag: ['a'], signal: [[1, 2, 3, 4, 5]], Sensor: [[1]] } }, multiple)).toBe(
        `Missing named input: sensor in 'inputs' object. The model's inputs are "tag", "signal", "sensor"; ` +
          'the object also names "Sensor", which the model does not have.',
      );
      expect(decodeError({ inputs: { tag: ['a'], signal: [[1, 2, 3, 4, 5]], s1: [1], s2: [1], s3: [1], s4: [1] } }, multiple)).toMatch(
        /the object also names "s1", "s2", "s3" and 1 more, which the model does not have\.$/,
      );
    });

    it('rejects instances that mix objects and values', () => {
      expect(decodeError({ instances: [[1, 2], { x: [1, 2] }] })).toBe('Expecting value/list but got object at item 1 of input list');
      expect(decodeError({ instances: [{ x: [1, 2] }, [1, 2]] })).toBe('Expecting object but got list at item 1 of input list');
    });

    it('rejects instances whose shapes differ', () => {
      expect(decodeError({ instances: [{ x: [1, 2] }, { x: [1, 2, 3] }] })).toBe(
        'input "x": the value at [1] is a list of 3, expected a list of 2 to match shape [2, 2] ' +
          '(nested lists must be rectangular, like a tensor)',
      );
    });

    it('bounds the nesting depth and checks large shapes before allocating', () => {
      let deep: unknown = 1;
      for (let level = 0; level < 40; level++) deep = [deep];
      expect(decodeError({ inputs: deep })).toBe('input "x": lists are nested more than 32 levels deep');

      // The first path claims 2000 x 2000 x 2000 elements; the rest of the data is empty lists.
      const claim = Array.from({ length: 2000 }, () => [] as unknown[]);
      claim[0] = Array.from({ length: 2000 }, () => [] as unknown[]);
      (claim[0] as unknown[])[0] = new Array(2000).fill(0);
      expect(decodeError({ inputs: claim })).toMatch(/^input "x": the value at \[0, 1\] is a list of 0, expected a list of 2000/);
    });
  });
});

describe('encodePredictResponse', () => {
  const scores: Tensor = { datatype: 'FP32', shape: [2, 2], data: new Float32Array([0.25, 0.75, 1, 0]) };
  const label: Tensor = { datatype: 'INT64', shape: [2], data: new BigInt64Array([1n, 0n]) };

  function encode(format: 'row' | 'columnar', outputs: NamedTensors, signature: ModelSignature = multiple): unknown {
    return JSON.parse(encodePredictResponse(format, outputs, signature));
  }

  it('answers row requests for a single output with a list of per-instance values', () => {
    const y: Tensor = { datatype: 'FP32', shape: [3], data: new Float32Array([3.5, 4, 5.5]) };
    expect(encodePredictResponse('row', { y }, single)).toBe('{"predictions":[3.5,4.0,5.5]}');
    const nested: Tensor = { datatype: 'FP32', shape: [2, 2, 1], data: new Float32Array([1, 2, 3, 4]) };
    expect(encode('row', { y: nested }, single)).toEqual({ predictions: [[[1], [2]], [[3], [4]]] });
  });

  it('answers row requests for several outputs with one object per instance', () => {
    expect(encode('row', { label, scores })).toEqual({
      predictions: [
        { scores: [0.25, 0.75], label: 1 },
        { scores: [1, 0], label: 0 },
      ],
    });
  });

  it('answers columnar requests with the value, or an object of values', () => {
    expect(encode('columnar', { y: scores }, single)).toEqual({ outputs: [[0.25, 0.75], [1, 0]] });
    expect(encode('columnar', { label, scores })).toEqual({ outputs: { scores: [[0.25, 0.75], [1, 0]], label: [1, 0] } });
    const scalar: Tensor = { datatype: 'FP64', shape: [], data: new Float64Array([2.5]) };
    expect(encodePredictResponse('columnar', { y: scalar }, single)).toBe('{"outputs":2.5}');
  });

  it('writes BOOL as true/false, INT64 as exact numbers, strings as text and *_bytes as base64', () => {
    const signature: ModelSignature = { inputs: [], outputs: [] };
    const outputs: NamedTensors = {
      flags: { datatype: 'BOOL', shape: [2], data: new Uint8Array([1, 0]) },
      ids: { datatype: 'INT64', shape: [2], data: new BigInt64Array([9007199254740993n, -1n]) },
      words: { datatype: 'BYTES', shape: [1], data: [Buffer.from('héllo')] },
      image_bytes: { datatype: 'BYTES', shape: [1], data: [new Uint8Array([0xff, 0x00])] },
    };
    expect(encodePredictResponse('columnar', outputs, signature)).toBe(
      '{"outputs":{"flags":[true,false],"ids":[9007199254740993,-1],"words":["héllo"],"image_bytes":[{"b64":"/wA="}]}}',
    );
  });

  it("writes NaN and the infinities as bare tokens, like TF Serving", () => {
    const y: Tensor = { datatype: 'FP32', shape: [3], data: new Float32Array([NaN, Infinity, -Infinity]) };
    expect(encodePredictResponse('row', { y }, single)).toBe('{"predictions":[NaN,Infinity,-Infinity]}');
  });

  it('round-trips a decoded request through the row format', () => {
    const decoded = decodePredictRequest({ instances: [[1.5, 2], [3, 4.25]] }, single);
    expect(encode('row', { y: decoded.inputs.x }, single)).toEqual({ predictions: [[1.5, 2], [3, 4.25]] });
  });

  it('rejects the row format for outputs that cannot be split per instance', () => {
    const scalar: Tensor = { datatype: 'FP32', shape: [], data: new Float32Array([1]) };
    expect(() => encodePredictResponse('row', { y: scalar }, single)).toThrow(
      'Tensor name: y has no shape information: a scalar output cannot be split per instance; ' +
        'send the request in the columnar ("inputs") format',
    );
    const other: Tensor = { datatype: 'INT64', shape: [3], data: new BigInt64Array(3) };
    expect(() => encodePredictResponse('row', { scores, label: other }, multiple)).toThrow(
      /^Tensor name: label has inconsistent batch size: 3 expecting: 2/,
    );
  });
});

import { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { type DenseLayer, buildOnnxModel, mlpModel, mlpReference, onnxFloat, onnxTensor } from './index';
import { ProtobufWriter } from './protobuf-writer';

const layers: DenseLayer[] = [
  {
    weights: [
      [0.5, -0.25, 0.1],
      [-0.3, 0.8, 0.2],
    ],
    bias: [0.1, -0.2, 0.05],
  },
  {
    weights: [
      [1, -1],
      [0.5, 0.25],
      [-0.75, 2],
    ],
    bias: [0, 0.3],
  },
];

describe('ProtobufWriter', () => {
  it('writes varints, negative int64 as ten bytes, and length-delimited strings', () => {
    expect([...new ProtobufWriter().integer(1, 300).finish()]).toEqual([0x08, 0xac, 0x02]);
    expect([...new ProtobufWriter().integer(2, -1).finish()]).toEqual([0x10, ...Array(9).fill(0xff), 0x01]);
    expect([...new ProtobufWriter().string(3, 'hi').finish()]).toEqual([0x1a, 2, 0x68, 0x69]);
    expect([...new ProtobufWriter().float(4, 1).finish()]).toEqual([0x25, 0, 0, 0x80, 0x3f]);
  });
});

describe('mlpModel', () => {
  it('builds a model that onnxruntime loads, with a free batch dimension, and computes the MLP', async () => {
    const session = await InferenceSession.create(mlpModel({ layers }));
    try {
      expect(session.inputNames).toEqual(['x']);
      expect(session.outputNames).toEqual(['probabilities']);
      const input = session.inputMetadata[0];
      expect(input.isTensor && input.type).toBe('float32');
      expect(input.isTensor && input.shape).toEqual(['batch', 2]);

      const rows = [
        [1, 2],
        [-0.5, 0.25],
        [3, -1],
      ];
      const result = await session.run({ x: new OrtTensor('float32', Float32Array.from(rows.flat()), [3, 2]) });
      const probabilities = result.probabilities;
      expect(probabilities.dims).toEqual([3, 2]);
      expectClose(probabilities.data as Float32Array, mlpReference(layers, rows).flat());
    } finally {
      await session.release();
    }
  });

  it('leaves the logits unsquashed without softmax, and rejects mismatched layer sizes', async () => {
    const session = await InferenceSession.create(mlpModel({ layers, softmax: false }));
    try {
      const result = await session.run({ x: new OrtTensor('float32', Float32Array.from([1, 2]), [1, 2]) });
      expectClose(result.logits.data as Float32Array, mlpReference(layers, [[1, 2]], false).flat());
    } finally {
      await session.release();
    }
    expect(() => mlpModel({ layers: [layers[0], layers[0]] })).toThrow(/weights need 3 rows/);
  });
});

describe('buildOnnxModel', () => {
  it('encodes every attribute kind and the integer, boolean and float64 datatypes', async () => {
    const model = buildOnnxModel({
      opset: 13,
      metadata: { purpose: 'test' },
      inputs: [
        { name: 'values', datatype: 'FP32', shape: ['n', 3] },
        { name: 'counts', datatype: 'INT64', shape: [] },
        { name: 'flags', datatype: 'BOOL', shape: [-1, 3] },
      ],
      outputs: [
        { name: 'leaky', datatype: 'FP32', shape: ['n', 3] },
        { name: 'best', datatype: 'INT64', shape: ['n'] },
        { name: 'shifted', datatype: 'INT64', shape: [] },
        { name: 'kept', datatype: 'FP64', shape: [-1, 3] },
        { name: 'bytes', datatype: 'UINT8', shape: [2] },
      ],
      initializers: [{ name: 'zero', datatype: 'FP64', shape: [], data: [0] }],
      nodes: [
        { opType: 'LeakyRelu', inputs: ['values'], outputs: ['leaky'], attributes: { alpha: onnxFloat(1) } },
        { opType: 'ArgMax', inputs: ['values'], outputs: ['best'], attributes: { axis: 1, keepdims: 0 } },
        {
          opType: 'Constant',
          inputs: [],
          outputs: ['ten'],
          attributes: { value: onnxTensor({ datatype: 'INT64', shape: [], data: new BigInt64Array([10n]) }) },
        },
        { opType: 'Add', inputs: ['counts', 'ten'], outputs: ['shifted'] },
        { opType: 'Cast', inputs: ['values'], outputs: ['doubles'], attributes: { to: 11 } },
        { opType: 'Where', inputs: ['flags', 'doubles', 'zero'], outputs: ['kept'] },
        {
          opType: 'Constant',
          inputs: [],
          outputs: ['bytes'],
          attributes: { value: onnxTensor({ datatype: 'UINT8', shape: [2], data: [7, 255] }) },
        },
      ],
    });
    const session = await InferenceSession.create(model);
    try {
      const result = await session.run({
        values: new OrtTensor('float32', Float32Array.from([1, -2, 3, -4, 5, 0.5]), [2, 3]),
        counts: new OrtTensor('int64', BigInt64Array.from([-5n]), []),
        flags: new OrtTensor('bool', Uint8Array.from([1, 0, 1, 0, 0, 1]), [2, 3]),
      });
      // alpha = 1 must arrive as a FLOAT attribute: LeakyRelu with alpha 1 is the identity.
      expect([...(result.leaky.data as Float32Array)]).toEqual([1, -2, 3, -4, 5, 0.5]);
      expect([...(result.best.data as BigInt64Array)]).toEqual([2n, 1n]);
      expect([...(result.shifted.data as BigInt64Array)]).toEqual([5n]);
      expect([...(result.kept.data as Float64Array)]).toEqual([1, 0, 3, 0, 0, 0.5]);
      expect([...(result.bytes.data as Uint8Array)]).toEqual([7, 255]);
    } finally {
      await session.release();
    }
  });

  it('rejects initializer data that does not fill the shape or has the wrong typed array', () => {
    const spec = (data: Float32Array | Float64Array) => ({
      inputs: [],
      outputs: [{ name: 'c', datatype: 'FP32' as const, shape: [3] }],
      initializers: [{ name: 'c', datatype: 'FP32' as const, shape: [3], data }],
      nodes: [],
    });
    expect(() => buildOnnxModel(spec(new Float32Array(2)))).toThrow(/needs 3 elements, got 2/);
    expect(() => buildOnnxModel(spec(new Float64Array(3)))).toThrow(/must be a Float32Array, got Float64Array/);
  });
});

function expectClose(actual: ArrayLike<number>, expected: readonly number[], tolerance = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((value, index) => expect(Math.abs(actual[index] - value)).toBeLessThan(tolerance));
}

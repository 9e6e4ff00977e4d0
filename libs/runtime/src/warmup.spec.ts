import { generateWarmupInputs } from './warmup';

describe('generateWarmupInputs', () => {
  it('fills free dimensions with 1 and uses each datatype\'s typed array', () => {
    const inputs = generateWarmupInputs({
      inputs: [
        { name: 'x', datatype: 'FP32', shape: [-1, 3] },
        { name: 'ids', datatype: 'INT64', shape: [-1, -1] },
        { name: 'mask', datatype: 'BOOL', shape: [2] },
        { name: 'half', datatype: 'FP16', shape: [] },
        { name: 'text', datatype: 'BYTES', shape: [-1] },
      ],
      outputs: [],
    });
    expect(inputs.x).toEqual({ datatype: 'FP32', shape: [1, 3], data: Float32Array.from([0.5, 0.5, 0.5]) });
    expect(inputs.ids).toEqual({ datatype: 'INT64', shape: [1, 1], data: BigInt64Array.from([0n]) });
    expect(inputs.mask).toEqual({ datatype: 'BOOL', shape: [2], data: Uint8Array.from([0, 0]) });
    expect(inputs.half).toEqual({ datatype: 'FP16', shape: [], data: Uint16Array.from([0x3800]) });
    expect(inputs.text.shape).toEqual([1]);
    expect(inputs.text.data).toEqual([new Uint8Array(0)]);
  });
});

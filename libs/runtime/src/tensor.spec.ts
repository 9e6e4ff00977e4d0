import { copyTensors } from './tensor';

describe('copyTensors', () => {
  it('gives copies that outlive the originals being transferred to a worker', () => {
    const originals = { x: { datatype: 'FP32' as const, shape: [1, 3], data: Float32Array.of(1, 2, 3) } };
    const copies = copyTensors(originals);
    structuredClone(originals.x.data, { transfer: [originals.x.data.buffer] });
    expect(originals.x.data.length).toBe(0);
    expect(copies.x).toEqual({ datatype: 'FP32', shape: [1, 3], data: Float32Array.of(1, 2, 3) });
    expect(copies.x.shape).not.toBe(originals.x.shape);
  });
});

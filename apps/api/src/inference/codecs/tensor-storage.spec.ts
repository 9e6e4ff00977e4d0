import { POOLED_MAX_BYTES, newTypedArray } from './tensor-storage';

describe('newTypedArray', () => {
  it('gives small arrays zeroed, aligned and never overlapping, however many are taken', () => {
    const arrays: { bytes: Uint8Array; fill: number }[] = [];
    const classes = [Float32Array, Float64Array, Int8Array, Uint16Array, BigInt64Array, Uint8Array] as const;
    for (let index = 0; index < 3000; index++) {
      const Storage = classes[index % classes.length];
      const length = 1 + (index % 97);
      const array = newTypedArray(Storage as unknown as Float32ArrayConstructor, length);
      expect(array.length).toBe(length);
      expect(array.constructor).toBe(Storage);
      expect(array.byteOffset % 8).toBe(0);
      const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
      expect(bytes.every((byte) => byte === 0)).toBe(true);
      const fill = (index % 255) + 1;
      bytes.fill(fill);
      arrays.push({ bytes, fill });
    }
    // Every array still holds what was written to it: none shares bytes with another.
    for (const { bytes, fill } of arrays) expect(bytes.every((byte) => byte === fill)).toBe(true);
    // Small arrays share blocks.
    expect(new Set(arrays.map(({ bytes }) => bytes.buffer)).size).toBeLessThan(arrays.length / 10);
  });

  it('gives larger and empty arrays a buffer of their own', () => {
    const large = newTypedArray(Float32Array, POOLED_MAX_BYTES / 4 + 1);
    expect(large.byteOffset).toBe(0);
    expect(large.buffer.byteLength).toBe(large.byteLength);
    expect(newTypedArray(Float32Array, 0).length).toBe(0);
    const largest = newTypedArray(Float32Array, POOLED_MAX_BYTES / 4);
    expect(largest.buffer.byteLength).toBeGreaterThan(largest.byteLength);
  });
});

import { BodyBuffers, MAX_BLOCK_BYTES, MIN_BLOCK_BYTES } from './body-buffers';

describe('BodyBuffers: reusable memory for request bodies', () => {
  it('gives a buffer of exactly the length asked, in a block of the next power-of-two size', () => {
    const blocks = new BodyBuffers();
    for (const [length, blockBytes] of [
      [MIN_BLOCK_BYTES / 2, MIN_BLOCK_BYTES],
      [MIN_BLOCK_BYTES, MIN_BLOCK_BYTES],
      [MIN_BLOCK_BYTES + 1, 2 * MIN_BLOCK_BYTES],
      [84_000, 128 * 1024],
      [MAX_BLOCK_BYTES, MAX_BLOCK_BYTES],
    ]) {
      const buffer = blocks.take(length);
      expect(buffer.length).toBe(length);
      expect(buffer.byteOffset).toBe(0);
      expect(buffer.buffer.byteLength).toBe(blockBytes);
    }
    expect(blocks.stats()).toEqual({ reused: 0, allocated: 5, freeBytes: 0 });
  });

  it('reuses a block given back, for any length of its size, and never one still taken', () => {
    const blocks = new BodyBuffers();
    const first = blocks.take(100_000);
    const second = blocks.take(100_000);
    expect(second.buffer).not.toBe(first.buffer);
    blocks.give(first);
    expect(blocks.stats().freeBytes).toBe(128 * 1024);
    const again = blocks.take(70_000);
    expect(again.buffer).toBe(first.buffer);
    expect(again.length).toBe(70_000);
    // Another size class does not take it.
    blocks.give(again);
    expect(blocks.take(20_000).buffer).not.toBe(first.buffer);
    expect(blocks.stats()).toEqual({ reused: 1, allocated: 3, freeBytes: 128 * 1024 });
  });

  it('keeps at most maxFreeBytes in free blocks; the rest are left to the garbage collector', () => {
    const blocks = new BodyBuffers(3 * MIN_BLOCK_BYTES);
    const taken = [blocks.take(MIN_BLOCK_BYTES), blocks.take(MIN_BLOCK_BYTES), blocks.take(2 * MIN_BLOCK_BYTES)];
    for (const buffer of taken) blocks.give(buffer);
    // The two small blocks fit; the larger one would pass the bound.
    expect(blocks.stats().freeBytes).toBe(2 * MIN_BLOCK_BYTES);
    expect(blocks.take(2 * MIN_BLOCK_BYTES).buffer).not.toBe(taken[2].buffer);
  });

  it('covers bodies from half the smallest block to the largest block', () => {
    expect(BodyBuffers.covers(MIN_BLOCK_BYTES / 2 - 1)).toBe(false);
    expect(BodyBuffers.covers(MIN_BLOCK_BYTES / 2)).toBe(true);
    expect(BodyBuffers.covers(MAX_BLOCK_BYTES)).toBe(true);
    expect(BodyBuffers.covers(MAX_BLOCK_BYTES + 1)).toBe(false);
  });
});

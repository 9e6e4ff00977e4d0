import { MAX_BLOCK_BYTES, MIN_BLOCK_BYTES, RequestScratch, ScratchBlocks } from './scratch-blocks';

describe('ScratchBlocks: reusable memory for request bodies and tensors', () => {
  it('gives a block of the next power-of-two size', () => {
    const blocks = new ScratchBlocks();
    for (const [bytes, blockBytes] of [
      [MIN_BLOCK_BYTES / 2, MIN_BLOCK_BYTES],
      [MIN_BLOCK_BYTES, MIN_BLOCK_BYTES],
      [MIN_BLOCK_BYTES + 1, 2 * MIN_BLOCK_BYTES],
      [84_000, 128 * 1024],
      [MAX_BLOCK_BYTES, MAX_BLOCK_BYTES],
    ]) {
      expect(blocks.take(bytes).byteLength).toBe(blockBytes);
    }
    expect(blocks.stats()).toEqual({ reused: 0, allocated: 5, freeBytes: 0 });
  });

  it('reuses a block given back, for any size of its class, and never one still taken', () => {
    const blocks = new ScratchBlocks();
    const first = blocks.take(100_000);
    const second = blocks.take(100_000);
    expect(second).not.toBe(first);
    blocks.give(first);
    expect(blocks.stats().freeBytes).toBe(128 * 1024);
    const again = blocks.take(70_000);
    expect(again).toBe(first);
    // Another size class does not take it.
    blocks.give(again);
    expect(blocks.take(20_000)).not.toBe(first);
    expect(blocks.stats()).toEqual({ reused: 1, allocated: 3, freeBytes: 128 * 1024 });
  });

  it('keeps at most maxFreeBytes in free blocks, and no block moved to another thread', () => {
    const blocks = new ScratchBlocks(3 * MIN_BLOCK_BYTES);
    const taken = [blocks.take(MIN_BLOCK_BYTES), blocks.take(MIN_BLOCK_BYTES), blocks.take(2 * MIN_BLOCK_BYTES)];
    for (const block of taken) blocks.give(block);
    // The two small blocks fit; the larger one would pass the bound.
    expect(blocks.stats().freeBytes).toBe(2 * MIN_BLOCK_BYTES);
    expect(blocks.take(2 * MIN_BLOCK_BYTES)).not.toBe(taken[2]);

    const moved = new ScratchBlocks();
    const block = moved.take(MIN_BLOCK_BYTES);
    structuredClone(block, { transfer: [block] });
    moved.give(block);
    expect(moved.stats().freeBytes).toBe(0);
  });

  it('covers from half the smallest block to the largest block', () => {
    expect(ScratchBlocks.covers(MIN_BLOCK_BYTES / 2 - 1)).toBe(false);
    expect(ScratchBlocks.covers(MIN_BLOCK_BYTES / 2)).toBe(true);
    expect(ScratchBlocks.covers(MAX_BLOCK_BYTES)).toBe(true);
    expect(ScratchBlocks.covers(MAX_BLOCK_BYTES + 1)).toBe(false);
  });
});

describe('RequestScratch: what one request holds until its answer is settled', () => {
  it('hands out zeroed tensor memory, even from a block that held a body', () => {
    const blocks = new ScratchBlocks();
    const body = blocks.take(50_000);
    new Uint8Array(body).fill(0x7b);
    blocks.give(body);
    const scratch = new RequestScratch(blocks);
    const memory = scratch.tensorMemory(48 * 1024)!;
    expect(memory).toBe(body);
    expect(new Uint8Array(memory, 0, 48 * 1024).every((byte) => byte === 0)).toBe(true);
    // Too small or too large: the decoder allocates as usual.
    expect(scratch.tensorMemory(1024)).toBeUndefined();
    expect(scratch.tensorMemory(MAX_BLOCK_BYTES + 1)).toBeUndefined();
  });

  it('gives back every block it took, once', () => {
    const blocks = new ScratchBlocks();
    const scratch = new RequestScratch(blocks);
    scratch.tensorMemory(20_000);
    scratch.tensorMemory(20_000);
    scratch.tensorMemory(100_000);
    expect(blocks.stats().freeBytes).toBe(0);
    scratch.release();
    expect(blocks.stats().freeBytes).toBe(2 * 32 * 1024 + 128 * 1024);
    scratch.release();
    expect(blocks.stats().freeBytes).toBe(2 * 32 * 1024 + 128 * 1024);
  });
});

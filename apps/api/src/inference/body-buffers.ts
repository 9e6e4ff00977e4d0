/**
 * Reusable memory for the request bodies the data plane reads in more than one chunk.
 *
 * Node delivers a large body in chunks (up to 64 KiB each) that must be joined before decoding. A
 * fresh buffer per request is memory outside V8's heap: a CNN image over JSON (82 KiB) allocates
 * its body twice (the chunks, then the joined copy) and its tensor once, and at a thousand requests
 * a second that external memory makes V8 run a full mark-compact of the whole heap every few hundred
 * milliseconds (docs/performance.md). The joined copy comes from here instead and goes back once the
 * body is decoded: every decoder copies what it keeps (InferenceService decodes before it awaits).
 *
 * Blocks come in power-of-two sizes from MIN_BLOCK_BYTES to MAX_BLOCK_BYTES; a body outside that
 * range is allocated as before. The blocks kept free are bounded by `maxFreeBytes`.
 */
export const MIN_BLOCK_BYTES = 8 * 1024;
export const MAX_BLOCK_BYTES = 4 * 1024 * 1024;

export interface BodyBufferStats {
  /** Bodies served from a free block. */
  reused: number;
  /** Blocks allocated because none of the size was free. */
  allocated: number;
  /** Bytes held in free blocks now. */
  freeBytes: number;
}

export class BodyBuffers {
  /** Free blocks by size class: class k holds blocks of MIN_BLOCK_BYTES << k bytes. */
  private readonly free: ArrayBuffer[][] = [];
  private freeBytes = 0;
  private reused = 0;
  private allocated = 0;

  constructor(private readonly maxFreeBytes = 32 * 1024 * 1024) {
    for (let size = MIN_BLOCK_BYTES; size <= MAX_BLOCK_BYTES; size *= 2) this.free.push([]);
  }

  /** Whether a body of `length` bytes is served from blocks (else the caller allocates it). */
  static covers(length: number): boolean {
    return length >= MIN_BLOCK_BYTES / 2 && length <= MAX_BLOCK_BYTES;
  }

  /** A buffer of exactly `length` bytes (BodyBuffers.covers(length)), to be given back with `give`. */
  take(length: number): Buffer {
    const sizeClass = classOf(length);
    const block = this.free[sizeClass].pop();
    if (block !== undefined) {
      this.freeBytes -= block.byteLength;
      this.reused++;
      return Buffer.from(block, 0, length);
    }
    this.allocated++;
    return Buffer.from(new ArrayBuffer(MIN_BLOCK_BYTES << sizeClass), 0, length);
  }

  /** Returns a buffer that `take` gave; nothing may read or write it afterwards. */
  give(buffer: Buffer): void {
    const block = buffer.buffer as ArrayBuffer;
    const size = block.byteLength;
    if (this.freeBytes + size > this.maxFreeBytes) return;
    this.free[classOf(size)].push(block);
    this.freeBytes += size;
  }

  stats(): BodyBufferStats {
    return { reused: this.reused, allocated: this.allocated, freeBytes: this.freeBytes };
  }
}

/** The smallest class whose blocks hold `length` bytes. */
function classOf(length: number): number {
  let sizeClass = 0;
  while (MIN_BLOCK_BYTES << sizeClass < length) sizeClass++;
  return sizeClass;
}

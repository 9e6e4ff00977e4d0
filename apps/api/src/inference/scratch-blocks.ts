/**
 * Reusable memory for what the data plane allocates per request in large pieces: the joined body of
 * a request that arrives in more than one chunk, and the tensors decoded from it.
 *
 * Each of those is a backing store outside V8's heap. A CNN image over JSON (82 KiB) used to
 * allocate its body twice (Node's chunks, then the joined copy) and its tensor once, and at a
 * thousand requests a second that external memory made V8 run a full mark-compact of the whole heap
 * every few hundred milliseconds (docs/performance.md). Node's chunks stay Node's; the joined body
 * and the tensors come from here and go back:
 * - a body once it is decoded (the inference service decodes before it awaits, into tensors of its
 *   own while it has tensor memory: binary tensors too are copied, not viewed in the body);
 * - the tensors once the request's answer is settled, when nothing reads them any more
 *   (RequestScratch).
 *
 * Blocks come in power-of-two sizes from MIN_BLOCK_BYTES to MAX_BLOCK_BYTES; anything outside that
 * range is allocated as before. The blocks kept free are bounded by `maxFreeBytes`. A block that
 * was moved to another thread (detached) is not kept.
 */
import type { TensorMemory } from './codecs/tensor-storage';

export const MIN_BLOCK_BYTES = 8 * 1024;
export const MAX_BLOCK_BYTES = 4 * 1024 * 1024;

export interface ScratchBlockStats {
  /** Blocks taken from the free ones. */
  reused: number;
  /** Blocks allocated because none of the size was free. */
  allocated: number;
  /** Bytes held in free blocks now. */
  freeBytes: number;
}

export class ScratchBlocks {
  /** Free blocks by size class: class k holds blocks of MIN_BLOCK_BYTES << k bytes. */
  private readonly free: ArrayBuffer[][] = [];
  private freeBytes = 0;
  private reused = 0;
  private allocated = 0;

  constructor(private readonly maxFreeBytes = 32 * 1024 * 1024) {
    for (let size = MIN_BLOCK_BYTES; size <= MAX_BLOCK_BYTES; size *= 2) this.free.push([]);
  }

  /** Whether `bytes` are served from blocks (else the caller allocates them). */
  static covers(bytes: number): boolean {
    return bytes >= MIN_BLOCK_BYTES / 2 && bytes <= MAX_BLOCK_BYTES;
  }

  /** A block of at least `bytes` (ScratchBlocks.covers(bytes)), holding whatever it held before; back with `give`. */
  take(bytes: number): ArrayBuffer {
    const sizeClass = classOf(bytes);
    const block = this.free[sizeClass].pop();
    if (block !== undefined) {
      this.freeBytes -= block.byteLength;
      this.reused++;
      return block;
    }
    this.allocated++;
    return new ArrayBuffer(MIN_BLOCK_BYTES << sizeClass);
  }

  /** Returns a block that `take` gave; nothing may read or write it afterwards. */
  give(block: ArrayBuffer): void {
    const size = block.byteLength;
    // Zero: moved to another thread since.
    if (size === 0 || this.freeBytes + size > this.maxFreeBytes) return;
    this.free[classOf(size)].push(block);
    this.freeBytes += size;
  }

  stats(): ScratchBlockStats {
    return { reused: this.reused, allocated: this.allocated, freeBytes: this.freeBytes };
  }
}

/**
 * The blocks one request holds until its answer is settled: its decoded tensors (as tensor memory
 * for the decoders, zeroed as a fresh array is).
 */
export class RequestScratch {
  private readonly held: ArrayBuffer[] = [];

  constructor(private readonly blocks: ScratchBlocks) {}

  /** Zeroed memory for a decoded tensor of `bytes`, or undefined to allocate it as usual. */
  readonly tensorMemory: TensorMemory = (bytes) => {
    if (!ScratchBlocks.covers(bytes)) return undefined;
    const block = this.blocks.take(bytes);
    new Uint8Array(block, 0, bytes).fill(0);
    this.held.push(block);
    return block;
  };

  /** Once the answer is settled: every block goes back. */
  release(): void {
    for (const block of this.held) this.blocks.give(block);
    this.held.length = 0;
  }
}

/** The smallest class whose blocks hold `bytes`. */
function classOf(bytes: number): number {
  let sizeClass = 0;
  while (MIN_BLOCK_BYTES << sizeClass < bytes) sizeClass++;
  return sizeClass;
}

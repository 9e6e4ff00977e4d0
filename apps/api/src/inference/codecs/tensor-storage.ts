/**
 * Storage for the tensors decoded from request bodies. A typed array of its own has a backing store
 * outside V8's heap: allocating one costs about 370 ns here (a 64-float MLP input), against about 20
 * ns for a view, and the collector must later free each one. Small arrays are therefore views into
 * shared 64 KiB blocks, carved in order and never reused (as Node's Buffer pool does), so every
 * array starts zeroed and no request sees another's values; a block is freed once no array views
 * it. Large arrays have a buffer of their own, or, while a decoder runs under withTensorMemory, a
 * zeroed block the caller reuses once the request is answered. Code that moves a tensor's buffer to
 * another thread copies a view first (prepareTransfer), and every reader of `.buffer` honours
 * byteOffset and byteLength.
 */

type TypedArrayOf<T> = new (buffer: ArrayBuffer, byteOffset: number, length: number) => T;
type TypedArrayClass<T> = TypedArrayOf<T> & { new (length: number): T; readonly BYTES_PER_ELEMENT: number };

const BLOCK_BYTES = 64 * 1024;
/** Larger arrays get a buffer of their own: their allocation is small beside their decoding, and a block holds few. */
export const POOLED_MAX_BYTES = 4 * 1024;

let block = new ArrayBuffer(0);
let used = 0;

/** Zeroed memory for a large array, or undefined to allocate it; the caller owns what it hands out. */
export type TensorMemory = (bytes: number) => ArrayBuffer | undefined;

/** Set by withTensorMemory, while a decoder runs. */
let tensorMemory: TensorMemory | undefined;

/**
 * Runs `decode` with its large arrays (above POOLED_MAX_BYTES) taken from `memory` where it
 * offers some: the data plane's reusable blocks, given back once the request is answered
 * (inference/scratch-blocks.ts). Only decoding runs inside, so only the request's own tensors do;
 * and no tensor views the body, so that the body can go as soon as it is decoded.
 */
export function withTensorMemory<T>(memory: TensorMemory, decode: () => T): T {
  const before = tensorMemory;
  tensorMemory = memory;
  try {
    return decode();
  } finally {
    tensorMemory = before;
  }
}

/** Whether a decoder runs under withTensorMemory: it then copies what it would view in the body (v2.binary). */
export function decodingIntoTensorMemory(): boolean {
  return tensorMemory !== undefined;
}

/** A zeroed `Storage` of `length` elements, a view into a shared block when small. */
export function newTypedArray<T>(Storage: TypedArrayClass<T>, length: number): T {
  const bytes = length * Storage.BYTES_PER_ELEMENT;
  if (bytes === 0) return new Storage(length);
  if (bytes > POOLED_MAX_BYTES) {
    const memory = tensorMemory?.(bytes);
    return memory === undefined ? new Storage(length) : new Storage(memory, 0, length);
  }
  if (used + bytes > block.byteLength) {
    block = new ArrayBuffer(BLOCK_BYTES);
    used = 0;
  }
  const array = new Storage(block, used, length);
  // Eight-byte steps keep every array aligned for any element size (BigInt64Array, Float64Array).
  used += (bytes + 7) & ~7;
  return array;
}

/**
 * Tensors between the pool and a model worker through shared memory. Each batch a worker holds
 * has a slot: an input buffer the main thread writes and an output buffer the worker writes, both
 * SharedArrayBuffers that live as long as the worker and grow when a batch does not fit. The
 * message that says "slot N is ready" is then a bare number, which structured clone copies in a
 * few microseconds; a message of nested tensor objects with moved buffers cost the main thread
 * about three times as much per batch (bench numbers in docs/performance.md), and every batch
 * pays it twice (there and back).
 *
 * Layout of one buffer: a header of HEADER_BYTES (the job id and compute time as float64, then
 * as int32 the tensor count, the intra-op threads of the session that ran the batch (outputs
 * only), and one entry per tensor: index of its name in the signature, datatype,
 * byte offset, rank, dimensions), then each tensor's bytes, 8-byte aligned. Only what a slot can
 * hold goes this way: numeric tensors named in the signature, within MAX_SLOT_BYTES. Anything
 * else (BYTES tensors, an unknown name, a huge batch) travels as before, in a message of its own.
 */
import type { StackedInputs } from '../batching';
import { DATA_TYPES, elementCount, isNumericDataType, typedArrayClassFor, type NamedTensors, type NumericDataType, type TensorData } from '../tensor';

/** Bytes before the first tensor: ids, count and entries. */
export const HEADER_BYTES = 1_024;
/** A slot never grows past this; a batch that needs more is sent in a message. */
export const MAX_SLOT_BYTES = 64 * 1024 * 1024;
/** The smallest buffer allocated for a slot. */
const MIN_SLOT_BYTES = 64 * 1024;

const ID_WORD = 0; // float64 index
const COMPUTE_MS_WORD = 1; // float64 index
const COUNT_INDEX = 4; // int32 index, after the two float64s
const THREADS_INDEX = 5;
const FIRST_ENTRY_INDEX = 6;
const HEADER_WORDS = HEADER_BYTES / 4;
/** name, datatype, byte offset, rank. */
const ENTRY_FIXED_WORDS = 4;

export class SlotBuffer {
  readonly bytes: Uint8Array;
  private readonly words: Int32Array;
  private readonly floats: Float64Array;

  constructor(readonly buffer: SharedArrayBuffer) {
    this.bytes = new Uint8Array(buffer);
    this.words = new Int32Array(buffer, 0, HEADER_WORDS);
    this.floats = new Float64Array(buffer, 0, 2);
  }

  /**
   * A buffer that holds `bytes` (see encodedBytes), or undefined past MAX_SLOT_BYTES or when the
   * memory cannot be had: the batch then goes by message, which needs no second copy of it.
   */
  static allocate(bytes: number): SlotBuffer | undefined {
    if (bytes > MAX_SLOT_BYTES) return undefined;
    let size = MIN_SLOT_BYTES;
    while (size < bytes) size *= 2;
    try {
      return new SlotBuffer(new SharedArrayBuffer(size));
    } catch {
      return undefined;
    }
  }

  get capacity(): number {
    return this.buffer.byteLength;
  }

  get id(): number {
    return this.floats[ID_WORD];
  }

  get computeMs(): number {
    return this.floats[COMPUTE_MS_WORD];
  }

  /** Intra-op threads of the session that computed the outputs in this buffer (0 for inputs). */
  get threads(): number {
    return this.words[THREADS_INDEX];
  }

  /**
   * Writes the tensors after the header; the caller has checked that encodedBytes() fits. Names
   * are written as their index in `names`. `computeMs` and `threads` describe outputs; inputs give 0.
   */
  write(id: number, computeMs: number, tensors: NamedTensors, names: readonly string[], threads = 0): void {
    this.writeParts(id, computeMs, [tensors], undefined, names);
    this.words[THREADS_INDEX] = threads;
  }

  /**
   * Writes the members' tensors stacked along axis 0, as joinInputs would join them, each member's
   * rows copied straight to their place; the caller has checked that stackedBytes() fits.
   */
  writeStacked(id: number, stacked: StackedInputs, names: readonly string[]): void {
    this.writeParts(
      id,
      0,
      stacked.members.map((member) => member.inputs),
      stacked.rows,
      names,
    );
    this.words[THREADS_INDEX] = 0;
  }

  /** The tensors named in parts[0], each the concatenation of its parts' bytes; `rows`, when given, its first dimension. */
  private writeParts(id: number, computeMs: number, parts: readonly NamedTensors[], rows: number | undefined, names: readonly string[]): void {
    this.floats[ID_WORD] = id;
    this.floats[COMPUTE_MS_WORD] = computeMs;
    const words = this.words;
    const first = parts[0];
    let word = FIRST_ENTRY_INDEX;
    let offset = HEADER_BYTES;
    let count = 0;
    for (const name in first) {
      const { datatype, shape } = first[name];
      words[word] = names.indexOf(name);
      words[word + 1] = DATA_TYPES.indexOf(datatype);
      words[word + 2] = offset;
      words[word + 3] = shape.length;
      for (let index = 0; index < shape.length; index++) words[word + ENTRY_FIXED_WORDS + index] = shape[index];
      if (rows !== undefined) words[word + ENTRY_FIXED_WORDS] = rows;
      word += ENTRY_FIXED_WORDS + shape.length;
      let written = 0;
      for (const part of parts) {
        const numeric = part[name].data as Exclude<TensorData, Uint8Array[]>;
        this.bytes.set(new Uint8Array(numeric.buffer, numeric.byteOffset, numeric.byteLength), offset + written);
        written += numeric.byteLength;
      }
      offset += align8(written);
      count++;
    }
    words[COUNT_INDEX] = count;
  }

  /**
   * The tensors written by write(), copied out of shared memory into one ordinary buffer of their
   * own (the engine refuses shared memory, and the slot is written again by the next batch).
   */
  read(names: readonly string[]): NamedTensors {
    const words = this.words;
    const count = words[COUNT_INDEX];
    const entries: { name: string; datatype: NumericDataType; shape: number[]; offset: number }[] = [];
    let end = HEADER_BYTES;
    for (let entry = 0, word = FIRST_ENTRY_INDEX; entry < count; entry++) {
      const datatype = DATA_TYPES[words[word + 1]] as NumericDataType;
      const offset = words[word + 2];
      const rank = words[word + 3];
      const shape = new Array<number>(rank);
      for (let index = 0; index < rank; index++) shape[index] = words[word + ENTRY_FIXED_WORDS + index];
      entries.push({ name: names[words[word]], datatype, shape, offset });
      end = offset + elementCount(shape) * typedArrayClassFor(datatype).BYTES_PER_ELEMENT;
      word += ENTRY_FIXED_WORDS + rank;
    }
    const copy = new Uint8Array(end - HEADER_BYTES);
    copy.set(this.bytes.subarray(HEADER_BYTES, end));
    const tensors: NamedTensors = {};
    for (const { name, datatype, shape, offset } of entries) {
      const Data = typedArrayClassFor(datatype);
      tensors[name] = { datatype, shape, data: new Data(copy.buffer, offset - HEADER_BYTES, elementCount(shape)) };
    }
    return tensors;
  }
}

/**
 * The buffer of `slots[slot]` when it holds `bytes` (from encodedBytes or stackedBytes); otherwise a
 * larger one, put in its place and handed to `announce` so the other side uses it from now on.
 * Undefined when the tensors cannot go through a slot (-1, past MAX_SLOT_BYTES, no memory).
 */
export function slotHolding(
  slots: (SlotBuffer | undefined)[],
  slot: number,
  bytes: number,
  announce: (buffer: SharedArrayBuffer) => void,
): SlotBuffer | undefined {
  if (bytes === -1) return undefined;
  const current = slots[slot];
  if (current !== undefined && current.capacity >= bytes) return current;
  const grown = SlotBuffer.allocate(bytes);
  if (grown === undefined) return undefined;
  slots[slot] = grown;
  announce(grown.buffer);
  return grown;
}

/**
 * Bytes a slot needs for the tensors, or -1 when they cannot go through one: a BYTES tensor, a name
 * not in `names`, or more dimensions than the header holds.
 */
export function encodedBytes(tensors: NamedTensors, names: readonly string[]): number {
  return partsBytes([tensors], undefined, names);
}

/**
 * Bytes a slot needs for the stacked members (see writeStacked), or -1 when they cannot go through
 * one: what encodedBytes refuses, or members whose tensors do not stack into `rows` rows of the
 * first member's other dimensions (the batch is then joined and sent by message, as before).
 */
export function stackedBytes(stacked: StackedInputs, names: readonly string[]): number {
  return partsBytes(
    stacked.members.map((member) => member.inputs),
    stacked.rows,
    names,
  );
}

function partsBytes(parts: readonly NamedTensors[], rows: number | undefined, names: readonly string[]): number {
  const first = parts[0];
  let bytes = HEADER_BYTES;
  let words = FIRST_ENTRY_INDEX;
  for (const name in first) {
    const { datatype, shape } = first[name];
    if (!isNumericDataType(datatype) || !names.includes(name)) return -1;
    const elementBytes = typedArrayClassFor(datatype).BYTES_PER_ELEMENT;
    let tensorBytes = 0;
    for (const part of parts) {
      const tensor = part[name];
      if (tensor === undefined || tensor.datatype !== datatype) return -1;
      const { data } = tensor;
      // A tensor whose array does not match its datatype and shape is passed on as it is, by message.
      if (Array.isArray(data) || data.BYTES_PER_ELEMENT !== elementBytes || data.length !== elementCount(tensor.shape)) return -1;
      tensorBytes += data.byteLength;
    }
    if (rows !== undefined && (shape.length === 0 || tensorBytes !== (elementCount(shape) / shape[0]) * rows * elementBytes)) return -1;
    words += ENTRY_FIXED_WORDS + shape.length;
    bytes += align8(tensorBytes);
  }
  if (rows !== undefined && parts.some((part) => Object.keys(part).length !== Object.keys(first).length)) return -1;
  return words > HEADER_WORDS ? -1 : bytes;
}

function align8(bytes: number): number {
  return (bytes + 7) & ~7;
}

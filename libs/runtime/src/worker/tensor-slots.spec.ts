import { joinInputs, StackedInputs } from '../batching';
import type { NamedTensors } from '../tensor';
import { encodedBytes, HEADER_BYTES, MAX_SLOT_BYTES, SlotBuffer, stackedBytes } from './tensor-slots';

const NAMES = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l'];

/** One tensor of every numeric datatype, several of them views into the middle of larger buffers. */
function everyNumericType(): NamedTensors {
  const floats = new Float32Array(10).map((_, index) => index / 3);
  return {
    a: { datatype: 'BOOL', shape: [3], data: Uint8Array.from([1, 0, 1]) },
    b: { datatype: 'UINT8', shape: [1, 2], data: Uint8Array.from([0, 255, 7]).subarray(1) },
    c: { datatype: 'UINT16', shape: [2], data: Uint16Array.from([65_535, 1]) },
    d: { datatype: 'UINT32', shape: [1], data: Uint32Array.from([4_000_000_000]) },
    e: { datatype: 'UINT64', shape: [1], data: BigUint64Array.from([2n ** 63n + 5n]) },
    f: { datatype: 'INT8', shape: [2], data: Int8Array.from([-128, 127]) },
    g: { datatype: 'INT16', shape: [1], data: Int16Array.from([-32_768]) },
    h: { datatype: 'INT32', shape: [2, 1], data: Int32Array.from([-5, 2 ** 31 - 1]) },
    i: { datatype: 'INT64', shape: [2], data: BigInt64Array.from([-(2n ** 62n), 9n]) },
    j: { datatype: 'FP16', shape: [1], data: Uint16Array.from([0x3c00]) },
    k: { datatype: 'FP32', shape: [2, 3], data: floats.subarray(3, 9) },
    l: { datatype: 'FP64', shape: [], data: Float64Array.from([Math.PI]) },
  };
}

function written(tensors: NamedTensors, id = 7, computeMs = 1.25): SlotBuffer {
  const bytes = encodedBytes(tensors, NAMES);
  const slot = SlotBuffer.allocate(bytes) as SlotBuffer;
  slot.write(id, computeMs, tensors, NAMES);
  return slot;
}

describe('SlotBuffer', () => {
  it('round-trips every numeric datatype, views of larger buffers included, with the id and compute time', () => {
    const tensors = everyNumericType();
    const slot = written(tensors, 2 ** 40 + 3, 0.375);
    expect(slot.id).toBe(2 ** 40 + 3);
    expect(slot.computeMs).toBe(0.375);
    expect(slot.read(NAMES)).toEqual(tensors);
  });

  it('reads into ordinary memory of its own, which the next write to the slot leaves alone', () => {
    const slot = written({ k: { datatype: 'FP32', shape: [2], data: Float32Array.from([1, 2]) } });
    const first = slot.read(NAMES);
    expect((first.k.data as Float32Array).buffer).toBeInstanceOf(ArrayBuffer);
    slot.write(8, 0, { k: { datatype: 'FP32', shape: [2], data: Float32Array.from([3, 4]) } }, NAMES);
    expect(Array.from(first.k.data as Float32Array)).toEqual([1, 2]);
    expect(Array.from(slot.read(NAMES).k.data as Float32Array)).toEqual([3, 4]);
  });

  it('keeps a later, smaller write from reading back the earlier one', () => {
    const slot = written(everyNumericType());
    slot.write(9, 0, { h: { datatype: 'INT32', shape: [0, 4], data: new Int32Array(0) } }, NAMES);
    expect(slot.read(NAMES)).toEqual({ h: { datatype: 'INT32', shape: [0, 4], data: new Int32Array(0) } });
  });

  it('allocates at least 64 KiB, in powers of two, and nothing past MAX_SLOT_BYTES', () => {
    expect(SlotBuffer.allocate(HEADER_BYTES)?.capacity).toBe(64 * 1024);
    expect(SlotBuffer.allocate(64 * 1024 + 1)?.capacity).toBe(128 * 1024);
    expect(SlotBuffer.allocate(MAX_SLOT_BYTES)?.capacity).toBe(MAX_SLOT_BYTES);
    expect(SlotBuffer.allocate(MAX_SLOT_BYTES + 1)).toBeUndefined();
  });
});

describe('encodedBytes', () => {
  it('counts the header and each tensor 8-byte aligned', () => {
    expect(encodedBytes({}, NAMES)).toBe(HEADER_BYTES);
    expect(encodedBytes({ a: { datatype: 'BOOL', shape: [3], data: new Uint8Array(3) } }, NAMES)).toBe(HEADER_BYTES + 8);
    expect(
      encodedBytes(
        { a: { datatype: 'BOOL', shape: [9], data: new Uint8Array(9) }, k: { datatype: 'FP32', shape: [2], data: new Float32Array(2) } },
        NAMES,
      ),
    ).toBe(HEADER_BYTES + 16 + 8);
  });

  it('refuses what a slot cannot carry, which then travels by message', () => {
    const bytes: NamedTensors = { a: { datatype: 'BYTES', shape: [1], data: [new Uint8Array(2)] } };
    expect(encodedBytes(bytes, NAMES)).toBe(-1);
    expect(encodedBytes({ unknown: { datatype: 'FP32', shape: [1], data: new Float32Array(1) } }, NAMES)).toBe(-1);
    // An array that does not match its datatype or its shape is passed on untouched.
    expect(encodedBytes({ k: { datatype: 'FP32', shape: [1], data: new Float64Array(1) } }, NAMES)).toBe(-1);
    expect(encodedBytes({ k: { datatype: 'FP32', shape: [3], data: new Float32Array(2) } }, NAMES)).toBe(-1);
    // More dimensions than the header has room for.
    const shape = new Array<number>(HEADER_BYTES / 4).fill(1);
    expect(encodedBytes({ k: { datatype: 'FP32', shape, data: new Float32Array(1) } }, NAMES)).toBe(-1);
  });
});

describe('writeStacked', () => {
  /** Members of 1, 2 and 1 rows of two inputs, several views into the middle of larger buffers. */
  function members(): StackedInputs {
    const member = (rows: number, seed: number) => ({
      rows,
      inputs: {
        k: { datatype: 'FP32', shape: [rows, 3], data: new Float32Array(3 * rows + 2).map((_, index) => seed + index / 4).subarray(1, 1 + 3 * rows) },
        i: { datatype: 'INT64', shape: [rows], data: BigInt64Array.from({ length: rows }, (_, index) => BigInt(seed * 10 + index) - 2n ** 40n) },
      } as NamedTensors,
    });
    return new StackedInputs([member(1, 1), member(2, 5), member(1, 9)], 4, ['k', 'i']);
  }

  it('writes what joinInputs would join, each member straight to its rows', () => {
    const stacked = members();
    const bytes = stackedBytes(stacked, NAMES);
    const joined = joinInputs(stacked.members, ['k', 'i'], 0, stacked.rows);
    expect(bytes).toBe(encodedBytes(joined, NAMES));
    const slot = SlotBuffer.allocate(bytes) as SlotBuffer;
    slot.write(1, 0, everyNumericType(), NAMES);
    slot.writeStacked(12, stacked, NAMES);
    expect(slot.id).toBe(12);
    expect(slot.read(NAMES)).toEqual(joined);
    expect(stacked.join()).toEqual(joined);
  });

  it('refuses members that do not stack into the rows, which are then joined and sent by message', () => {
    const stacked = members();
    const short = new StackedInputs(stacked.members, 5, ['k', 'i']);
    expect(stackedBytes(short, NAMES)).toBe(-1);
    const other = members();
    (other.members[1].inputs as Record<string, unknown>).k = { datatype: 'FP64', shape: [2, 3], data: new Float64Array(6) };
    expect(stackedBytes(other, NAMES)).toBe(-1);
    const missing = members();
    delete (missing.members[2].inputs as Record<string, unknown>).i;
    expect(stackedBytes(missing, NAMES)).toBe(-1);
    const extra = members();
    (extra.members[2].inputs as Record<string, unknown>).a = { datatype: 'BOOL', shape: [1], data: new Uint8Array(1) };
    expect(stackedBytes(extra, NAMES)).toBe(-1);
  });
});

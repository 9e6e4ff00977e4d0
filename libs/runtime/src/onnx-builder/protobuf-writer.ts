/**
 * The few protobuf encodings an ONNX model needs: varints, 32/64-bit floats and length-delimited
 * fields (strings, bytes, nested messages). Nested messages are encoded into their own writer
 * first, then written as bytes, so a message never needs its length before it is built.
 */

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;

const UTF8 = new TextEncoder();

export class ProtobufWriter {
  private buffer = new Uint8Array(256);
  private length = 0;

  /** int32, int64 and enum fields: negative values take ten bytes (two's complement, as protoc). */
  integer(field: number, value: number | bigint): this {
    this.tag(field, WIRE_VARINT);
    this.varint(value);
    return this;
  }

  float(field: number, value: number): this {
    this.tag(field, WIRE_FIXED32);
    const bytes = this.reserve(4);
    new DataView(bytes.buffer, bytes.byteOffset, 4).setFloat32(0, value, true);
    return this;
  }

  double(field: number, value: number): this {
    this.tag(field, WIRE_FIXED64);
    const bytes = this.reserve(8);
    new DataView(bytes.buffer, bytes.byteOffset, 8).setFloat64(0, value, true);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, WIRE_LENGTH_DELIMITED);
    this.varint(value.length);
    this.reserve(value.length).set(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, UTF8.encode(value));
  }

  message(field: number, build: (writer: ProtobufWriter) => void): this {
    const nested = new ProtobufWriter();
    build(nested);
    return this.bytes(field, nested.finish());
  }

  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }

  private tag(field: number, wireType: number): void {
    this.varint((field << 3) | wireType);
  }

  private varint(value: number | bigint): void {
    let remaining = BigInt.asUintN(64, BigInt(value));
    while (remaining >= 0x80n) {
      this.reserve(1)[0] = Number(remaining & 0x7fn) | 0x80;
      remaining >>= 7n;
    }
    this.reserve(1)[0] = Number(remaining);
  }

  /** Grows the buffer as needed and returns the next `count` bytes for the caller to fill. */
  private reserve(count: number): Uint8Array {
    if (this.length + count > this.buffer.length) {
      const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.length + count));
      grown.set(this.buffer.subarray(0, this.length));
      this.buffer = grown;
    }
    const slot = this.buffer.subarray(this.length, this.length + count);
    this.length += count;
    return slot;
  }
}

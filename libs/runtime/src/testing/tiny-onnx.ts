/**
 * Test-only: hand-encodes a minimal ONNX ModelProto (ir_version 8, default-domain opset 13) so the
 * runtime's specs can make real models without committed blobs or a Python toolchain. Covers only
 * what the specs need: typed inputs/outputs with fixed or symbolic dims, raw-data initializers,
 * nodes with int/float/ints attributes.
 */

/** ONNX TensorProto.DataType codes. */
export const ONNX_ELEMENT_TYPES = {
  float: 1,
  uint8: 2,
  int8: 3,
  uint16: 4,
  int16: 5,
  int32: 6,
  int64: 7,
  string: 8,
  bool: 9,
  float16: 10,
  double: 11,
  uint32: 12,
  uint64: 13,
} as const;

export type OnnxElementType = keyof typeof ONNX_ELEMENT_TYPES;

export interface TinyValueInfo {
  name: string;
  elemType: OnnxElementType;
  /** A number is a fixed dim, a string a symbolic (free) one. */
  shape: (number | string)[];
}

export interface TinyInitializer {
  name: string;
  elemType: OnnxElementType;
  dims: number[];
  /** Stored as raw little-endian bytes. */
  values: ArrayBufferView;
}

export interface TinyNode {
  opType: string;
  inputs: string[];
  outputs: string[];
  attributes?: Record<string, number | number[]>;
}

export interface TinyModel {
  inputs: TinyValueInfo[];
  outputs: TinyValueInfo[];
  nodes: TinyNode[];
  initializers?: TinyInitializer[];
  opset?: number;
}

class ProtoWriter {
  private readonly bytes: number[] = [];

  varint(value: number | bigint): this {
    // Negative int64 values are encoded as 10-byte two's complement varints.
    let remaining = BigInt.asUintN(64, BigInt(value));
    do {
      let byte = Number(remaining & 0x7fn);
      remaining >>= 7n;
      if (remaining !== 0n) byte |= 0x80;
      this.bytes.push(byte);
    } while (remaining !== 0n);
    return this;
  }

  private tag(field: number, wireType: number): this {
    return this.varint((field << 3) | wireType);
  }

  int(field: number, value: number): this {
    return this.tag(field, 0).varint(value);
  }

  float(field: number, value: number): this {
    const buffer = new DataView(new ArrayBuffer(4));
    buffer.setFloat32(0, value, true);
    this.tag(field, 5);
    for (let i = 0; i < 4; i++) this.bytes.push(buffer.getUint8(i));
    return this;
  }

  bytesField(field: number, value: Uint8Array): this {
    this.tag(field, 2).varint(value.length);
    for (const byte of value) this.bytes.push(byte);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytesField(field, new TextEncoder().encode(value));
  }

  message(field: number, build: (writer: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    build(inner);
    return this.bytesField(field, inner.finish());
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

function writeValueInfo(writer: ProtoWriter, info: TinyValueInfo): void {
  writer.string(1, info.name).message(2, (type) =>
    type.message(1, (tensorType) =>
      tensorType.int(1, ONNX_ELEMENT_TYPES[info.elemType]).message(2, (shape) => {
        for (const dim of info.shape) {
          shape.message(1, (d) => (typeof dim === 'number' ? d.int(1, dim) : d.string(2, dim)));
        }
      }),
    ),
  );
}

function writeNode(writer: ProtoWriter, node: TinyNode, index: number): void {
  for (const input of node.inputs) writer.string(1, input);
  for (const output of node.outputs) writer.string(2, output);
  writer.string(3, `${node.opType.toLowerCase()}_${index}`).string(4, node.opType);
  for (const [name, value] of Object.entries(node.attributes ?? {})) {
    writer.message(5, (attribute) => {
      attribute.string(1, name);
      if (Array.isArray(value)) {
        for (const item of value) attribute.int(8, item);
        attribute.int(20, 7); // INTS
      } else if (Number.isInteger(value)) {
        attribute.int(3, value).int(20, 2); // INT
      } else {
        attribute.float(2, value).int(20, 1); // FLOAT
      }
    });
  }
}

function writeInitializer(writer: ProtoWriter, initializer: TinyInitializer): void {
  for (const dim of initializer.dims) writer.int(1, dim);
  writer.int(2, ONNX_ELEMENT_TYPES[initializer.elemType]).string(8, initializer.name);
  const { buffer, byteOffset, byteLength } = initializer.values;
  writer.bytesField(9, new Uint8Array(buffer, byteOffset, byteLength));
}

export function encodeTinyOnnxModel(model: TinyModel): Uint8Array {
  return new ProtoWriter()
    .int(1, 8) // ir_version
    .string(2, 'modelgate-tiny-onnx')
    .message(7, (graph) => {
      model.nodes.forEach((node, index) => graph.message(1, (w) => writeNode(w, node, index)));
      graph.string(2, 'tiny');
      for (const initializer of model.initializers ?? []) graph.message(5, (w) => writeInitializer(w, initializer));
      for (const input of model.inputs) graph.message(11, (w) => writeValueInfo(w, input));
      for (const output of model.outputs) graph.message(12, (w) => writeValueInfo(w, output));
    })
    .message(8, (opset) => opset.string(1, '').int(2, model.opset ?? 13))
    .finish();
}

/** y = relu(x · W + b) with x: FP32 [batch, 3], W: [3, 2], b: [2]. */
export const LINEAR_RELU_WEIGHTS = Float32Array.from([1, -1, 2, 0.5, -3, 1]);
export const LINEAR_RELU_BIAS = Float32Array.from([0.5, -2]);

export function linearReluModel(): Uint8Array {
  return encodeTinyOnnxModel({
    inputs: [{ name: 'x', elemType: 'float', shape: ['batch', 3] }],
    outputs: [{ name: 'y', elemType: 'float', shape: ['batch', 2] }],
    initializers: [
      { name: 'W', elemType: 'float', dims: [3, 2], values: LINEAR_RELU_WEIGHTS },
      { name: 'b', elemType: 'float', dims: [2], values: LINEAR_RELU_BIAS },
    ],
    nodes: [
      { opType: 'MatMul', inputs: ['x', 'W'], outputs: ['xw'] },
      { opType: 'Add', inputs: ['xw', 'b'], outputs: ['xwb'] },
      { opType: 'Relu', inputs: ['xwb'], outputs: ['y'] },
    ],
  });
}

/** Reference for linearReluModel, computed in plain JS. */
export function linearReluReference(x: ArrayLike<number>, rows: number): number[] {
  const out: number[] = [];
  for (let row = 0; row < rows; row++) {
    for (let col = 0; col < 2; col++) {
      let sum = LINEAR_RELU_BIAS[col];
      for (let k = 0; k < 3; k++) sum += x[row * 3 + k] * LINEAR_RELU_WEIGHTS[k * 2 + col];
      out.push(Math.max(0, Math.fround(sum)));
    }
  }
  return out;
}

/** ids: INT64 [n] -> ids + 1000; mask: BOOL [n] -> not(mask). Exercises the 64-bit and bool paths. */
export function int64BoolModel(): Uint8Array {
  return encodeTinyOnnxModel({
    inputs: [
      { name: 'ids', elemType: 'int64', shape: ['n'] },
      { name: 'mask', elemType: 'bool', shape: ['n'] },
    ],
    outputs: [
      { name: 'shifted', elemType: 'int64', shape: ['n'] },
      { name: 'inverted', elemType: 'bool', shape: ['n'] },
    ],
    initializers: [{ name: 'offset', elemType: 'int64', dims: [], values: BigInt64Array.from([1000n]) }],
    nodes: [
      { opType: 'Add', inputs: ['ids', 'offset'], outputs: ['shifted'] },
      { opType: 'Not', inputs: ['mask'], outputs: ['inverted'] },
    ],
  });
}

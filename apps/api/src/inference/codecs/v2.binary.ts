/**
 * The binary tensor data extension of the Open Inference Protocol (Triton's `binary_tensor_data`):
 * https://github.com/triton-inference-server/server/blob/main/docs/protocol/extension_binary_data.md
 *
 * A request or response body is a JSON object (its length in the `Inference-Header-Content-Length`
 * header) followed by the raw bytes of the tensors marked with `parameters.binary_data_size`, in the
 * order they appear in the JSON: little-endian, row-major, no padding; BOOL one byte (0 or 1) per
 * element; BYTES a 4-byte little-endian length then the bytes, per element.
 *
 * Requests: an input's data is a typed array that views the body's memory where its offset is a
 * multiple of the element size (copied otherwise); the worker hand-off copies views into buffers of
 * their own (prepareTransfer), so the body is never detached under another view. BYTES elements are
 * copied once into one buffer per input and viewed from there.
 *
 * Responses: outputs asked for as binary data (`binary_data` per output, `binary_data_output` for
 * all) get `parameters.binary_data_size` in the JSON header and no `data`; the body is the header
 * then their bytes, written into one buffer with a single copy of each tensor.
 */
import {
  InputValidationError,
  bytesPerElement,
  elementCount,
  typedArrayClassFor,
  type DataType,
  type ModelSignature,
  type Tensor,
  type TensorData,
} from '@modelgate/runtime';
import secureJsonParse from 'secure-json-parse';
import { formatShape } from './describe';
import { LITTLE_ENDIAN } from './int64';
import { decodingIntoTensorMemory, newTypedArray } from './tensor-storage';
import {
  decodeV2Body,
  writeV2ResponseJson,
  type BinaryInputSource,
  type BinaryOutputSelection,
  type V2InferRequest,
  type V2InferResponseParts,
} from './v2.codec';
import { decodeScanned, scanJsonHeader } from './v2.text';

/** The header that gives the length of the JSON part of a binary request or response. */
export const INFERENCE_HEADER_CONTENT_LENGTH = 'Inference-Header-Content-Length';

/** The name server metadata lists in `extensions` for this extension (as Triton does). */
export const BINARY_TENSOR_DATA_EXTENSION = 'binary_tensor_data';

/** Bytes of a BYTES element's length prefix. */
const LENGTH_PREFIX = 4;

/**
 * A request sent with the binary extension: `body` is the whole HTTP body, `headerLength` the value
 * of Inference-Header-Content-Length. Returns what decodeV2Request returns for the equivalent JSON.
 */
export function decodeV2BinaryRequest(body: Uint8Array, headerLength: number, signature: ModelSignature): V2InferRequest {
  if (!Number.isSafeInteger(headerLength) || headerLength < 0 || headerLength > body.length) {
    throw new InputValidationError(
      `${INFERENCE_HEADER_CONTENT_LENGTH} is ${headerLength} but the body has ${body.length} bytes; ` +
        'it must give the byte length of the JSON at the start of the body',
    );
  }
  const binary = () => new BodyBinarySource(body, headerLength);
  return decodeScanned(scanJsonHeader(body, headerLength), signature, binary, () =>
    decodeV2Body(parseHeader(body, headerLength), signature, binary()),
  );
}

/**
 * The value of an Inference-Header-Content-Length header: a decimal byte count. Undefined when the
 * header is absent; an InputValidationError when it is not a whole number.
 */
export function readInferenceHeaderLength(value: string | string[] | undefined): number | undefined {
  if (value === undefined) return undefined;
  const text = Array.isArray(value) ? value.join(',') : value;
  const trimmed = text.trim();
  if (!/^[0-9]{1,15}$/.test(trimmed)) {
    throw new InputValidationError(
      `${INFERENCE_HEADER_CONTENT_LENGTH} must be the byte length of the JSON at the start of the body, got ${JSON.stringify(text)}`,
    );
  }
  return Number(trimmed);
}

function parseHeader(body: Uint8Array, headerLength: number): unknown {
  const text = Buffer.from(body.buffer, body.byteOffset, headerLength).toString('utf8');
  try {
    return secureJsonParse.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch (error) {
    throw new InputValidationError(
      `the first ${headerLength} bytes of the body (${INFERENCE_HEADER_CONTENT_LENGTH}) are not valid JSON ` +
        `(${(error as Error).message}); send the JSON request there, then the binary tensor data`,
    );
  }
}

/** The bytes after the JSON header, handed out input by input. */
class BodyBinarySource implements BinaryInputSource {
  private offset: number;

  constructor(
    private readonly body: Uint8Array,
    private readonly headerLength: number,
  ) {
    this.offset = headerLength;
  }

  take(input: string, datatype: DataType, shape: readonly number[], byteSize: number): TensorData {
    const count = elementCount(shape);
    const elementSize = bytesPerElement(datatype);
    if (elementSize !== undefined && byteSize !== count * elementSize) {
      throw new InputValidationError(
        `input "${input}": "binary_data_size" is ${byteSize} bytes but shape ${formatShape(shape)} of ${datatype} needs ` +
          `${count * elementSize} (${count} elements of ${elementSize} ${elementSize === 1 ? 'byte' : 'bytes'})`,
        input,
      );
    }
    if (elementSize === undefined && byteSize < count * LENGTH_PREFIX) {
      throw new InputValidationError(
        `input "${input}": "binary_data_size" is ${byteSize} bytes, too few for the ${count} elements of shape ` +
          `${formatShape(shape)}: each BYTES element takes at least ${LENGTH_PREFIX} bytes (its little-endian length)`,
        input,
      );
    }
    const left = this.body.length - this.offset;
    if (byteSize > left) {
      const after = this.offset === this.headerLength ? 'the JSON header' : 'the JSON header and the inputs before it';
      throw new InputValidationError(
        `input "${input}": "binary_data_size" is ${byteSize} bytes but only ${left} bytes of binary data follow ${after}`,
        input,
      );
    }
    const start = this.offset;
    this.offset += byteSize;
    if (datatype === 'BYTES' || elementSize === undefined) return readBytesElements(input, this.body, start, byteSize, count);
    const data = viewOrCopy(datatype, this.body, start, count, elementSize);
    if (datatype === 'BOOL') checkBooleans(input, data as Uint8Array);
    return data;
  }

  finish(): void {
    const left = this.body.length - this.offset;
    if (left === 0) return;
    const used = this.offset - this.headerLength;
    throw new InputValidationError(
      `the body has ${left} bytes after the binary data of the inputs: the JSON header is ${this.headerLength} bytes ` +
        `(${INFERENCE_HEADER_CONTENT_LENGTH}) and the inputs' "binary_data_size" add up to ${used}, ` +
        `but the body is ${this.body.length} bytes`,
    );
  }
}

type TypedArrayClass = {
  new (buffer: ArrayBufferLike, byteOffset?: number, length?: number): Exclude<TensorData, Uint8Array[]>;
  new (length: number): Exclude<TensorData, Uint8Array[]>;
  readonly BYTES_PER_ELEMENT: number;
};

/**
 * A typed array over the body where alignment allows (and the host is little-endian), else a copy.
 * Under withTensorMemory always a copy, into that memory: the data plane's body then goes as soon as
 * it is decoded, instead of living (and outliving young-generation collections) until the answer.
 */
function viewOrCopy(datatype: Exclude<DataType, 'BYTES'>, body: Uint8Array, start: number, count: number, elementSize: number): TensorData {
  const Storage = typedArrayClassFor(datatype) as unknown as TypedArrayClass;
  const byteOffset = body.byteOffset + start;
  if (LITTLE_ENDIAN && byteOffset % elementSize === 0 && !decodingIntoTensorMemory()) return new Storage(body.buffer, byteOffset, count);
  const copy = newTypedArray(Storage, count) as Exclude<TensorData, Uint8Array[]>;
  const bytes = new Uint8Array(copy.buffer, copy.byteOffset, copy.byteLength);
  bytes.set(body.subarray(start, start + count * elementSize));
  if (!LITTLE_ENDIAN) swapBytes(bytes, elementSize);
  return copy;
}

/** Little-endian wire order to the host's big-endian order (or back), in place. */
function swapBytes(bytes: Uint8Array, elementSize: number): void {
  if (elementSize === 1) return;
  for (let start = 0; start < bytes.length; start += elementSize) bytes.subarray(start, start + elementSize).reverse();
}

function checkBooleans(input: string, data: Uint8Array): void {
  for (let index = 0; index < data.length; index++) {
    if (data[index] > 1) {
      throw new InputValidationError(
        `input "${input}": element ${index} is the byte ${data[index]}, expected 0 (false) or 1 (true) for datatype BOOL`,
        input,
      );
    }
  }
}

/** BYTES: `count` elements of length-prefixed bytes filling exactly `byteSize` bytes. */
function readBytesElements(input: string, body: Uint8Array, start: number, byteSize: number, count: number): Uint8Array[] {
  // One copy of the input's bytes, in a buffer of its own; the elements view it.
  const own = new Uint8Array(byteSize);
  own.set(body.subarray(start, start + byteSize));
  const view = new DataView(own.buffer, own.byteOffset, own.byteLength);
  const elements = new Array<Uint8Array>(count);
  let offset = 0;
  for (let index = 0; index < count; index++) {
    if (offset + LENGTH_PREFIX > byteSize) {
      throw new InputValidationError(
        `input "${input}": its binary data ends inside the length of element ${index}; each BYTES element is a ` +
          `${LENGTH_PREFIX}-byte little-endian length followed by that many bytes`,
        input,
      );
    }
    const length = view.getUint32(offset, true);
    offset += LENGTH_PREFIX;
    if (length > byteSize - offset) {
      throw new InputValidationError(
        `input "${input}": element ${index} says it has ${length} bytes but only ${byteSize - offset} bytes of its ` +
          `"binary_data_size" (${byteSize}) are left`,
        input,
      );
    }
    elements[index] = own.subarray(offset, offset + length);
    offset += length;
  }
  if (offset !== byteSize) {
    throw new InputValidationError(
      `input "${input}": its binary data has ${byteSize - offset} bytes after its ${count} elements; ` +
        `"binary_data_size" (${byteSize}) must cover exactly the elements of its shape`,
      input,
    );
  }
  return elements;
}

// ---------------------------------------------------------------------------------------------
// Responses.

export interface V2BinaryResponse {
  /** The JSON header, then the bytes of the binary outputs in the order they appear in it. */
  body: Buffer;
  /** Byte length of the JSON header: the value of the Inference-Header-Content-Length header. */
  headerLength: number;
}

/** Whether an output goes back as binary data under the request's selection. */
export function isBinaryOutput(selection: BinaryOutputSelection, name: string): boolean {
  return selection.byName.get(name) ?? selection.byDefault;
}

/** Byte size of a tensor's binary data (BYTES: length prefixes included). */
export function binaryByteLength(tensor: Tensor): number {
  if (tensor.datatype !== 'BYTES') return (tensor.data as Exclude<TensorData, Uint8Array[]>).byteLength;
  let size = 0;
  for (const element of tensor.data as Uint8Array[]) size += LENGTH_PREFIX + element.byteLength;
  return size;
}

/**
 * The response for a request with `binaryOutputs`: send `body` with
 * `Content-Type: application/octet-stream` and `Inference-Header-Content-Length: headerLength`.
 * Outputs not selected stay JSON inside the header, as Triton does.
 */
export function encodeV2BinaryResponse(parts: V2InferResponseParts, selection: BinaryOutputSelection): V2BinaryResponse {
  const binary: Tensor[] = [];
  let binaryLength = 0;
  const header = writeV2ResponseJson(parts, (name, tensor) => {
    if (!isBinaryOutput(selection, name)) return undefined;
    const size = binaryByteLength(tensor);
    binary.push(tensor);
    binaryLength += size;
    return size;
  });
  const headerLength = Buffer.byteLength(header, 'utf8');
  // Every byte is written below, so the unzeroed allocation never leaks old memory.
  const body = Buffer.allocUnsafe(headerLength + binaryLength);
  let offset = body.write(header, 0, 'utf8');
  for (const tensor of binary) offset = writeTensorBytes(body, offset, tensor);
  return { body, headerLength };
}

function writeTensorBytes(body: Buffer, offset: number, tensor: Tensor): number {
  if (tensor.datatype === 'BYTES') {
    for (const element of tensor.data as Uint8Array[]) {
      body.writeUInt32LE(element.byteLength, offset);
      body.set(element, offset + LENGTH_PREFIX);
      offset += LENGTH_PREFIX + element.byteLength;
    }
    return offset;
  }
  const data = tensor.data as Exclude<TensorData, Uint8Array[]>;
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  body.set(bytes, offset);
  if (!LITTLE_ENDIAN) swapBytes(body.subarray(offset, offset + bytes.length), data.BYTES_PER_ELEMENT);
  return offset + bytes.length;
}

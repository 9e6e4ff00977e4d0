/**
 * Open Inference Protocol gRPC messages (grpc_predict_v2.proto, as @grpc/proto-loader decodes them
 * with GRPC_MESSAGE_OPTIONS) <-> runtime tensors.
 *
 * An input's elements come either in `contents` (the repeated field of its datatype) or, as Triton's
 * clients send them by default, in `raw_input_contents`: one byte string per input, in input order,
 * little-endian, row-major, no padding; BOOL one byte (0 or 1) per element; BYTES a 4-byte
 * little-endian length then the bytes, per element. FP16 has no `contents` field and travels raw
 * only. The result is the NamedTensors the v2 JSON and binary codecs produce, so the runtime's
 * precompiled input check judges names, datatypes and shapes with the same messages.
 *
 * Outputs always go back in `raw_output_contents` (what Triton answers and its clients read).
 */
import {
  DATA_TYPES,
  InferenceError,
  InputValidationError,
  bytesPerElement,
  elementCount,
  isDataType,
  quoteGiven,
  typedArrayClassFor,
  type DataType,
  type ModelSignature,
  type NamedTensors,
  type NumericDataType,
  type Tensor,
  type TensorData,
} from '@modelgate/runtime';
import { readClassification } from '../codecs/classification';
import { describeValue, formatShape, quoteNames } from '../codecs/describe';
import { createDecodeTarget } from '../codecs/element-decoder';
import { LITTLE_ENDIAN } from '../codecs/int64';
import { MAX_RANK } from '../codecs/nested-data';
import { checkOutputSize, orderedOutputNames } from '../codecs/outputs';
import { newTypedArray } from '../codecs/tensor-storage';

/** How the server and the tests load the proto: field names as written, 64-bit integers as decimal strings (no precision lost). */
export const GRPC_MESSAGE_OPTIONS = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true } as const;

/** InferParameter: one of its fields is set, named by `parameter_choice`. */
export interface InferParameterMessage {
  parameter_choice?: 'bool_param' | 'int64_param' | 'string_param' | 'double_param' | 'uint64_param';
  bool_param?: boolean;
  int64_param?: string | number;
  string_param?: string;
  double_param?: number;
  uint64_param?: string | number;
}

export interface InferTensorContentsMessage {
  bool_contents?: boolean[];
  int_contents?: number[];
  int64_contents?: (string | number)[];
  uint_contents?: number[];
  uint64_contents?: (string | number)[];
  fp32_contents?: number[];
  fp64_contents?: number[];
  bytes_contents?: Uint8Array[];
}

export interface InferInputTensorMessage {
  name?: string;
  datatype?: string;
  shape?: (string | number)[];
  parameters?: Record<string, InferParameterMessage>;
  contents?: InferTensorContentsMessage | null;
}

export interface ModelInferRequestMessage {
  model_name?: string;
  model_version?: string;
  id?: string;
  parameters?: Record<string, InferParameterMessage>;
  inputs?: InferInputTensorMessage[];
  outputs?: { name?: string; parameters?: Record<string, InferParameterMessage> }[];
  raw_input_contents?: Uint8Array[];
}

export interface InferOutputTensorMessage {
  name: string;
  datatype: string;
  shape: number[];
}

export interface ModelInferResponseMessage {
  model_name: string;
  model_version: string;
  id: string;
  /** How the request was served (response-headers' predictionParameters), set by the service. */
  parameters?: Record<string, InferParameterMessage>;
  outputs: InferOutputTensorMessage[];
  raw_output_contents: Buffer[];
}

/** A ModelInfer request as the inference service takes it, as decodeV2Body's V2InferRequest is for HTTP. */
export interface GrpcInferRequest {
  id: string;
  inputs: NamedTensors;
  /** Output names the client asked for, in its order; absent means all outputs. */
  requestedOutputs?: string[];
  /** The request's parameters as plain values (`timeout`, `priority` are read by withProtocolParameters). */
  parameters?: Record<string, unknown>;
  /** Outputs asked for as their top classes (the classification extension), by name: how many classes. */
  classification?: ReadonlyMap<string, number>;
}

/** The `contents` field that carries each datatype's elements (FP16 has none: raw only). */
const CONTENTS_FIELDS: Record<DataType, keyof InferTensorContentsMessage | undefined> = {
  BOOL: 'bool_contents',
  INT8: 'int_contents',
  INT16: 'int_contents',
  INT32: 'int_contents',
  INT64: 'int64_contents',
  UINT8: 'uint_contents',
  UINT16: 'uint_contents',
  UINT32: 'uint_contents',
  UINT64: 'uint64_contents',
  FP16: undefined,
  FP32: 'fp32_contents',
  FP64: 'fp64_contents',
  BYTES: 'bytes_contents',
};
const ALL_CONTENTS_FIELDS = [...new Set(Object.values(CONTENTS_FIELDS).filter((field) => field !== undefined))];

/** Bytes of a BYTES element's length prefix in raw contents. */
const LENGTH_PREFIX = 4;

export function decodeGrpcInferRequest(message: ModelInferRequestMessage, signature: ModelSignature): GrpcInferRequest {
  const inputs = message.inputs ?? [];
  const raw = message.raw_input_contents ?? [];
  if (raw.length > 0 && raw.length !== inputs.length) {
    throw new InputValidationError(
      `raw_input_contents has ${raw.length} ${raw.length === 1 ? 'entry' : 'entries'} but the request has ${inputs.length} ` +
        `${inputs.length === 1 ? 'input' : 'inputs'}; send one entry per input, in the order of "inputs"`,
    );
  }
  const tensors: NamedTensors = {};
  for (let position = 0; position < inputs.length; position++) {
    const input = inputs[position];
    const name = input.name ?? '';
    if (name === '') throw new InputValidationError(`inputs[${position}] has no name; every input needs the name of a model input`);
    if (Object.hasOwn(tensors, name)) throw new InputValidationError(`input ${quoteGiven(name)} appears more than once in "inputs"`, name);
    // Assigning this key would replace the object's prototype instead of adding an input.
    if (name === '__proto__') throw new InputValidationError('input name "__proto__" is not allowed', name);
    tensors[name] = decodeInput(name, input, raw.length > 0 ? { bytes: raw[position], position } : undefined);
  }
  const request: GrpcInferRequest = { id: message.id ?? '', inputs: tensors };
  const parameters = message.parameters === undefined ? undefined : parameterValues(message.parameters);
  if (parameters !== undefined && Object.keys(parameters).length > 0) request.parameters = parameters;
  if (message.outputs !== undefined && message.outputs.length > 0) readRequestedOutputs(message.outputs, signature, request);
  return request;
}

function decodeInput(name: string, input: InferInputTensorMessage, raw: { bytes: Uint8Array; position: number } | undefined): Tensor {
  const datatype = input.datatype ?? '';
  if (!isDataType(datatype)) {
    const wrong = datatype === '' ? 'datatype is missing' : `datatype ${describeValue(datatype)} is not a v2 datatype`;
    throw new InputValidationError(`input "${name}": ${wrong}; use one of ${DATA_TYPES.join(', ')}`, name);
  }
  const shape = readShape(name, input.shape ?? []);
  const contents = input.contents ?? undefined;
  if (raw !== undefined) {
    if (contents !== undefined) {
      throw new InputValidationError(
        `input "${name}": has both "contents" and raw_input_contents; send every input one way, all in raw_input_contents or each in its "contents"`,
        name,
      );
    }
    return { datatype, shape, data: decodeRaw(name, datatype, shape, raw.bytes, `raw_input_contents[${raw.position}]`) };
  }
  if (contents === undefined) {
    throw new InputValidationError(
      `input "${name}": has no data; send its elements in raw_input_contents (one entry per input, in order) or in "contents"`,
      name,
    );
  }
  return { datatype, shape, data: decodeContents(name, datatype, shape, contents) };
}

/** Shapes arrive as decimal strings (int64, GRPC_MESSAGE_OPTIONS) or numbers. */
function readShape(name: string, shape: readonly (string | number)[]): number[] {
  const dimensions = shape.map(Number);
  const valid = dimensions.length <= MAX_RANK && dimensions.every((dimension) => Number.isSafeInteger(dimension) && dimension >= 0);
  if (!valid) {
    throw new InputValidationError(
      `input "${name}": "shape" must be non-negative whole numbers (at most ${MAX_RANK}), got [${shape.join(', ')}]`,
      name,
    );
  }
  return dimensions;
}

/** One input's raw bytes as its tensor data, copied into storage of its own (the message's buffer may not be aligned). */
export function decodeRaw(name: string, datatype: DataType, shape: readonly number[], bytes: Uint8Array, where: string): TensorData {
  const count = elementCount(shape);
  const elementSize = bytesPerElement(datatype);
  if (elementSize === undefined) return readBytesElements(name, shape, bytes, where);
  const needed = count * elementSize;
  if (bytes.length !== needed) {
    throw new InputValidationError(
      `input "${name}": ${where} has ${bytes.length} bytes but shape ${formatShape(shape)} of ${datatype} needs ${needed} ` +
        `(${count} elements of ${elementSize} ${elementSize === 1 ? 'byte' : 'bytes'})`,
      name,
    );
  }
  const data = newTypedArray(typedArrayClassFor(datatype as NumericDataType) as unknown as TypedArrayClass, count);
  const target = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  target.set(bytes);
  if (!LITTLE_ENDIAN) swapBytes(target, elementSize);
  if (datatype === 'BOOL') {
    for (let index = 0; index < count; index++) {
      if (target[index] > 1) {
        throw new InputValidationError(
          `input "${name}": element ${index} is the byte ${target[index]}, expected 0 (false) or 1 (true) for datatype BOOL`,
          name,
        );
      }
    }
  }
  return data;
}

type NumericTensorData = Exclude<TensorData, Uint8Array[]>;
type TypedArrayClass = { new (length: number): NumericTensorData; new (buffer: ArrayBuffer, byteOffset: number, length: number): NumericTensorData; readonly BYTES_PER_ELEMENT: number };

/** Little-endian wire order to the host's big-endian order (or back), in place. */
function swapBytes(bytes: Uint8Array, elementSize: number): void {
  if (elementSize === 1) return;
  for (let start = 0; start < bytes.length; start += elementSize) bytes.subarray(start, start + elementSize).reverse();
}

/** BYTES: the elements of `shape`, each a 4-byte little-endian length then that many bytes, filling `bytes` exactly. */
function readBytesElements(name: string, shape: readonly number[], bytes: Uint8Array, where: string): Uint8Array[] {
  const count = elementCount(shape);
  if (bytes.length < count * LENGTH_PREFIX) {
    throw new InputValidationError(
      `input "${name}": ${where} has ${bytes.length} bytes, too few for the ${count} elements of shape ${formatShape(shape)}: ` +
        `each BYTES element takes at least ${LENGTH_PREFIX} bytes (its little-endian length)`,
      name,
    );
  }
  const own = Uint8Array.from(bytes);
  const view = new DataView(own.buffer, own.byteOffset, own.byteLength);
  const elements = new Array<Uint8Array>(count);
  let offset = 0;
  for (let index = 0; index < count; index++) {
    if (offset + LENGTH_PREFIX > own.length) {
      throw new InputValidationError(
        `input "${name}": ${where} ends inside the length of element ${index}; each BYTES element is a ` +
          `${LENGTH_PREFIX}-byte little-endian length followed by that many bytes`,
        name,
      );
    }
    const length = view.getUint32(offset, true);
    offset += LENGTH_PREFIX;
    if (length > own.length - offset) {
      throw new InputValidationError(
        `input "${name}": element ${index} says it has ${length} bytes but only ${own.length - offset} bytes of ${where} are left`,
        name,
      );
    }
    elements[index] = own.subarray(offset, offset + length);
    offset += length;
  }
  if (offset !== own.length) {
    throw new InputValidationError(
      `input "${name}": ${where} has ${own.length - offset} bytes after its ${count} elements; it must hold exactly the elements of shape ${formatShape(shape)}`,
      name,
    );
  }
  return elements;
}

function decodeContents(name: string, datatype: DataType, shape: readonly number[], contents: InferTensorContentsMessage): TensorData {
  const field = CONTENTS_FIELDS[datatype];
  if (field === undefined) {
    throw new InputValidationError(
      `input "${name}": datatype ${datatype} has no "contents" field; send its elements in raw_input_contents (2 little-endian bytes each)`,
      name,
    );
  }
  const other = ALL_CONTENTS_FIELDS.find((candidate) => candidate !== field && (contents[candidate]?.length ?? 0) > 0);
  if (other !== undefined) {
    throw new InputValidationError(`input "${name}": datatype ${datatype} takes its elements in contents.${field}, got contents.${other}`, name);
  }
  const values = (contents[field] ?? []) as readonly unknown[];
  const count = elementCount(shape);
  if (values.length !== count) {
    throw new InputValidationError(`input "${name}": contents.${field} has ${values.length} elements but shape ${formatShape(shape)} needs ${count}`, name);
  }
  if (datatype === 'BYTES') return (values as Uint8Array[]).map((element) => Uint8Array.from(element));
  const target = createDecodeTarget(datatype, count, {
    input: name,
    typeLabel: (type) => `datatype ${type}`,
    locate: (index) => `contents.${field}[${index}]`,
  });
  for (let index = 0; index < count; index++) target.write(values[index], index);
  return target.data;
}

/**
 * Parameters as plain values, as the JSON body would carry them: int64 and uint64 as numbers where
 * they are exact (else their decimal string, which the readers then refuse with their own message).
 */
export function parameterValues(parameters: Record<string, InferParameterMessage>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const key of Object.keys(parameters)) {
    if (key === '__proto__') continue;
    const parameter = parameters[key];
    const choice = parameter?.parameter_choice;
    if (choice === undefined) continue;
    const value = parameter[choice];
    if (choice === 'int64_param' || choice === 'uint64_param') {
      const number = Number(value);
      values[key] = Number.isSafeInteger(number) ? number : String(value);
    } else values[key] = value;
  }
  return values;
}

function readRequestedOutputs(outputs: NonNullable<ModelInferRequestMessage['outputs']>, signature: ModelSignature, request: GrpcInferRequest): void {
  const names: string[] = [];
  const classification = new Map<string, number>();
  for (const output of outputs) {
    const name = output.name ?? '';
    const spec = signature.outputs.find((candidate) => candidate.name === name);
    if (spec === undefined) {
      throw new InputValidationError(
        `requested output ${quoteGiven(name)} is not an output of this model; its outputs are ${quoteNames(signature.outputs.map((known) => known.name))}`,
      );
    }
    if (output.parameters !== undefined) {
      const count = readClassification(spec, parameterValues(output.parameters));
      if (count !== undefined) classification.set(name, count);
    }
    if (!names.includes(name)) names.push(name);
  }
  request.requestedOutputs = names;
  if (classification.size > 0) request.classification = classification;
}

export interface GrpcInferResponseParts {
  modelName: string;
  modelVersion: number;
  id: string;
  outputs: NamedTensors;
  requestedOutputs?: readonly string[];
  signature: ModelSignature;
}

/** The answer, outputs in the order requested (else signature order), each one's bytes in raw_output_contents. */
export function encodeGrpcInferResponse(parts: GrpcInferResponseParts): ModelInferResponseMessage {
  const names = parts.requestedOutputs ?? orderedOutputNames(parts.outputs, parts.signature);
  const outputs: InferOutputTensorMessage[] = [];
  const raw: Buffer[] = [];
  for (const name of names) {
    const tensor = parts.outputs[name];
    if (tensor === undefined) throw new InferenceError(`the model produced no output "${name}"`);
    checkOutputSize(name, tensor);
    outputs.push({ name, datatype: tensor.datatype, shape: tensor.shape });
    raw.push(rawBytes(tensor));
  }
  return { model_name: parts.modelName, model_version: String(parts.modelVersion), id: parts.id, outputs, raw_output_contents: raw };
}

/** A tensor's raw contents: a view of its data on a little-endian host (serialised before anything reuses it). */
export function rawBytes(tensor: Tensor): Buffer {
  if (tensor.datatype === 'BYTES') {
    const elements = tensor.data as Uint8Array[];
    let size = 0;
    for (const element of elements) size += LENGTH_PREFIX + element.byteLength;
    const bytes = Buffer.allocUnsafe(size);
    let offset = 0;
    for (const element of elements) {
      bytes.writeUInt32LE(element.byteLength, offset);
      bytes.set(element, offset + LENGTH_PREFIX);
      offset += LENGTH_PREFIX + element.byteLength;
    }
    return bytes;
  }
  const data = tensor.data as NumericTensorData;
  const view = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (LITTLE_ENDIAN) return view;
  const copy = Buffer.from(view);
  swapBytes(copy, data.BYTES_PER_ELEMENT);
  return copy;
}

/**
 * Open Inference Protocol (KServe v2) REST bodies <-> runtime tensors.
 * https://github.com/kserve/open-inference-protocol/blob/main/specification/protocol/inference_rest.md
 *
 * The request is self-describing (name, datatype, shape per input), so decoding needs no
 * signature; whether those match the model is the runtime's precompiled input check. The
 * signature is used only to validate requested output names and to order the response.
 *
 * Choices where JSON or the spec leaves room:
 * - INT64/UINT64: numbers that are safe integers, or decimal strings for anything larger (JSON.parse
 *   rounds bigger numbers before we see them). Responses write every digit as a JSON number, as the
 *   spec asks; parsers with 64-bit integers (Python, Go, Java) read them exactly.
 * - FP16/FP32/FP64: numbers, plus the strings "NaN", "Infinity", "-Infinity", since JSON has no such
 *   numbers; responses write those three the same way, keeping the body valid JSON.
 * - FP16 travels as plain numbers, converted to and from half precision (round to nearest even).
 * - BYTES: one UTF-8 string per element (`{"b64": ...}` objects are accepted too); responses decode
 *   each element as UTF-8.
 *
 * The binary tensor data extension (Triton's `binary_tensor_data`) shares this decoding: an input
 * whose `parameters.binary_data_size` is set takes its data from the bytes after the JSON header
 * (v2.binary.ts reads them), and outputs asked for with `binary_data` / `binary_data_output` are
 * recorded in `binaryOutputs` for encodeV2BinaryResponse. Outputs asked for with `classification`
 * (Triton's classification extension) are recorded in `classification` for classifyOutputs.
 */
import {
  DATA_TYPES,
  InferenceError,
  InputValidationError,
  elementCount,
  isDataType,
  quoteGiven,
  type DataType,
  type ModelSignature,
  type NamedTensors,
  type Tensor,
  type TensorData,
} from '@modelgate/runtime';
import { describeValue, formatShape, isPlainObject, quoteNames } from './describe';
import { createDecodeTarget, type ElementContext } from './element-decoder';
import { writeFlat, type JsonWriteOptions } from './json-writer';
import { MAX_RANK, countLeaves, fillLoose } from './nested-data';
import { readClassification } from './classification';
import { checkOutputSize, orderedOutputNames } from './outputs';

export interface V2InferRequest {
  id?: string;
  inputs: NamedTensors;
  /** Output names the client asked for, in its order; absent means all outputs. */
  requestedOutputs?: string[];
  parameters?: Record<string, unknown>;
  /**
   * Outputs to answer as raw bytes (binary tensor data extension); absent when the request asked
   * for none, in which case the answer is plain JSON (encodeV2Response).
   */
  binaryOutputs?: BinaryOutputSelection;
  /**
   * Outputs asked for as their top classes (the classification extension, classification.ts), by
   * name: how many classes. Absent when the request asked for none.
   */
  classification?: ReadonlyMap<string, number>;
}

/**
 * Which outputs go back as binary data: `binary_data` on a requested output decides for that output;
 * otherwise the request's `binary_data_output` (false when absent) decides.
 */
export interface BinaryOutputSelection {
  readonly byDefault: boolean;
  readonly byName: ReadonlyMap<string, boolean>;
}

/**
 * The binary part of a request (after the JSON header), read input by input in the order the
 * inputs appear. Implemented in v2.binary.ts; both methods throw InputValidationError.
 */
export interface BinaryInputSource {
  /** The next `byteSize` bytes as the data of an input of this datatype and shape. */
  take(input: string, datatype: DataType, shape: readonly number[], byteSize: number): TensorData;
  /** Called after the last input: every byte must have belonged to some input. */
  finish(): void;
}

/**
 * Data an input's JSON `data` array was already decoded into (the text fast path, v2.text.ts):
 * decodeInput takes it as is when the datatype and element count match, which they do by
 * construction; if not, it throws FastPathMiss and the caller decodes the request generically.
 */
export class PredecodedData {
  constructor(
    readonly datatype: DataType,
    readonly count: number,
    readonly data: TensorData,
  ) {}
}

/** Internal signal of the text fast path: decode this request the generic way instead. */
export class FastPathMiss extends Error {}

export interface V2InferResponseParts {
  modelName: string;
  modelVersion: string | number;
  id?: string;
  outputs: NamedTensors;
  requestedOutputs?: readonly string[];
  signature: ModelSignature;
  parameters?: Record<string, unknown>;
}

const WRITE_OPTIONS: JsonWriteOptions = { nonFinite: 'quoted', bytesAsBase64: false };
const BODY_SHAPE = 'request body must be a JSON object with an "inputs" array';

export function decodeV2Request(body: unknown, signature: ModelSignature): V2InferRequest {
  return decodeV2Body(body, signature, undefined);
}

/**
 * A parsed request body (or the JSON header of a binary request, with its binary part as
 * `binary`) as a request. Shared by the JSON, text and binary paths so that all validate alike.
 */
export function decodeV2Body(body: unknown, signature: ModelSignature, binary: BinaryInputSource | undefined): V2InferRequest {
  if (!isPlainObject(body) || !Array.isArray(body.inputs)) throw new InputValidationError(BODY_SHAPE);
  const request: V2InferRequest = { inputs: decodeInputs(body.inputs, binary) };
  binary?.finish();

  if (body.id !== undefined) {
    if (typeof body.id !== 'string') throw new InputValidationError(`"id" must be a string, got ${describeValue(body.id)}`);
    request.id = body.id;
  }
  let byDefault = false;
  if (body.parameters !== undefined) {
    request.parameters = readParameters(body.parameters, '"parameters"');
    byDefault = readFlag(request.parameters, BINARY_DATA_OUTPUT, '"parameters"') ?? false;
  }
  const byName = new Map<string, boolean>();
  if (body.outputs !== undefined) {
    const classification = new Map<string, number>();
    request.requestedOutputs = readRequestedOutputs(body.outputs, signature, byName, classification);
    if (classification.size > 0) request.classification = classification;
  }
  // Binary framing only when some output of the answer goes as binary data: a request whose every
  // requested output says "binary_data": false gets plain JSON, whatever its binary_data_output.
  const requested = request.requestedOutputs;
  const anyBinary = requested === undefined ? byDefault && signature.outputs.length > 0 : requested.some((name) => byName.get(name) ?? byDefault);
  if (anyBinary) request.binaryOutputs = { byDefault, byName };
  return request;
}

const BINARY_DATA_SIZE = 'binary_data_size';
const BINARY_DATA = 'binary_data';
const BINARY_DATA_OUTPUT = 'binary_data_output';

/** A boolean parameter of the binary extension; undefined when absent. */
function readFlag(parameters: Record<string, unknown>, key: string, where: string): boolean | undefined {
  const value = parameters[key];
  if (value === undefined || typeof value === 'boolean') return value;
  throw new InputValidationError(`${where}: "${key}" must be true or false, got ${describeValue(value)}`);
}

function decodeInputs(inputs: readonly unknown[], binary: BinaryInputSource | undefined): NamedTensors {
  const tensors: NamedTensors = {};
  for (let position = 0; position < inputs.length; position++) {
    const input = inputs[position];
    if (!isPlainObject(input) || typeof input.name !== 'string' || input.name === '') {
      // The message shows the input as sent, which pre-decoded data no longer is.
      if (isPlainObject(input) && input.data instanceof PredecodedData) throw new FastPathMiss();
      throw new InputValidationError(
        `inputs[${position}] must be an object with a "name" string, "shape", "datatype" and "data"; got ${describeValue(input)}`,
      );
    }
    const name = input.name;
    if (Object.hasOwn(tensors, name)) {
      throw new InputValidationError(`input ${quoteGiven(name)} appears more than once in "inputs"`, name);
    }
    // Assigning this key would replace the object's prototype instead of adding an input.
    if (name === '__proto__') throw new InputValidationError('input name "__proto__" is not allowed', name);
    const binarySize =
      input.parameters === undefined
        ? undefined
        : readBinaryDataSize(name, readParameters(input.parameters, `input "${name}": "parameters"`));
    tensors[name] = decodeInput(name, input, binarySize, binary);
  }
  return tensors;
}

/** `parameters.binary_data_size` of an input: undefined when absent, else a byte count. */
function readBinaryDataSize(name: string, parameters: Record<string, unknown>): number | undefined {
  const size = parameters[BINARY_DATA_SIZE];
  if (size === undefined) return undefined;
  if (!Number.isSafeInteger(size) || (size as number) < 0) {
    throw new InputValidationError(
      `input "${name}": "binary_data_size" must be a whole number of bytes (0 or more), got ${describeValue(size)}`,
      name,
    );
  }
  return size as number;
}

function decodeInput(
  name: string,
  input: Record<string, unknown>,
  binarySize: number | undefined,
  binary: BinaryInputSource | undefined,
): Tensor {
  const { datatype, data } = input;
  if (!isDataType(datatype)) {
    const wrong = datatype === undefined ? '"datatype" is missing' : `datatype ${describeValue(datatype)} is not a v2 datatype`;
    throw new InputValidationError(`input "${name}": ${wrong}; use one of ${DATA_TYPES.join(', ')}`, name);
  }
  const shape = readShape(name, input.shape);
  if (binarySize !== undefined) {
    if (binary === undefined) {
      throw new InputValidationError(
        `input "${name}": "binary_data_size" is set but the request has no binary data; send the tensor bytes after ` +
          'the JSON with an Inference-Header-Content-Length header giving the JSON length, or send "data" instead',
        name,
      );
    }
    if (data !== undefined) {
      throw new InputValidationError(
        `input "${name}": has both "data" and "binary_data_size"; send its elements one way, in "data" or as binary data`,
        name,
      );
    }
    return { datatype, shape, data: binary.take(name, datatype, shape, binarySize) };
  }
  if (data instanceof PredecodedData) {
    if (data.datatype !== datatype || data.count !== elementCount(shape)) throw new FastPathMiss();
    return { datatype, shape, data: data.data };
  }
  if (!Array.isArray(data)) {
    const hint = binary === undefined ? '' : ' (or "parameters": {"binary_data_size": <bytes>} for binary data)';
    throw new InputValidationError(
      `input "${name}": "data" must be an array (flat or nested)${hint}, got ${describeValue(data)}`,
      name,
    );
  }

  const needed = elementCount(shape);
  // Flat data is counted for free; nested data is counted before allocating, so that a shape
  // claiming billions of elements never allocates anything.
  const nested = data.length > 0 && Array.isArray(data[0]);
  const received = nested ? countLeaves(data, Math.max(shape.length, 1)) : data.length;
  if (received < 0) {
    throw new InputValidationError(
      `input "${name}": "data" is nested deeper than shape ${formatShape(shape)} has dimensions`,
      name,
    );
  }
  if (received !== needed) {
    throw new InputValidationError(
      `input "${name}": data has ${received} elements but shape ${formatShape(shape)} needs ${needed}`,
      name,
    );
  }

  const target = createDecodeTarget(datatype, needed, elementContext(name));
  if (nested) fillLoose(data, 0, target.write);
  else for (let index = 0; index < needed; index++) target.write(data[index], index);
  return { datatype, shape, data: target.data };
}

function elementContext(input: string): ElementContext {
  return { input, typeLabel: (datatype) => `datatype ${datatype}`, locate: (index) => `element ${index}` };
}

function readShape(name: string, shape: unknown): number[] {
  const valid =
    Array.isArray(shape) &&
    shape.length <= MAX_RANK &&
    shape.every((dimension) => Number.isSafeInteger(dimension) && (dimension as number) >= 0);
  if (!valid) {
    throw new InputValidationError(
      `input "${name}": "shape" must be an array of non-negative integers (at most ${MAX_RANK}), got ${describeValue(shape)}`,
      name,
    );
  }
  return shape as number[];
}

function readParameters(parameters: unknown, where: string): Record<string, unknown> {
  if (!isPlainObject(parameters)) {
    throw new InputValidationError(`${where} must be an object of name/value pairs, got ${describeValue(parameters)}`);
  }
  return parameters;
}

function readRequestedOutputs(
  outputs: unknown,
  signature: ModelSignature,
  binaryByName: Map<string, boolean>,
  classification: Map<string, number>,
): string[] {
  if (!Array.isArray(outputs)) {
    throw new InputValidationError(`"outputs" must be an array of {"name": ...} objects, got ${describeValue(outputs)}`);
  }
  const names: string[] = [];
  for (const output of outputs) {
    if (!isPlainObject(output) || typeof output.name !== 'string') {
      throw new InputValidationError(`each of "outputs" must be an object with a "name" string, got ${describeValue(output)}`);
    }
    const spec = signature.outputs.find((candidate) => candidate.name === output.name);
    if (spec === undefined) {
      throw new InputValidationError(
        `requested output ${quoteGiven(output.name)} is not an output of this model; its outputs are ${quoteNames(signature.outputs.map((known) => known.name))}`,
      );
    }
    if (output.parameters !== undefined) {
      const where = `output "${output.name}": "parameters"`;
      const parameters = readParameters(output.parameters, where);
      const binary = readFlag(parameters, BINARY_DATA, where);
      if (binary !== undefined) binaryByName.set(output.name, binary);
      const count = readClassification(spec, parameters);
      if (count !== undefined) classification.set(output.name, count);
    }
    if (!names.includes(output.name)) names.push(output.name);
  }
  return names;
}

/**
 * The inference response as JSON text, ready to send with `Content-Type: application/json`.
 * Outputs come in the order requested, else in signature order (then any extra outputs that
 * post-processing added).
 */
export function encodeV2Response(parts: V2InferResponseParts): string {
  return writeV2ResponseJson(parts, undefined);
}

/**
 * Called for each output in response order; returns the byte size of its binary data when it goes
 * as binary data (it then gets `parameters.binary_data_size` and no `data`), undefined for JSON.
 */
export type BinaryOutputPicker = (name: string, tensor: Tensor) => number | undefined;

/** The response JSON (the whole body, or the header of a binary response). */
export function writeV2ResponseJson(parts: V2InferResponseParts, binary: BinaryOutputPicker | undefined): string {
  let text = '{"model_name":' + JSON.stringify(parts.modelName) + ',"model_version":' + JSON.stringify(String(parts.modelVersion));
  if (parts.id !== undefined) text += ',"id":' + JSON.stringify(parts.id);
  if (parts.parameters !== undefined) text += ',"parameters":' + JSON.stringify(parts.parameters);
  text += ',"outputs":[';
  const names = parts.requestedOutputs ?? orderedOutputNames(parts.outputs, parts.signature);
  for (let position = 0; position < names.length; position++) {
    const name = names[position];
    const tensor = parts.outputs[name];
    if (tensor === undefined) throw new InferenceError(`the model produced no output "${name}"`);
    checkOutputSize(name, tensor);
    if (position > 0) text += ',';
    text += '{"name":' + JSON.stringify(name) + ',"datatype":"' + tensor.datatype + '","shape":' + formatDims(tensor.shape);
    const binarySize = binary?.(name, tensor);
    text +=
      binarySize === undefined
        ? ',"data":' + writeFlat(tensor, WRITE_OPTIONS) + '}'
        : ',"parameters":{"' + BINARY_DATA_SIZE + '":' + binarySize + '}}';
  }
  return text + ']}';
}

function formatDims(shape: readonly number[]): string {
  return '[' + shape.join(',') + ']';
}

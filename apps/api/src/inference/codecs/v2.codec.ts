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
 */
import {
  DATA_TYPES,
  InferenceError,
  InputValidationError,
  elementCount,
  isDataType,
  type ModelSignature,
  type NamedTensors,
  type Tensor,
} from '@modelgate/runtime';
import { describeValue, formatShape, isPlainObject, quoteNames } from './describe';
import { createDecodeTarget, type ElementContext } from './element-decoder';
import { writeFlat, type JsonWriteOptions } from './json-writer';
import { MAX_RANK, countLeaves, fillLoose } from './nested-data';
import { checkOutputSize, orderedOutputNames } from './outputs';

export interface V2InferRequest {
  id?: string;
  inputs: NamedTensors;
  /** Output names the client asked for, in its order; absent means all outputs. */
  requestedOutputs?: string[];
  parameters?: Record<string, unknown>;
}

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
  if (!isPlainObject(body) || !Array.isArray(body.inputs)) throw new InputValidationError(BODY_SHAPE);
  const request: V2InferRequest = { inputs: decodeInputs(body.inputs) };

  if (body.id !== undefined) {
    if (typeof body.id !== 'string') throw new InputValidationError(`"id" must be a string, got ${describeValue(body.id)}`);
    request.id = body.id;
  }
  if (body.parameters !== undefined) request.parameters = readParameters(body.parameters, '"parameters"');
  if (body.outputs !== undefined) request.requestedOutputs = readRequestedOutputs(body.outputs, signature);
  return request;
}

function decodeInputs(inputs: readonly unknown[]): NamedTensors {
  const tensors: NamedTensors = {};
  for (let position = 0; position < inputs.length; position++) {
    const input = inputs[position];
    if (!isPlainObject(input) || typeof input.name !== 'string' || input.name === '') {
      throw new InputValidationError(
        `inputs[${position}] must be an object with a "name" string, "shape", "datatype" and "data"; got ${describeValue(input)}`,
      );
    }
    const name = input.name;
    if (Object.hasOwn(tensors, name)) {
      throw new InputValidationError(`input "${name}" appears more than once in "inputs"`, name);
    }
    // Assigning this key would replace the object's prototype instead of adding an input.
    if (name === '__proto__') throw new InputValidationError('input name "__proto__" is not allowed', name);
    if (input.parameters !== undefined) readParameters(input.parameters, `input "${name}": "parameters"`);
    tensors[name] = decodeInput(name, input);
  }
  return tensors;
}

function decodeInput(name: string, input: Record<string, unknown>): Tensor {
  const { datatype, data } = input;
  if (!isDataType(datatype)) {
    throw new InputValidationError(
      `input "${name}": datatype ${describeValue(datatype)} is not a v2 datatype; use one of ${DATA_TYPES.join(', ')}`,
      name,
    );
  }
  const shape = readShape(name, input.shape);
  if (!Array.isArray(data)) {
    throw new InputValidationError(`input "${name}": "data" must be an array (flat or nested), got ${describeValue(data)}`, name);
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

function readRequestedOutputs(outputs: unknown, signature: ModelSignature): string[] {
  if (!Array.isArray(outputs)) {
    throw new InputValidationError(`"outputs" must be an array of {"name": ...} objects, got ${describeValue(outputs)}`);
  }
  const known = signature.outputs.map((output) => output.name);
  const names: string[] = [];
  for (const output of outputs) {
    if (!isPlainObject(output) || typeof output.name !== 'string') {
      throw new InputValidationError(`each of "outputs" must be an object with a "name" string, got ${describeValue(output)}`);
    }
    if (!known.includes(output.name)) {
      throw new InputValidationError(
        `requested output "${output.name}" is not an output of this model; its outputs are ${quoteNames(known)}`,
      );
    }
    if (output.parameters !== undefined) readParameters(output.parameters, `output "${output.name}": "parameters"`);
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
    text +=
      '{"name":' + JSON.stringify(name) +
      ',"datatype":"' + tensor.datatype +
      '","shape":' + formatDims(tensor.shape) +
      ',"data":' + writeFlat(tensor, WRITE_OPTIONS) + '}';
  }
  return text + ']}';
}

function formatDims(shape: readonly number[]): string {
  return '[' + shape.join(',') + ']';
}

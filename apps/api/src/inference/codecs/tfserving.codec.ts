/**
 * TensorFlow Serving REST predict bodies <-> runtime tensors.
 * https://github.com/tensorflow/serving/blob/master/tensorflow_serving/g3doc/api_rest.md
 *
 * Unlike v2, the JSON carries no datatypes or shapes: datatypes come from the signature and shapes
 * from the nesting of the lists, which must therefore be rectangular. Error messages reuse
 * tensorflow_model_server's wording (util/json_tensor.cc) where it has one, so that clients and
 * gateways written against it see familiar text.
 *
 * Responses follow TF Serving too: floats that are NaN or infinite are written as the bare tokens
 * NaN, Infinity, -Infinity (Python's json reads them; strict JSON parsers do not), and BYTES
 * outputs whose name ends in `_bytes` are written as `{"b64": ...}`.
 */
import {
  InferenceError,
  InputValidationError,
  elementCount,
  quoteGivenNames,
  type DataType,
  type ModelSignature,
  type NamedTensors,
  type Tensor,
  type TensorSpec,
} from '@modelgate/runtime';
import { isBase64Object } from './base64';
import { coordinatesOf, describeValue, formatShape, isPlainObject, quoteNames } from './describe';
import { createDecodeTarget, type ElementWriter } from './element-decoder';
import { appendNested, type JsonWriteOptions } from './json-writer';
import { MAX_RANK, fillDense, impliedShape } from './nested-data';
import { checkOutputSize, orderedOutputNames } from './outputs';
import { DEFAULT_SIGNATURE_NAME, TF_DTYPES } from './tfserving.metadata';
import { scanPredictRequest } from './tfserving.text';
import { parseJsonBody } from './v2.text';

export type PredictFormat = 'row' | 'columnar';

export interface PredictRequest {
  format: PredictFormat;
  inputs: NamedTensors;
  signatureName?: string;
}

/** Above this many elements the nesting is checked before allocating, so a lying shape costs nothing. */
const PRECHECK_ELEMENTS = 1 << 20;
const ignoreElement: ElementWriter = () => undefined;

/**
 * `body`: parsed JSON, or the raw bytes of the body (Buffer), which are scanned straight into
 * tensors when they hold the common request (tfserving.text.ts) and parsed as JSON otherwise.
 */
export function decodePredictRequest(body: unknown, signature: ModelSignature): PredictRequest {
  if (body instanceof Uint8Array) {
    const scanned = scanPredictRequest(body, signature);
    if (scanned !== undefined) return scanned;
    body = parseJsonBody(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
  }
  if (!isPlainObject(body)) {
    throw new InputValidationError(`request body must be a JSON object with "instances" or "inputs", got ${describeValue(body)}`);
  }
  const signatureName = readSignatureName(body.signature_name);
  if (signature.inputs.length === 0) throw new InputValidationError('this model declares no inputs to fill');

  const hasInstances = Object.hasOwn(body, 'instances');
  const hasInputs = Object.hasOwn(body, 'inputs');
  if (hasInstances && hasInputs) {
    throw new InputValidationError("Not formatted correctly expecting only one of 'inputs' or 'instances' keys to exist");
  }
  let request: PredictRequest;
  if (hasInstances) request = { format: 'row', inputs: decodeInstances(body.instances, signature.inputs) };
  else if (hasInputs) request = { format: 'columnar', inputs: decodeColumns(body.inputs, signature.inputs) };
  else throw new InputValidationError("Missing 'inputs' or 'instances' key");
  if (signatureName !== undefined) request.signatureName = signatureName;
  return request;
}

function readSignatureName(name: unknown): string | undefined {
  if (name === undefined) return undefined;
  if (typeof name !== 'string') throw new InputValidationError("'signature_name' key must be a string value.");
  if (name !== '' && name !== DEFAULT_SIGNATURE_NAME) {
    throw new InputValidationError(
      `Serving signature key "${name}" not found. This model has one signature: "${DEFAULT_SIGNATURE_NAME}".`,
    );
  }
  return name;
}

/** Row format: one entry per instance; the batch dimension is the number of instances. */
function decodeInstances(instances: unknown, specs: readonly TensorSpec[]): NamedTensors {
  if (!Array.isArray(instances)) throw new InputValidationError("Expecting 'instances' to be an list/array");
  if (instances.length === 0) throw new InputValidationError("No values in 'instances' array");
  const named = isNamedObject(instances[0]);
  if (!named && specs.length > 1) {
    throw new InputValidationError(
      `instances is a plain list, but expecting list of objects as this model has ${specs.length} inputs ` +
        `(${quoteNames(specs.map((spec) => spec.name))}): give each instance as an object keyed by input name`,
    );
  }
  if (named) checkInstanceKeys(instances, specs);
  else {
    for (let position = 0; position < instances.length; position++) {
      if (isNamedObject(instances[position])) {
        throw new InputValidationError(`Expecting value/list but got object at item ${position} of input list`);
      }
    }
  }

  const tensors: NamedTensors = {};
  for (const spec of specs) {
    const valueAt = (position: number): unknown =>
      named ? (instances[position] as Record<string, unknown>)[spec.name] : instances[position];
    const instanceShape = shapeOf(spec.name, valueAt(0));
    const shape = [instances.length, ...instanceShape];
    const stride = elementCount(instanceShape);
    const fill = (write: ElementWriter): void => {
      for (let position = 0; position < instances.length; position++) {
        fillDense(valueAt(position), shape, 1, position * stride, write, spec.name);
      }
    };
    tensors[spec.name] = decodeDense(spec, shape, fill);
  }
  return tensors;
}

function checkInstanceKeys(instances: readonly unknown[], specs: readonly TensorSpec[]): void {
  const expected = new Set(specs.map((spec) => spec.name));
  for (let position = 0; position < instances.length; position++) {
    const instance = instances[position];
    if (!isNamedObject(instance)) {
      throw new InputValidationError(`Expecting object but got list at item ${position} of input list`);
    }
    let keys = 0;
    let matches = true;
    for (const key in instance) {
      keys++;
      if (!expected.has(key)) matches = false;
    }
    if (!matches || keys !== expected.size) {
      throw new InputValidationError(
        `Failed to process element: ${position} of 'instances' list. JSON object keys ` +
          `${quoteGivenNames(Object.keys(instance))} must be equal to the model's inputs: ${quoteNames([...expected])}`,
      );
    }
  }
}

/** Columnar format: one value for a single-input model, else an object keyed by input name. */
function decodeColumns(inputs: unknown, specs: readonly TensorSpec[]): NamedTensors {
  const tensors: NamedTensors = {};
  if (!isNamedObject(inputs)) {
    if (specs.length > 1) {
      throw new InputValidationError(
        `inputs is a plain value/list, but expecting an object as this model has ${specs.length} inputs ` +
          `(${quoteNames(specs.map((spec) => spec.name))}): give "inputs" as an object keyed by input name`,
      );
    }
    tensors[specs[0].name] = decodeColumn(specs[0], inputs);
    return tensors;
  }
  for (const spec of specs) {
    if (!Object.hasOwn(inputs, spec.name)) {
      // TF Serving's words, then what the model takes and, for a misspelt name, what the body named.
      const unknown = Object.keys(inputs).filter((name) => !specs.some((other) => other.name === name));
      throw new InputValidationError(
        `Missing named input: ${spec.name} in 'inputs' object. The model's inputs are ${quoteNames(specs.map((other) => other.name))}` +
          (unknown.length === 0 ? '.' : `; the object also names ${quoteGivenNames(unknown)}, which the model does not have.`),
        spec.name,
      );
    }
    tensors[spec.name] = decodeColumn(spec, inputs[spec.name]);
  }
  return tensors;
}

function decodeColumn(spec: TensorSpec, value: unknown): Tensor {
  const shape = shapeOf(spec.name, value);
  return decodeDense(spec, shape, (write) => fillDense(value, shape, 0, 0, write, spec.name));
}

function decodeDense(spec: TensorSpec, shape: number[], fill: (write: ElementWriter) => void): Tensor {
  const count = elementCount(shape);
  if (count > PRECHECK_ELEMENTS) fill(ignoreElement);
  const target = createDecodeTarget(spec.datatype, count, {
    input: spec.name,
    typeLabel: tfTypeLabel,
    locate: (index) => `element ${coordinatesOf(index, shape)}`,
  });
  fill(target.write);
  return { datatype: spec.datatype, shape, data: target.data };
}

function shapeOf(input: string, value: unknown): number[] {
  const shape = impliedShape(value);
  if (shape === undefined) {
    throw new InputValidationError(`input "${input}": lists are nested more than ${MAX_RANK} levels deep`, input);
  }
  return shape;
}

function tfTypeLabel(datatype: DataType): string {
  return `dtype ${TF_DTYPES[datatype]}`;
}

/** An object of named tensors, as opposed to a value (a `{"b64": ...}` object is a value). */
function isNamedObject(value: unknown): value is Record<string, unknown> {
  return isPlainObject(value) && !isBase64Object(value);
}

/**
 * The predict response as JSON text. Row format: `{"predictions": [...]}`, one entry per instance
 * (a value for single-output models, else an object keyed by output name). Columnar format:
 * `{"outputs": value}` or `{"outputs": {name: value}}`.
 */
export function encodePredictResponse(format: PredictFormat, outputs: NamedTensors, signature: ModelSignature): string {
  const names = orderedOutputNames(outputs, signature);
  if (names.length === 0) throw new InferenceError('the model produced no outputs');
  for (const name of names) checkOutputSize(name, outputs[name]);
  const multiple = names.length > 1;

  if (format === 'columnar') {
    let text = multiple ? '{"outputs":{' : '{"outputs":';
    for (let position = 0; position < names.length; position++) {
      const name = names[position];
      const tensor = outputs[name];
      if (position > 0) text += ',';
      if (multiple) text += JSON.stringify(name) + ':';
      text = appendNested(text, tensor, tensor.shape, 0, 0, writeOptions(name));
    }
    return text + (multiple ? '}}' : '}');
  }

  const batchSize = rowBatchSize(names, outputs);
  const strides = names.map((name) => elementCount(outputs[name].shape.slice(1)));
  const options = names.map(writeOptions);
  let text = '{"predictions":[';
  for (let instance = 0; instance < batchSize; instance++) {
    if (instance > 0) text += ',';
    text = appendInstance(text, names, outputs, strides, options, instance);
  }
  return text + ']}';
}

/**
 * Each instance's prediction in TF Serving's row format, as JSON text of its own: what
 * encodePredictResponse puts in `predictions` for it (batch jobs write one per line).
 */
export function encodePredictionRows(outputs: NamedTensors, signature: ModelSignature): string[] {
  const names = orderedOutputNames(outputs, signature);
  if (names.length === 0) throw new InferenceError('the model produced no outputs');
  for (const name of names) checkOutputSize(name, outputs[name]);
  const batchSize = rowBatchSize(names, outputs);
  const strides = names.map((name) => elementCount(outputs[name].shape.slice(1)));
  const options = names.map(writeOptions);
  const rows = new Array<string>(batchSize);
  for (let instance = 0; instance < batchSize; instance++) rows[instance] = appendInstance('', names, outputs, strides, options, instance);
  return rows;
}

/** One instance of the row format: the value of its one output, or an object by output name. */
function appendInstance(
  text: string,
  names: readonly string[],
  outputs: NamedTensors,
  strides: readonly number[],
  options: readonly JsonWriteOptions[],
  instance: number,
): string {
  const multiple = names.length > 1;
  if (multiple) text += '{';
  for (let position = 0; position < names.length; position++) {
    const tensor = outputs[names[position]];
    if (position > 0) text += ',';
    if (multiple) text += JSON.stringify(names[position]) + ':';
    text = appendNested(text, tensor, tensor.shape, 1, instance * strides[position], options[position]);
  }
  return multiple ? text + '}' : text;
}

/** Row format splits every output along its first axis, so all need one, of the same size. */
function rowBatchSize(names: readonly string[], outputs: NamedTensors): number {
  let batchSize = -1;
  for (const name of names) {
    const shape = outputs[name].shape;
    if (shape.length === 0) {
      throw new InputValidationError(
        `Tensor name: ${name} has no shape information: a scalar output cannot be split per instance; ` +
          `send the request in the columnar ("inputs") format`,
      );
    }
    if (batchSize >= 0 && shape[0] !== batchSize) {
      throw new InputValidationError(
        `Tensor name: ${name} has inconsistent batch size: ${shape[0]} expecting: ${batchSize} ` +
          `(output shapes ${names.map((other) => formatShape(outputs[other].shape)).join(', ')}); ` +
          `send the request in the columnar ("inputs") format`,
      );
    }
    batchSize = shape[0];
  }
  return batchSize;
}

const TEXT_OPTIONS: JsonWriteOptions = { nonFinite: 'bare', bytesAsBase64: false };
const BINARY_OPTIONS: JsonWriteOptions = { nonFinite: 'bare', bytesAsBase64: true };

/** TF Serving's rule: string tensors named `*_bytes` hold binary data and are sent as base64. */
function writeOptions(name: string): JsonWriteOptions {
  return name.endsWith('_bytes') ? BINARY_OPTIONS : TEXT_OPTIONS;
}

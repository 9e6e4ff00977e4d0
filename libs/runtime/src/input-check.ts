import { InputValidationError } from './errors';
import type { ModelSignature, TensorSpec } from './signature';
import { allocateTensorData, type NamedTensors, type Tensor } from './tensor';

/** Throws InputValidationError naming the first input that does not match the signature. */
export type InputCheck = (inputs: NamedTensors) => void;

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/**
 * Compiles the signature into one closure per input, once per loaded version: the request path
 * then only compares numbers and allocates nothing unless it has an error to report.
 */
export function compileInputCheck(signature: ModelSignature): InputCheck {
  const checks = new Map<string, (tensor: Tensor) => void>();
  for (const spec of signature.inputs) checks.set(spec.name, compileTensorCheck(spec));
  const requiredNames = signature.inputs.map((spec) => spec.name);
  const expectedList = signature.inputs
    .map((spec) => `"${spec.name}" (${spec.datatype} ${formatShape(spec.shape)})`)
    .join(', ');

  return (inputs) => {
    for (const name of requiredNames) {
      if (!Object.hasOwn(inputs, name)) {
        // A misspelt name is the usual cause: say which of the request's names the model lacks.
        const unknown = Object.keys(inputs).filter((given) => !checks.has(given));
        const given = unknown.length === 0 ? '' : ` (the request names ${quoteGivenNames(unknown)}, which the model does not have)`;
        throw new InputValidationError(`input "${name}" is missing${given}; the model expects ${expectedList}`, name);
      }
    }
    for (const name in inputs) {
      const check = checks.get(name);
      if (check === undefined) {
        const message = `input ${quoteGiven(name)} is not an input of this model; it expects ${expectedList}`;
        throw new InputValidationError(message, name);
      }
      check(inputs[name]);
    }
  };
}

const LISTED_NAMES = 3;
const QUOTED_NAME_CHARS = 64;

/** A name the request gave, as a JSON string, cut at 64 characters: the request decides how long it is. */
export function quoteGiven(name: string): string {
  return name.length > QUOTED_NAME_CHARS ? `${JSON.stringify(name.slice(0, QUOTED_NAME_CHARS))}... (${name.length} characters)` : JSON.stringify(name);
}

/** Names the request gave (quoteGiven), the first three only: the request decides how many there are. */
export function quoteGivenNames(names: readonly string[]): string {
  const listed = names.slice(0, LISTED_NAMES).map(quoteGiven).join(', ');
  return names.length > LISTED_NAMES ? `${listed} and ${names.length - LISTED_NAMES} more` : listed;
}

function compileTensorCheck(spec: TensorSpec): (tensor: Tensor) => void {
  const { name, datatype } = spec;
  const expectedShape = formatShape(spec.shape);
  const rank = spec.shape.length;
  const fail = (detail: string): never => {
    throw new InputValidationError(`input "${name}": ${detail}`, name);
  };
  // The typed array class the backends need for this datatype (BYTES: an array of byte strings).
  const storage =
    datatype === 'BYTES' ? undefined : (allocateTensorData(datatype, 0) as { constructor: { name: string } }).constructor;
  const storageName = storage === undefined ? 'an array of Uint8Array' : `a ${storage.name}`;

  return (tensor) => {
    if (tensor.datatype !== datatype) fail(`expected datatype ${datatype}, got ${tensor.datatype}`);
    const data = tensor.data;
    const container = (data as { constructor?: unknown } | null | undefined)?.constructor;
    if (storage === undefined ? !Array.isArray(data) : container !== storage) {
      fail(`datatype ${datatype} must hold its data in ${storageName}, got ${describeContainer(data)}`);
    }
    const shape = tensor.shape;
    if (!Array.isArray(shape)) fail(`expected shape ${expectedShape}, got ${String(shape)}`);
    if (shape.length !== rank) {
      fail(`expected shape ${expectedShape} (rank ${rank}), got ${formatShape(shape)} (rank ${shape.length})`);
    }
    for (let index = 0; index < rank; index++) {
      const actual = shape[index];
      if (!Number.isInteger(actual) || actual < 0) {
        fail(`shape ${formatShape(shape)} is not valid (dimension ${index} must be a whole number >= 0)`);
      }
      const expected = spec.shape[index];
      if (expected >= 0 && actual !== expected) {
        fail(`expected shape ${expectedShape}, got ${formatShape(shape)} (dimension ${index} must be ${expected})`);
      }
    }
    let count = 1;
    for (let index = 0; index < rank; index++) count *= shape[index];
    if (data.length !== count) {
      fail(`shape ${formatShape(shape)} holds ${count} ${count === 1 ? 'value' : 'values'}, got ${data.length}`);
    }
  };
}

function describeContainer(data: unknown): string {
  if (data === null || data === undefined) return String(data);
  const constructorName = (data as { constructor?: { name?: string } }).constructor?.name;
  return constructorName ?? typeof data;
}

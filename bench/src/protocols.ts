/**
 * The request bodies each protocol sends for one instance (batch 1 per request), and the decoders
 * that read the predicted probabilities back so that every target's answer is checked before it
 * is timed.
 */
import type { BenchModel } from './models';

export type Protocol = 'v2-json' | 'tf-rest' | 'v2-binary';
export const PROTOCOLS: readonly Protocol[] = ['v2-json', 'tf-rest', 'v2-binary'];

/**
 * The bodies the baselines (b) and (c) read: the two JSON protocols. Each Modelgate row is read
 * against the baseline that parsed the same body; the binary protocol, which no hand-written server
 * speaks, against the v2 JSON baseline (the cheaper of the two JSON bodies to parse).
 */
export const BASELINE_PROTOCOLS: readonly Protocol[] = ['v2-json', 'tf-rest'];

export function baselineProtocol(protocol: Protocol): Protocol {
  return protocol === 'tf-rest' ? 'tf-rest' : 'v2-json';
}

export const PROTOCOL_LABELS: Record<Protocol, string> = {
  'v2-json': 'v2 JSON',
  'tf-rest': 'TF Serving REST',
  'v2-binary': 'v2 binary',
};

export interface PreparedRequest {
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

/** The Open Inference Protocol's header that splits a binary body into its JSON and tensor parts. */
export const BINARY_HEADER = 'inference-header-content-length';

export function buildRequest(protocol: Protocol, model: BenchModel, instance: Float32Array): PreparedRequest {
  // JSON carries the values as a client writes them (0.1234), not the float32's full expansion
  // (0.12340000271797180); both decode to the same float32.
  const values = Array.from(instance, (value) => Number(value.toPrecision(4)));
  switch (protocol) {
    case 'v2-json':
      return {
        path: `/v2/models/${model.name}/infer`,
        headers: { 'content-type': 'application/json' },
        body: Buffer.from(JSON.stringify({ inputs: [{ name: model.inputName, shape: [1, ...model.instanceShape], datatype: 'FP32', data: values }] })),
      };
    case 'tf-rest':
      return {
        path: `/v1/models/${model.name}:predict`,
        headers: { 'content-type': 'application/json' },
        body: Buffer.from(JSON.stringify({ instances: [nest(values, model.instanceShape)] })),
      };
    case 'v2-binary':
      return binaryRequest(model, instance);
  }
}

/**
 * Binary tensor extension (as Triton and KServe clients send it): a JSON header whose length is in
 * Inference-Header-Content-Length, then the raw little-endian FP32 bytes of each input in order.
 * `binary_data_output` asks for the outputs the same way.
 */
function binaryRequest(model: BenchModel, instance: Float32Array): PreparedRequest {
  const tensorBytes = littleEndianFloat32(instance);
  const header = Buffer.from(
    JSON.stringify({
      inputs: [{ name: model.inputName, shape: [1, ...model.instanceShape], datatype: 'FP32', parameters: { binary_data_size: tensorBytes.length } }],
      parameters: { binary_data_output: true },
    }),
  );
  return {
    path: `/v2/models/${model.name}/infer`,
    headers: { 'content-type': 'application/octet-stream', [BINARY_HEADER]: String(header.length) },
    body: Buffer.concat([header, tensorBytes]),
  };
}

/** Reads the probabilities of the one instance from a 200 answer, or says why it cannot. */
export function decodeAnswer(protocol: Protocol, model: BenchModel, body: Buffer, headers: Headers): number[] {
  switch (protocol) {
    case 'v2-json':
      return v2JsonOutput(model, JSON.parse(body.toString('utf8')) as unknown);
    case 'tf-rest': {
      const answer = JSON.parse(body.toString('utf8')) as { predictions?: unknown };
      if (!Array.isArray(answer.predictions) || answer.predictions.length !== 1) throw new Error('expected "predictions" with one row');
      return numbers(answer.predictions[0], 'predictions[0]');
    }
    case 'v2-binary':
      return v2BinaryOutput(model, body, headers);
  }
}

function v2JsonOutput(model: BenchModel, answer: unknown): number[] {
  const output = findOutput(model, answer);
  return flatten(numbers(output.data, `output "${model.outputName}" data`));
}

function v2BinaryOutput(model: BenchModel, body: Buffer, headers: Headers): number[] {
  const headerLength = Number(headers.get(BINARY_HEADER));
  if (!Number.isInteger(headerLength) || headerLength <= 0) {
    // A server may answer JSON when it does not honour binary_data_output; still a valid answer.
    return v2JsonOutput(model, JSON.parse(body.toString('utf8')) as unknown);
  }
  const answer = JSON.parse(body.subarray(0, headerLength).toString('utf8')) as unknown;
  const output = findOutput(model, answer);
  const size = (output.parameters as Record<string, unknown> | undefined)?.['binary_data_size'];
  if (typeof size !== 'number') return numbers(output.data, 'output data');
  // Outputs before ours may carry binary data too; their bytes come first.
  let offset = headerLength;
  for (const other of (answer as { outputs: Record<string, unknown>[] }).outputs) {
    if (other === output) break;
    const otherSize = (other.parameters as Record<string, unknown> | undefined)?.['binary_data_size'];
    if (typeof otherSize === 'number') offset += otherSize;
  }
  const bytes = body.subarray(offset, offset + size);
  if (bytes.length !== size) throw new Error(`binary output needs ${size} bytes, got ${bytes.length}`);
  const values: number[] = [];
  for (let index = 0; index < size / 4; index++) values.push(bytes.readFloatLE(index * 4));
  return values;
}

function findOutput(model: BenchModel, answer: unknown): Record<string, unknown> {
  const outputs = (answer as { outputs?: unknown } | null)?.outputs;
  if (!Array.isArray(outputs)) throw new Error('expected an "outputs" array');
  const output = outputs.find((candidate: { name?: unknown }) => candidate?.name === model.outputName) as Record<string, unknown> | undefined;
  if (!output) throw new Error(`no output named "${model.outputName}"`);
  return output;
}

function numbers(value: unknown, what: string): number[] {
  if (!Array.isArray(value)) throw new Error(`${what} is not an array`);
  return value as number[];
}

function flatten(values: readonly unknown[]): number[] {
  return values.flatMap((value) => (Array.isArray(value) ? flatten(value) : [value as number]));
}

/** Largest difference between an answer and the runtime's own output; throws when they cannot be compared. */
export function largestDifference(actual: readonly number[], expected: readonly number[]): number {
  if (actual.length !== expected.length) throw new Error(`answer has ${actual.length} values, expected ${expected.length}`);
  let largest = 0;
  for (let index = 0; index < expected.length; index++) {
    const difference = Math.abs(Number(actual[index]) - expected[index]);
    if (!(difference <= largest)) largest = Number.isNaN(difference) ? Infinity : difference;
  }
  return largest;
}

/** A flat row-major array as nested arrays of the given shape (TF Serving's row format). */
export function nest(values: ArrayLike<number>, shape: readonly number[]): unknown {
  const build = (axis: number, offset: number): unknown => {
    if (axis === shape.length - 1) return Array.from({ length: shape[axis] }, (_, index) => values[offset + index]);
    const stride = shape.slice(axis + 1).reduce((product, dim) => product * dim, 1);
    return Array.from({ length: shape[axis] }, (_, index) => build(axis + 1, offset + index * stride));
  };
  return build(0, 0);
}

function littleEndianFloat32(values: Float32Array): Buffer {
  const bytes = Buffer.alloc(values.length * 4);
  for (let index = 0; index < values.length; index++) bytes.writeFloatLE(values[index], index * 4);
  return bytes;
}

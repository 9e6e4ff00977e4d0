import { inputsFit, type InputSpec } from './inputs-fit';

export interface CallExample {
  title: string;
  code: string;
  /** Why it is not complete as shown (an input too large to write out), or null when it runs as is. */
  note: string | null;
}

export interface Endpoints {
  /** The HTTP origin the dashboard is served from, e.g. http://localhost:8080. */
  origin: string;
  /** The gRPC port and whether it serves TLS, or null when gRPC is off. */
  grpc: { port: number; tls: boolean } | null;
}

/** What the choice of a version reads of one. */
export interface VersionSpec {
  version: number;
  status: string;
  signature: { inputs: readonly InputSpec[] };
}

/** What it reads of a model's deployment. */
export interface RoutesSpec {
  stable: number | null;
  routes: readonly { version: number; weight: number }[];
}

export interface ExampleVersion<V extends VersionSpec> {
  version: V;
  /** Why this one, for the card's title: "the stable route", say. */
  why: string;
  /** Other versions that take unpinned traffic with other inputs, on which these calls would fail. */
  otherInputs: number[];
}

/**
 * The version whose inputs the examples use: the one an unpinned call reaches. With a deployment,
 * its stable route where that version is ready, or else its heaviest route whose version is;
 * without a deployment (or with no routed version ready), the newest ready version, as the server
 * routes a model without one. Undefined where no version is ready.
 */
export function exampleVersion<V extends VersionSpec>(versions: readonly V[], deployment: RoutesSpec | null | undefined): ExampleVersion<V> | undefined {
  const ready = versions.filter((version) => version.status === 'ready');
  const readyVersion = (number: number | undefined) => ready.find((version) => version.version === number);
  const routed = (deployment?.routes ?? []).filter((route) => route.weight > 0);
  const stable = routed.find((route) => route.version === deployment?.stable);
  const heaviest = routed.filter((route) => readyVersion(route.version) !== undefined).sort((a, b) => b.weight - a.weight)[0];
  const choices: [V | undefined, string][] = [
    [readyVersion(stable?.version), 'the stable route'],
    [readyVersion(heaviest?.version), 'the heaviest ready route'],
    [[...ready].sort((a, b) => b.version - a.version)[0], 'the newest ready version'],
  ];
  const [version, why] = choices.find(([candidate]) => candidate !== undefined) ?? [undefined, ''];
  if (version === undefined) return undefined;
  const otherInputs = routed
    .map((route) => readyVersion(route.version))
    .filter((other): other is V => other !== undefined && other.version !== version.version && !inputsFit(other.signature.inputs, version.signature.inputs))
    .map((other) => other.version);
  return { version, why, otherInputs };
}

/** Inputs with more elements than this are not written out in JSON examples. */
export const MAX_WRITTEN_ELEMENTS = 64;

const NUMPY: Record<string, string> = {
  BOOL: 'np.bool_',
  UINT8: 'np.uint8',
  UINT16: 'np.uint16',
  UINT32: 'np.uint32',
  UINT64: 'np.uint64',
  INT8: 'np.int8',
  INT16: 'np.int16',
  INT32: 'np.int32',
  INT64: 'np.int64',
  FP16: 'np.float16',
  FP32: 'np.float32',
  FP64: 'np.float64',
};

/** One request's shape for an input: a batch of one where a dimension is free. */
export function exampleShape(input: InputSpec): number[] {
  return input.shape.map((dimension) => (dimension < 0 ? 1 : dimension));
}

function elementsOf(shape: readonly number[]): number {
  return shape.reduce((product, dimension) => product * dimension, 1);
}

/** A placeholder element of the datatype, as JSON. */
function placeholder(datatype: string): string {
  if (datatype === 'BOOL') return 'false';
  if (datatype === 'BYTES') return '"text"';
  return datatype.startsWith('FP') ? '0.0' : '0';
}

/**
 * Ready-to-run calls of `model` for the developers who will call it: curl over the Open Inference
 * Protocol, Python's tritonclient over HTTP and, when the server listens for it, over gRPC, and
 * grpcurl. The inputs are filled with zeros of their one-request shape; an input of more than
 * MAX_WRITTEN_ELEMENTS elements is left out of the JSON bodies, with a note saying so. The key is
 * read from $MODELGATE_KEY.
 */
export function callExamples(model: string, inputs: readonly InputSpec[], endpoints: Endpoints): CallExample[] {
  const shapes = inputs.map(exampleShape);
  const tooLarge = inputs.filter((_, index) => elementsOf(shapes[index]) > MAX_WRITTEN_ELEMENTS).map((input) => input.name);
  const note = tooLarge.length === 0 ? null : `${tooLarge.map((name) => `"${name}"`).join(', ')} has more than ${MAX_WRITTEN_ELEMENTS} elements: fill in its data (row-major), or use the Python example`;
  /** An input as JSON, its elements placed by `elements` (v2's `"data"`, or gRPC's `"contents"`). */
  const jsonInput = (input: InputSpec, index: number, elements: (values: string) => string) => {
    const count = elementsOf(shapes[index]);
    const values = count > MAX_WRITTEN_ELEMENTS ? `/* ${count} values */` : Array.from({ length: count }, () => placeholder(input.datatype)).join(', ');
    return `{"name": "${input.name}", "datatype": "${input.datatype}", "shape": [${shapes[index].join(', ')}], ${elements(values)}}`;
  };
  const jsonInputs = inputs.map((input, index) => jsonInput(input, index, (values) => `"data": [${values}]`));
  const examples: CallExample[] = [
    {
      title: 'curl (Open Inference Protocol)',
      code: [
        `curl -s ${endpoints.origin}/v2/models/${model}/infer \\`,
        `  -H "Authorization: Bearer $MODELGATE_KEY" -H 'Content-Type: application/json' \\`,
        `  -d '{"inputs": [${jsonInputs.join(', ')}]}'`,
      ].join('\n'),
      note,
    },
  ];
  const host = new URL(endpoints.origin);
  const python = (module: 'http' | 'grpc', url: string, ssl: boolean) =>
    [
      'import os',
      'import numpy as np',
      `import tritonclient.${module} as client`,
      '',
      `triton = client.InferenceServerClient("${url}"${ssl ? ', ssl=True' : ''})`,
      'headers = {"authorization": "Bearer " + os.environ["MODELGATE_KEY"]}',
      ...inputs.flatMap((input, index) => [
        `${pythonName(input.name, index)} = client.InferInput("${input.name}", [${shapes[index].join(', ')}], "${input.datatype}")`,
        `${pythonName(input.name, index)}.set_data_from_numpy(${numpyArray(input.datatype, shapes[index])})`,
      ]),
      `result = triton.infer("${model}", [${inputs.map((input, index) => pythonName(input.name, index)).join(', ')}], headers=headers)`,
      'print(result.get_response())',
    ].join('\n');
  examples.push({ title: 'Python, tritonclient over HTTP', code: python('http', host.host, host.protocol === 'https:'), note: null });
  if (endpoints.grpc !== null) {
    const grpcAddress = `${host.hostname}:${endpoints.grpc.port}`;
    examples.push({ title: 'Python, tritonclient over gRPC', code: python('grpc', grpcAddress, endpoints.grpc.tls), note: null });
    // FP16 and BF16 have no `contents` field: over gRPC they travel raw only, which grpcurl cannot write.
    if (inputs.every((input) => contentsField(input.datatype) !== null)) {
      const contents = inputs.map((input, index) => jsonInput(input, index, (values) => `"contents": {"${contentsField(input.datatype)}": [${values}]}`));
      examples.push({
        title: 'grpcurl (server reflection, no proto needed)',
        code: [
          `grpcurl ${endpoints.grpc.tls ? '' : '-plaintext '}-H "authorization: Bearer $MODELGATE_KEY" \\`,
          `  -d '{"model_name": "${model}", "inputs": [${contents.join(', ')}]}' \\`,
          `  ${grpcAddress} inference.GRPCInferenceService/ModelInfer`,
        ].join('\n'),
        note,
      });
    }
  }
  return examples;
}

/** A Python variable for an input: its name where it is one, else input0, input1... */
function pythonName(name: string, index: number): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !PYTHON_RESERVED.has(name) ? name : `input${index}`;
}

const PYTHON_RESERVED = new Set(['client', 'triton', 'headers', 'result', 'np', 'os', 'input', 'None', 'True', 'False', 'class', 'def', 'from', 'import', 'lambda', 'in', 'is', 'not', 'or', 'and', 'if', 'else', 'for', 'while', 'with', 'as', 'return', 'pass', 'global', 'yield']);

/** Zeros of the datatype in `shape` as numpy writes them; BYTES elements are the bytes "text". */
function numpyArray(datatype: string, shape: readonly number[]): string {
  const tuple = `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`;
  if (datatype === 'BYTES') return `np.full(${tuple}, b"text", dtype=np.object_)`;
  return `np.zeros(${tuple}, dtype=${NUMPY[datatype] ?? 'np.float32'})`;
}

/** The field of InferTensorContents a datatype's elements go in; null for FP16 and BF16, which travel raw only. */
function contentsField(datatype: string): string | null {
  switch (datatype) {
    case 'BOOL':
      return 'bool_contents';
    case 'INT8':
    case 'INT16':
    case 'INT32':
      return 'int_contents';
    case 'INT64':
      return 'int64_contents';
    case 'UINT8':
    case 'UINT16':
    case 'UINT32':
      return 'uint_contents';
    case 'UINT64':
      return 'uint64_contents';
    case 'FP64':
      return 'fp64_contents';
    case 'BYTES':
      return 'bytes_contents';
    case 'FP32':
      return 'fp32_contents';
    default:
      return null;
  }
}

/**
 * The JSON bodies the two hand-written model servers, (c) naive and (e) batching, read and write: the
 * v2 JSON request (a flat `data` list per input) and TF Serving's row format (`instances` as nested
 * lists, flattened after JSON.parse as such a server does, the way issue 3's naive server paid about
 * 1 ms per CNN image to flatten). Each keeps the rows a request sent, so that a batching server can
 * join requests and split the answers back.
 */
export interface ServedModelSpec {
  name: string;
  path: string;
  inputName: string;
  instanceShape: number[];
  outputName: string;
}

export interface ModelServerSpec {
  models: ServedModelSpec[];
}

/** One request's input, flattened: `rows` instances of the model's instance shape. */
export interface RequestRows {
  values: Float32Array;
  rows: number;
}

interface V2Request {
  inputs: { name: string; shape: number[]; data: number[] }[];
}

interface TfRequest {
  instances: unknown[];
}

/** The model's one input from a v2 JSON body. */
export function readV2Rows(model: ServedModelSpec, body: Buffer): RequestRows {
  const { inputs } = JSON.parse(body.toString('utf8')) as V2Request;
  const input = inputs.find((candidate) => candidate.name === model.inputName);
  if (input === undefined) throw new Error(`no input named ${model.inputName}`);
  return { values: Float32Array.from(input.data), rows: input.shape[0] };
}

/** The rows of a TF Serving `instances` body. */
export function readTfRows(body: Buffer): RequestRows {
  const { instances } = JSON.parse(body.toString('utf8')) as TfRequest;
  return { values: Float32Array.from(instances.flat(Infinity) as number[]), rows: instances.length };
}

/** The v2 answer for `output` (the rows of one request; `dims` its shape). */
export function v2Answer(model: ServedModelSpec, output: Float32Array, dims: readonly number[]): string {
  return JSON.stringify({
    model_name: model.name,
    model_version: '1',
    outputs: [{ name: model.outputName, datatype: 'FP32', shape: dims, data: Array.from(output) }],
  });
}

/** The TF Serving answer for `output`, `rows` predictions. */
export function tfAnswer(output: Float32Array, rows: number): string {
  const perRow = output.length / rows;
  const data = Array.from(output);
  const predictions = Array.from({ length: rows }, (_, row) => data.slice(row * perRow, (row + 1) * perRow));
  return JSON.stringify({ predictions });
}

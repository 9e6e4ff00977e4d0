/**
 * What the two hand-written model servers, (c) naive and (e) batching, share: their HTTP routes
 * (serveModels) and the JSON bodies they read and write: the
 * v2 JSON request (a flat `data` list per input) and TF Serving's row format (`instances` as nested
 * lists, flattened after JSON.parse as such a server does, the way issue 3's naive server paid about
 * 1 ms per CNN image to flatten). Each keeps the rows a request sent, so that a batching server can
 * join requests and split the answers back.
 */
import { createServer } from 'node:http';
import { listen, readBody, sendJson } from './http-helpers';

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

/** Answers one request's rows: the model's output for them, and its shape. */
export type RowsRunner = (rows: RequestRows) => Promise<{ output: Float32Array; dims: readonly number[] }>;

/**
 * Serves each model's v2 infer and TF Serving predict routes on loopback, reading and answering the
 * JSON bodies above, with the runner `runnerFor` makes for the model; 404 for any other path, 500
 * with the error for a body it cannot read or a run that fails.
 */
export async function serveModels(models: readonly ServedModelSpec[], runnerFor: (model: ServedModelSpec) => Promise<RowsRunner>): Promise<void> {
  const v2Routes = new Map<string, { model: ServedModelSpec; run: RowsRunner }>();
  const tfRoutes = new Map<string, { model: ServedModelSpec; run: RowsRunner }>();
  for (const model of models) {
    const served = { model, run: await runnerFor(model) };
    v2Routes.set(`/v2/models/${model.name}/infer`, served);
    tfRoutes.set(`/v1/models/${model.name}:predict`, served);
  }

  const server = createServer((request, response) => {
    const v2 = v2Routes.get(request.url ?? '');
    const tf = v2 ? undefined : tfRoutes.get(request.url ?? '');
    if (!v2 && !tf) return sendJson(response, 404, '{"error":"unknown model"}');
    readBody(request)
      .then(async (body) => {
        if (v2) {
          const { output, dims } = await v2.run(readV2Rows(v2.model, body));
          sendJson(response, 200, v2Answer(v2.model, output, dims));
        } else {
          const rows = readTfRows(body);
          sendJson(response, 200, tfAnswer((await tf!.run(rows)).output, rows.rows));
        }
      })
      .catch((error: unknown) => sendJson(response, 500, JSON.stringify({ error: String(error) })));
  });
  listen(server);
}

/**
 * Target (c), what a user writes by hand: node:http calling onnxruntime-node once per request, on
 * the main thread, no batching, default session options. It reads the same two JSON bodies as
 * Modelgate's JSON protocols, so that each is compared with a server that had the same parsing to
 * do: the v2 JSON request (a flat `data` list) and TF Serving's row format (`instances` as nested
 * lists, flattened after JSON.parse as such a server does, the way issue 3's naive server paid
 * about 1 ms per CNN image to flatten).
 */
import { createServer, type ServerResponse } from 'node:http';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { listen, readBody, readSpec, sendJson } from './http-helpers';

interface NaiveSpec {
  models: { name: string; path: string; inputName: string; instanceShape: number[]; outputName: string }[];
}

interface V2Request {
  inputs: { name: string; shape: number[]; data: number[] }[];
}

interface TfRequest {
  instances: unknown[];
}

interface Served {
  name: string;
  session: InferenceSession;
  inputName: string;
  instanceShape: number[];
  outputName: string;
}

async function main(): Promise<void> {
  const { models } = readSpec<NaiveSpec>();
  const v2Routes = new Map<string, Served>();
  const tfRoutes = new Map<string, Served>();
  for (const model of models) {
    const served = { ...model, session: await InferenceSession.create(model.path) };
    v2Routes.set(`/v2/models/${model.name}/infer`, served);
    tfRoutes.set(`/v1/models/${model.name}:predict`, served);
  }

  const server = createServer((request, response) => {
    const v2 = v2Routes.get(request.url ?? '');
    const tf = v2 ? undefined : tfRoutes.get(request.url ?? '');
    if (!v2 && !tf) return sendJson(response, 404, '{"error":"unknown model"}');
    readBody(request)
      .then((body) => (v2 ? answerV2(v2, body, response) : answerTf(tf!, body, response)))
      .catch((error: unknown) => sendJson(response, 500, JSON.stringify({ error: String(error) })));
  });
  listen(server);
}

async function answerV2(served: Served, body: Buffer, response: ServerResponse): Promise<void> {
  const { inputs } = JSON.parse(body.toString('utf8')) as V2Request;
  const feeds: Record<string, Tensor> = {};
  for (const input of inputs) feeds[input.name] = new Tensor('float32', Float32Array.from(input.data), input.shape);
  const output = (await served.session.run(feeds))[served.outputName];
  sendJson(
    response,
    200,
    JSON.stringify({
      model_name: served.name,
      model_version: '1',
      outputs: [{ name: served.outputName, datatype: 'FP32', shape: output.dims, data: Array.from(output.data as Float32Array) }],
    }),
  );
}

async function answerTf(served: Served, body: Buffer, response: ServerResponse): Promise<void> {
  const { instances } = JSON.parse(body.toString('utf8')) as TfRequest;
  const values = Float32Array.from(instances.flat(Infinity) as number[]);
  const feeds = { [served.inputName]: new Tensor('float32', values, [instances.length, ...served.instanceShape]) };
  const output = (await served.session.run(feeds))[served.outputName];
  const perRow = output.data.length / instances.length;
  const data = Array.from(output.data as Float32Array);
  const predictions = Array.from({ length: instances.length }, (_, row) => data.slice(row * perRow, (row + 1) * perRow));
  sendJson(response, 200, JSON.stringify({ predictions }));
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});

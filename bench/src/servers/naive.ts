/**
 * Target (c), what a user writes by hand: node:http calling onnxruntime-node once per request, on
 * the main thread, no batching, default session options. Speaks the v2 JSON request and answer.
 */
import { createServer } from 'node:http';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { listen, readBody, readSpec, sendJson } from './http-helpers';

interface NaiveSpec {
  models: { name: string; path: string; outputName: string }[];
}

interface V2Request {
  inputs: { name: string; shape: number[]; data: number[] }[];
}

async function main(): Promise<void> {
  const { models } = readSpec<NaiveSpec>();
  const sessions = new Map<string, { session: InferenceSession; outputName: string }>();
  for (const model of models) {
    sessions.set(`/v2/models/${model.name}/infer`, { session: await InferenceSession.create(model.path), outputName: model.outputName });
  }

  const server = createServer((request, response) => {
    const served = sessions.get(request.url ?? '');
    if (!served) return sendJson(response, 404, '{"error":"unknown model"}');
    readBody(request)
      .then(async (body) => {
        const { inputs } = JSON.parse(body.toString('utf8')) as V2Request;
        const feeds: Record<string, Tensor> = {};
        for (const input of inputs) feeds[input.name] = new Tensor('float32', Float32Array.from(input.data), input.shape);
        const results = await served.session.run(feeds);
        const output = results[served.outputName];
        const name = request.url?.split('/')[3];
        sendJson(
          response,
          200,
          JSON.stringify({
            model_name: name,
            model_version: '1',
            outputs: [{ name: served.outputName, datatype: 'FP32', shape: output.dims, data: Array.from(output.data as Float32Array) }],
          }),
        );
      })
      .catch((error: unknown) => sendJson(response, 500, JSON.stringify({ error: String(error) })));
  });
  listen(server);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});

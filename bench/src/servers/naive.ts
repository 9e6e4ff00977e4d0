/**
 * Target (c), what a user writes by hand: node:http calling onnxruntime-node once per request, on
 * the main thread, no batching, default session options. It reads the same two JSON bodies as
 * Modelgate's JSON protocols (json-bodies.ts), so that each is compared with a server that had the
 * same parsing to do.
 */
import { createServer } from 'node:http';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { listen, readBody, readSpec, sendJson } from './http-helpers';
import { type ModelServerSpec, readTfRows, readV2Rows, type RequestRows, type ServedModelSpec, tfAnswer, v2Answer } from './json-bodies';

interface Served extends ServedModelSpec {
  session: InferenceSession;
}

async function main(): Promise<void> {
  const { models } = readSpec<ModelServerSpec>();
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
      .then(async (body) => {
        if (v2) {
          const { output, dims } = await run(v2, readV2Rows(v2, body));
          sendJson(response, 200, v2Answer(v2, output, dims));
        } else {
          const rows = readTfRows(body);
          sendJson(response, 200, tfAnswer((await run(tf!, rows)).output, rows.rows));
        }
      })
      .catch((error: unknown) => sendJson(response, 500, JSON.stringify({ error: String(error) })));
  });
  listen(server);
}

async function run(served: Served, { values, rows }: RequestRows): Promise<{ output: Float32Array; dims: readonly number[] }> {
  const feeds = { [served.inputName]: new Tensor('float32', values, [rows, ...served.instanceShape]) };
  const output = (await served.session.run(feeds))[served.outputName];
  return { output: output.data as Float32Array, dims: output.dims };
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});

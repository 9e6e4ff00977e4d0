/**
 * Target (e), a hand-written batching server: the naive server's node:http and JSON (model-routes.ts),
 * with the requests of each model joined into one run (batcher.ts) on a worker thread of its own,
 * which runs onnxruntime-node with default session options. Inputs and outputs cross to the worker as
 * transferred Float32Arrays. It has none of Modelgate's features (auth, routing, rollout, limits,
 * deadlines, telemetry), so Modelgate against it is what those features and its general engine cost.
 * Opt-in: --targets=...,batching.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { Batcher, type BatchRunner } from './batcher';
import { readSpec } from './http-helpers';
import { type ModelServerSpec, type ServedModelSpec, serveModels } from './model-routes';
import { runMain } from './run-main';

interface RunMessage {
  id: number;
  values: Float32Array;
  rows: number;
}

type RunReply = { id: number; output: Float32Array; rowShape: number[] } | { id: number; error: string };

if (isMainThread) {
  runMain(main);
} else {
  void runWorker(workerData as ServedModelSpec);
}

function main(): Promise<void> {
  return serveModels(readSpec<ModelServerSpec>().models, async (model) => {
    const batcher = new Batcher(await startEngine(model), model.instanceShape.reduce((a, b) => a * b, 1));
    return (rows) => batcher.add(rows);
  });
}

/** A worker thread with the model loaded, as a BatchRunner. */
async function startEngine(model: ServedModelSpec): Promise<BatchRunner> {
  const worker = new Worker(__filename, { workerData: model });
  const pending = new Map<number, { resolve: (value: { output: Float32Array; rowShape: number[] }) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
  });
  worker.on('message', (reply: RunReply) => {
    const waiting = pending.get(reply.id);
    pending.delete(reply.id);
    if ('error' in reply) waiting?.reject(new Error(reply.error));
    else waiting?.resolve(reply);
  });
  worker.on('error', (error) => {
    process.stderr.write(`the ${model.name} worker failed: ${error.stack ?? String(error)}\n`);
    process.exit(1);
  });
  return (values, rows) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, values, rows } satisfies RunMessage, [values.buffer as ArrayBuffer]);
    });
}

async function runWorker(model: ServedModelSpec): Promise<void> {
  const port = parentPort!;
  const session = await InferenceSession.create(model.path);
  port.on('message', ({ id, values, rows }: RunMessage) => {
    session.run({ [model.inputName]: new Tensor('float32', values, [rows, ...model.instanceShape]) }).then(
      (outputs) => {
        const output = outputs[model.outputName];
        const data = output.data as Float32Array;
        port.postMessage({ id, output: data, rowShape: output.dims.slice(1) } satisfies RunReply, [data.buffer as ArrayBuffer]);
      },
      (error: unknown) => port.postMessage({ id, error: String(error) } satisfies RunReply),
    );
  });
  port.postMessage('ready');
}

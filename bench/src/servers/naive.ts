/**
 * Target (c), what a user writes by hand: node:http calling onnxruntime-node once per request, on
 * the main thread, no batching, default session options. It reads the same two JSON bodies as
 * Modelgate's JSON protocols (model-routes.ts), so that each is compared with a server that had the
 * same parsing to do.
 */
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { readSpec } from './http-helpers';
import { type ModelServerSpec, serveModels } from './model-routes';
import { runMain } from './run-main';

runMain(() =>
  serveModels(readSpec<ModelServerSpec>().models, async (model) => {
    const session = await InferenceSession.create(model.path);
    return async ({ values, rows }) => {
      const output = (await session.run({ [model.inputName]: new Tensor('float32', values, [rows, ...model.instanceShape]) }))[model.outputName];
      return { output: output.data as Float32Array, dims: output.dims };
    };
  }),
);

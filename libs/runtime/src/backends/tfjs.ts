/**
 * TensorFlow.js models: graph models and layers models from a folder with model.json and its
 * weight shards, and TensorFlow SavedModels where the native TensorFlow backend is installed.
 */
import type { Tensor as TfTensor } from '@tensorflow/tfjs-core';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import { ModelLoadError, RuntimeError } from '../errors';
import type { ModelFormat } from '../signature';
import type { Backend, LoadOptions, Session } from './backend';
import { type SavedModelTensorInfo, type TfjsEngine, tfjsEngine } from './tfjs-engine';
import {
  type ModelJson,
  type TfjsModelFormat,
  fileSystemHandler,
  findModelRoot,
  formatOfModelJson,
  readModelJson,
} from './tfjs-model-files';
import { type TfjsModelRunner, TfjsSession, completeSignature } from './tfjs-session';
import { datatypeOf, graphSignature, layersSignature } from './tfjs-signature';

export { detectTfjsFormat, findModelRoot, type TfjsModelFormat } from './tfjs-model-files';
export { tfjsEngine, type TfjsEngine } from './tfjs-engine';

export const SAVED_MODEL_NEEDS_NATIVE_TF =
  'TensorFlow SavedModel needs the native TensorFlow backend (@tensorflow/tfjs-node), which is not installed ' +
  'on this server. Convert the model: `tensorflowjs_converter --input_format=tf_saved_model ' +
  '--output_format=tfjs_graph_model <saved_model_dir> <out_dir>` and upload the out_dir as a .zip/.tar.gz, ' +
  'or export it to ONNX with `python -m tf2onnx.convert --saved-model <dir> --output model.onnx`.';

const FORMAT_NAMES: Record<TfjsModelFormat, string> = {
  'tfjs-graph': 'TF.js graph model',
  'tfjs-layers': 'TF.js layers model',
  'tf-savedmodel': 'TensorFlow SavedModel',
};

export class TfjsBackend implements Backend {
  readonly formats: readonly ModelFormat[] = ['tfjs-graph', 'tfjs-layers', 'tf-savedmodel'];

  async load(format: ModelFormat, artifactPath: string, options: LoadOptions): Promise<Session> {
    if (format === 'onnx') throw new ModelLoadError('the TF.js backend does not load ONNX models');
    const root = await findModelRoot(artifactPath);
    if (root === undefined) {
      const expected = format === 'tf-savedmodel' ? 'saved_model.pb' : 'model.json';
      throw new ModelLoadError(
        `no ${expected} found: it must be at the root of the archive or inside a single top-level folder`,
      );
    }
    const engine = await tfjsEngine(options);
    if (format === 'tf-savedmodel') return loadSavedModel(engine, root);

    const json = await readModelJson(root);
    const actual = formatOfModelJson(json);
    if (actual !== format) {
      throw new ModelLoadError(`model.json holds a ${FORMAT_NAMES[actual]}, not a ${FORMAT_NAMES[format]}`);
    }
    return actual === 'tfjs-graph' ? loadGraphModel(engine, root, json) : loadLayersModel(engine, root, json);
  }
}

async function loadGraphModel(engine: TfjsEngine, root: string, json: ModelJson): Promise<Session> {
  const draft = graphSignature(json);
  const model = await loading('graph', () => engine.loadGraphModel(fileSystemHandler(root, json)));
  const runner = graphRunner(engine, model);
  try {
    return new TfjsSession(engine, await completeSignature(engine, draft, runner), runner);
  } catch (error) {
    runner.dispose();
    throw error;
  }
}

/** `execute` where the graph allows it (faster); `executeAsync` once it asks for it (control flow, dynamic shapes). */
function graphRunner(engine: TfjsEngine, model: GraphModel): TfjsModelRunner {
  let needsAsync = false;
  return {
    async execute(feeds, outputs) {
      const names = outputs.map((output) => output.tensorName);
      if (!needsAsync) {
        try {
          return asArray(engine.tf.tidy(() => model.execute(feeds, names)));
        } catch (error) {
          if (!String((error as Error).message).includes('executeAsync')) throw error;
          needsAsync = true;
        }
      }
      return asArray(await model.executeAsync(feeds, names));
    },
    dispose: () => model.dispose(),
  };
}

async function loadLayersModel(engine: TfjsEngine, root: string, json: ModelJson): Promise<Session> {
  const model = await loading('layers', () => engine.loadLayersModel(fileSystemHandler(root, json)));
  try {
    const signature = layersSignature(model);
    const runner: TfjsModelRunner = {
      // The bindings follow model.inputNames, the order predictOnBatch takes them in.
      execute: async (feeds) =>
        asArray(engine.tf.tidy(() => model.predictOnBatch(signature.inputs.map((input) => feeds[input.tensorName])))),
      dispose: () => model.dispose(),
    };
    return new TfjsSession(engine, signature, runner);
  } catch (error) {
    model.dispose();
    throw error;
  }
}

async function loadSavedModel(engine: TfjsEngine, root: string): Promise<Session> {
  if (engine.loadSavedModel === undefined) throw new ModelLoadError(SAVED_MODEL_NEEDS_NATIVE_TF);
  const loadSavedModelFrom = engine.loadSavedModel;
  const model = await loading('SavedModel', () => loadSavedModelFrom(root));
  try {
    // tfjs-node feeds and fetches SavedModel tensors by their signature keys.
    const bindings = (entries: Record<string, SavedModelTensorInfo>) =>
      Object.entries(entries).map(([key, info]) => ({
        name: key,
        tensorName: key,
        shape: (info.shape ?? []).map(dimensionSize),
        ...datatypeOf(info.dtype, key),
      }));
    const runner: TfjsModelRunner = {
      execute: async (feeds, outputs) => {
        const result = model.predict(feeds);
        if (Array.isArray(result)) return result;
        if (isTensor(result)) return [result];
        return outputs.map((output) => result[output.tensorName]);
      },
      dispose: () => model.dispose(),
    };
    const { inputs, outputs } = model.signature;
    return new TfjsSession(engine, { inputs: bindings(inputs), outputs: bindings(outputs) }, runner);
  } catch (error) {
    model.dispose();
    throw error;
  }
}

/** A size, or a protobuf Dim message (`getSize()`); -1 (free) when unknown. */
function dimensionSize(dim: unknown): number {
  const size = typeof dim === 'object' && dim !== null ? (dim as { getSize?: () => number }).getSize?.() : dim;
  return typeof size === 'number' && size >= 0 ? size : -1;
}

async function loading<T>(kind: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (error instanceof RuntimeError) throw error;
    throw new ModelLoadError(`TF.js could not load the ${kind} model: ${(error as Error).message ?? String(error)}`);
  }
}

function asArray(result: TfTensor | TfTensor[]): TfTensor[] {
  return Array.isArray(result) ? result : [result];
}

function isTensor(value: unknown): value is TfTensor {
  return typeof (value as TfTensor).dataSync === 'function';
}

/**
 * Which TensorFlow.js backend this process computes with, chosen once (at the first load) and
 * kept: TF.js has one active backend per JS realm, and each worker thread is its own realm.
 * Best first: the native TensorFlow bindings (optional dependencies that may be missing or fail
 * to load), then WebAssembly (always installed), then plain JS.
 */
import { dirname } from 'node:path';
import * as tfCore from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfWasm from '@tensorflow/tfjs-backend-wasm';
import * as tfConverter from '@tensorflow/tfjs-converter';
import * as tfLayers from '@tensorflow/tfjs-layers';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { Device } from './backend';

export type TfjsCore = typeof tfCore;

/** A tensor of a SavedModel SignatureDef, as tfjs-node's getMetaGraphsFromSavedModel describes it. */
export interface SavedModelTensorInfo {
  /** The graph tensor, e.g. `serving_default_x:0`. */
  name: string;
  /** A TF.js dtype (`float32`, `int32`, `bool`, `string`). */
  dtype: string;
  /** Sizes, or protobuf Dim messages in some tfjs-node versions. */
  shape?: unknown[];
}

/** A SavedModel's `serving_default` signature, loaded by tfjs-node; tensors are named by signature key. */
export interface NativeSavedModel {
  readonly signature: {
    inputs: Record<string, SavedModelTensorInfo>;
    outputs: Record<string, SavedModelTensorInfo>;
  };
  predict(inputs: tfCore.NamedTensorMap): tfCore.Tensor | tfCore.Tensor[] | tfCore.NamedTensorMap;
  dispose(): void;
}

export type TfjsBackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';

export interface TfjsEngine {
  readonly tf: TfjsCore;
  readonly backend: TfjsBackendName;
  /** For Session.engine, e.g. `tfjs 4.22.0 (wasm)`. */
  readonly description: string;
  /** Why each better backend was passed over, for the logs. */
  readonly skipped: readonly string[];
  loadGraphModel(handler: tfCore.io.IOHandler): Promise<GraphModel>;
  loadLayersModel(handler: tfCore.io.IOHandler): Promise<LayersModel>;
  /** Only the native backends can run a TensorFlow SavedModel. */
  loadSavedModel?(folder: string): Promise<NativeSavedModel>;
}

export interface TfjsEngineOptions {
  device: Device;
  intraOpThreads: number;
}

let selected: Promise<TfjsEngine> | undefined;

/**
 * The engine of this process (or worker thread), selected on the first call; later calls get the
 * same one whatever their options, since TF.js cannot run two backends side by side.
 */
export function tfjsEngine(options: TfjsEngineOptions): Promise<TfjsEngine> {
  return (selected ??= selectEngine(options));
}

async function selectEngine(options: TfjsEngineOptions): Promise<TfjsEngine> {
  const skipped: string[] = [];
  const attempts: [TfjsBackendName, () => Promise<TfjsEngine | string>][] = [
    ['tensorflow-gpu', () => nativeEngine('@tensorflow/tfjs-node-gpu', 'tensorflow-gpu', options, skipped)],
    ['tensorflow', () => nativeEngine('@tensorflow/tfjs-node', 'tensorflow', options, skipped)],
    ['wasm', () => wasmEngine(options, skipped)],
  ];
  for (const [name, attempt] of attempts) {
    if (name === 'tensorflow-gpu' && !options.device.startsWith('gpu:')) continue;
    const engine = await attempt();
    if (typeof engine !== 'string') return engine;
    skipped.push(`${name}: ${engine}`);
  }
  await tfCore.setBackend('cpu');
  return jsEngine('cpu', skipped);
}

/**
 * tfjs-node(-gpu) brings the whole `@tensorflow/tfjs` namespace; its own converter, layers and
 * core are used together, so nothing depends on npm having deduplicated them with ours.
 * `require` (not import) so that a missing optional package is an ordinary caught error.
 */
async function nativeEngine(
  packageName: string,
  backend: 'tensorflow' | 'tensorflow-gpu',
  options: TfjsEngineOptions,
  skipped: string[],
): Promise<TfjsEngine | string> {
  try {
    require.resolve(packageName);
  } catch {
    return 'not installed';
  }
  // libtensorflow reads its thread pool size from the environment when it starts. Inside a worker
  // thread process.env is a copy, so this only takes effect when the variable reaches the C
  // environment (main thread, or workers started with SHARE_ENV).
  process.env.TF_NUM_INTRAOP_THREADS ??= String(options.intraOpThreads);
  let native: NativeTfjs;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional: may be missing or fail to load
    native = require(packageName) as NativeTfjs;
    if (!(await native.setBackend('tensorflow'))) return 'the tensorflow backend did not initialize';
    await native.ready();
  } catch (error) {
    return firstLine(error);
  }
  // tfjs-node-gpu takes the GPUs CUDA_VISIBLE_DEVICES shows it; the pool pins a device that way.
  return {
    tf: native,
    backend,
    description: `tfjs ${native.version_core} (${backend})`,
    skipped,
    loadGraphModel: (handler) => native.loadGraphModel(handler),
    loadLayersModel: (handler) => native.loadLayersModel(handler),
    loadSavedModel: (folder) => loadNativeSavedModel(native, folder),
  };
}

/**
 * The signature comes from the MetaGraphs, not from TFSavedModel.inputs/outputs: several tfjs-node
 * releases throw "not available yet" there.
 */
async function loadNativeSavedModel(native: NativeTfjs, folder: string): Promise<NativeSavedModel> {
  const metaGraphs = await native.node.getMetaGraphsFromSavedModel(folder);
  const serving = metaGraphs.find((metaGraph) => metaGraph.tags.includes('serve'));
  const signature = serving?.signatureDefs[SERVING_SIGNATURE];
  if (serving === undefined || signature === undefined) {
    throw new Error(`the SavedModel has no MetaGraph tagged 'serve' with a '${SERVING_SIGNATURE}' signature`);
  }
  const model = await native.node.loadSavedModel(folder, serving.tags, SERVING_SIGNATURE);
  return { signature, predict: (inputs) => model.predict(inputs), dispose: () => model.dispose() };
}

const SERVING_SIGNATURE = 'serving_default';

type NativeTfjs = TfjsCore & {
  loadGraphModel: typeof tfConverter.loadGraphModel;
  loadLayersModel: typeof tfLayers.loadLayersModel;
  node: {
    getMetaGraphsFromSavedModel(path: string): Promise<
      { tags: string[]; signatureDefs: Record<string, NativeSavedModel['signature']> }[]
    >;
    loadSavedModel(path: string, tags: string[], signature: string): Promise<Omit<NativeSavedModel, 'signature'>>;
  };
};

async function wasmEngine(options: TfjsEngineOptions, skipped: string[]): Promise<TfjsEngine | string> {
  try {
    // Emscripten's default folder for the .wasm files is the __dirname of the JS that loads them,
    // right only while the package runs from its own folder (not once bundled). Resolving a .wasm
    // file through Node's module resolution names the folder wherever the code runs, worker
    // threads included; Node then reads the file with fs (no fetch).
    const wasmFolder = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
    tfWasm.setWasmPaths(`${wasmFolder}/`);
    // tfjs 4.22 never enables WebAssembly threads under Node (WASM_HAS_MULTITHREAD_SUPPORT is
    // false there, tensorflow/tfjs#3830), so intraOpThreads only applies where threads exist.
    if (await tfCore.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) tfWasm.setThreadsCount(options.intraOpThreads);
    if (!(await tfCore.setBackend('wasm'))) return 'the WebAssembly backend did not initialize';
    await tfCore.ready();
  } catch (error) {
    return firstLine(error);
  }
  return jsEngine('wasm', skipped);
}

function jsEngine(backend: 'wasm' | 'cpu', skipped: string[]): TfjsEngine {
  return {
    tf: tfCore,
    backend,
    description: `tfjs ${tfCore.version_core} (${backend})`,
    skipped,
    loadGraphModel: (handler) => tfConverter.loadGraphModel(handler),
    loadLayersModel: (handler) => tfLayers.loadLayersModel(handler),
  };
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String((error as { message?: unknown })?.message ?? error);
  return message.split('\n')[0];
}

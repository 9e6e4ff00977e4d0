/**
 * A TF.js model or SavedModel as the registry stores it: a folder extracted from the uploaded
 * archive, with model.json (or saved_model.pb) at its root or inside one top-level folder.
 */
import { lstat, readFile, readdir, realpath, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { io } from '@tensorflow/tfjs-core';
import { ModelLoadError } from '../errors';

export const MODEL_JSON = 'model.json';
export const SAVED_MODEL_PB = 'saved_model.pb';

export type TfjsModelFormat = 'tfjs-graph' | 'tfjs-layers' | 'tf-savedmodel';

/** model.json as the TF.js converters write it; every field is checked before use. */
export interface ModelJson {
  format?: unknown;
  generatedBy?: unknown;
  convertedBy?: unknown;
  modelTopology?: unknown;
  weightsManifest?: unknown;
  signature?: unknown;
  userDefinedMetadata?: unknown;
  [field: string]: unknown;
}

/**
 * The folder that holds model.json or saved_model.pb: `folder` itself, or its only subfolder
 * (archives often wrap the model in one). Archive clutter such as `__MACOSX/` or `.DS_Store` is
 * ignored. A path to a model.json file is accepted too. Undefined when neither file is found.
 */
export async function findModelRoot(folder: string): Promise<string | undefined> {
  const stats = await lstat(folder).catch(() => undefined);
  if (stats?.isFile() && basename(folder) === MODEL_JSON) return dirname(folder);
  if (!stats?.isDirectory()) return undefined;
  if (await holdsModel(folder)) return folder;

  const entries = (await readdir(folder, { withFileTypes: true })).filter(
    (entry) => !entry.name.startsWith('.') && entry.name !== '__MACOSX',
  );
  // lstat-based Dirent: a symlink to a folder is not followed.
  if (entries.length === 1 && entries[0].isDirectory()) {
    const nested = join(folder, entries[0].name);
    if (await holdsModel(nested)) return nested;
  }
  return undefined;
}

/**
 * Which TF format an extracted archive holds, or undefined when it has neither model.json nor
 * saved_model.pb. A model.json that cannot be read or recognized throws ModelLoadError with the
 * reason, since "not a model" would hide what is actually wrong with it.
 */
export async function detectTfjsFormat(folder: string): Promise<TfjsModelFormat | undefined> {
  const root = await findModelRoot(folder);
  if (root === undefined) return undefined;
  if (await isFile(join(root, MODEL_JSON))) return formatOfModelJson(await readModelJson(root));
  return 'tf-savedmodel';
}

export async function readModelJson(root: string): Promise<ModelJson> {
  let text: string;
  try {
    text = await readFile(join(root, MODEL_JSON), 'utf8');
  } catch (error) {
    throw new ModelLoadError(`model.json cannot be read: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ModelLoadError(`model.json is not valid JSON: ${(error as Error).message}`);
  }
  if (!isObject(json)) throw new ModelLoadError('model.json must hold a JSON object');
  if (!isObject(json.modelTopology)) {
    throw new ModelLoadError('model.json has no modelTopology object: it is not a TF.js model');
  }
  return json;
}

/**
 * 'graph-model' or 'layers-model' from the `format` field; older converters leave it out, and
 * then the topology tells: Keras JSON (`class_name`/`config`, or `model_config` from the Keras
 * HDF5 converter) is a layers model, a GraphDef (`node`) a graph model.
 */
export function formatOfModelJson(json: ModelJson): 'tfjs-graph' | 'tfjs-layers' {
  if (json.format === 'graph-model') return 'tfjs-graph';
  if (json.format === 'layers-model') return 'tfjs-layers';
  const topology = isObject(json.modelTopology) ? json.modelTopology : {};
  if ('class_name' in topology || 'model_config' in topology) return 'tfjs-layers';
  if (Array.isArray(topology.node)) return 'tfjs-graph';
  throw new ModelLoadError(
    `model.json is neither a TF.js graph model nor a layers model (format: ${JSON.stringify(json.format ?? null)}, ` +
      'and modelTopology has neither "node" nor "class_name")',
  );
}

/**
 * A TF.js IOHandler over the folder: model.json plus the weight shards that its weightsManifest
 * lists (paths relative to model.json, which must stay inside the folder).
 */
export function fileSystemHandler(root: string, json: ModelJson): io.IOHandler {
  return {
    load: async () => {
      const { weightSpecs, weightData } = await readWeights(root, json.weightsManifest);
      return {
        modelTopology: json.modelTopology as io.ModelArtifacts['modelTopology'],
        format: optionalString(json.format),
        generatedBy: optionalString(json.generatedBy),
        convertedBy: optionalString(json.convertedBy),
        weightSpecs,
        weightData,
        signature: isObject(json.signature) ? json.signature : undefined,
        userDefinedMetadata: isObject(json.userDefinedMetadata)
          ? (json.userDefinedMetadata as io.ModelArtifacts['userDefinedMetadata'])
          : undefined,
        modelInitializer: isObject(json.modelInitializer) ? json.modelInitializer : undefined,
        initializerSignature: isObject(json.initializerSignature) ? json.initializerSignature : undefined,
        trainingConfig: isObject(json.trainingConfig)
          ? (json.trainingConfig as unknown as io.ModelArtifacts['trainingConfig'])
          : undefined,
      };
    },
  };
}

async function readWeights(
  root: string,
  manifest: unknown,
): Promise<{ weightSpecs: io.WeightsManifestEntry[]; weightData: ArrayBuffer }> {
  if (manifest === undefined) return { weightSpecs: [], weightData: new ArrayBuffer(0) };
  if (!Array.isArray(manifest)) throw new ModelLoadError('model.json weightsManifest must be a list of weight groups');
  const weightSpecs: io.WeightsManifestEntry[] = [];
  const shards: Buffer[] = [];
  for (const group of manifest as unknown[]) {
    if (!isObject(group) || !isStringArray(group.paths) || !Array.isArray(group.weights)) {
      throw new ModelLoadError('model.json weightsManifest groups need "paths" (file names) and "weights" (specs)');
    }
    weightSpecs.push(...(group.weights as io.WeightsManifestEntry[]));
    for (const path of group.paths) shards.push(await readShard(root, path));
  }
  const joined = Buffer.concat(shards);
  return {
    weightSpecs,
    weightData: joined.buffer.slice(joined.byteOffset, joined.byteOffset + joined.byteLength) as ArrayBuffer,
  };
}

async function readShard(root: string, path: string): Promise<Buffer> {
  const location = resolve(root, path);
  if (isAbsolute(path) || escapes(root, location)) {
    throw new ModelLoadError(`weight file ${path} listed in model.json is outside the model folder`);
  }
  if (!(await stat(location).catch(() => undefined))?.isFile()) {
    throw new ModelLoadError(`weight file ${path} listed in model.json is missing`);
  }
  // A symlink inside the folder must not lead out of it either.
  if (escapes(await realpath(root), await realpath(location))) {
    throw new ModelLoadError(`weight file ${path} listed in model.json is outside the model folder`);
  }
  return readFile(location);
}

function escapes(root: string, location: string): boolean {
  const path = relative(root, location);
  return path === '' || path === '..' || path.startsWith(`..${sep}`) || isAbsolute(path);
}

async function holdsModel(folder: string): Promise<boolean> {
  return (await isFile(join(folder, MODEL_JSON))) || (await isFile(join(folder, SAVED_MODEL_PB)));
}

async function isFile(path: string): Promise<boolean> {
  return (await lstat(path).catch(() => undefined))?.isFile() ?? false;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * The signature of a TF.js model, whichever converter wrote it: the SignatureDef that newer
 * converters put in model.json (top level or under userDefinedMetadata), else the graph itself
 * (Placeholders in, unconsumed nodes out), or the inputs and outputs of a layers model.
 *
 * Datatypes: a signature declares what the model was trained with, even where TF.js computes in a
 * narrower type, so that clients send what they would send to TF Serving:
 * - DT_INT64 / DT_UINT64 / DT_UINT32 are declared INT64 / UINT64 / UINT32 and computed as int32;
 *   a value that does not fit int32 is refused (InputValidationError), never wrapped.
 * - DT_INT8 / DT_INT16 / DT_UINT8 / DT_UINT16 are declared as such and widened to int32 (lossless).
 * - DT_DOUBLE is declared FP64 and computed as float32 (TF.js has no float64): precision drops to
 *   float32, and a finite value beyond float32's range is refused.
 * - DT_HALF / DT_BFLOAT16 are declared FP32: TF.js computes them as float32 anyway, and FP32 is
 *   easier for clients than half-precision bit patterns.
 * - DT_STRING is BYTES; DT_BOOL is BOOL. Outputs convert back to the declared datatype.
 */
import type { LayersModel, SymbolicTensor } from '@tensorflow/tfjs-layers';
import { ModelLoadError } from '../errors';
import type { TensorSpec } from '../signature';
import type { DataType } from '../tensor';
import { type ModelJson, isObject } from './tfjs-model-files';

/** What TF.js computes with. */
export type TfjsDtype = 'float32' | 'int32' | 'bool' | 'string';

/** A signature entry, and how to feed or fetch it in TF.js. */
export interface TfjsTensorBinding extends TensorSpec {
  /** Graph tensor ('x:0' or a node name), layer name, or SavedModel signature key. */
  tensorName: string;
  tfDtype: TfjsDtype;
}

/** A graph output's shape is undefined until a run measures it (see `measureOutputShapes`). */
export type TfjsBindingDraft = Omit<TfjsTensorBinding, 'shape'> & { shape: number[] | undefined };

export interface TfjsSignature {
  inputs: TfjsTensorBinding[];
  outputs: TfjsTensorBinding[];
}

export interface TfjsSignatureDraft {
  inputs: TfjsTensorBinding[];
  outputs: TfjsBindingDraft[];
}

const DTYPES: Readonly<Record<string, { datatype: DataType; tfDtype: TfjsDtype }>> = {
  DT_FLOAT: { datatype: 'FP32', tfDtype: 'float32' },
  DT_DOUBLE: { datatype: 'FP64', tfDtype: 'float32' },
  DT_HALF: { datatype: 'FP32', tfDtype: 'float32' },
  DT_BFLOAT16: { datatype: 'FP32', tfDtype: 'float32' },
  DT_INT32: { datatype: 'INT32', tfDtype: 'int32' },
  DT_INT64: { datatype: 'INT64', tfDtype: 'int32' },
  DT_INT16: { datatype: 'INT16', tfDtype: 'int32' },
  DT_INT8: { datatype: 'INT8', tfDtype: 'int32' },
  DT_UINT8: { datatype: 'UINT8', tfDtype: 'int32' },
  DT_UINT16: { datatype: 'UINT16', tfDtype: 'int32' },
  DT_UINT32: { datatype: 'UINT32', tfDtype: 'int32' },
  DT_UINT64: { datatype: 'UINT64', tfDtype: 'int32' },
  DT_BOOL: { datatype: 'BOOL', tfDtype: 'bool' },
  DT_STRING: { datatype: 'BYTES', tfDtype: 'string' },
  // TF.js's own names, used by layers models and tfjs-node's SavedModel info.
  float32: { datatype: 'FP32', tfDtype: 'float32' },
  int32: { datatype: 'INT32', tfDtype: 'int32' },
  bool: { datatype: 'BOOL', tfDtype: 'bool' },
  string: { datatype: 'BYTES', tfDtype: 'string' },
};

/** Maps a TF (`DT_FLOAT`) or TF.js (`float32`) dtype; ModelLoadError for one Modelgate cannot serve. */
export function datatypeOf(dtype: unknown, tensor: string): { datatype: DataType; tfDtype: TfjsDtype } {
  const mapped = typeof dtype === 'string' ? DTYPES[dtype] : undefined;
  if (mapped === undefined) {
    throw new ModelLoadError(`tensor '${tensor}' has dtype ${String(dtype)}, which TF.js models cannot be served with`);
  }
  return mapped;
}

/** The graph model's signature, preferring the one the converter recorded. */
export function graphSignature(json: ModelJson): TfjsSignatureDraft {
  // The same precedence as tfjs-converter's GraphModel: userDefinedMetadata.signature wins.
  const metadata = isObject(json.userDefinedMetadata) ? json.userDefinedMetadata : {};
  const signatureDef = isObject(metadata.signature) ? metadata.signature : json.signature;
  const nodes = graphNodes(json);
  if (isObject(signatureDef) && isObject(signatureDef.inputs) && isObject(signatureDef.outputs)) {
    return signatureFromSignatureDef(signatureDef.inputs, signatureDef.outputs, nodes);
  }
  return signatureFromGraph(nodes);
}

/**
 * The inputs and outputs of a loaded layers model, named by their layers (as Keras names them in
 * TF Serving signatures); null dimensions are free. `sourceLayer` rather than `inputNames`, which a
 * Sequential model only fills in once built.
 */
export function layersSignature(model: LayersModel): TfjsSignature {
  const binding = (tensor: SymbolicTensor): TfjsTensorBinding => {
    const name = tensor.sourceLayer.name;
    return { name, tensorName: name, shape: tensor.shape.map((dim) => dim ?? -1), ...datatypeOf(tensor.dtype, name) };
  };
  return { inputs: model.inputs.map(binding), outputs: model.outputs.map(binding) };
}

interface GraphNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, { type?: string; shape?: TensorShapeJson }>;
}

interface TensorShapeJson {
  dim?: { size?: string | number }[];
  unknownRank?: boolean;
}

interface TensorInfoJson {
  name?: string;
  dtype?: string;
  tensorShape?: TensorShapeJson;
  /** Set on captured resources (e.g. hash tables), which TF.js feeds itself. */
  resourceId?: unknown;
}

function graphNodes(json: ModelJson): GraphNode[] {
  const topology = json.modelTopology as { node?: unknown };
  if (!Array.isArray(topology.node)) throw new ModelLoadError('model.json modelTopology has no "node" list');
  return topology.node.filter(
    (node): node is GraphNode => isObject(node) && typeof node.name === 'string' && typeof node.op === 'string',
  );
}

function signatureFromSignatureDef(
  inputs: Record<string, unknown>,
  outputs: Record<string, unknown>,
  nodes: GraphNode[],
): TfjsSignatureDraft {
  const byName = new Map(nodes.map((node) => [node.name, node]));
  const entries = (map: Record<string, unknown>) =>
    Object.entries(map).filter((entry): entry is [string, TensorInfoJson] => isObject(entry[1]));
  return {
    inputs: entries(inputs)
      .filter(([, info]) => info.resourceId === undefined)
      .map(([key, info]) => {
        const tensorName = info.name ?? key;
        // A signature without shapes still has the Placeholder's.
        const shape = shapeOf(info.tensorShape) ?? shapeOf(byName.get(nodeNameOf(tensorName))?.attr?.shape?.shape);
        if (shape === undefined) throw unknownRank(key);
        return { name: key, tensorName, shape, ...datatypeOf(info.dtype, key) };
      }),
    outputs: entries(outputs).map(([key, info]) => ({
      name: key,
      tensorName: info.name ?? key,
      shape: shapeOf(info.tensorShape),
      ...datatypeOf(info.dtype, key),
    })),
  };
}

/** Placeholders are the inputs (those with a default are optional, so left out); nodes that no other node consumes are the outputs. */
function signatureFromGraph(nodes: GraphNode[]): TfjsSignatureDraft {
  const consumed = new Set(nodes.flatMap((node) => (node.input ?? []).map(nodeNameOf)));
  const inputs = nodes
    .filter((node) => node.op === 'Placeholder')
    .map((node) => {
      const shape = shapeOf(node.attr?.shape?.shape);
      if (shape === undefined) throw unknownRank(node.name);
      return { name: node.name, tensorName: node.name, shape, ...datatypeOf(node.attr?.dtype?.type, node.name) };
    });
  const outputs = nodes
    .filter((node) => !consumed.has(node.name) && !NOT_OUTPUTS.has(node.op) && !node.op.startsWith('Placeholder'))
    .map((node) => ({ name: node.name, tensorName: node.name, shape: undefined, ...outputDtype(node) }));
  if (inputs.length === 0) throw new ModelLoadError('the graph model has no Placeholder input');
  if (outputs.length === 0) throw new ModelLoadError('the graph model has no output node');
  return { inputs, outputs };
}

const NOT_OUTPUTS = new Set(['Const', 'NoOp']);

/** The attribute that holds a node's output dtype differs by op; T is the common fallback. */
function outputDtype(node: GraphNode): { datatype: DataType; tfDtype: TfjsDtype } {
  for (const attribute of ['dtype', 'DstT', 'out_type', 'output_type', 'Tout', 'T']) {
    const dtype = node.attr?.[attribute]?.type;
    if (dtype !== undefined) return datatypeOf(dtype, node.name);
  }
  return DTYPES.DT_FLOAT;
}

/** Undefined for an unknown rank; proto3 JSON leaves out zero sizes and writes int64 as strings. */
function shapeOf(shape: TensorShapeJson | undefined): number[] | undefined {
  if (shape === undefined || shape.unknownRank) return undefined;
  return (shape.dim ?? []).map((dim) => {
    const size = Number(dim.size ?? 0);
    return size < 0 ? -1 : size;
  });
}

/** 'x:0' and '^x' (a control input) both name node 'x'. */
function nodeNameOf(tensorName: string): string {
  return tensorName.replace(/^\^/, '').replace(/:\d+$/, '');
}

function unknownRank(input: string): ModelLoadError {
  return new ModelLoadError(
    `input '${input}' has no known rank, so requests cannot be checked against it. Export the model with ` +
      'a fixed-rank input signature, e.g. tf.TensorSpec([None, 4], tf.float32), and convert it again.',
  );
}

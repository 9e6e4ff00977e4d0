import type * as OrtModule from 'onnxruntime-node';
import { InferenceError, ModelLoadError } from '../errors';
import type { ModelFormat, ModelSignature, TensorSpec } from '../signature';
import type { DataType, NamedTensors, Tensor, TensorData } from '../tensor';
import type { Backend, Device, LoadOptions, Session } from './backend';

type Ort = typeof OrtModule;
type OrtSession = OrtModule.InferenceSession;
type OrtTensor = OrtModule.Tensor;
type OrtElementType = OrtModule.Tensor.Type;

let ortModule: Promise<Ort> | undefined;

/**
 * The native engine is loaded on first use, so importing the runtime (as the API's main thread
 * does) does not load ONNX Runtime into a thread that never runs a model.
 */
function loadOrt(): Promise<Ort> {
  return (ortModule ??= import('onnxruntime-node'));
}

const DATA_TYPE_OF: Partial<Record<OrtElementType, DataType>> = {
  bool: 'BOOL',
  uint8: 'UINT8',
  uint16: 'UINT16',
  uint32: 'UINT32',
  uint64: 'UINT64',
  int8: 'INT8',
  int16: 'INT16',
  int32: 'INT32',
  int64: 'INT64',
  float16: 'FP16',
  float32: 'FP32',
  float64: 'FP64',
  string: 'BYTES',
};

const ORT_TYPE_OF: Record<DataType, OrtElementType> = {
  BOOL: 'bool',
  UINT8: 'uint8',
  UINT16: 'uint16',
  UINT32: 'uint32',
  UINT64: 'uint64',
  INT8: 'int8',
  INT16: 'int16',
  INT32: 'int32',
  INT64: 'int64',
  FP16: 'float16',
  FP32: 'float32',
  FP64: 'float64',
  BYTES: 'string',
};

const utf8Decoder = new TextDecoder();
const utf8Encoder = new TextEncoder();

export class OnnxBackend implements Backend {
  readonly formats: readonly ModelFormat[] = ['onnx'];

  async load(format: ModelFormat, artifactPath: string, options: LoadOptions): Promise<Session> {
    if (format !== 'onnx') throw new ModelLoadError(`the ONNX backend cannot load ${format} models`);
    const ort = await loadOrt();
    const gpuIndex = parseGpuIndex(options.device);
    if (gpuIndex !== undefined && !ort.listSupportedBackends().some((backend) => backend.name === 'cuda')) {
      throw noCudaError(options.device, 'this onnxruntime-node build has no CUDA support');
    }

    let session: OrtSession;
    try {
      session = await ort.InferenceSession.create(artifactPath, {
        executionProviders: gpuIndex === undefined ? ['cpu'] : [{ name: 'cuda', deviceId: gpuIndex }, 'cpu'],
        intraOpNumThreads: options.intraOpThreads,
        // Instances already run in parallel (one per worker); inter-op parallelism would only add threads.
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
        // Idle intra-op threads would otherwise spin and steal the cores budgeted to other instances.
        extra: { session: { intra_op: { allow_spinning: '0' } } },
      });
    } catch (error) {
      const reason = describe(error).replaceAll(artifactPath, 'the model file');
      if (gpuIndex !== undefined && /cuda|shared library/i.test(reason)) throw noCudaError(options.device, reason);
      throw new ModelLoadError(`the ONNX model could not be loaded: ${reason}`);
    }

    try {
      const signature = readSignature(session);
      const provider = gpuIndex === undefined ? 'cpu' : `cuda:${gpuIndex}`;
      const engine = `onnxruntime-node ${ort.env.versions.node ?? 'unknown'} (${provider})`;
      return new OnnxSession(ort, session, signature, engine);
    } catch (error) {
      await session.release();
      throw error;
    }
  }
}

class OnnxSession implements Session {
  /** Fetching by name skips non-tensor outputs (e.g. scikit-learn ZipMap) left out of the signature. */
  private readonly outputNames: string[];

  constructor(
    private readonly ort: Ort,
    private readonly session: OrtSession,
    readonly signature: ModelSignature,
    readonly engine: string,
  ) {
    this.outputNames = signature.outputs.map((output) => output.name);
  }

  async run(inputs: NamedTensors): Promise<NamedTensors> {
    const feeds: Record<string, OrtTensor> = {};
    for (const name in inputs) feeds[name] = toOrtTensor(this.ort, inputs[name]);
    let results: OrtModule.InferenceSession.ReturnType;
    try {
      results = await this.session.run(feeds, this.outputNames);
    } catch (error) {
      throw new InferenceError(`the ONNX model failed to run: ${describe(error)}`);
    }
    const outputs: NamedTensors = {};
    for (const name of this.outputNames) outputs[name] = fromOrtTensor(name, results[name] as OrtTensor);
    return outputs;
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}

function parseGpuIndex(device: Device): number | undefined {
  if (device === 'cpu') return undefined;
  const index = Number(device.slice('gpu:'.length));
  if (!device.startsWith('gpu:') || !Number.isInteger(index) || index < 0) {
    throw new ModelLoadError(`device "${device}" is not valid; use "cpu" or "gpu:N" (N = 0, 1, ...)`);
  }
  return index;
}

function noCudaError(device: Device, reason: string): ModelLoadError {
  return new ModelLoadError(
    `device "${device}" needs ONNX Runtime's CUDA execution provider, and this host has no CUDA execution provider ` +
      `(${reason}); load the model with device "cpu" instead, or on a host with CUDA 12 fetch ONNX Runtime's CUDA parts ` +
      `(the README's "GPU hosts") and restart Modelgate`,
  );
}

function readSignature(session: OrtSession): ModelSignature {
  const inputs = session.inputMetadata.map((metadata) => {
    if (!metadata.isTensor) {
      throw new ModelLoadError(
        `input "${metadata.name}" is a sequence or map, not a tensor; Modelgate serves models whose inputs are tensors`,
      );
    }
    return tensorSpec('input', metadata);
  });
  const outputs = session.outputMetadata.flatMap((metadata) =>
    metadata.isTensor ? [tensorSpec('output', metadata)] : [],
  );
  if (outputs.length === 0) {
    throw new ModelLoadError('the model has no tensor outputs (only sequences or maps); export it with tensor outputs');
  }
  return { inputs, outputs };
}

function tensorSpec(role: 'input' | 'output', metadata: OrtModule.InferenceSession.TensorValueMetadata): TensorSpec {
  const datatype = DATA_TYPE_OF[metadata.type];
  if (datatype === undefined) {
    const detail = `has element type ${metadata.type}, which Modelgate cannot serve`;
    throw new ModelLoadError(`${role} "${metadata.name}" ${detail}`);
  }
  // Symbolic dimensions ("batch", or unnamed) are free: -1 in our signatures.
  const shape = metadata.shape.map((dim) => (typeof dim === 'number' && dim >= 0 ? dim : -1));
  return { name: metadata.name, datatype, shape };
}

function toOrtTensor(ort: Ort, tensor: Tensor): OrtTensor {
  if (tensor.datatype === 'BYTES') {
    const strings = (tensor.data as Uint8Array[]).map((bytes) => utf8Decoder.decode(bytes));
    return new ort.Tensor('string', strings, tensor.shape);
  }
  // bool takes a Uint8Array, int64 a BigInt64Array and float16 a Uint16Array: our storage classes already.
  const type = ORT_TYPE_OF[tensor.datatype] as Exclude<OrtElementType, 'string'>;
  return new ort.Tensor(type, tensor.data as Exclude<TensorData, Uint8Array[]>, tensor.shape);
}

function fromOrtTensor(name: string, tensor: OrtTensor): Tensor {
  const datatype = DATA_TYPE_OF[tensor.type];
  if (datatype === undefined) {
    throw new InferenceError(`output "${name}" came back as ${tensor.type}, which Modelgate cannot serve`);
  }
  const shape = Array.from(tensor.dims);
  if (datatype === 'BYTES') {
    return { datatype, shape, data: (tensor.data as string[]).map((text) => utf8Encoder.encode(text)) };
  }
  let data = tensor.data as TensorData;
  // Where the runtime has Float16Array, ORT answers float16 with it; our FP16 travels as raw bits.
  if (datatype === 'FP16' && !(data instanceof Uint16Array)) {
    const view = data as unknown as ArrayBufferView & { length: number };
    data = new Uint16Array(view.buffer, view.byteOffset, view.length);
  }
  return { datatype, shape, data };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

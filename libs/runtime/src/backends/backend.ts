import type { ModelFormat, ModelSignature } from '../signature';
import type { NamedTensors } from '../tensor';

/** Where a session runs. `gpu:N` uses the N-th GPU where the backend has a GPU path. */
export type Device = 'cpu' | `gpu:${number}`;

export interface LoadOptions {
  device: Device;
  /** Intra-op threads this session may use; the pool budgets them across instances. */
  intraOpThreads: number;
}

/** One loaded model, ready to run. Used from inside a worker thread. */
export interface Session {
  readonly signature: ModelSignature;
  /** Human-readable name of the engine actually used (e.g. `onnxruntime cpu`, `tfjs wasm`). */
  readonly engine: string;
  run(inputs: NamedTensors): Promise<NamedTensors>;
  dispose(): Promise<void>;
}

/**
 * A model format's loader. `artifactPath` is the file (ONNX) or the folder (TF.js, SavedModel)
 * that the registry stored. A model that cannot be loaded throws ModelLoadError with the reason.
 */
export interface Backend {
  readonly formats: readonly ModelFormat[];
  load(format: ModelFormat, artifactPath: string, options: LoadOptions): Promise<Session>;
}

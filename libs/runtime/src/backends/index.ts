import type { ModelFormat } from '../signature';
import type { Backend } from './backend';

let onnxBackend: Promise<Backend> | undefined;
let tfjsBackend: Promise<Backend> | undefined;

/**
 * The backend that loads a format. Each backend module is imported on first use, so a worker that
 * serves an ONNX model never loads TensorFlow.js (and the reverse).
 */
export function backendFor(format: ModelFormat): Promise<Backend> {
  switch (format) {
    case 'onnx':
      return (onnxBackend ??= import('./onnx').then(({ OnnxBackend }) => new OnnxBackend()));
    case 'tfjs-graph':
    case 'tfjs-layers':
    case 'tf-savedmodel':
      return (tfjsBackend ??= import('./tfjs').then(({ TfjsBackend }) => new TfjsBackend()));
    default:
      return assertNever(format);
  }
}

function assertNever(format: never): never {
  throw new Error(`no backend for model format ${String(format)}`);
}

/**
 * Small ONNX models shared by the runtime's specs (kept out of the build: *.fixture.ts is excluded
 * from tsconfig.lib.json).
 */
import { buildOnnxModel, mlpModel, mlpReference, type DenseLayer } from './onnx-builder';
import type { NamedTensors } from './tensor';

/** y = relu(x · W + b), x: FP32 [batch, 3], W = [[1, -1], [2, 0.5], [-3, 1]], b = [0.5, -2]. */
export const LINEAR_LAYERS: DenseLayer[] = [
  {
    weights: [
      [1, -1],
      [2, 0.5],
      [-3, 1],
    ],
    bias: [0.5, -2],
    activation: 'relu',
  },
];

export function linearReluModel(): Uint8Array {
  return mlpModel({ layers: LINEAR_LAYERS, softmax: false, outputName: 'y' });
}

/** What linearReluModel computes, for `rows` rows of x (exact here: small whole numbers and halves). */
export function linearReluReference(x: ArrayLike<number>, rows: number): number[] {
  const inputRows = Array.from({ length: rows }, (_, row) => Array.from({ length: 3 }, (_, column) => x[row * 3 + column]));
  return mlpReference(LINEAR_LAYERS, inputRows, false).flat();
}

/** x for linearReluModel: `rows` rows of small whole numbers (varied by `seed`), and the answer expected. */
export function linearInputs(rows: number, seed: number): { inputs: NamedTensors; expected: number[] } {
  const x = Float32Array.from({ length: rows * 3 }, (_, index) => ((index * 7 + seed) % 11) - 5);
  return { inputs: { x: { datatype: 'FP32', shape: [rows, 3], data: x } }, expected: linearReluReference(x, rows) };
}

/** Resolves once `condition()` holds (polled every 10 ms); rejects after `timeoutMs`. */
export function eventually(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const poll = () => {
      if (condition()) return resolve();
      if (Date.now() - started > timeoutMs) return reject(new Error('condition not met in time'));
      setTimeout(poll, 10);
    };
    poll();
  });
}

/** ids: INT64 [n] -> ids + 1000; mask: BOOL [n] -> not(mask). Exercises the 64-bit and bool paths. */
export function int64BoolModel(): Uint8Array {
  return buildOnnxModel({
    inputs: [
      { name: 'ids', datatype: 'INT64', shape: ['n'] },
      { name: 'mask', datatype: 'BOOL', shape: ['n'] },
    ],
    outputs: [
      { name: 'shifted', datatype: 'INT64', shape: ['n'] },
      { name: 'inverted', datatype: 'BOOL', shape: ['n'] },
    ],
    initializers: [{ name: 'offset', datatype: 'INT64', shape: [], data: [1000] }],
    nodes: [
      { opType: 'Add', inputs: ['ids', 'offset'], outputs: ['shifted'] },
      { opType: 'Not', inputs: ['mask'], outputs: ['inverted'] },
    ],
  });
}

/** text: BYTES [n] -> echo, x: FP32 [n] -> y, unchanged (Identity). A string tensor beside a numeric one. */
export function bytesEchoModel(): Uint8Array {
  return buildOnnxModel({
    inputs: [
      { name: 'text', datatype: 'BYTES', shape: ['n'] },
      { name: 'x', datatype: 'FP32', shape: ['n'] },
    ],
    outputs: [
      { name: 'echo', datatype: 'BYTES', shape: ['n'] },
      { name: 'y', datatype: 'FP32', shape: ['n'] },
    ],
    nodes: [
      { opType: 'Identity', inputs: ['text'], outputs: ['echo'] },
      { opType: 'Identity', inputs: ['x'], outputs: ['y'] },
    ],
  });
}

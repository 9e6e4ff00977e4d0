import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InferenceError, ModelLoadError } from '../errors';
import { int64BoolModel, linearReluModel, linearReluReference } from '../spec-models.fixture';
import { backendFor } from './index';
import { OnnxBackend } from './onnx';

const cpu = { device: 'cpu', intraOpThreads: 1 } as const;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'modelgate-onnx-'));
  writeFileSync(join(dir, 'linear.onnx'), linearReluModel());
  writeFileSync(join(dir, 'int64-bool.onnx'), int64BoolModel());
  writeFileSync(join(dir, 'corrupt.onnx'), Buffer.from('this is not a protobuf model'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('OnnxBackend', () => {
  it('reads the signature, with symbolic dimensions as -1', async () => {
    const session = await new OnnxBackend().load('onnx', join(dir, 'linear.onnx'), cpu);
    try {
      expect(session.signature).toEqual({
        inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 3] }],
        outputs: [{ name: 'y', datatype: 'FP32', shape: [-1, 2] }],
      });
      expect(session.engine).toMatch(/^onnxruntime-node 1\.30\.\d+ \(cpu\)$/);
    } finally {
      await session.dispose();
    }
  });

  it('computes what the model says, for any batch size', async () => {
    const session = await new OnnxBackend().load('onnx', join(dir, 'linear.onnx'), cpu);
    try {
      const x = Float32Array.from([1, 2, 3, -1, 0.5, 2, 0, 0, 0]);
      const { y } = await session.run({ x: { datatype: 'FP32', shape: [3, 3], data: x } });
      expect(y.datatype).toBe('FP32');
      expect(y.shape).toEqual([3, 2]);
      expect(y.data).toBeInstanceOf(Float32Array);
      // W = [[1, -1], [2, 0.5], [-3, 1]], b = [0.5, -2]. Row 0: [1+4-9+0.5, -1+1+3-2] = [-3.5, 1];
      // row 1: [-1+1-6+0.5, 1+0.25+2-2] = [-5.5, 1.25]; row 2: b = [0.5, -2]. Relu clamps the negatives.
      expect(Array.from(y.data as Float32Array)).toEqual([0, 1, 0, 1.25, 0.5, 0]);
      expect(Array.from(y.data as Float32Array)).toEqual(linearReluReference(x, 3));
    } finally {
      await session.dispose();
    }
  });

  it('keeps INT64 and BOOL in their typed arrays', async () => {
    const session = await new OnnxBackend().load('onnx', join(dir, 'int64-bool.onnx'), cpu);
    try {
      expect(session.signature.inputs.map((input) => input.datatype)).toEqual(['INT64', 'BOOL']);
      const outputs = await session.run({
        ids: { datatype: 'INT64', shape: [3], data: BigInt64Array.from([1n, -5n, 2n ** 40n]) },
        mask: { datatype: 'BOOL', shape: [3], data: Uint8Array.from([1, 0, 1]) },
      });
      expect(outputs.shifted).toEqual({ datatype: 'INT64', shape: [3], data: BigInt64Array.from([1001n, 995n, 2n ** 40n + 1000n]) });
      expect(outputs.inverted).toEqual({ datatype: 'BOOL', shape: [3], data: Uint8Array.from([0, 1, 0]) });
    } finally {
      await session.dispose();
    }
  });

  it('refuses a corrupt file with ModelLoadError carrying the reason, without the server path', async () => {
    const error = await new OnnxBackend().load('onnx', join(dir, 'corrupt.onnx'), cpu).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelLoadError);
    expect((error as Error).message).toMatch(/^the ONNX model could not be loaded: .*protobuf parsing failed/i);
    expect((error as Error).message).not.toContain(dir);
  });

  it('refuses a GPU device on a host without the CUDA execution provider, pointing to "cpu"', async () => {
    const error = await new OnnxBackend()
      .load('onnx', join(dir, 'linear.onnx'), { device: 'gpu:0', intraOpThreads: 1 })
      .catch((e: unknown) => e);
    // Hosts with CUDA installed load the model instead; there is nothing to check then.
    if (!(error instanceof Error)) return (error as { dispose(): Promise<void> }).dispose();
    expect(error).toBeInstanceOf(ModelLoadError);
    expect(error.message).toContain('this host has no CUDA execution provider');
    expect(error.message).toContain('load the model with device "cpu" instead');
    expect(error.message).toContain('fetch ONNX Runtime\'s CUDA parts (the README\'s "GPU hosts")');
  });

  it('turns a run failure into InferenceError with the engine message', async () => {
    const session = await new OnnxBackend().load('onnx', join(dir, 'linear.onnx'), cpu);
    try {
      // The input check normally stops this before the backend; here the engine has to say it.
      const run = session.run({ x: { datatype: 'FP32', shape: [2, 2], data: new Float32Array(4) } });
      await expect(run).rejects.toBeInstanceOf(InferenceError);
      await expect(run).rejects.toThrow(/the ONNX model failed to run: .*invalid dimensions/i);
    } finally {
      await session.dispose();
    }
  });
});

describe('backendFor', () => {
  it('gives the ONNX backend for onnx, once', async () => {
    const backend = await backendFor('onnx');
    expect(backend).toBeInstanceOf(OnnxBackend);
    expect(await backendFor('onnx')).toBe(backend);
  });
});

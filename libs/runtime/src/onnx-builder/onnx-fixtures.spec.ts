import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
// The ONNX fixtures of the e2e tests are checked here, against onnxruntime itself.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { type MultiInputValues, corruptOnnx, onnxMlp, onnxMultiInput } from '../../../../test/fixtures/models';

let workDir: string;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'modelgate-onnx-fixtures-'));
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

async function withSession<T>(path: string, use: (session: InferenceSession) => Promise<T>): Promise<T> {
  const session = await InferenceSession.create(path);
  try {
    return await use(session);
  } finally {
    await session.release();
  }
}

function expectClose(actual: ArrayLike<number>, expected: readonly number[], tolerance = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((value, index) => expect(Math.abs(actual[index] - value)).toBeLessThan(tolerance));
}

describe('ONNX fixtures', () => {
  it('onnxMlp predicts what its reference computes, for any batch size', async () => {
    const fixture = await onnxMlp(workDir);
    await withSession(fixture.path, async (session) => {
      expect(session.inputNames).toEqual(['x']);
      expect(session.outputNames).toEqual(['probabilities']);
      for (const rows of [[[5.1, 3.5, 1.4, 0.2]], [[6.7, 3.1, 4.4, 1.4], [-1, 0, 2.5, 0.5], [0, 0, 0, 0]]]) {
        const result = await session.run({ x: new OrtTensor('float32', Float32Array.from(rows.flat()), [rows.length, 4]) });
        expect(result.probabilities.dims).toEqual([rows.length, 3]);
        expectClose(result.probabilities.data as Float32Array, fixture.predict(rows).flat());
      }
    });
  });

  it('onnxMultiInput takes and gives every common datatype', async () => {
    const fixture = await onnxMultiInput(workDir);
    const inputs: MultiInputValues = {
      features: [
        [1.5, -2, 0.25],
        [3, 4, -5],
      ],
      scale: 3n,
      mask: [
        [true, false, true],
        [true, true, false],
      ],
      offset: 0.5,
      counts: [
        [1, 2, 3],
        [-4, 5, 6],
      ],
      pixels: [
        [0, 128, 255],
        [10, 20, 30],
      ],
    };
    await withSession(fixture.path, async (session) => {
      expect(session.inputNames).toEqual(fixture.signature.inputs.map((input) => input.name));
      expect(session.outputNames).toEqual(fixture.signature.outputs.map((output) => output.name));
      const result = await session.run({
        features: new OrtTensor('float32', Float32Array.from(inputs.features.flat()), [2, 3]),
        scale: new OrtTensor('int64', BigInt64Array.from([inputs.scale]), []),
        mask: new OrtTensor('bool', Uint8Array.from(inputs.mask.flat().map(Number)), [2, 3]),
        offset: new OrtTensor('float64', Float64Array.from([inputs.offset]), [1]),
        counts: new OrtTensor('int32', Int32Array.from(inputs.counts.flat()), [2, 3]),
        pixels: new OrtTensor('uint8', Uint8Array.from(inputs.pixels.flat()), [2, 3]),
      });
      const expected = fixture.predict(inputs);
      expectClose(result.scores.data as Float32Array, expected.scores.flat());
      expect([...(result.best.data as BigInt64Array)]).toEqual(expected.best);
      expect(result.total.dims).toEqual([2, 1]);
      expectClose(result.total.data as Float64Array, expected.total.flat(), 1e-4);
      expect([...(result.positive.data as Uint8Array)].map(Boolean)).toEqual(expected.positive.flat());
      expect([...(result.counts_doubled.data as Int32Array)]).toEqual(expected.countsDoubled.flat());
    });
  });

  it('corruptOnnx is refused by onnxruntime', async () => {
    const { path } = await corruptOnnx(workDir);
    await expect(InferenceSession.create(path)).rejects.toThrow();
  });
});

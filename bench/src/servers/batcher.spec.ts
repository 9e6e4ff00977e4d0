import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { generateModels, type BenchModel } from '../models';
import { Batcher, type BatchRunner } from './batcher';

describe('the hand-written batching server (e): Batcher', () => {
  let dir: string;
  let model: BenchModel;
  let session: InferenceSession;
  const width = 64;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bench-batcher-'));
    [model] = await generateModels(dir, ['mlp']);
    session = await InferenceSession.create(model.path);
  });
  afterAll(async () => {
    await session.release();
    await rm(dir, { recursive: true, force: true });
  });

  const runner: BatchRunner = async (values, rows) => {
    const output = (await session.run({ [model.inputName]: new Tensor('float32', values, [rows, width]) }))[model.outputName];
    return { output: output.data as Float32Array, rowShape: output.dims.slice(1) };
  };
  const rowsOf = (count: number, seed: number) => Float32Array.from({ length: count * width }, (_, i) => Math.sin(seed * 7.1 + i * 0.37));

  it('joins the requests of one turn into one run and gives each its own rows, equal to running it alone', async () => {
    const batcher = new Batcher(runner, width);
    const requests = [1, 3, 1, 2, 1, 1].map((rows, seed) => ({ rows, values: rowsOf(rows, seed) }));
    const answers = await Promise.all(requests.map((request) => batcher.add(request)));
    expect(batcher.runs).toBe(1);
    expect(batcher.rowsRun).toBe(9);
    for (const [index, request] of requests.entries()) {
      const alone = await runner(request.values.slice(), request.rows);
      expect(answers[index].dims).toEqual([request.rows, 10]);
      expect(answers[index].output.length).toBe(alone.output.length);
      // The same model on the same rows: only the engine's blocking of a larger batch may round differently.
      for (const [at, value] of alone.output.entries()) expect(Math.abs(answers[index].output[at] - value)).toBeLessThan(1e-6);
    }
  });

  it('gathers what arrives while a run is in progress into the next run', async () => {
    const batcher = new Batcher(runner, width);
    const first = batcher.add({ rows: 1, values: rowsOf(1, 1) });
    await new Promise((resolve) => setImmediate(resolve));
    const later = [2, 3, 4].map((seed) => batcher.add({ rows: 1, values: rowsOf(1, seed) }));
    await Promise.all([first, ...later]);
    expect(batcher.runs).toBe(2);
    expect(batcher.rowsRun).toBe(4);
  });

  it('refuses a request whose values do not fill its rows, and fails every request of a run that fails', async () => {
    const batcher = new Batcher(runner, width);
    await expect(batcher.add({ rows: 2, values: rowsOf(1, 1) })).rejects.toThrow('expected 64 values per row, got 64 for 2 rows');
    const failing = new Batcher(() => Promise.reject(new Error('engine down')), width);
    const results = await Promise.allSettled([failing.add({ rows: 1, values: rowsOf(1, 1) }), failing.add({ rows: 1, values: rowsOf(1, 2) })]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    // The batcher goes on after a failed run.
    const after = new Batcher(runner, width);
    await expect(after.add({ rows: 1, values: rowsOf(1, 3) })).resolves.toMatchObject({ dims: [1, 10] });
  });
});

import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
// The generators live with the e2e fixtures so that both test the same models.
// eslint-disable-next-line @nx/enforce-module-boundaries
import {
  type TfjsLayersFixture,
  type TfjsMlpFixture,
  savedModelDir,
  tfjsGraphDtypesModel,
  tfjsGraphDynamicModel,
  tfjsGraphModel,
  tfjsLayersModel,
} from '../../../../test/fixtures/models';
import { InputValidationError, ModelLoadError } from '../errors';
import type { Tensor } from '../tensor';
import type { LoadOptions, Session } from './backend';
import { SAVED_MODEL_NEEDS_NATIVE_TF, TfjsBackend, detectTfjsFormat, findModelRoot } from './tfjs';

const options: LoadOptions = { device: 'cpu', intraOpThreads: 1 };
const rows = [
  [5.1, 3.5, 1.4, 0.2],
  [6.7, 3.1, 4.4, 1.4],
  [-1, 0, 2.5, 0.5],
];
const backend = new TfjsBackend();
let workDir: string;
let fixtureCount = 0;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'modelgate-tfjs-'));
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

/** A fresh folder per fixture, so that tests which damage a model do not affect the others. */
function freshDir(name: string): string {
  return join(workDir, `${++fixtureCount}-${name}`);
}

function fp32(values: readonly (readonly number[])[]): Tensor {
  return { datatype: 'FP32', shape: [values.length, values[0].length], data: Float32Array.from(values.flat()) };
}

function expectClose(actual: ArrayLike<number>, expected: readonly number[], tolerance = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((value, index) => expect(Math.abs(actual[index] - value)).toBeLessThan(tolerance));
}

async function withSession<T>(session: Session, use: (session: Session) => Promise<T>): Promise<T> {
  try {
    return await use(session);
  } finally {
    await session.dispose();
  }
}

describe('TfjsBackend', () => {
  it('computes with the WebAssembly backend in Node (tfjs-node is not installed here)', async () => {
    const fixture = await tfjsLayersModel(freshDir('layers'));
    await withSession(await backend.load('tfjs-layers', fixture.dir, options), async (session) => {
      expect(session.engine).toBe(`tfjs ${tf.version_core} (wasm)`);
      expect(tf.getBackend()).toBe('wasm');
    });
  });

  const mlpFixtures: [string, 'tfjs-layers' | 'tfjs-graph', (dir: string) => Promise<TfjsMlpFixture>][] = [
    ['a layers model', 'tfjs-layers', (dir) => tfjsLayersModel(dir)],
    ['a layers model without `format` (converters before 1.3)', 'tfjs-layers', (dir) => tfjsLayersModel(dir, { omitFormat: true })],
    ['a graph model with `signature`', 'tfjs-graph', (dir) => tfjsGraphModel(dir, { signatureLayout: 'signature' })],
    [
      'a graph model with `userDefinedMetadata.signature`',
      'tfjs-graph',
      (dir) => tfjsGraphModel(dir, { signatureLayout: 'userDefinedMetadata' }),
    ],
    ['a graph model without a signature', 'tfjs-graph', (dir) => tfjsGraphModel(dir, { signatureLayout: 'none' })],
    ['a graph model without `format`', 'tfjs-graph', (dir) => tfjsGraphModel(dir, { omitFormat: true })],
  ];

  describe.each(mlpFixtures)('%s', (_, format, generate) => {
    it('is detected, declares its signature with free batch dimensions, and predicts like the model', async () => {
      const fixture = await generate(freshDir(format));
      expect(await detectTfjsFormat(fixture.dir)).toBe(format);
      const tensorsBefore = tf.memory().numTensors;

      const session = await backend.load(format, fixture.dir, options);
      expect(session.signature).toEqual(fixture.signature);
      const [input] = fixture.signature.inputs;
      const [output] = fixture.signature.outputs;

      const tensorsLoaded = tf.memory().numTensors;
      const result = await session.run({ [input.name]: fp32(rows) });
      expect(Object.keys(result)).toEqual([output.name]);
      expect(result[output.name].datatype).toBe('FP32');
      expect(result[output.name].shape).toEqual([3, 3]);
      expectClose(result[output.name].data as Float32Array, fixture.predict(rows).flat());
      const { sampleInput, sampleOutput } = fixture as Partial<TfjsLayersFixture>;
      if (sampleInput && sampleOutput) {
        const sample = await session.run({ [input.name]: fp32(sampleInput) });
        expectClose(sample[output.name].data as Float32Array, sampleOutput.flat());
      }
      expect(tf.memory().numTensors).toBe(tensorsLoaded);

      await session.dispose();
      expect(tf.memory().numTensors).toBe(tensorsBefore);
    });
  });

  it('declares int64 and double tensors as INT64 and FP64, computing them as int32 and float32', async () => {
    const fixture = await tfjsGraphDtypesModel(freshDir('dtypes'));
    await withSession(await backend.load('tfjs-graph', fixture.dir, options), async (session) => {
      expect(session.signature).toEqual(fixture.signature);
      const ids = [1, -5, 2_147_483_646];
      const values = [0.5, -2.75, 1e10];
      const result = await session.run({
        ids: { datatype: 'INT64', shape: [3], data: BigInt64Array.from(ids.map(BigInt)) },
        values: { datatype: 'FP64', shape: [3], data: Float64Array.from(values) },
      });
      const expected = fixture.predict(ids, values);
      expect(result.next_id).toEqual({ datatype: 'INT64', shape: [3], data: BigInt64Array.from(expected.next_id.map(BigInt)) });
      expect(result.doubled.data).toBeInstanceOf(Float64Array);
      expectClose(result.doubled.data as Float64Array, expected.doubled, 1e-3);
      expect(result.positive).toEqual({ datatype: 'BOOL', shape: [3], data: Uint8Array.from(expected.positive.map(Number)) });
      expect(result.rounded.data).toBeInstanceOf(BigInt64Array);
      expect([...(result.rounded.data as BigInt64Array)].slice(0, 2)).toEqual([0n, -2n]);
    });
  });

  it('refuses an INT64 value that does not fit int32, and inputs that are missing or malformed, naming the input', async () => {
    const fixture = await tfjsGraphDtypesModel(freshDir('dtypes'));
    await withSession(await backend.load('tfjs-graph', fixture.dir, options), async (session) => {
      const tensorsBefore = tf.memory().numTensors;
      const run = session.run({
        ids: { datatype: 'INT64', shape: [2], data: BigInt64Array.from([1n, 2n ** 40n]) },
        values: { datatype: 'FP64', shape: [2], data: Float64Array.from([1, 2]) },
      });
      await expect(run).rejects.toThrow(InputValidationError);
      await expect(run).rejects.toMatchObject({ input: 'ids', message: expect.stringMatching(/1099511627776 at index 1, outside the int32 range/) });
      await expect(session.run({ ids: { datatype: 'INT64', shape: [1], data: BigInt64Array.from([1n]) } })).rejects.toThrow(
        /input 'values' is missing/,
      );
      await expect(
        session.run({
          ids: { datatype: 'INT64', shape: [1], data: BigInt64Array.from([1n]) },
          values: { datatype: 'FP32', shape: [1], data: Float32Array.from([1]) },
        }),
      ).rejects.toThrow("input 'values' must be FP64, got FP32");
      await expect(
        session.run({
          ids: { datatype: 'INT64', shape: [2], data: BigInt64Array.from([1n]) },
          values: { datatype: 'FP64', shape: [1], data: Float64Array.from([1]) },
        }),
      ).rejects.toThrow("input 'ids' has shape [2], which needs 2 values, but holds 1");
      expect(tf.memory().numTensors).toBe(tensorsBefore);
    });
  });

  it('runs a graph with dynamic shapes (executeAsync) and leaves no tensor behind', async () => {
    const fixture = await tfjsGraphDynamicModel(freshDir('dynamic'));
    const tensorsBefore = tf.memory().numTensors;
    await withSession(await backend.load('tfjs-graph', fixture.dir, options), async (session) => {
      expect(session.signature).toEqual(fixture.signature);
      const x = [1, -2, 3, 0, 0.5];
      for (let attempt = 0; attempt < 2; attempt++) {
        const result = await session.run({ x: { datatype: 'FP32', shape: [5], data: Float32Array.from(x) } });
        expect(result.positions).toEqual({ datatype: 'INT32', shape: [3, 1], data: Int32Array.from(fixture.predict(x).flat()) });
      }
    });
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it('loads a model wrapped in a single top-level folder of the archive', async () => {
    const archiveRoot = freshDir('archive');
    const fixture = await tfjsGraphModel(join(archiveRoot, 'my-model'));
    await mkdir(join(archiveRoot, '__MACOSX'));
    expect(await findModelRoot(archiveRoot)).toBe(fixture.dir);
    expect(await detectTfjsFormat(archiveRoot)).toBe('tfjs-graph');
    await withSession(await backend.load('tfjs-graph', archiveRoot, options), async (session) => {
      expect(session.signature).toEqual(fixture.signature);
    });
  });

  it('reports a weight file that model.json lists but the folder lacks', async () => {
    const fixture = await tfjsGraphModel(freshDir('graph'));
    await rm(join(fixture.dir, 'group1-shard1of1.bin'));
    const load = backend.load('tfjs-graph', fixture.dir, options);
    await expect(load).rejects.toThrow(ModelLoadError);
    await expect(load).rejects.toThrow('weight file group1-shard1of1.bin listed in model.json is missing');
  });

  it('refuses weight paths that lead out of the model folder', async () => {
    const fixture = await tfjsLayersModel(freshDir('layers'));
    const modelJsonPath = join(fixture.dir, 'model.json');
    const modelJson = JSON.parse(await readFile(modelJsonPath, 'utf8'));
    await writeFile(join(dirname(fixture.dir), 'weights.bin'), await readFile(join(fixture.dir, 'weights.bin')));
    modelJson.weightsManifest[0].paths = ['../weights.bin'];
    await writeFile(modelJsonPath, JSON.stringify(modelJson));
    await expect(backend.load('tfjs-layers', fixture.dir, options)).rejects.toThrow(
      'weight file ../weights.bin listed in model.json is outside the model folder',
    );
  });

  it('reports a model.json that is not JSON, or not the format asked for', async () => {
    const fixture = await tfjsLayersModel(freshDir('layers'));
    await expect(backend.load('tfjs-graph', fixture.dir, options)).rejects.toThrow(
      'model.json holds a TF.js layers model, not a TF.js graph model',
    );
    await writeFile(join(fixture.dir, 'model.json'), '{"format": "layers-model", ');
    await expect(backend.load('tfjs-layers', fixture.dir, options)).rejects.toThrow(/^model.json is not valid JSON: /);
    await expect(detectTfjsFormat(fixture.dir)).rejects.toThrow(ModelLoadError);
  });

  it('reports a folder without model.json', async () => {
    const empty = freshDir('empty');
    await mkdir(empty);
    expect(await detectTfjsFormat(empty)).toBeUndefined();
    await expect(backend.load('tfjs-graph', empty, options)).rejects.toThrow(/no model.json found/);
  });

  it('explains how to convert a SavedModel when the native TensorFlow backend is missing', async () => {
    const fixture = await savedModelDir(freshDir('saved-model'));
    expect(await detectTfjsFormat(fixture.dir)).toBe('tf-savedmodel');
    const load = backend.load('tf-savedmodel', fixture.dir, options);
    await expect(load).rejects.toThrow(ModelLoadError);
    await expect(load).rejects.toThrow(SAVED_MODEL_NEEDS_NATIVE_TF);
    expect(SAVED_MODEL_NEEDS_NATIVE_TF).toMatch(/tensorflowjs_converter --input_format=tf_saved_model/);
  });
});

describe('the WebAssembly backend in a worker thread', () => {
  it('initializes from the .wasm folder named as the engine names it', async () => {
    // The same steps as tfjs-engine.ts, in a real worker_threads Worker (plain JS: no TS loader there).
    const wasmFile = require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm');
    const worker = new Worker(
      `
      const { parentPort, workerData } = require('node:worker_threads');
      const tf = require(workerData.core);
      const wasm = require(workerData.wasm);
      wasm.setWasmPaths(workerData.folder + '/');
      tf.setBackend('wasm')
        .then((ok) => {
          const product = tf.matMul(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[2], [1]]));
          parentPort.postMessage({ ok, backend: tf.getBackend(), values: Array.from(product.dataSync()) });
        })
        .catch((error) => parentPort.postMessage({ error: String(error && error.message || error) }));
      `,
      {
        eval: true,
        workerData: {
          core: require.resolve('@tensorflow/tfjs-core'),
          wasm: require.resolve('@tensorflow/tfjs-backend-wasm'),
          folder: dirname(wasmFile),
        },
      },
    );
    try {
      const message = await new Promise((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      expect(message).toEqual({ ok: true, backend: 'wasm', values: [4, 10] });
    } finally {
      await worker.terminate();
    }
  });
});

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { MULTI_INPUT_ROW, onnxMlp, onnxMultiInput, tfjsGraphModel, tfjsLayersModel, zipFolder } from './fixtures/models';
import { createKey } from './support/credentials';
import { startServer, uploadForm, uploadVersion, type TestServer } from './support/server';
import { withoutServing } from './support/stored';

interface V2Output {
  name: string;
  datatype: string;
  shape: number[];
  data: Array<number | boolean | string>;
}
interface V2Response {
  model_name: string;
  model_version: string;
  id?: string;
  outputs: V2Output[];
  error: string;
}

/** The runtime's own answer: onnxruntime-node called directly on the same file and input. */
async function ortRun(file: string, feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(file);
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance = 1e-6): void {
  expect(actual.length).toBe(expected.length);
  for (let index = 0; index < expected.length; index += 1) {
    expect(Math.abs(Number(actual[index]) - Number(expected[index])), `element ${index}`).toBeLessThanOrEqual(tolerance);
  }
}

describe('inference', () => {
  let server: TestServer;
  let fixtures: string;
  let mlpPath: string;
  let multiPath: string;

  const post = <T = V2Response>(path: string, body: unknown) => server.json<T>(path, { method: 'POST', body: JSON.stringify(body) });

  beforeAll(async () => {
    fixtures = await mkdtemp(join(tmpdir(), 'modelgate-fixtures-'));
    server = await startServer();
    mlpPath = (await onnxMlp(fixtures)).path;
    multiPath = (await onnxMultiInput(fixtures)).path;
    const layers = await tfjsLayersModel(join(fixtures, 'layers'));
    const graph = await tfjsGraphModel(join(fixtures, 'graph'));
    const uploads: Array<[string, Buffer, string]> = [
      ['mlp', await readFile(mlpPath), 'mlp.onnx'],
      ['multi', await readFile(multiPath), 'multi.onnx'],
      ['layers', await readFile(await zipFolder(layers.dir, join(fixtures, 'layers.zip'))), 'layers.zip'],
      ['graph', await readFile(await zipFolder(graph.dir, join(fixtures, 'graph.zip'))), 'graph.zip'],
    ];
    for (const [name, file, filename] of uploads) {
      expect((await post('/api/models', { name })).status).toBe(201);
      const uploaded = await server.json(`/api/models/${name}/versions`, { method: 'POST', body: uploadForm(file, filename) });
      expect(uploaded.status, `upload ${name}`).toBe(201);
    }
    // A second version of the MLP, so that latest and pinned versions differ.
    await uploadVersion(server, 'mlp', mlpPath);
  });

  afterAll(async () => {
    await server?.close();
    await rm(fixtures, { recursive: true, force: true });
  });

  const rows = [
    [5.1, 3.5, 1.4, 0.2],
    [6.7, 3.1, 4.4, 1.4],
    [-1, 0, 2.5, 0.5],
  ];

  describe('Open Inference Protocol v2', () => {
    it('answers with the runtime\'s own numbers, the request id and the version headers', async () => {
      const answer = await post('/v2/models/mlp/infer', {
        id: 'req-7',
        inputs: [{ name: 'x', datatype: 'FP32', shape: [3, 4], data: rows }],
      });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('x-model-version')).toBe('2');
      expect(answer.headers.get('x-route')).toBe('latest');
      expect(answer.headers.get('x-request-id')).toBeTruthy();
      expect(answer.body).toMatchObject({ model_name: 'mlp', model_version: '2', id: 'req-7' });
      const [output] = answer.body.outputs;
      expect(output).toMatchObject({ name: 'probabilities', datatype: 'FP32', shape: [3, 3] });
      const expected = await ortRun(mlpPath, { x: new ort.Tensor('float32', Float32Array.from(rows.flat()), [3, 4]) });
      expectClose(output!.data as number[], expected.probabilities!.data as Float32Array);
    });

    it('pins a version with /versions/{v}', async () => {
      const answer = await post('/v2/models/mlp/versions/1/infer', { inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: rows[0] }] });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('x-model-version')).toBe('1');
      expect(answer.headers.get('x-route')).toBe('pinned');
      expect(answer.body.model_version).toBe('1');
    });

    it('carries every datatype, including an INT64 scalar, BOOL, UINT8, INT32 and FP64', async () => {
      const inputs = {
        features: { datatype: 'FP32', shape: [2, 3], data: [1.5, -2, 3, 0.25, 4, -1] },
        scale: { datatype: 'INT64', shape: [], data: [3] },
        mask: { datatype: 'BOOL', shape: [2, 3], data: [true, false, true, true, true, false] },
        offset: { datatype: 'FP64', shape: [1], data: [0.5] },
        counts: { datatype: 'INT32', shape: [2, 3], data: [1, 2, 3, -4, 5, 6] },
        pixels: { datatype: 'UINT8', shape: [2, 3], data: [0, 128, 255, 1, 2, 3] },
      };
      const answer = await post('/v2/models/multi/infer', { inputs: Object.entries(inputs).map(([name, tensor]) => ({ name, ...tensor })) });
      expect(answer.status).toBe(200);
      const expected = await ortRun(multiPath, {
        features: new ort.Tensor('float32', Float32Array.from(inputs.features.data), [2, 3]),
        scale: new ort.Tensor('int64', BigInt64Array.from([3n]), []),
        mask: new ort.Tensor('bool', Uint8Array.from(inputs.mask.data.map(Number)), [2, 3]),
        offset: new ort.Tensor('float64', Float64Array.from([0.5]), [1]),
        counts: new ort.Tensor('int32', Int32Array.from(inputs.counts.data), [2, 3]),
        pixels: new ort.Tensor('uint8', Uint8Array.from(inputs.pixels.data), [2, 3]),
      });
      const byName = Object.fromEntries(answer.body.outputs.map((output) => [output.name, output]));
      expect(byName.scores).toMatchObject({ datatype: 'FP32', shape: [2, 3] });
      expectClose(byName.scores!.data as number[], expected.scores!.data as Float32Array);
      expect(byName.best).toMatchObject({ datatype: 'INT64', shape: [2], data: Array.from(expected.best!.data as BigInt64Array, Number) });
      expect(byName.total).toMatchObject({ datatype: 'FP64', shape: [2, 1] });
      expectClose(byName.total!.data as number[], expected.total!.data as Float64Array);
      expect(byName.positive).toMatchObject({ datatype: 'BOOL', data: Array.from(expected.positive!.data as Uint8Array, Boolean) });
      expect(byName.counts_doubled).toMatchObject({ datatype: 'INT32', data: Array.from(expected.counts_doubled!.data as Int32Array) });
    });

    it('returns only the outputs asked for', async () => {
      const answer = await post('/v2/models/multi/infer', { inputs: MULTI_INPUT_ROW, outputs: [{ name: 'best' }] });
      expect(answer.status).toBe(200);
      expect(answer.body.outputs).toEqual([{ name: 'best', datatype: 'INT64', shape: [1], data: [2] }]);
    });

    it('serves TF.js layers and graph models with their own numbers', async () => {
      const layers = await tfjsLayersModel(join(fixtures, 'layers-again'));
      const layersAnswer = await post('/v2/models/layers/infer', {
        inputs: [{ name: 'hidden_input', datatype: 'FP32', shape: [3, 4], data: layers.sampleInput }],
      });
      expect(layersAnswer.status).toBe(200);
      expectClose(layersAnswer.body.outputs[0]!.data as number[], layers.sampleOutput.flat(), 1e-5);

      const graph = await tfjsGraphModel(join(fixtures, 'graph-again'));
      const graphAnswer = await post('/v2/models/graph/infer', { inputs: [{ name: 'x', datatype: 'FP32', shape: [3, 4], data: rows.flat() }] });
      expect(graphAnswer.status).toBe(200);
      expect(graphAnswer.body.outputs[0]).toMatchObject({ name: 'probabilities', shape: [3, 3] });
      expectClose(graphAnswer.body.outputs[0]!.data as number[], graph.predict(rows).flat(), 1e-5);
    });

    it('speaks the binary tensor extension both ways', async () => {
      const tensor = Float32Array.from(rows.flat());
      const header = Buffer.from(
        JSON.stringify({
          inputs: [{ name: 'x', datatype: 'FP32', shape: [3, 4], parameters: { binary_data_size: tensor.byteLength } }],
          parameters: { binary_data_output: true },
        }),
      );
      const response = await server.fetch('/v2/models/mlp/infer', {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(header.length) },
        body: Buffer.concat([header, Buffer.from(tensor.buffer)]),
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/octet-stream');
      const headerLength = Number(response.headers.get('inference-header-content-length'));
      const bytes = Buffer.from(await response.arrayBuffer());
      const answer = JSON.parse(bytes.subarray(0, headerLength).toString()) as { outputs: Array<V2Output & { parameters: { binary_data_size: number } }> };
      expect(answer.outputs[0]).toMatchObject({ name: 'probabilities', datatype: 'FP32', shape: [3, 3], parameters: { binary_data_size: 36 } });
      const raw = bytes.subarray(headerLength);
      const probabilities = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
      const expected = await ortRun(mlpPath, { x: new ort.Tensor('float32', tensor, [3, 4]) });
      expect(Array.from(probabilities)).toEqual(Array.from(expected.probabilities!.data as Float32Array));

      const short = await server.fetch('/v2/models/mlp/infer', {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(header.length) },
        body: Buffer.concat([header, Buffer.from(tensor.buffer).subarray(0, 40)]),
      });
      expect(short.status).toBe(400);
      expect(((await short.json()) as { error: string }).error).toContain('binary');
    });

    it('answers the top classes of an output, with the version\'s class labels (classification extension)', async () => {
      const labels = ['setosa', 'versicolor', 'virginica'];
      const patch = (config: unknown) =>
        server.json<{ config: unknown; error: string }>('/api/models/mlp/versions/2', { method: 'PATCH', body: JSON.stringify({ config }) });
      const configured = await patch({ classLabels: { probabilities: labels } });
      expect(configured.status).toBe(200);
      expect(configured.body.config).toEqual({ classLabels: { probabilities: labels } });

      const expected = (await ortRun(mlpPath, { x: new ort.Tensor('float32', Float32Array.from(rows.flat()), [3, 4]) })).probabilities!.data as Float32Array;
      const topTwo = (row: number) =>
        [0, 1, 2]
          .sort((a, b) => expected[row * 3 + b]! - expected[row * 3 + a]!)
          .slice(0, 2)
          .map((index) => ({ value: expected[row * 3 + index]!, index }));
      const classify = (path: string, extra: Record<string, unknown> = {}) =>
        post(path, {
          inputs: [{ name: 'x', datatype: 'FP32', shape: [3, 4], data: rows.flat() }],
          outputs: [{ name: 'probabilities', parameters: { classification: 2, ...extra } }],
        });
      const answer = await classify('/v2/models/mlp/infer');
      expect(answer.status).toBe(200);
      const [output] = answer.body.outputs;
      expect(output).toMatchObject({ name: 'probabilities', datatype: 'BYTES', shape: [3, 2] });
      const read = (data: readonly unknown[]) => data.map((element) => (element as string).split(':'));
      read(output!.data).forEach(([value, index, label], position) => {
        const want = topTwo(Math.floor(position / 2))[position % 2]!;
        expect(Number(index)).toBe(want.index);
        expect(Math.fround(Number(value))).toBe(want.value);
        expect(label).toBe(labels[want.index]);
      });

      // Version 1 names no classes: value:index only.
      const pinned = await classify('/v2/models/mlp/versions/1/infer');
      expect(read(pinned.body.outputs[0]!.data).every((parts) => parts.length === 2)).toBe(true);

      // As binary data: each element a 4-byte little-endian length, then its UTF-8 bytes.
      const header = Buffer.from(
        JSON.stringify({
          inputs: [{ name: 'x', datatype: 'FP32', shape: [3, 4], data: rows.flat() }],
          outputs: [{ name: 'probabilities', parameters: { classification: 2, binary_data: true } }],
        }),
      );
      const binary = await server.fetch('/v2/models/mlp/infer', {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(header.length) },
        body: header,
      });
      expect(binary.status).toBe(200);
      const bytes = Buffer.from(await binary.arrayBuffer());
      const headerLength = Number(binary.headers.get('inference-header-content-length'));
      expect(JSON.parse(bytes.subarray(0, headerLength).toString()).outputs[0]).toMatchObject({ datatype: 'BYTES', shape: [3, 2] });
      const elements: string[] = [];
      for (let offset = headerLength; offset < bytes.length; ) {
        const length = bytes.readUInt32LE(offset);
        elements.push(bytes.subarray(offset + 4, offset + 4 + length).toString());
        offset += 4 + length;
      }
      expect(elements).toEqual(output!.data);

      // Refusals say what would be right, and change nothing.
      const unknown = await patch({ classLabels: { probs: labels } });
      expect(unknown.status).toBe(400);
      expect(unknown.body.error).toBe('config.classLabels names output "probs", which this model does not have; its outputs are "probabilities"');
      const short = await patch({ classLabels: { probabilities: ['setosa'] } });
      expect(short.status).toBe(400);
      expect(short.body.error).toContain('has 3 classes (shape [-1, 3]) but 1 labels were given');
      const malformed = await patch({ classLabels: { probabilities: [1, 2, 3] } });
      expect(malformed.status).toBe(400);
      expect(malformed.body.error).toContain('classLabels must be an object of at most 64 outputs');
      expect((await server.json<{ config: unknown }>('/api/models/mlp/versions/2')).body.config).toEqual({ classLabels: { probabilities: labels } });
      const badCount = await classify('/v2/models/mlp/infer', { classification: 'two' });
      expect(badCount.status).toBe(400);
      expect(badCount.body.error).toContain('"classification" must be the number of top classes to return');

      // {} takes the labels away again.
      expect((await patch({ classLabels: {} })).body.config).toEqual({});
      expect(read((await classify('/v2/models/mlp/infer')).body.outputs[0]!.data)[0]).toHaveLength(2);
    });

    it('refuses an upload whose class labels do not fit the model, keeping no version', async () => {
      const before = (await server.json<unknown[]>('/api/models/multi/versions')).body.length;
      const refused = await uploadVersion<{ error: string }>(server, 'multi', multiPath, { config: JSON.stringify({ classLabels: { nope: ['a'] } }) });
      expect(refused.status).toBe(400);
      expect(refused.body.error).toContain('config.classLabels names output "nope", which this model does not have');
      expect((await server.json<unknown[]>('/api/models/multi/versions')).body).toHaveLength(before);
    });

    it('describes the server, the model and its versions', async () => {
      expect((await server.json('/v2')).body).toMatchObject({ name: 'modelgate', extensions: ['binary_tensor_data', 'classification', 'statistics', 'model_configuration'] });
      const metadata = await server.json('/v2/models/mlp');
      expect(metadata.body).toEqual({
        name: 'mlp',
        versions: ['1', '2'],
        platform: 'onnxruntime_onnx',
        inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 4] }],
        outputs: [{ name: 'probabilities', datatype: 'FP32', shape: [-1, 3] }],
      });
      expect((await server.json('/v2/models/mlp/versions/1')).body).toMatchObject({ name: 'mlp', versions: ['1'] });
      expect((await server.json('/v2/models/layers')).body).toMatchObject({ platform: 'tfjs_layers_model' });
      expect(await server.json('/v2/models/mlp/ready')).toMatchObject({ status: 200, body: { name: 'mlp', ready: true } });
      expect(await server.json('/v2/models/mlp/versions/2/ready')).toMatchObject({ status: 200, body: { name: 'mlp', version: '2', ready: true } });
      expect((await server.json('/v2/models/nope/ready')).status).toBe(404);
      expect(await server.json('/v2/health/ready', { key: null })).toMatchObject({ status: 200, body: { ready: true } });
      expect(await server.json('/v2/health/live', { key: null })).toMatchObject({ status: 200, body: { live: true } });
    });

    it('reports what each version served in Triton\'s statistics, engine calls by the rows they joined', async () => {
      type Stats = { model_stats: Array<{ name: string; version: string; last_inference: number; inference_count: number; execution_count: number;
        inference_stats: Record<string, { count: number; ns: number }>; batch_stats: Array<{ batch_size: number; compute_infer: { count: number; ns: number } }> }> };
      const statsOf = async (path: string) => {
        const answer = await server.json<Stats>(path);
        expect(answer.status, path).toBe(200);
        return answer.body.model_stats;
      };
      const [before] = await statsOf('/v2/models/mlp/versions/1/stats');
      const started = Date.now();
      // Sent one after the other, each alone in its engine call: rows 3, 1 and 2.
      for (const count of [3, 1, 2]) {
        expect((await post('/v2/models/mlp/versions/1/infer', { inputs: [{ name: 'x', datatype: 'FP32', shape: [count, 4], data: rows.slice(0, count).flat() }] })).status).toBe(200);
      }
      expect((await post('/v2/models/mlp/versions/1/infer', { inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: [1, 2, 3] }] })).status).toBe(400);
      const [after] = await statsOf('/v2/models/mlp/versions/1/stats');
      expect(after).toMatchObject({ name: 'mlp', version: '1' });
      expect(after!.inference_count - before!.inference_count).toBe(6);
      expect(after!.execution_count - before!.execution_count).toBe(3);
      expect(after!.last_inference).toBeGreaterThanOrEqual(started);
      const { success, queue, compute_infer: computeInfer, fail } = after!.inference_stats;
      expect(success!.count - before!.inference_stats.success!.count).toBe(3);
      expect(computeInfer!.count).toBe(success!.count);
      expect(computeInfer!.ns - before!.inference_stats.compute_infer!.ns).toBeGreaterThan(0);
      expect(success!.ns).toBeGreaterThanOrEqual(queue!.ns + computeInfer!.ns - 1000 * success!.count);
      // Refused while decoding, before the version's queue: not the version's failure.
      expect(fail!.count).toBe(before!.inference_stats.fail!.count);
      const callsAt = (stat: typeof after, size: number) => stat!.batch_stats.find((batch) => batch.batch_size === size)?.compute_infer.count ?? 0;
      expect([3, 2].map((size) => callsAt(after, size) - callsAt(before, size))).toEqual([1, 1]);

      const all = await statsOf('/v2/models/stats');
      expect(all.map((stat) => `${stat.name}:${stat.version}`)).toEqual(['graph:1', 'layers:1', 'mlp:1', 'mlp:2', 'multi:1']);
      expect((await statsOf('/v2/models/mlp/stats')).map((stat) => stat.version)).toEqual(['1', '2']);
      expect((await server.json<{ error: string }>('/v2/models/nope/stats')).status).toBe(404);
      const unknownVersion = await server.json<{ error: string }>('/v2/models/mlp/versions/9/stats');
      expect(unknownVersion.status).toBe(404);
      expect(unknownVersion.body.error).toContain('has no version 9');

      // A key limited to one model sees only that model's statistics.
      const limited = (await createKey(server, { name: 'multi-only', scopes: ['predict'], models: ['multi'] })).key;
      const limitedStats = await server.json<Stats>('/v2/models/stats', { key: limited });
      expect(limitedStats.body.model_stats.map((stat) => stat.name)).toEqual(['multi']);
      expect((await server.json('/v2/models/mlp/stats', { key: limited })).status).toBe(404);
    });

    it('describes each version in Triton\'s model configuration, for perf_analyzer and Model Analyzer', async () => {
      const config = await server.json<{ max_batch_size: number; input: unknown[]; output: unknown[]; dynamic_batching?: Record<string, unknown>; instance_group: unknown[] }>(
        '/v2/models/mlp/versions/1/config',
      );
      expect(config.status).toBe(200);
      expect(config.body).toMatchObject({
        name: 'mlp',
        platform: 'onnxruntime_onnx',
        max_batch_size: 32,
        input: [{ name: 'x', data_type: 'TYPE_FP32', dims: [4] }],
        output: [{ name: 'probabilities', data_type: 'TYPE_FP32', dims: [3] }],
        dynamic_batching: { max_queue_delay_microseconds: 1000, default_queue_policy: { max_queue_size: 1024, default_timeout_microseconds: 30_000_000 } },
        instance_group: [{ kind: 'KIND_CPU', count: 1 }],
      });
      // Without a version: the one the traffic goes to (the latest, with no deployment).
      expect((await server.json<{ version_policy: unknown }>('/v2/models/mlp/config')).body.version_policy).toEqual({ specific: { versions: [2] } });
      // The multi-input model takes a scalar: it is served one by one, its shapes whole.
      const multi = await server.json<{ max_batch_size: number; input: Array<{ name: string; dims: number[] }>; dynamic_batching?: unknown }>('/v2/models/multi/config');
      expect(multi.body.max_batch_size).toBe(0);
      expect(multi.body.input.find((input) => input.name === 'scale')?.dims).toEqual([]);
      expect(multi.body.dynamic_batching).toBeUndefined();
      expect((await server.json('/v2/models/nope/config')).status).toBe(404);
      expect((await server.json('/v2/models/mlp/versions/9/config')).status).toBe(404);
    });

    it('documents the classification extension in the OpenAPI document', async () => {
      type Operation = { requestBody: { content: Record<string, { examples: Record<string, { value: unknown }> }> } };
      const document = (
        await server.json<{ paths: Record<string, { post: Operation }>; components: { schemas: Record<string, { properties: Record<string, unknown> }> } }>('/docs-json')
      ).body;
      const examples = document.paths['/v2/models/{name}/infer']!.post.requestBody.content['application/json']!.examples;
      expect(examples.topClasses!.value).toMatchObject({ outputs: [{ name: 'probabilities', parameters: { classification: 2 } }] });
      expect(document.components.schemas.VersionConfigDto!.properties.classLabels).toMatchObject({ type: 'object' });
    });
  });

  describe('TensorFlow Serving REST', () => {
    it('answers the row format with predictions equal to the runtime\'s', async () => {
      const answer = await post<{ predictions: number[][] }>('/v1/models/mlp:predict', { instances: rows });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('x-model-version')).toBe('2');
      const expected = await ortRun(mlpPath, { x: new ort.Tensor('float32', Float32Array.from(rows.flat()), [3, 4]) });
      expect(answer.body.predictions).toHaveLength(3);
      expectClose(answer.body.predictions.flat(), expected.probabilities!.data as Float32Array);
    });

    it('answers the columnar format, pinned to a version, whatever the Content-Type', async () => {
      const response = await server.fetch('/v1/models/mlp/versions/1:predict', {
        method: 'POST',
        body: JSON.stringify({ inputs: rows.slice(0, 1) }),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-model-version')).toBe('1');
      const body = (await response.json()) as { outputs: number[][] };
      expect(body.outputs).toHaveLength(1);
      expect(body.outputs[0]).toHaveLength(3);
    });

    it('takes named inputs per instance for a multi-input model', async () => {
      const instance = { features: [1, 2, 3], scale: 2, mask: [true, false, true], offset: [0], counts: [1, 1, 1], pixels: [0, 0, 9] };
      const answer = await post<{ error?: string; predictions?: unknown }>('/v1/models/multi:predict', {
        inputs: { ...instance, features: [instance.features], mask: [instance.mask], counts: [instance.counts], pixels: [instance.pixels] },
      });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    });

    it('answers TF Serving\'s :classify and :regress with 400, naming what to call instead', async () => {
      for (const path of ['/v1/models/mlp:classify', '/v1/models/mlp/versions/1:classify', '/v1/models/mlp/labels/stable:regress']) {
        const answer = await post(path, { examples: [{ x: [1, 2, 3, 4] }] });
        expect(answer.status, path).toBe(400);
        expect(answer.body.error, path).toMatch(/^TensorFlow Serving's :(classify|regress) API \(tf\.Example inputs\) is not served by Modelgate; send the model's input tensors to POST \/v1\/models\/mlp:predict/);
      }
      expect((await post('/v1/models/mlp:classify', {})).body.error).toContain('"parameters": {"classification": <k>}');
      expect((await post('/v1/models/nope:classify', {})).status).toBe(404);
    });

    it('reports model status and metadata as TF Serving does', async () => {
      expect((await server.json('/v1/models/mlp')).body).toEqual({
        model_version_status: [
          { version: '1', state: 'AVAILABLE', status: { error_code: 'OK', error_message: '' } },
          { version: '2', state: 'AVAILABLE', status: { error_code: 'OK', error_message: '' } },
        ],
      });
      const metadata = await server.json<{ model_spec: unknown; metadata: { signature_def: { signature_def: Record<string, unknown> } } }>('/v1/models/mlp/metadata');
      expect(metadata.body.model_spec).toEqual({ name: 'mlp', signature_name: '', version: '2' });
      expect(metadata.body.metadata.signature_def.signature_def.serving_default).toMatchObject({
        inputs: { x: { dtype: 'DT_FLOAT', tensor_shape: { dim: [{ size: '-1' }, { size: '4' }] } } },
        method_name: 'tensorflow/serving/predict',
      });
    });
  });

  describe('bad input', () => {
    const x = (overrides: Record<string, unknown>) => ({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: [1, 2, 3, 4], ...overrides }] });

    it.each([
      ['a missing input', { inputs: [] }, 'input "x"'],
      ['an unknown input', { inputs: [...x({}).inputs, { name: 'y', datatype: 'FP32', shape: [1], data: [1] }] }, '"y"'],
      ['a wrong datatype', x({ datatype: 'INT32' }), 'expected datatype FP32, got INT32'],
      ['a wrong rank', x({ shape: [4], data: [1, 2, 3, 4] }), 'input "x": expected shape [-1, 4] (rank 2), got [4] (rank 1)'],
      ['a wrong dimension', x({ shape: [1, 5], data: [1, 2, 3, 4, 5] }), 'dimension 1 must be 4'],
      ['data shorter than the shape', x({ shape: [2, 4] }), 'data has 4 elements but shape [2, 4] needs 8'],
      ['non-numeric data', x({ data: [1, 'two', 3, 4] }), 'expected a number for datatype FP32'],
      ['a datatype that does not exist', x({ datatype: 'FLOAT' }), '"FLOAT" is not a v2 datatype'],
      ['an input with no datatype', x({ datatype: undefined }), 'input "x": "datatype" is missing; use one of BOOL,'],
      ['no inputs array', { instances: [[1, 2, 3, 4]] }, 'request body must be a JSON object with an "inputs" array'],
    ])('answers 400 for %s, naming what was expected', async (_what, body, message) => {
      const answer = await post('/v2/models/mlp/infer', body);
      expect(answer.status).toBe(400);
      expect(answer.body.error).toContain(message);
    });

    it('answers 400 for malformed JSON and for a TF Serving body without instances or inputs', async () => {
      const malformed = await server.json<{ error: string }>('/v2/models/mlp/infer', { method: 'POST', body: '{"inputs": [', headers: { 'content-type': 'application/json' } });
      expect(malformed.status).toBe(400);
      expect(malformed.body.error).toContain('the body is not valid JSON');
      const tf = await post('/v1/models/mlp:predict', { rows: [] });
      expect(tf.status).toBe(400);
      expect(tf.body.error).toContain("Missing 'inputs' or 'instances' key");
      const ragged = await post('/v1/models/mlp:predict', { instances: [[1, 2, 3, 4], [1, 2, 3]] });
      expect(ragged.status).toBe(400);
    });

    it('answers 404 for an unknown model or version', async () => {
      const model = await post('/v2/models/nope/infer', x({}));
      expect(model.status).toBe(404);
      expect(model.body.error).toContain('model "nope" not found');
      const version = await post('/v2/models/mlp/versions/9/infer', x({}));
      expect(version.status).toBe(404);
      expect(version.body.error).toContain('has no version 9; available: 1, 2');
      expect((await post('/v1/models/nope:predict', { instances: [[1, 2, 3, 4]] })).status).toBe(404);
    });

    it('changes nothing when it refuses a request', async () => {
      const before = [await server.json('/api/models'), await server.json('/api/models/mlp/versions')].map((answer) => withoutServing(answer.body));
      await post('/v2/models/mlp/infer', x({ datatype: 'BOOL' }));
      await post('/v2/models/mlp/infer', { inputs: 'everything' });
      const after = [await server.json('/api/models'), await server.json('/api/models/mlp/versions')].map((answer) => withoutServing(answer.body));
      expect(after).toEqual(before);
      // And the server still answers correctly.
      expect((await post('/v2/models/mlp/infer', x({}))).status).toBe(200);
    });
  });
});

describe('request body limit', () => {
  it('answers 413 for a body over MODELGATE_MAX_BODY_MB', async () => {
    const server = await startServer({ env: { MODELGATE_MAX_BODY_MB: '1' } });
    try {
      const body = JSON.stringify({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: [1, 2, 3, 4] }], padding: 'p'.repeat(1024 * 1024 + 10) });
      const answer = await server.json<{ error: string }>('/v2/models/any/infer', { method: 'POST', body });
      expect(answer.status).toBe(413);
      expect(answer.body.error).toContain('larger than the limit');
    } finally {
      await server.close();
    }
  });
});

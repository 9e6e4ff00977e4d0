import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  credentials,
  loadPackageDefinition,
  Metadata,
  status,
  type Client,
  type ChannelCredentials,
  type ClientDuplexStream,
  type ClientUnaryCall,
  type ServiceError,
  type StatusObject,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import type { ModelRuntime } from '@modelgate/runtime';
import { EndpointsController } from '../apps/api/src/inference/grpc/endpoints.controller';
import { STREAM_MAX_IN_FLIGHT } from '../apps/api/src/inference/grpc/grpc-inference';
import { GrpcServer, GRPC_PROTO_PATH } from '../apps/api/src/inference/grpc/grpc-server.service';
import { GRPC_MESSAGE_OPTIONS } from '../apps/api/src/inference/grpc/grpc-tensors';
import { ModelServer } from '../apps/api/src/inference/model-server.service';
import { onnxMlp, onnxMultiInput, type OnnxMlpFixture } from './fixtures/models';
import { startBuiltServer, stopBuiltServer } from './support/built-server';
import { createKey } from './support/credentials';
import { eventually } from './support/eventually';
import { createDatabase, enableRuntimeTestHooks, runtimeOf, startServer, uploadVersion, type TestServer } from './support/server';
import { selfSignedCertificate } from './support/tls';

/** The service as a Triton or KServe client sees it: the same proto, loaded by a real grpc-js client. */
const proto = loadPackageDefinition(loadSync(GRPC_PROTO_PATH, GRPC_MESSAGE_OPTIONS)) as unknown as {
  inference: { GRPCInferenceService: new (address: string, creds: ChannelCredentials) => Client };
};

interface Reply<T> {
  response: T;
  /** The initial metadata the server sent (x-model-version, x-route, ...). */
  metadata: Record<string, string>;
}

interface InferResponse {
  model_name: string;
  model_version: string;
  id: string;
  outputs: Array<{ name: string; datatype: string; shape: string[] }>;
  raw_output_contents: Buffer[];
  parameters: Record<string, { parameter_choice: string; string_param?: string; double_param?: number; int64_param?: string }>;
}

/**
 * How a prediction was served, as its answer's parameters say it: the same facts as the HTTP
 * headers (X-Route, Server-Timing's queue and compute, X-Batch-Size), and nothing else.
 */
function servedAs(response: InferResponse): { route: string; queueMs: number; computeMs: number; batchSize: number } {
  const { route, queue_ms, compute_ms, batch_size, ...rest } = response.parameters;
  expect(rest).toEqual({});
  expect([route.parameter_choice, queue_ms.parameter_choice, compute_ms.parameter_choice, batch_size.parameter_choice]).toEqual(['string_param', 'double_param', 'double_param', 'int64_param']);
  return { route: route.string_param!, queueMs: queue_ms.double_param!, computeMs: compute_ms.double_param!, batchSize: Number(batch_size.int64_param) };
}

/** A unary method of a client grpc-js generated from the proto. */
type GeneratedUnary<T> = (request: object, metadata: Metadata, options: { deadline?: number }, callback: (error: ServiceError | null, response: T) => void) => ClientUnaryCall;

interface CallOptions {
  key?: string | null;
  deadlineMs?: number;
  metadata?: Record<string, string>;
}

/** A unary call through the generated client method, as a promise of its response and initial metadata. */
function call<T>(client: Client, method: string, request: object, options: CallOptions = {}): Promise<Reply<T>> {
  const metadata = new Metadata();
  if (options.key) metadata.set('authorization', `Bearer ${options.key}`);
  for (const [name, value] of Object.entries(options.metadata ?? {})) metadata.set(name, value);
  const deadline = options.deadlineMs === undefined ? undefined : Date.now() + options.deadlineMs;
  return new Promise((resolve, reject) => {
    let received: Record<string, string> = {};
    const rpc = (client as unknown as Record<string, GeneratedUnary<T>>)[method].bind(client);
    const pending = rpc(request, metadata, { deadline }, (error, response) => (error ? reject(error) : resolve({ response, metadata: received })));
    pending.on('metadata', (sent: Metadata) => {
      received = Object.fromEntries(Object.entries(sent.getMap()).map(([name, value]) => [name, String(value)]));
    });
  });
}

interface StreamResponse {
  error_message: string;
  infer_response: InferResponse;
}

interface OpenedStream {
  stream: ClientDuplexStream<object, StreamResponse>;
  responses: StreamResponse[];
  /** The stream's final status, once it ends. */
  ended: Promise<StatusObject>;
}

/** A ModelStreamInfer call of the generated client (as tritonclient's start_stream), the key in its metadata. */
function openStream(client: Client, key: string | null): OpenedStream {
  const metadata = new Metadata();
  if (key) metadata.set('authorization', `Bearer ${key}`);
  const stream = (client as unknown as { ModelStreamInfer(metadata: Metadata): ClientDuplexStream<object, StreamResponse> }).ModelStreamInfer(metadata);
  const responses: StreamResponse[] = [];
  stream.on('data', (response: StreamResponse) => responses.push(response));
  // A status other than OK also comes as an 'error'; the status says it all.
  stream.on('error', () => {});
  const ended = new Promise<StatusObject>((resolve) => stream.on('status', resolve));
  return { stream, responses, ended };
}

/**
 * A gRPC message as the HTTP JSON answer writes it: 64-bit integers arrive as strings (longs:
 * String) where JSON has numbers. A `version` stays a string, as both protocols name versions.
 */
function withNumbers(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withNumbers);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, key === 'version' ? inner : withNumbers(inner)]));
  return typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
}

/** The failure of a call that must fail. */
async function failure(promise: Promise<unknown>): Promise<ServiceError> {
  try {
    await promise;
  } catch (error) {
    return error as ServiceError;
  }
  throw new Error('the call succeeded');
}

function floats(bytes: Buffer): number[] {
  return [...new Float32Array(Uint8Array.from(bytes).buffer)];
}

/** Raw BYTES contents (a 4-byte little-endian length before each element) as UTF-8 strings. */
function bytesElements(bytes: Buffer): string[] {
  const elements: string[] = [];
  for (let offset = 0; offset < bytes.length; ) {
    const length = bytes.readUInt32LE(offset);
    elements.push(bytes.toString('utf8', offset + 4, offset + 4 + length));
    offset += 4 + length;
  }
  return elements;
}

/** Raw output contents as the numbers the HTTP v2 JSON answer carries. */
function valuesOf(datatype: string, bytes: Buffer): Array<number | boolean> {
  const buffer = Uint8Array.from(bytes).buffer;
  switch (datatype) {
    case 'FP32':
      return [...new Float32Array(buffer)];
    case 'FP64':
      return [...new Float64Array(buffer)];
    case 'INT32':
      return [...new Int32Array(buffer)];
    case 'INT64':
      return [...new BigInt64Array(buffer)].map(Number);
    case 'BOOL':
      return [...new Uint8Array(buffer)].map((byte) => byte === 1);
    default:
      throw new Error(`no reader for ${datatype}`);
  }
}

const rows = [
  [5.1, 3.5, 1.4, 0.2],
  [6.7, 3.1, 4.4, 1.4],
  [-1, 0, 2.5, 0.5],
];

describe('Open Inference Protocol over gRPC', () => {
  let server: TestServer;
  let fixtures: string;
  let mlp: OnnxMlpFixture;
  let client: Client;
  let runtime: ModelRuntime;
  let restoreHooks: () => void;
  let predictKey: string;
  let readKey: string;
  let closed = false;

  const rawRequest = (batch: number[][], extra: object = {}) => ({
    model_name: 'mlp',
    inputs: [{ name: 'x', datatype: 'FP32', shape: [batch.length, 4] }],
    raw_input_contents: [Buffer.from(Float32Array.from(batch.flat()).buffer)],
    ...extra,
  });
  const httpInfer = (path: string, batch: number[][]) =>
    server.json<{ model_version: string; outputs: Array<{ name: string; datatype: string; shape: number[]; data: number[] }> }>(path, {
      method: 'POST',
      body: JSON.stringify({ inputs: [{ name: 'x', datatype: 'FP32', shape: [batch.length, 4], data: batch }] }),
    });

  beforeAll(async () => {
    restoreHooks = enableRuntimeTestHooks();
    fixtures = await mkdtemp(join(tmpdir(), 'modelgate-grpc-'));
    server = await startServer({ env: { MODELGATE_GRPC_PORT: '0' } });
    runtime = runtimeOf(server);
    mlp = await onnxMlp(fixtures);
    for (const name of ['mlp', 'multi']) expect((await server.json('/api/models', { method: 'POST', body: JSON.stringify({ name }) })).status).toBe(201);
    // Two versions, so that the latest and a pinned one differ.
    expect((await uploadVersion(server, 'mlp', mlp.path)).status).toBe(201);
    expect((await uploadVersion(server, 'mlp', mlp.path)).status).toBe(201);
    expect((await uploadVersion(server, 'multi', (await onnxMultiInput(fixtures)).path)).status).toBe(201);
    predictKey = (await createKey(server, { name: 'grpc client', scopes: ['predict'] })).key;
    readKey = (await createKey(server, { name: 'reader', scopes: ['models:read'] })).key;
    const port = server.modelgate.app.get(GrpcServer).port;
    expect(port).toBeGreaterThan(0);
    client = new proto.inference.GRPCInferenceService(`127.0.0.1:${port}`, credentials.createInsecure());
  });

  afterAll(async () => {
    client?.close();
    if (!closed) await server?.close();
    restoreHooks?.();
    await rm(fixtures, { recursive: true, force: true });
  });

  it('says where gRPC listens in GET /api/endpoints (for the dashboard\'s examples), to models:read', async () => {
    expect((await server.json('/api/endpoints', { key: readKey })).body).toEqual({ httpTls: false, grpc: { port: server.modelgate.app.get(GrpcServer).port, tls: false } });
    expect((await server.json('/api/endpoints', { key: null })).status).toBe(401);
  });

  it('answers ServerLive and ServerReady without a key, as GET /v2/health/live and /ready do', async () => {
    expect((await call(client, 'ServerLive', {})).response).toEqual({ live: true });
    expect((await call(client, 'ServerReady', {})).response).toEqual({ ready: true });
  });

  it('answers ServerMetadata, ModelReady and ModelMetadata to a key with the predict scope, as the v2 routes do', async () => {
    expect((await call(client, 'ServerMetadata', {}, { key: predictKey })).response).toEqual({ name: 'modelgate', version: '0.1.0', extensions: ['classification', 'statistics', 'model_configuration'] });
    expect((await call(client, 'ModelReady', { name: 'mlp' }, { key: predictKey })).response).toEqual({ ready: true });
    expect((await call(client, 'ModelReady', { name: 'mlp', version: '1' }, { key: predictKey })).response).toEqual({ ready: true });
    const metadata = await call<{ shape?: unknown; inputs: Array<{ shape: string[] }>; outputs: Array<{ shape: string[] }> }>(client, 'ModelMetadata', { name: 'mlp' }, { key: predictKey });
    const http = await server.json('/v2/models/mlp', { key: predictKey });
    const numericShapes = (tensors: Array<{ shape: string[] }>) => tensors.map((tensor) => ({ ...tensor, shape: tensor.shape.map(Number) }));
    expect({ ...metadata.response, inputs: numericShapes(metadata.response.inputs), outputs: numericShapes(metadata.response.outputs) }).toEqual(http.body);
    expect(http.body).toMatchObject({ name: 'mlp', versions: ['1', '2'], platform: 'onnxruntime_onnx' });

    const noKey = await failure(call(client, 'ServerMetadata', {}));
    expect(noKey.code).toBe(status.UNAUTHENTICATED);
    const unknown = await failure(call(client, 'ModelMetadata', { name: 'nosuchmodel' }, { key: predictKey }));
    expect(unknown.code).toBe(status.NOT_FOUND);
    expect(unknown.details).toBe('model "nosuchmodel" not found; GET /api/models lists the models');
  });

  it('answers ModelInfer with raw contents with the numbers of the HTTP v2 answer, the id, and the version in metadata', async () => {
    const [grpc, http] = await Promise.all([call<InferResponse>(client, 'ModelInfer', rawRequest(rows, { id: 'req-9' }), { key: predictKey }), httpInfer('/v2/models/mlp/infer', rows)]);
    expect(http.status).toBe(200);
    expect(grpc.response).toMatchObject({ model_name: 'mlp', model_version: '2', id: 'req-9', outputs: [{ name: 'probabilities', datatype: 'FP32', shape: ['3', '3'] }] });
    expect(floats(grpc.response.raw_output_contents[0])).toEqual(http.body.outputs[0].data);
    expect(grpc.metadata).toMatchObject({ 'x-model-version': '2', 'x-route': 'latest', 'x-batch-size': expect.any(String) });
    expect(grpc.metadata['x-request-id']).toBeTruthy();
    // The response's parameters say what the metadata says, for clients that read only the message.
    const served = servedAs(grpc.response);
    expect(served).toMatchObject({ route: 'latest', batchSize: Number(grpc.metadata['x-batch-size']) });
    expect(served.batchSize).toBeGreaterThanOrEqual(1);
    expect(`queue;dur=${served.queueMs.toFixed(3)}, compute;dur=${served.computeMs.toFixed(3)}`).toBe(grpc.metadata['server-timing']);
    expect(served.computeMs).toBeGreaterThan(0);
    // And the fixture's own reference numbers, computed apart from any runtime.
    const expected = mlp.predict(rows).flat();
    floats(grpc.response.raw_output_contents[0]).forEach((value, index) => expect(Math.abs(value - expected[index])).toBeLessThan(1e-5));
  });

  it('answers ModelInfer with fp32_contents the same numbers, one row or several', async () => {
    for (const batch of [rows.slice(0, 1), rows]) {
      const typed = await call<InferResponse>(client, 'ModelInfer', { model_name: 'mlp', inputs: [{ name: 'x', datatype: 'FP32', shape: [batch.length, 4], contents: { fp32_contents: batch.flat() } }] }, { key: predictKey });
      const http = await httpInfer('/v2/models/mlp/infer', batch);
      expect(typed.response.outputs[0].shape).toEqual([String(batch.length), '3']);
      expect(floats(typed.response.raw_output_contents[0])).toEqual(http.body.outputs[0].data);
    }
  });

  it('carries INT64, BOOL, UINT8, INT32 and FP64 inputs and outputs as raw contents, as the HTTP v2 answer does', async () => {
    const inputs = {
      features: { datatype: 'FP32', shape: [2, 3], data: Float32Array.from([1.5, -2, 3, 0.25, 4, -1]) },
      scale: { datatype: 'INT64', shape: [], data: BigInt64Array.from([3n]) },
      mask: { datatype: 'BOOL', shape: [2, 3], data: Uint8Array.from([1, 0, 1, 1, 1, 0]) },
      offset: { datatype: 'FP64', shape: [1], data: Float64Array.from([0.5]) },
      counts: { datatype: 'INT32', shape: [2, 3], data: Int32Array.from([1, 2, 3, -4, 5, 6]) },
      pixels: { datatype: 'UINT8', shape: [2, 3], data: Uint8Array.from([0, 128, 255, 1, 2, 3]) },
    };
    const entries = Object.entries(inputs);
    const grpc = await call<InferResponse>(
      client,
      'ModelInfer',
      {
        model_name: 'multi',
        inputs: entries.map(([name, tensor]) => ({ name, datatype: tensor.datatype, shape: tensor.shape })),
        raw_input_contents: entries.map(([, tensor]) => Buffer.from(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength)),
      },
      { key: predictKey },
    );
    const http = await server.json<{ outputs: Array<{ name: string; datatype: string; shape: number[]; data: unknown[] }> }>('/v2/models/multi/infer', {
      method: 'POST',
      body: JSON.stringify({
        inputs: entries.map(([name, tensor]) => ({
          name,
          datatype: tensor.datatype,
          shape: tensor.shape,
          data: tensor.datatype === 'BOOL' ? [...tensor.data].map((value) => value === 1) : [...tensor.data].map(Number),
        })),
      }),
    });
    expect(http.status).toBe(200);
    expect(grpc.response.outputs.map((output) => output.name)).toEqual(http.body.outputs.map((output) => output.name));
    grpc.response.outputs.forEach((output, index) => {
      const expected = http.body.outputs[index];
      expect({ datatype: output.datatype, shape: output.shape.map(Number) }).toEqual({ datatype: expected.datatype, shape: expected.shape });
      expect(valuesOf(output.datatype, grpc.response.raw_output_contents[index])).toEqual(expected.data);
    });
  });

  it('pins model_version, says so in x-model-version and x-route, and answers only the requested outputs', async () => {
    const pinned = await call<InferResponse>(client, 'ModelInfer', rawRequest(rows.slice(0, 1), { model_version: '1', outputs: [{ name: 'probabilities' }] }), { key: predictKey });
    expect(pinned.response.model_version).toBe('1');
    expect(pinned.metadata).toMatchObject({ 'x-model-version': '1', 'x-route': 'pinned' });
    const http = await httpInfer('/v2/models/mlp/versions/1/infer', rows.slice(0, 1));
    expect(floats(pinned.response.raw_output_contents[0])).toEqual(http.body.outputs[0].data);

    // The classification extension, as tritonclient's InferRequestedOutput(class_count=2) asks for it.
    const classification = { name: 'probabilities', parameters: { classification: { int64_param: '2' } } };
    const classes = await call<InferResponse>(client, 'ModelInfer', rawRequest(rows.slice(0, 1), { outputs: [classification] }), { key: predictKey });
    expect(classes.response.outputs).toMatchObject([{ name: 'probabilities', datatype: 'BYTES', shape: ['1', '2'] }]);
    const httpClasses = await server.json<{ outputs: Array<{ data: string[] }> }>('/v2/models/mlp/infer', {
      method: 'POST',
      body: JSON.stringify({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: rows[0] }], outputs: [{ name: 'probabilities', parameters: { classification: 2 } }] }),
    });
    expect(bytesElements(classes.response.raw_output_contents[0])).toEqual(httpClasses.body.outputs[0].data);
  });

  it('refuses with the codes and messages of the HTTP routes', async () => {
    const noKey = await failure(call(client, 'ModelInfer', rawRequest(rows)));
    expect(noKey.code).toBe(status.UNAUTHENTICATED);
    expect(noKey.details).toBe('credentials are required: send an API key in the "authorization: Bearer <key>" or "x-api-key: <key>" metadata');
    const badKey = await failure(call(client, 'ModelInfer', rawRequest(rows), { key: `mg_nosuchkey_${'x'.repeat(30)}` }));
    expect(badKey.code).toBe(status.UNAUTHENTICATED);
    expect(badKey.details).toBe('the API key is not valid');
    // X-API-Key works as over HTTP.
    expect((await call<InferResponse>(client, 'ModelInfer', rawRequest(rows), { metadata: { 'x-api-key': predictKey } })).response.model_name).toBe('mlp');

    const noScope = await failure(call(client, 'ModelInfer', rawRequest(rows), { key: readKey }));
    expect(noScope.code).toBe(status.PERMISSION_DENIED);
    expect(noScope.details).toBe('this API key lacks the "predict" scope that /inference.GRPCInferenceService/ModelInfer needs');

    const unknown = await failure(call(client, 'ModelInfer', { ...rawRequest(rows), model_name: 'nosuchmodel' }, { key: predictKey }));
    expect(unknown.code).toBe(status.NOT_FOUND);
    expect(unknown.details).toBe('model "nosuchmodel" not found; GET /api/models lists the models');

    const wrongShape = await failure(
      call(client, 'ModelInfer', { model_name: 'mlp', inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 3] }], raw_input_contents: [Buffer.alloc(12)] }, { key: predictKey }),
    );
    expect(wrongShape.code).toBe(status.INVALID_ARGUMENT);
    expect(wrongShape.details).toBe('input "x": expected shape [-1, 4], got [1, 3] (dimension 1 must be 4)');
    const httpWrongShape = await server.json<{ error: string }>('/v2/models/mlp/infer', {
      method: 'POST',
      body: JSON.stringify({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 3], data: [0, 0, 0] }] }),
    });
    expect(httpWrongShape.body.error).toBe(wrongShape.details);

    const shortBytes = await failure(call(client, 'ModelInfer', { ...rawRequest(rows), raw_input_contents: [Buffer.alloc(47)] }, { key: predictKey }));
    expect(shortBytes.code).toBe(status.INVALID_ARGUMENT);
    expect(shortBytes.details).toBe('input "x": raw_input_contents[0] has 47 bytes but shape [3, 4] of FP32 needs 48 (12 elements of 4 bytes)');

    const unknownOutput = await failure(call(client, 'ModelInfer', rawRequest(rows, { outputs: [{ name: 'logits' }] }), { key: predictKey }));
    expect(unknownOutput.code).toBe(status.INVALID_ARGUMENT);
    expect(unknownOutput.details).toBe('requested output "logits" is not an output of this model; its outputs are "probabilities"');

    const badVersion = await failure(call(client, 'ModelInfer', rawRequest(rows, { model_version: '9' }), { key: predictKey }));
    expect(badVersion.code).toBe(status.NOT_FOUND);
  });

  it("answers ModelStatistics (Triton's statistics) with the numbers of GET /v2/models/.../stats, for a key's models only", async () => {
    await call(client, 'ModelInfer', rawRequest(rows), { key: predictKey });
    type Stats = { model_stats: Array<{ name: string; version: string; inference_count: unknown; inference_stats: { success: { count: unknown } } }> };
    const [grpcModel, httpModel] = await Promise.all([
      call<Stats>(client, 'ModelStatistics', { name: 'mlp' }, { key: predictKey }),
      server.json<Stats>('/v2/models/mlp/stats', { key: predictKey }),
    ]);
    expect(grpcModel.response.model_stats.map((stat) => stat.version)).toEqual(['1', '2']);
    const withoutCacheMiss = (stats: Stats) => stats.model_stats.map((stat) => ({ ...stat, inference_stats: { ...stat.inference_stats, cache_miss: undefined } }));
    expect(withoutCacheMiss(withNumbers(grpcModel.response) as Stats)).toEqual(withoutCacheMiss(httpModel.body));
    expect(Number(grpcModel.response.model_stats[1].inference_stats.success.count)).toBeGreaterThan(0);

    const pinned = await call<Stats>(client, 'ModelStatistics', { name: 'mlp', version: '1' }, { key: predictKey });
    expect(pinned.response.model_stats.map((stat) => stat.version)).toEqual(['1']);
    const all = await call<Stats>(client, 'ModelStatistics', {}, { key: predictKey });
    expect(all.response.model_stats.map((stat) => stat.name)).toEqual(['mlp', 'mlp', 'multi']);
    const limited = (await createKey(server, { name: 'stats-multi', scopes: ['predict'], models: ['multi'] })).key;
    expect((await call<Stats>(client, 'ModelStatistics', {}, { key: limited })).response.model_stats.map((stat) => stat.name)).toEqual(['multi']);
    expect((await failure(call(client, 'ModelStatistics', { name: 'mlp' }, { key: limited }))).code).toBe(status.NOT_FOUND);
    const versionAlone = await failure(call(client, 'ModelStatistics', { version: '1' }, { key: predictKey }));
    expect(versionAlone.code).toBe(status.INVALID_ARGUMENT);
    expect(versionAlone.details).toBe('version "1" was given without a model name; name the model, or leave both out for every model');
  });

  it("answers ModelConfig (Triton's model configuration) with GET /v2/models/.../config's, as perf_analyzer reads it before it sends anything", async () => {
    type Config = { config: Record<string, unknown> };
    for (const [request, path] of [
      [{ name: 'mlp' }, '/v2/models/mlp/config'],
      [{ name: 'mlp', version: '1' }, '/v2/models/mlp/versions/1/config'],
      [{ name: 'multi' }, '/v2/models/multi/config'],
    ] as const) {
      const [grpc, http] = await Promise.all([call<Config>(client, 'ModelConfig', request, { key: predictKey }), server.json<Record<string, unknown>>(path, { key: predictKey })]);
      expect(http.status).toBe(200);
      // Left-out fields come back as protobuf defaults (empty lists, no dynamic_batching where none).
      expect(withNumbers(grpc.response.config)).toMatchObject(http.body);
    }
    const mlp = (await call<Config>(client, 'ModelConfig', { name: 'mlp' }, { key: predictKey })).response.config;
    expect(mlp).toMatchObject({ name: 'mlp', platform: 'onnxruntime_onnx', max_batch_size: expect.any(Number), input: [{ name: 'x', data_type: 'TYPE_FP32', dims: ['4'] }] });
    expect((await failure(call(client, 'ModelConfig', { name: 'nosuchmodel' }, { key: predictKey }))).code).toBe(status.NOT_FOUND);
  });

  it('answers UNIMPLEMENTED for the RPCs it does not serve', async () => {
    const unimplemented = await failure(
      new Promise((resolve, reject) =>
        client.makeUnaryRequest('/inference.GRPCInferenceService/RepositoryIndex', () => Buffer.alloc(0), (bytes: Buffer) => bytes, {}, new Metadata(), (error, value) => (error ? reject(error) : resolve(value))),
      ),
    );
    expect(unimplemented.code).toBe(status.UNIMPLEMENTED);
  });

  it('holds a key to its rate limit, saying when to retry', async () => {
    const limited = (await createKey(server, { name: 'limited', scopes: ['predict'], rateLimit: { perSecond: 0.01, burst: 1 } })).key;
    const first = await call(client, 'ModelInfer', rawRequest(rows), { key: limited });
    expect(first.metadata['ratelimit-remaining']).toBe('0');
    const refused = await failure(call(client, 'ModelInfer', rawRequest(rows), { key: limited }));
    expect(refused.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(refused.details).toMatch(/^key \S+ is over its rate limit \(0\.01 per second, bursts of 1\); retry after \d+ s$/);
    expect(Number(refused.metadata.get('retry-after')[0])).toBeGreaterThan(0);
  });

  it('counts gRPC predictions in the same request metrics as HTTP ones', async () => {
    const successes = async () => {
      const text = await (await server.fetch('/metrics')).text();
      const line = text.split('\n').find((candidate) => candidate.startsWith('modelgate_requests_total{') && ['model="mlp"', 'version="2"', 'route="latest"', 'outcome="success"'].every((label) => candidate.includes(label)));
      return line === undefined ? 0 : Number(line.split(' ').at(-1));
    };
    const before = await successes();
    await call(client, 'ModelInfer', rawRequest(rows), { key: predictKey });
    await httpInfer('/v2/models/mlp/infer', rows);
    expect(await successes()).toBe(before + 2);
  });

  it('honours the call deadline and the timeout parameter: DEADLINE_EXCEEDED', async () => {
    const served = server.modelgate.app.get(ModelServer).resolve('mlp');
    const key = served.runtimeKey;
    runtime.simulateWorkerStall(key, 0, 800);
    const untilInFlight = (batches: number) => eventually(async () => runtime.stats(key)!.workers.instances[0]!.inFlightBatches >= batches, 5_000, 2);
    // Two fillers take the worker's two batch slots, so that the calls with deadlines wait in the queue.
    const fillers = [call(client, 'ModelInfer', rawRequest([[0, 0, 0, 0]]), { key: predictKey })];
    await untilInFlight(1);
    fillers.push(call(client, 'ModelInfer', rawRequest([[0, 0, 0, 1]]), { key: predictKey }));
    await untilInFlight(2);
    const droppedBefore = runtime.stats(key)!.requests.deadlineExceededQueued;
    const [byDeadline, byParameter] = await Promise.all([
      failure(call(client, 'ModelInfer', rawRequest(rows), { key: predictKey, deadlineMs: 150 })),
      failure(call(client, 'ModelInfer', rawRequest(rows, { parameters: { timeout: { int64_param: '100000' } } }), { key: predictKey })),
    ]);
    expect(byDeadline.code).toBe(status.DEADLINE_EXCEEDED);
    expect(byParameter.code).toBe(status.DEADLINE_EXCEEDED);
    expect(byParameter.details).toMatch(/^the request waited \d+ ms in the queue of model "mlp" version 2 and passed its deadline of 100 ms; it was not computed$/);
    for (const filler of await Promise.all(fillers)) expect(filler.response).toBeTruthy();
    // The server dropped both from its queue: the call's deadline reached the runtime too.
    await eventually(async () => runtime.stats(key)!.requests.deadlineExceededQueued >= droppedBefore + 2, 2_000);
  });

  it("streams requests on one ModelStreamInfer call (Triton's), answering each by its id with the numbers of the HTTP v2 answer", async () => {
    const { stream, responses, ended } = openStream(client, predictKey);
    stream.write(rawRequest(rows.slice(0, 1), { id: 'raw-1' }));
    stream.write({ model_name: 'mlp', id: 'typed-3', inputs: [{ name: 'x', datatype: 'FP32', shape: [3, 4], contents: { fp32_contents: rows.flat() } }] });
    stream.write(rawRequest(rows.slice(1, 2), { id: 'pinned-1', model_version: '1' }));
    stream.end();
    expect(await ended).toMatchObject({ code: status.OK });
    const byId = new Map(responses.map((response) => [response.infer_response.id, response]));
    expect([...byId.keys()].sort()).toEqual(['pinned-1', 'raw-1', 'typed-3']);
    for (const response of responses) expect(response.error_message).toBe('');
    expect(floats(byId.get('raw-1')!.infer_response.raw_output_contents[0])).toEqual((await httpInfer('/v2/models/mlp/infer', rows.slice(0, 1))).body.outputs[0].data);
    expect(floats(byId.get('typed-3')!.infer_response.raw_output_contents[0])).toEqual((await httpInfer('/v2/models/mlp/infer', rows)).body.outputs[0].data);
    expect(byId.get('typed-3')!.infer_response.outputs[0].shape).toEqual(['3', '3']);
    expect(byId.get('pinned-1')!.infer_response).toMatchObject({ model_name: 'mlp', model_version: '1' });
    // Each answer says how it was served, in its parameters: a stream's answers have no metadata.
    expect(servedAs(byId.get('pinned-1')!.infer_response).route).toBe('pinned');
    for (const id of ['raw-1', 'typed-3']) expect(servedAs(byId.get(id)!.infer_response).route).toBe('latest');
    for (const response of responses) {
      const served = servedAs(response.infer_response);
      expect(served.batchSize).toBeGreaterThanOrEqual(1);
      expect(served.queueMs).toBeGreaterThanOrEqual(0);
      expect(served.computeMs).toBeGreaterThan(0);
    }
  });

  it('answers a failed request on the stream with the HTTP message and goes on; without a key the stream ends UNAUTHENTICATED', async () => {
    const { stream, responses, ended } = openStream(client, predictKey);
    stream.write({ model_name: 'mlp', id: 'bad-shape', inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 3], contents: { fp32_contents: [0, 0, 0] } }] });
    stream.write({ ...rawRequest(rows), model_name: 'nosuchmodel', id: 'no-model' });
    stream.write(rawRequest(rows, { id: 'good', parameters: { timeout: { int64_param: '5000000' } } }));
    stream.end();
    expect(await ended).toMatchObject({ code: status.OK });
    const byId = new Map(responses.map((response) => [response.infer_response.id, response]));
    expect(byId.get('bad-shape')).toMatchObject({
      error_message: 'input "x": expected shape [-1, 4], got [1, 3] (dimension 1 must be 4)',
      infer_response: { model_name: 'mlp', id: 'bad-shape' },
    });
    expect(byId.get('no-model')!.error_message).toBe('model "nosuchmodel" not found; GET /api/models lists the models');
    expect(byId.get('good')).toMatchObject({ error_message: '', infer_response: { model_name: 'mlp', model_version: '2' } });
    // Only an answer that was served says how.
    expect(servedAs(byId.get('good')!.infer_response).route).toBe('latest');
    for (const id of ['bad-shape', 'no-model']) expect(byId.get(id)!.infer_response.parameters, id).toEqual({});

    const reader = openStream(client, readKey);
    reader.stream.write(rawRequest(rows, { id: 'no-scope' }));
    reader.stream.end();
    expect(await reader.ended).toMatchObject({ code: status.OK });
    expect(reader.responses).toEqual([expect.objectContaining({ error_message: expect.stringContaining('"predict" scope') })]);

    const anonymous = openStream(client, null);
    anonymous.stream.write(rawRequest(rows, { id: 'anonymous' }));
    expect(await anonymous.ended).toMatchObject({ code: status.UNAUTHENTICATED, details: expect.stringMatching(/^credentials are required/) });
    expect(anonymous.responses).toEqual([]);
  });

  it(`holds at most ${STREAM_MAX_IN_FLIGHT} requests of a stream in progress, reading more as they are answered`, async () => {
    const served = server.modelgate.app.get(ModelServer).resolve('mlp');
    runtime.simulateWorkerStall(served.runtimeKey, 0, 1_500);
    const { stream, responses, ended } = openStream(client, predictKey);
    const total = STREAM_MAX_IN_FLIGHT + 100;
    for (let index = 0; index < total; index++) stream.write(rawRequest(rows.slice(0, 1), { id: `r${index}` }));
    stream.end();
    // While the worker is stalled, the server holds the stream's first requests and reads no more.
    let held = 0;
    await eventually(async () => {
      const stats = runtime.stats(served.runtimeKey)!;
      held = stats.queueDepth.online + stats.queueDepth.batch + stats.inFlight.requests;
      return held >= STREAM_MAX_IN_FLIGHT - 2;
    }, 5_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const stats = runtime.stats(served.runtimeKey)!;
    expect(stats.queueDepth.online + stats.queueDepth.batch + stats.inFlight.requests).toBeLessThanOrEqual(STREAM_MAX_IN_FLIGHT);
    expect(await ended).toMatchObject({ code: status.OK });
    expect(responses).toHaveLength(total);
    expect(responses.filter((response) => response.error_message !== '')).toEqual([]);
  });

  it('survives a client that cancels its stream mid-way: its requests finish, and the server counts none of them held', async () => {
    const served = server.modelgate.app.get(ModelServer).resolve('mlp');
    const activity = server.modelgate.app.get(ModelServer).activity;
    runtime.simulateWorkerStall(served.runtimeKey, 0, 400);
    const { stream, responses, ended } = openStream(client, predictKey);
    for (let index = 0; index < 5; index++) stream.write(rawRequest(rows, { id: `c${index}` }));
    await eventually(async () => activity.requests >= 5, 2_000);
    stream.cancel();
    expect(await ended).toMatchObject({ code: status.CANCELLED });
    // The five still run (the stalled worker answers them later), and each leaves the gauge that idle spin reads.
    await eventually(async () => activity.requests === 0, 5_000);
    expect(responses.length).toBeLessThan(5);
    expect((await call<InferResponse>(client, 'ModelInfer', rawRequest(rows), { key: predictKey })).response.model_name).toBe('mlp');
  });

  it('exports the standard gRPC server metrics (grpc_server_*) for every call, by method, type and code', async () => {
    const metrics = async () => (await (await server.fetch('/metrics')).text()).split('\n');
    const value = (lines: string[], name: string, labels: Record<string, string>) => {
      const line = lines.find((candidate) => candidate.startsWith(`${name}{${Object.entries(labels).map(([label, text]) => `${label}="${text}"`).join(',')}} `));
      return line === undefined ? 0 : Number(line.split(' ').at(-1));
    };
    const unary = (method: string) => ({ grpc_type: 'unary', grpc_service: 'inference.GRPCInferenceService', grpc_method: method });
    const streamed = { grpc_type: 'bidi_stream', grpc_service: 'inference.GRPCInferenceService', grpc_method: 'ModelStreamInfer' };
    const before = await metrics();

    await call(client, 'ServerLive', {});
    await failure(call(client, 'ModelInfer', rawRequest(rows)));
    const { stream, ended } = openStream(client, predictKey);
    for (const id of ['m1', 'm2', 'm3']) stream.write(rawRequest(rows, { id }));
    stream.end();
    await ended;

    const after = await metrics();
    const grew = (name: string, labels: Record<string, string>) => value(after, name, labels) - value(before, name, labels);
    expect(grew('grpc_server_started_total', unary('ServerLive'))).toBe(1);
    expect(grew('grpc_server_handled_total', { ...unary('ServerLive'), grpc_code: 'OK' })).toBe(1);
    expect(grew('grpc_server_handled_total', { ...unary('ModelInfer'), grpc_code: 'Unauthenticated' })).toBe(1);
    expect(grew('grpc_server_msg_received_total', streamed)).toBe(3);
    expect(grew('grpc_server_msg_sent_total', streamed)).toBe(3);
    expect(grew('grpc_server_handled_total', { ...streamed, grpc_code: 'OK' })).toBe(1);
    expect(grew('grpc_server_handling_seconds_count', unary('ServerLive'))).toBe(1);
  });

  it('lets a call in progress finish when the app closes, then stops listening', async () => {
    runtime.simulateWorkerStall(server.modelgate.app.get(ModelServer).resolve('mlp').runtimeKey, 0, 500);
    const inProgress = call<InferResponse>(client, 'ModelInfer', rawRequest(rows), { key: predictKey });
    // An open stream answers what it holds, then ends with OK, although its client has not ended it.
    const open = openStream(client, predictKey);
    open.stream.write(rawRequest(rows, { id: 'at-close' }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    closed = true;
    await server.close();
    expect((await inProgress).response.model_name).toBe('mlp');
    expect(await open.ended).toMatchObject({ code: status.OK });
    expect(open.responses.map((response) => [response.infer_response.id, response.error_message])).toEqual([['at-close', '']]);
    const after = await failure(call(client, 'ServerLive', {}, { deadlineMs: 2_000 }));
    expect(after.code).toBe(status.UNAVAILABLE);
  });
});

describe('gRPC in the built server (npm start)', () => {
  it('finds its proto in the build and prints the address it serves on', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'modelgate-grpc-start-'));
    const database = process.env.DATABASE_URL ? await createDatabase(process.env.DATABASE_URL) : undefined;
    const started = await startBuiltServer({
      PORT: '0',
      HOST: '127.0.0.1',
      MODELGATE_GRPC_PORT: '0',
      MODELGATE_DATA_DIR: dataDir,
      MODELGATE_DEMO: 'false',
      LOG_LEVEL: 'warn',
      DATABASE_URL: database?.url ?? '',
    });
    let client: Client | undefined;
    try {
      await eventually(async () => /over gRPC on /.test(started.output()), 10_000);
      const address = /Open Inference Protocol over gRPC on (\S+)/.exec(started.output())![1]!.replace('localhost', '127.0.0.1');
      client = new proto.inference.GRPCInferenceService(address, credentials.createInsecure());
      expect((await call(client, 'ServerLive', {})).response).toEqual({ live: true });
    } finally {
      client?.close();
      await stopBuiltServer(started);
      await database?.drop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('gRPC with TLS_CERT and TLS_KEY', () => {
  it('serves TLS with the HTTP server\'s certificate, and refuses a plaintext client', async (context) => {
    const workspace = await mkdtemp(join(tmpdir(), 'modelgate-grpc-tls-'));
    const files = selfSignedCertificate(workspace, 'server');
    if (!files) {
      await rm(workspace, { recursive: true, force: true });
      context.skip();
      return;
    }
    const server = await startServer({ env: { TLS_CERT: files.cert, TLS_KEY: files.key, MODELGATE_GRPC_PORT: '0' } });
    const address = `127.0.0.1:${server.modelgate.app.get(GrpcServer).port}`;
    const secure = new proto.inference.GRPCInferenceService(address, credentials.createSsl(await readFile(files.cert)));
    const plain = new proto.inference.GRPCInferenceService(address, credentials.createInsecure());
    try {
      expect((await call(secure, 'ServerLive', {})).response).toEqual({ live: true });
      expect((await failure(call(plain, 'ServerLive', {}, { deadlineMs: 2_000 }))).code).toBe(status.UNAVAILABLE);
      // GET /api/endpoints (its controller here: the test's fetch does not trust the certificate) tells the dashboard's examples to use TLS on both.
      expect(server.modelgate.app.get(EndpointsController).get()).toEqual({ httpTls: true, grpc: { port: server.modelgate.app.get(GrpcServer).port, tls: true } });
    } finally {
      secure.close();
      plain.close();
      await server.close();
      await rm(workspace, { recursive: true, force: true });
    }
  });
});

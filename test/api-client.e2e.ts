import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiError, createApiClient, unwrap, type ApiClient } from '../libs/api-client/src/index';
import { documentSource, schemaSource } from '../libs/api-client/scripts/schema-source.mjs';
import { onnxMlp } from './fixtures/models';
import { schemaProblems, type OpenApiDocument } from './support/openapi-schema';
import { ADMIN_KEY, startServer, uploadVersion, type TestServer } from './support/server';

const PACKAGE_DIR = join(__dirname, '..', 'libs', 'api-client');
const REGENERATE = 'run `npm run generate:api-client` and commit libs/api-client/openapi.json and libs/api-client/src/schema.ts';

/** Where two texts part, as a short line for a failure message ('' when they are the same). */
function firstDifference(committed: string, generated: string): string {
  if (committed === generated) return '';
  const committedLines = committed.split('\n');
  const generatedLines = generated.split('\n');
  const line = committedLines.findIndex((text, index) => text !== generatedLines[index]);
  const at = line === -1 ? committedLines.length : line;
  return `line ${at + 1}: committed ${JSON.stringify(committedLines[at] ?? '<end>')}, generated ${JSON.stringify(generatedLines[at] ?? '<end>')}`;
}

/** What `call` threw, or undefined. */
async function thrownBy(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('the API client (libs/api-client)', () => {
  let server: TestServer;
  let api: ApiClient;

  beforeAll(async () => {
    server = await startServer();
    api = createApiClient({ baseUrl: server.url, headers: { Authorization: `Bearer ${ADMIN_KEY}` } });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('is generated from the OpenAPI document the server serves (no drift)', async () => {
    // This server runs the sources as SWC compiles them, the generator the tsc build: a difference
    // that regenerating does not cure is a property typed by reflection that SWC cannot see (a
    // type alias from another file), which needs an explicit `type` in its @ApiProperty.
    const response = await fetch(`${server.url}/docs-json`);
    expect(response.status).toBe(200);
    const served = (await response.json()) as object;

    const documentDifference = firstDifference(await readFile(join(PACKAGE_DIR, 'openapi.json'), 'utf8'), documentSource(served));
    expect(documentDifference, `libs/api-client/openapi.json is not the server's /docs-json (${documentDifference}): ${REGENERATE}`).toBe('');
    const schemaDifference = firstDifference(await readFile(join(PACKAGE_DIR, 'src', 'schema.ts'), 'utf8'), await schemaSource(served));
    expect(schemaDifference, `libs/api-client/src/schema.ts is not generated from the served document (${schemaDifference}): ${REGENERATE}`).toBe('');
  });

  it('lists, creates, reads and deletes models with an API key', async () => {
    expect(unwrap(await api.GET('/api/models'))).toEqual({ items: [], total: 0 });

    const created = unwrap(await api.POST('/api/models', { body: { name: 'client-check', description: 'made by the client', labels: { team: 'qa' } } }));
    expect(created).toMatchObject({ name: 'client-check', description: 'made by the client', labels: { team: 'qa' }, latestVersion: 0 });

    const path = { params: { path: { name: 'client-check' } } };
    expect(unwrap(await api.GET('/api/models/{name}', path))).toEqual(created);
    expect(unwrap(await api.GET('/api/models', { params: { query: { limit: '10' } } }))).toEqual({ items: [created], total: 1 });

    // 204: no body to give.
    expect(unwrap(await api.DELETE('/api/models/{name}', path))).toBeUndefined();
    expect((await api.GET('/api/models/{name}', path)).response.status).toBe(404);
  });

  it("throws an ApiError with the status and the server's message", async () => {
    const served = await server.json<{ error: string; requestId: string }>('/api/models/no-such-model');
    expect(served.status).toBe(404);

    const missing = await thrownBy(async () => unwrap(await api.GET('/api/models/{name}', { params: { path: { name: 'no-such-model' } } })));
    expect(missing).toBeInstanceOf(ApiError);
    expect(missing).toMatchObject({ status: 404, message: served.body.error, requestId: expect.any(String) });
    expect((missing as ApiError).body).toEqual({ error: served.body.error, requestId: (missing as ApiError).requestId });

    unwrap(await api.POST('/api/models', { body: { name: 'taken' } }));
    const taken = await thrownBy(async () => unwrap(await api.POST('/api/models', { body: { name: 'taken' } })));
    expect(taken).toMatchObject({ status: 409, message: expect.stringContaining('taken') });

    const anonymous = createApiClient({ baseUrl: server.url });
    expect(await thrownBy(async () => unwrap(await anonymous.GET('/api/models')))).toMatchObject({ name: 'ApiError', status: 401 });
  });

  it('answers the inference routes as the document describes them, called through the typed client', async () => {
    const fixtures = await mkdtemp(join(tmpdir(), 'modelgate-client-'));
    try {
      const mlp = await onnxMlp(fixtures);
      unwrap(await api.POST('/api/models', { body: { name: 'typed' } }));
      expect((await uploadVersion(server, 'typed', mlp.path)).status).toBe(201);
      const document = (await (await fetch(`${server.url}/docs-json`)).json()) as OpenApiDocument;
      /** The answer fits the operation's documented 200 JSON schema, with no property it does not name. */
      const fits = (path: string, method: 'get' | 'post', body: unknown) => {
        const schema = document.paths[path]![method]!.responses['200']!.content!['application/json']!.schema!;
        expect(schemaProblems(body, schema, document), `${method.toUpperCase()} ${path}`).toEqual([]);
      };
      const model = { params: { path: { name: 'typed' } } };
      const version = { params: { path: { name: 'typed', version: '1' } } };
      const rows = [
        [5.1, 3.5, 1.4, 0.2],
        [6.7, 3.0, 5.2, 2.3],
      ];

      // Open Inference Protocol: the body and the answer typed from the document.
      const inferred = unwrap(await api.POST('/v2/models/{name}/infer', { ...model, body: { id: 'typed-1', inputs: [{ name: 'x', shape: [2, 4], datatype: 'FP32', data: rows.flat() }] } }));
      fits('/v2/models/{name}/infer', 'post', inferred);
      expect(inferred).toMatchObject({ model_name: 'typed', model_version: '1', id: 'typed-1', outputs: [{ name: 'probabilities', datatype: 'FP32', shape: [2, 3] }] });
      const expected = mlp.predict(rows).flat();
      (inferred.outputs[0]!.data as number[]).forEach((value, index) => expect(value).toBeCloseTo(expected[index]!, 5));
      const top = unwrap(
        await api.POST('/v2/models/{name}/versions/{version}/infer', {
          ...version,
          body: { inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data: [rows[0]] }], outputs: [{ name: 'probabilities', parameters: { classification: 2 } }] },
        }),
      );
      fits('/v2/models/{name}/versions/{version}/infer', 'post', top);
      expect(top.outputs[0]).toMatchObject({ datatype: 'BYTES', shape: [1, 2] });
      // The binary extension's JSON part is the same document.
      const binary = await server.fetch('/v2/models/typed/infer', {
        method: 'POST',
        body: JSON.stringify({ inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data: rows[0] }], parameters: { binary_data_output: true } }),
      });
      expect(binary.status).toBe(200);
      const headerLength = Number(binary.headers.get('inference-header-content-length'));
      const header = JSON.parse(Buffer.from(await binary.arrayBuffer()).subarray(0, headerLength).toString('utf8')) as unknown;
      fits('/v2/models/{name}/infer', 'post', header);
      expect(header).toMatchObject({ outputs: [{ name: 'probabilities', parameters: { binary_data_size: 12 } }] });

      fits('/v2', 'get', unwrap(await api.GET('/v2')));
      const metadata = unwrap(await api.GET('/v2/models/{name}', model));
      fits('/v2/models/{name}', 'get', metadata);
      expect(metadata.inputs).toEqual([{ name: 'x', datatype: 'FP32', shape: [-1, 4] }]);
      fits('/v2/models/{name}/versions/{version}', 'get', unwrap(await api.GET('/v2/models/{name}/versions/{version}', version)));
      fits('/v2/models/{name}/ready', 'get', unwrap(await api.GET('/v2/models/{name}/ready', model)));
      fits('/v2/models/{name}/versions/{version}/ready', 'get', unwrap(await api.GET('/v2/models/{name}/versions/{version}/ready', version)));
      // Triton's statistics and model configuration extensions, after the requests above.
      const statistics = unwrap(await api.GET('/v2/models/{name}/stats', model));
      fits('/v2/models/{name}/stats', 'get', statistics);
      expect(statistics.model_stats[0]).toMatchObject({ name: 'typed', version: '1' });
      expect(statistics.model_stats[0]!.inference_count).toBeGreaterThanOrEqual(4);
      fits('/v2/models/stats', 'get', unwrap(await api.GET('/v2/models/stats')));
      fits('/v2/models/{name}/versions/{version}/stats', 'get', unwrap(await api.GET('/v2/models/{name}/versions/{version}/stats', version)));
      const config = unwrap(await api.GET('/v2/models/{name}/config', model));
      fits('/v2/models/{name}/config', 'get', config);
      expect(config).toMatchObject({ name: 'typed', platform: 'onnxruntime_onnx', input: [{ name: 'x', data_type: 'TYPE_FP32' }] });
      fits('/v2/models/{name}/versions/{version}/config', 'get', unwrap(await api.GET('/v2/models/{name}/versions/{version}/config', version)));
      for (const path of ['/health/live', '/health/ready', '/v2/health/live', '/v2/health/ready'] as const) fits(path, 'get', unwrap(await api.GET(path)));

      // TensorFlow Serving REST: both formats, the status and the metadata.
      const predicted = unwrap(await api.POST('/v1/models/{name}:predict', { ...model, body: { instances: rows } }));
      fits('/v1/models/{name}:predict', 'post', predicted);
      expect(predicted.predictions).toHaveLength(2);
      const columnar = unwrap(await api.POST('/v1/models/{name}/versions/{version}:predict', { ...version, body: { inputs: { x: rows } } }));
      fits('/v1/models/{name}/versions/{version}:predict', 'post', columnar);
      expect(columnar.outputs).toHaveLength(2);
      const status = unwrap(await api.GET('/v1/models/{name}', model));
      fits('/v1/models/{name}', 'get', status);
      expect(status.model_version_status[0]).toMatchObject({ version: '1', state: 'AVAILABLE' });
      const signature = unwrap(await api.GET('/v1/models/{name}/metadata', model));
      fits('/v1/models/{name}/metadata', 'get', signature);
      expect(signature.metadata.signature_def.signature_def.serving_default!.inputs.x!.dtype).toBe('DT_FLOAT');
      fits('/v1/models/{name}/versions/{version}/metadata', 'get', unwrap(await api.GET('/v1/models/{name}/versions/{version}/metadata', version)));

      // The examples the document shows, of requests and of answers, fit their schemas.
      let examples = 0;
      for (const [path, item] of Object.entries(document.paths)) {
        for (const [method, operation] of Object.entries(item)) {
          const bodies = [operation.requestBody?.content['application/json'], ...Object.values(operation.responses).map((response) => response.content?.['application/json'])];
          for (const json of bodies) {
            if (json?.schema === undefined) continue;
            const shown = [...(json.example === undefined ? [] : [['example', json.example] as const]), ...Object.entries(json.examples ?? {}).map(([label, { value }]) => [label, value] as const)];
            for (const [label, value] of shown) {
              examples++;
              expect(schemaProblems(value, json.schema, document), `${method.toUpperCase()} ${path} example ${label}`).toEqual([]);
            }
          }
        }
      }
      expect(examples).toBeGreaterThanOrEqual(10);
      // Every answer of every route says what it is.
      const undescribed = Object.entries(document.paths).flatMap(([path, item]) =>
        Object.entries(item).flatMap(([method, operation]) =>
          Object.entries(operation.responses)
            .filter(([, response]) => !response.description)
            .map(([status]) => `${method.toUpperCase()} ${path} ${status}`),
        ),
      );
      expect(undescribed).toEqual([]);
    } finally {
      await rm(fixtures, { recursive: true, force: true });
    }
  });
});

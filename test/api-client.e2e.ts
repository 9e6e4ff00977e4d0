import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiError, createApiClient, unwrap, type ApiClient } from '../libs/api-client/src/index';
import { documentSource, schemaSource } from '../libs/api-client/scripts/schema-source.mjs';
import { ADMIN_KEY, startServer, type TestServer } from './support/server';

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
});

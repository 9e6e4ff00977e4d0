import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';
import { onnxMlp, zipFolder } from './fixtures/models';
import { listFiles } from './support/files';
import { withoutServing } from './support/stored';
import { ADMIN_KEY, startServer, uploadForm, type TestServer } from './support/server';

interface ErrorBody {
  error: string;
}


/** Every limit answers 4xx with a message that says which, and leaves nothing behind. */
describe('input limits', () => {
  let server: TestServer;
  let workspace: string;
  let onnx: Buffer;

  beforeAll(async () => {
    workspace = await mkdtemp(join(tmpdir(), 'modelgate-limits-'));
    onnx = await readFile((await onnxMlp(workspace)).path);
    server = await startServer({
      env: { MODELGATE_MAX_TENSOR_ELEMENTS: '8', MODELGATE_MAX_JSON_DEPTH: '16', MODELGATE_MAX_UNPACKED_MB: '1', MODELGATE_MAX_ARCHIVE_ENTRIES: '20' },
    });
    expect((await server.json('/api/models', { method: 'POST', body: JSON.stringify({ name: 'mlp' }) })).status).toBe(201);
    expect((await server.json('/api/models/mlp/versions', { method: 'POST', body: uploadForm(onnx, 'mlp.onnx') })).status).toBe(201);
  });
  afterAll(async () => {
    await server?.close();
    await rm(workspace, { recursive: true, force: true });
  });

  /** Rows, versions, keys and stored files: what a refused request must not change (withoutServing). */
  async function state() {
    return {
      models: withoutServing((await server.json('/api/models')).body),
      versions: withoutServing((await server.json('/api/models/mlp/versions')).body),
      artifacts: await listFiles(join(server.dataDir, 'artifacts')),
      scratch: await listFiles(join(server.dataDir, 'tmp')),
    };
  }

  it('refuses JSON nested deeper than MODELGATE_MAX_JSON_DEPTH, NUL characters and unpaired surrogates, with 400', async () => {
    const before = await state();
    const deep = '{"a":'.repeat(17) + '1' + '}'.repeat(17);
    for (const [path, method, body] of [
      ['/api/models', 'POST', `{"name":"deep","labels":${deep}}`],
      ['/api/models/mlp', 'PATCH', `{"labels":${deep}}`],
      ['/api/keys', 'POST', `{"name":"k","scopes":["predict"],"rateLimit":${deep}}`],
      ['/api/auth/login', 'POST', `{"username":${deep},"password":"x"}`],
      ['/api/models', 'POST', '['.repeat(100_000) + ']'.repeat(100_000)],
    ] as const) {
      const answer = await server.json<ErrorBody>(path, { method, body });
      expect(answer.status, path).toBe(400);
      expect(answer.body.error).toContain('more than 16 levels deep');
    }
    const nul = await server.json<ErrorBody>('/api/models', { method: 'POST', body: JSON.stringify({ name: 'nul', description: 'a\u0000b' }) });
    expect(nul).toMatchObject({ status: 400, body: { error: expect.stringContaining('NUL character') } });
    expect((await server.json<ErrorBody>('/api/models/a%00b')).status).toBe(400);
    // Half a surrogate pair is valid JSON but not a character: jsonb refuses it, so the API does first.
    const surrogate = await server.json<ErrorBody>('/api/models', { method: 'POST', body: '{"name":"half","labels":{"team":"\\ud800>"}}' });
    expect(surrogate).toMatchObject({ status: 400, body: { error: expect.stringContaining('half of a UTF-16 surrogate pair') } });
    const form = uploadForm(onnx, 'mlp.onnx', { config: '{"a":'.repeat(40) + '1' + '}'.repeat(40) });
    const deepConfig = await server.json<ErrorBody>('/api/models/mlp/versions', { method: 'POST', body: form });
    expect(deepConfig.status).toBe(400);
    expect(deepConfig.body.error).toContain('nests more than');
    expect(await state()).toEqual(before);
  });

  it('refuses predictions over MODELGATE_MAX_TENSOR_ELEMENTS with 413, in every protocol', async () => {
    const rows = (count: number) => Array.from({ length: count }, () => [5.1, 3.5, 1.4, 0.2]);
    const v2 = (count: number) => ({ inputs: [{ name: 'x', datatype: 'FP32', shape: [count, 4], data: rows(count).flat() }] });
    expect((await server.json('/v2/models/mlp/infer', { method: 'POST', body: JSON.stringify(v2(2)) })).status).toBe(200);
    const tooMany = await server.json<ErrorBody>('/v2/models/mlp/infer', { method: 'POST', body: JSON.stringify(v2(3)) });
    expect(tooMany.status).toBe(413);
    expect(tooMany.body.error).toBe('the request holds 12 tensor elements, more than the 8 allowed (MODELGATE_MAX_TENSOR_ELEMENTS); send fewer rows per request');

    const tensor = Buffer.from(Float32Array.from(rows(3).flat()).buffer);
    const header = Buffer.from(JSON.stringify({ inputs: [{ name: 'x', datatype: 'FP32', shape: [3, 4], parameters: { binary_data_size: tensor.length } }] }));
    const binary = await server.fetch('/v2/models/mlp/infer', {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(header.length) },
      body: Buffer.concat([header, tensor]),
    });
    expect(binary.status).toBe(413);

    expect((await server.json('/v1/models/mlp:predict', { method: 'POST', body: JSON.stringify({ instances: rows(2) }) })).status).toBe(200);
    expect((await server.json('/v1/models/mlp:predict', { method: 'POST', body: JSON.stringify({ instances: rows(3) }) })).status).toBe(413);
    expect((await server.json('/v1/models/mlp:predict', { method: 'POST', body: JSON.stringify({ inputs: { x: rows(3) } }) })).status).toBe(413);
  });

  it('refuses a zip bomb, an archive with too many entries and a malformed multipart body, leaving nothing behind', async () => {
    const before = await state();
    const bomb = join(workspace, 'bomb');
    await mkdir(bomb);
    await writeFile(join(bomb, 'model.json'), Buffer.alloc(3 * 1024 * 1024));
    const crowd = join(workspace, 'crowd');
    await mkdir(crowd);
    for (let index = 0; index < 30; index += 1) await writeFile(join(crowd, `shard${index}.bin`), 'x');
    const upload = async (file: Buffer, name: string) =>
      server.json<ErrorBody>('/api/models/mlp/versions', { method: 'POST', body: uploadForm(file, name) });

    const exploded = await upload(await readFile(await zipFolder(bomb, join(workspace, 'bomb.zip'))), 'bomb.zip');
    expect(exploded.status).toBe(413);
    expect(exploded.body.error).toContain('unpacks to more than 1 MiB');
    const crowded = await upload(await readFile(await zipFolder(crowd, join(workspace, 'crowd.zip'))), 'crowd.zip');
    expect(crowded.status).toBe(413);
    expect(crowded.body.error).toContain('more than 20 entries');

    const boundary = 'cut-short';
    const truncated = await server.fetch('/api/models/mlp/versions', {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      body: `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="m.onnx"\r\n\r\n${onnx.subarray(0, 100).toString('latin1')}`,
    });
    expect(truncated.status).toBe(400);
    expect(((await truncated.json()) as ErrorBody).error).toContain('the multipart body is malformed');
    // A file part refused unread (a wrong field name, a second file) whose body is then cut short:
    // the parser's error comes after the answer, when nothing reads the part (found by the fuzz test
    // as an uncaught exception, which would end the process).
    for (const [field, prefix] of [
      ['model', ''],
      ['file', `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="m.onnx"\r\n\r\n${onnx.toString('latin1')}\r\n`],
    ] as const) {
      const refused = await server.fetch('/api/models/mlp/versions', {
        method: 'POST',
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        body: `${prefix}--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="m.onnx"\r\n\r\n${onnx.subarray(0, 100).toString('latin1')}`,
      });
      expect(refused.status, field).toBe(400);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await state()).toEqual(before);
  });

  it('keeps nothing of an upload whose client goes away mid-file, and still takes the next one', async () => {
    const before = await state();
    const boundary = 'goes-away';
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="m.onnx"\r\nContent-Type: application/octet-stream\r\n\r\n`;
    const tail = `\r\n--${boundary}--\r\n`;
    const { hostname, port } = new URL(server.url);
    // Cut at several points of the file: the first bytes, the middle, all but the closing boundary.
    for (const sent of [1, onnx.length >> 1, onnx.length]) {
      await new Promise<void>((resolve, reject) => {
        const socket = connect(Number(port), hostname, () => {
          const request = [
            'POST /api/models/mlp/versions HTTP/1.1',
            `host: ${hostname}`,
            `authorization: Bearer ${ADMIN_KEY}`,
            `content-type: multipart/form-data; boundary=${boundary}`,
            `content-length: ${Buffer.byteLength(head) + onnx.length + Buffer.byteLength(tail)}`,
          ].join('\r\n');
          socket.write(Buffer.concat([Buffer.from(`${request}\r\n\r\n${head}`), onnx.subarray(0, sent)]), () => {
            setTimeout(() => {
              socket.destroy();
              resolve();
            }, 50);
          });
        });
        socket.on('error', reject);
      });
    }
    // The server notices each close and cleans up; until it has, the scratch space may hold a part.
    const deadline = Date.now() + 5_000;
    while (JSON.stringify(await state()) !== JSON.stringify(before) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await state()).toEqual(before);
    const next = await server.json<{ version: number }>('/api/models/mlp/versions', { method: 'POST', body: uploadForm(onnx, 'mlp.onnx') });
    expect(next.status).toBe(201);
    expect((await server.json(`/api/models/mlp/versions/${next.body.version}`, { method: 'DELETE' })).status).toBeLessThan(300);
  });

  it('validates model names and labels', async () => {
    for (const body of [{ name: '../x' }, { name: 'UPPER' }, { name: 'ok', labels: { team: { nested: 'x' } } }, { name: 'ok', labels: { team: 5 } }, { name: 'ok', labels: { 'bad key!': 'x' } }]) {
      expect((await server.json('/api/models', { method: 'POST', body: JSON.stringify(body) })).status, JSON.stringify(body)).toBe(400);
    }
    expect((await server.json('/api/models/mlp', { method: 'PATCH', body: JSON.stringify({ description: null }) })).status).toBe(400);
    expect((await server.json('/api/models', { method: 'POST', body: JSON.stringify({ name: 'ok', labels: { 'app.kubernetes.io/name': 'iris' } }) })).status).toBe(201);
  });
});

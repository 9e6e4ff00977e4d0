import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  corruptOnnx,
  hostileArchives,
  onnxMlp,
  savedModelDir,
  tarGzFolder,
  tfjsGraphModel,
  tfjsLayersModel,
  zipFolder,
  type HostileArchives,
} from './fixtures/models';
import { IRIS_LAYERS } from './fixtures/onnx-models';
import { mlpModel } from '../libs/runtime/src/onnx-builder';
import { listFiles } from './support/files';
import { startServer, uploadForm, withDatabase, type TestServer } from './support/server';
import { withoutServing } from './support/stored';

interface VersionBody {
  model: string;
  serving: {
    state: string;
    instances?: Array<{ instance: number; device: string; ready: boolean; intraOpThreads: number; threadsInUse?: number; threadsReason?: string; inFlightBatches: number }>;
  };
  version: number;
  status: string;
  format: string;
  signature: { inputs: Array<{ name: string; datatype: string; shape: number[] }>; outputs: Array<{ name: string; datatype: string; shape: number[] }> };
  artifact: { sha256: string; size: number };
  config: Record<string, unknown>;
  /** Present on refusals. */
  error: string;
}

function formWithoutFile(): FormData {
  const form = new FormData();
  form.append('config', '{}');
  return form;
}

describe('registry', () => {
  let server: TestServer;
  let fixtures: string;
  let mlpFile: Buffer;

  beforeAll(async () => {
    fixtures = await mkdtemp(join(tmpdir(), 'modelgate-fixtures-'));
    mlpFile = await readFile((await onnxMlp(fixtures)).path);
    server = await startServer();
  });
  afterAll(async () => {
    await server?.close();
    await rm(fixtures, { recursive: true, force: true });
  });

  const createModel = (name: string) => server.json('/api/models', { method: 'POST', body: JSON.stringify({ name }) });
  const upload = (model: string, file: Buffer, filename: string, fields?: Record<string, string>) =>
    server.json<VersionBody>(`/api/models/${model}/versions`, { method: 'POST', body: uploadForm(file, filename, fields) });

  /** What a refused request must leave untouched: versions, stored artifacts, scratch files. */
  async function snapshot(model: string) {
    const versions = await server.json(`/api/models/${model}/versions`);
    return {
      versions: withoutServing(versions.body),
      artifacts: await listFiles(join(server.dataDir, 'artifacts')),
      scratch: await listFiles(join(server.dataDir, 'tmp')),
    };
  }

  describe('models', () => {
    it('creates, lists, gets, updates and deletes a model', async () => {
      const created = await server.json('/api/models', {
        method: 'POST',
        body: JSON.stringify({ name: 'crud', description: 'for the test', task: 'classification', labels: { team: 'a' } }),
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ name: 'crud', description: 'for the test', task: 'classification', labels: { team: 'a' }, latestVersion: 0 });

      const list = await server.json<{ items: Array<{ name: string }>; total: number }>('/api/models');
      expect(list.body.items.map((model) => model.name)).toContain('crud');

      const patched = await server.json('/api/models/crud', { method: 'PATCH', body: JSON.stringify({ description: 'changed' }) });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ name: 'crud', description: 'changed' });

      expect((await server.fetch('/api/models/crud', { method: 'DELETE' })).status).toBe(204);
      const gone = await server.json<{ error: string }>('/api/models/crud');
      expect(gone.status).toBe(404);
      expect(gone.body.error).toContain('model "crud" not found');
    });

    it('refuses a taken name with 409 and a bad name with 400', async () => {
      expect((await createModel('taken')).status).toBe(201);
      const again = await createModel('taken');
      expect(again.status).toBe(409);
      expect((again.body as { error: string }).error).toContain('already exists');
      for (const name of ['Upper', 'has space', '../etc', '-leading', 'a'.repeat(64), '']) {
        const bad = await createModel(name);
        expect(bad.status, name).toBe(400);
        expect((bad.body as { error: string }).error).toContain('name must be 1-63 characters');
      }
      // GET /v2/models/stats is the protocol's statistics of all models: a model of that name would have no metadata route.
      const modelsBefore = (await server.json<{ total: number }>('/api/models')).body.total;
      const reserved = await createModel('stats');
      expect(reserved.status).toBe(400);
      expect((reserved.body as { error: string }).error).toBe(
        'name "stats" is reserved: GET /v2/models/stats is the Open Inference Protocol\'s statistics route for all models, ' +
          'where this model\'s metadata would be; choose another name (e.g. "stats-model")',
      );
      expect((await server.json('/api/models/stats')).status).toBe(404);
      expect((await server.json<{ total: number }>('/api/models')).body.total).toBe(modelsBefore);
      const rows = await withDatabase(server, (client) => client.query(`SELECT count(*)::int AS count FROM "models" WHERE "name" = 'stats'`));
      expect(rows.rows[0].count).toBe(0);
      const unknownField = await server.json('/api/models', { method: 'POST', body: JSON.stringify({ name: 'ok-name', colour: 'red' }) });
      expect(unknownField.status).toBe(400);
      expect((unknownField.body as { error: string }).error).toContain('property colour should not exist');
    });

    it('keeps serving a model named "stats" that was created before the name was reserved', async () => {
      await withDatabase(server, (client) => client.query(`INSERT INTO "models" ("name", "description") VALUES ('stats', 'from before')`));
      expect((await server.json('/api/models/stats')).body).toMatchObject({ name: 'stats', description: 'from before' });
      expect((await upload('stats', mlpFile, 'mlp.onnx')).status).toBe(201);
      const metadata = await server.json<{ name: string; versions: string[] }>('/v2/models/stats/versions/1');
      expect(metadata.status).toBe(200);
      expect(metadata.body).toMatchObject({ name: 'stats', versions: ['1'] });
      expect((await server.json('/v2/models/stats/ready')).status).toBe(200);
      // The route stays the protocol's statistics of all models, this one's among them.
      const all = await server.json<{ model_stats: Array<{ name: string }> }>('/v2/models/stats');
      expect(all.body.model_stats.map((stat) => stat.name)).toContain('stats');
      expect((await server.json('/api/models/stats', { method: 'PATCH', body: JSON.stringify({ description: 'still here' }) })).status).toBe(200);
      expect((await server.fetch('/api/models/stats', { method: 'DELETE' })).status).toBe(204);
    });
  });

  describe('versions', () => {
    beforeAll(async () => {
      await createModel('mlp');
    });

    it('uploads an ONNX file: stored by hash, loaded, signature read, versions counted 1, 2, 3', async () => {
      const first = await upload('mlp', mlpFile, 'mlp.onnx');
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({
        model: 'mlp',
        version: 1,
        status: 'ready',
        format: 'onnx',
        signature: {
          inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 4] }],
          outputs: [{ name: 'probabilities', datatype: 'FP32', shape: [-1, 3] }],
        },
        artifact: { size: mlpFile.length },
      });
      expect(first.body.artifact.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(existsSync(join(server.dataDir, 'artifacts', first.body.artifact.sha256, 'model.onnx'))).toBe(true);

      const second = await upload('mlp', mlpFile, 'mlp.onnx', { config: '{"instances": 2}', description: 'two workers' });
      expect(second.status).toBe(201);
      expect(second.body).toMatchObject({ version: 2, config: { instances: 2 }, status: 'ready' });

      const fetched = await server.json<VersionBody>('/api/models/mlp/versions/2');
      expect(fetched.status).toBe(200);
      expect(fetched.body).toMatchObject({ version: 2, status: 'ready', description: 'two workers' });
      // Each instance as it serves now: its device, its share of the cores, the threads it runs on.
      const instances = fetched.body.serving.instances!;
      expect(instances.map(({ instance, device, ready }) => ({ instance, device, ready }))).toEqual([
        { instance: 0, device: 'cpu', ready: true },
        { instance: 1, device: 'cpu', ready: true },
      ]);
      for (const shown of instances) {
        expect(shown.intraOpThreads).toBeGreaterThanOrEqual(1);
        expect(shown.threadsInUse).toBeGreaterThanOrEqual(1);
        expect(shown.threadsInUse).toBeLessThanOrEqual(shown.intraOpThreads);
        expect(shown.threadsReason).toEqual(expect.any(String));
        expect(shown.inFlightBatches).toBe(0);
      }
      const listed = await server.json<VersionBody[]>('/api/models/mlp/versions');
      expect(listed.body.map((version) => version.version)).toEqual([1, 2]);
    });

    it('answers 422 with the loader reason for a file that cannot be loaded, leaving nothing behind', async () => {
      const before = await snapshot('mlp');
      const corrupt = await readFile((await corruptOnnx(fixtures)).path);
      const refused = await upload('mlp', corrupt, 'corrupt.onnx');
      expect(refused.status).toBe(422);
      expect(refused.body.error).toMatch(/^the model cannot be loaded: /);
      expect(refused.body.error.length).toBeGreaterThan('the model cannot be loaded: '.length + 10);
      expect(await snapshot('mlp')).toEqual(before);
      // The failed upload did not burn a version number.
      const next = await upload('mlp', mlpFile, 'mlp.onnx');
      expect(next.body.version).toBe(3);
      expect((await server.fetch('/api/models/mlp/versions/3', { method: 'DELETE' })).status).toBe(204);
    });

    it.each([
      ['no file', () => formWithoutFile(), 400, 'no model file'],
      ['an empty file', () => uploadForm(Buffer.alloc(0), 'empty.onnx'), 400, 'the model file is empty'],
      ['a file of unknown type', () => uploadForm(Buffer.from('{"a":1}'), 'weights.json'), 415, 'cannot tell what "weights.json" is'],
      ['a fake zip', () => uploadForm(Buffer.from('not a zip at all'), 'model.zip'), 400, 'is named like an archive but is not a valid zip file'],
      ['config that is not JSON', () => uploadForm(Buffer.from('x'), 'm.onnx', { config: '{instances: 2' }), 400, 'the "config" field is not valid JSON'],
      ['config with a bad value', () => uploadForm(Buffer.from('x'), 'm.onnx', { config: '{"instances": 0}' }), 400, 'instances must not be less than 1'],
      ['config with an unknown field', () => uploadForm(Buffer.from('x'), 'm.onnx', { config: '{"gpus": 2}' }), 400, 'property gpus should not exist'],
      ['config with a bad device', () => uploadForm(Buffer.from('x'), 'm.onnx', { config: '{"device": "tpu"}' }), 400, 'device must be "cpu" or "gpu:<index>"'],
      ['config with a bad splitUnderLoad', () => uploadForm(Buffer.from('x'), 'm.onnx', { config: '{"splitUnderLoad": "yes"}' }), 400, 'splitUnderLoad must be true or false'],
      ['an unexpected field', () => uploadForm(Buffer.from('x'), 'm.onnx', { colour: 'red' }), 400, 'unexpected form field "colour"'],
    ])('refuses %s and changes nothing', async (_what, body, status, message) => {
      const before = await snapshot('mlp');
      const refused = await server.json<{ error: string }>('/api/models/mlp/versions', { method: 'POST', body: body() as FormData });
      expect(refused.status).toBe(status);
      expect(refused.body.error).toContain(message);
      expect(await snapshot('mlp')).toEqual(before);
    });

    it('refuses a JSON body instead of multipart with 415', async () => {
      const refused = await server.json<{ error: string }>('/api/models/mlp/versions', { method: 'POST', body: '{"file":"x"}' });
      expect(refused.status).toBe(415);
      expect(refused.body.error).toContain('multipart/form-data');
    });

    it('answers 404 for an unknown model or version', async () => {
      expect((await upload('nope', mlpFile, 'mlp.onnx')).status).toBe(404);
      const missing = await server.json<{ error: string }>('/api/models/mlp/versions/99');
      expect(missing.status).toBe(404);
      expect(missing.body.error).toBe('model "mlp" has no version 99');
      const notNumber = await server.json<{ error: string }>('/api/models/mlp/versions/one');
      expect(notNumber.status).toBe(400);
      expect(notNumber.body.error).toContain('version must be a whole number');
    });

    it('deletes a version: unloaded, no longer served, its file removed when unshared', async () => {
      await createModel('to-delete');
      const uploaded = await upload('to-delete', Buffer.concat([mlpFile]), 'mlp.onnx');
      const body = { inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: [1, 2, 3, 4] }] };
      expect((await server.json('/v2/models/to-delete/infer', { method: 'POST', body: JSON.stringify(body) })).status).toBe(200);
      expect((await server.fetch('/api/models/to-delete/versions/1', { method: 'DELETE' })).status).toBe(204);
      const after = await server.json<{ error: string }>('/v2/models/to-delete/versions/1/infer', { method: 'POST', body: JSON.stringify(body) });
      expect(after.status).toBe(404);
      // The same bytes are still used by model "mlp", so the artifact stays.
      expect(existsSync(join(server.dataDir, 'artifacts', uploaded.body.artifact.sha256))).toBe(true);
    });

    it('removes the artifact with the last version that uses it', async () => {
      await createModel('unique');
      // A different producer string makes the same network a different file.
      const bytes = Buffer.from(mlpModel({ layers: IRIS_LAYERS, producer: 'another-trainer' }));
      const uploaded = await upload('unique', bytes, 'other.onnx');
      expect(uploaded.status).toBe(201);
      const folder = join(server.dataDir, 'artifacts', uploaded.body.artifact.sha256);
      expect(existsSync(folder)).toBe(true);
      expect((await server.fetch('/api/models/unique', { method: 'DELETE' })).status).toBe(204);
      expect(existsSync(folder)).toBe(false);
    });
  });

  describe('TF.js and SavedModel uploads', () => {
    beforeAll(async () => {
      await createModel('tfjs');
    });

    it('accepts a TF.js layers model as .zip and as .tar.gz (nested in a folder)', async () => {
      const model = await tfjsLayersModel(join(fixtures, 'layers'));
      const zipped = await readFile(await zipFolder(model.dir, join(fixtures, 'layers.zip')));
      const zip = await upload('tfjs', zipped, 'layers.zip');
      expect(zip.status).toBe(201);
      expect(zip.body).toMatchObject({ format: 'tfjs-layers', status: 'ready', signature: model.signature });
      const tarred = await readFile(await tarGzFolder(model.dir, join(fixtures, 'layers.tar.gz'), { nestUnder: 'my_model' }));
      const tar = await upload('tfjs', tarred, 'layers.tar.gz');
      expect(tar.status).toBe(201);
      expect(tar.body).toMatchObject({ format: 'tfjs-layers', status: 'ready' });
    });

    it.each(['signature', 'userDefinedMetadata', 'none'] as const)('accepts a TF.js graph model with the signature in %s', async (layout) => {
      const model = await tfjsGraphModel(join(fixtures, `graph-${layout}`), { signatureLayout: layout });
      const archive = await readFile(await zipFolder(model.dir, join(fixtures, `graph-${layout}.zip`)));
      const uploaded = await upload('tfjs', archive, 'graph.zip');
      expect(uploaded.status).toBe(201);
      expect(uploaded.body).toMatchObject({ format: 'tfjs-graph', status: 'ready', signature: model.signature });
    });

    it('answers 422 for a SavedModel without the native TensorFlow backend, saying how to convert it', async () => {
      const before = await snapshot('tfjs');
      const model = await savedModelDir(join(fixtures, 'saved'));
      const archive = await readFile(await tarGzFolder(model.dir, join(fixtures, 'saved.tar.gz')));
      const refused = await upload('tfjs', archive, 'saved.tar.gz');
      expect(refused.status).toBe(422);
      expect(refused.body.error).toContain('tensorflowjs_converter --input_format=tf_saved_model');
      expect(refused.body.error).toContain('tf2onnx');
      expect(await snapshot('tfjs')).toEqual(before);
    });

    describe('hostile archives', () => {
      let archives: HostileArchives;
      beforeAll(async () => {
        archives = await hostileArchives(fixtures);
      });

      it.each([
        ['zipTraversal', 'points outside the archive'],
        ['tarGzTraversal', 'points outside the archive'],
        ['zipAbsolutePath', 'absolute path'],
        ['tarGzAbsolutePath', 'absolute path'],
        ['zipSymlink', 'symbolic link'],
        ['tarGzSymlink', 'link'],
      ] as const)('refuses %s with 400 and writes nothing', async (which, message) => {
        const before = await snapshot('tfjs');
        const file = await readFile(archives[which]);
        const refused = await upload('tfjs', file, which.startsWith('zip') ? 'model.zip' : 'model.tar.gz');
        expect(refused.status).toBe(400);
        expect(refused.body.error).toContain(message);
        expect(await snapshot('tfjs')).toEqual(before);
        expect((await listFiles(server.dataDir)).filter((path) => path.includes('evil'))).toEqual([]);
        expect(existsSync('/tmp/modelgate-evil.txt')).toBe(false);
      });
    });
  });

  describe('settings and restarts', () => {
    it('changes instances without a restart and keeps answering', async () => {
      await createModel('settings');
      await upload('settings', mlpFile, 'mlp.onnx');
      const patched = await server.json<VersionBody>('/api/models/settings/versions/1', { method: 'PATCH', body: JSON.stringify({ config: { instances: 2 } }) });
      expect(patched.status).toBe(200);
      expect(patched.body.config).toEqual({ instances: 2 });
      const body = { inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: [1, 2, 3, 4] }] };
      expect((await server.json('/v2/models/settings/infer', { method: 'POST', body: JSON.stringify(body) })).status).toBe(200);
      const unsplit = await server.json<VersionBody>('/api/models/settings/versions/1', { method: 'PATCH', body: JSON.stringify({ config: { splitUnderLoad: false } }) });
      expect(unsplit.status).toBe(200);
      expect(unsplit.body.config).toEqual({ instances: 2, splitUnderLoad: false });
      expect((await server.json('/v2/models/settings/infer', { method: 'POST', body: JSON.stringify(body) })).status).toBe(200);

      const retired = await server.json<VersionBody>('/api/models/settings/versions/1', { method: 'PATCH', body: JSON.stringify({ status: 'retired' }) });
      expect(retired.body.status).toBe('retired');
      expect((await server.json('/v2/models/settings/infer', { method: 'POST', body: JSON.stringify(body) })).status).toBe(404);
      const back = await server.json<VersionBody>('/api/models/settings/versions/1', { method: 'PATCH', body: JSON.stringify({ status: 'ready' }) });
      expect(back.body.status).toBe('ready');
      expect((await server.json('/v2/models/settings/infer', { method: 'POST', body: JSON.stringify(body) })).status).toBe(200);
    });

    it('serves the same models after a restart', async () => {
      const body = { inputs: [{ name: 'x', datatype: 'FP32', shape: [2, 4], data: [1, 2, 3, 4, 5, 6, 7, 8] }] };
      const before = await server.json('/v2/models/mlp/versions/2/infer', { method: 'POST', body: JSON.stringify(body) });
      expect(before.status).toBe(200);
      await server.restart();
      const after = await server.json('/v2/models/mlp/versions/2/infer', { method: 'POST', body: JSON.stringify(body) });
      expect(after.status).toBe(200);
      expect(after.body).toEqual(before.body);
      const versions = await server.json<VersionBody[]>('/api/models/mlp/versions');
      expect(versions.body.map((version) => version.version)).toEqual([1, 2]);
    });
  });
});

describe('upload size limit', () => {
  it('answers 413 for a file over MODELGATE_MAX_UPLOAD_MB and leaves nothing behind', async () => {
    const server = await startServer({ env: { MODELGATE_MAX_UPLOAD_MB: '1' } });
    try {
      await server.json('/api/models', { method: 'POST', body: JSON.stringify({ name: 'big' }) });
      const refused = await server.json<{ error: string }>('/api/models/big/versions', {
        method: 'POST',
        body: uploadForm(Buffer.alloc(1024 * 1024 + 4096, 7), 'big.onnx'),
      });
      expect(refused.status).toBe(413);
      expect(refused.body.error).toContain('larger than the 1 MiB upload limit');
      expect(await listFiles(join(server.dataDir, 'artifacts'))).toEqual([]);
      expect(await listFiles(join(server.dataDir, 'tmp'))).toEqual([]);
      expect((await server.json<unknown[]>('/api/models/big/versions')).body).toEqual([]);
    } finally {
      await server.close();
    }
  });
});

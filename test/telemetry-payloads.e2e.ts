import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TelemetryService } from '../apps/api/src/telemetry/telemetry.service';
import { createKey } from './support/credentials';
import { onnxMlp } from './fixtures/models';
import { startServer, uploadForm, type TestServer } from './support/server';

interface Logged {
  model: string;
  logging: boolean;
  retentionHours: number;
  items: Array<{ version: number; at: string; inputs: Array<{ name: string; shape: number[]; data: number[] | null }>; outputs: Array<{ name: string; shape: number[]; data: number[] | null }> }>;
}

describe('payload logging', () => {
  let server: TestServer;
  let fixtures: string;

  const infer = async (model: string, rows: number[][]) => {
    const answer = await server.fetch(`/v2/models/${model}/infer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: [{ name: 'x', datatype: 'FP32', shape: [rows.length, 4], data: rows.flat() }] }),
    });
    expect(answer.status).toBe(200);
    return ((await answer.json()) as { outputs: Array<{ data: number[] }> }).outputs[0]!.data;
  };
  const logged = (model: string, query = '', key?: string) => server.json<Logged>(`/api/models/${model}/payloads${query}`, { key });

  beforeAll(async () => {
    fixtures = await mkdtemp(join(tmpdir(), 'modelgate-payloads-'));
    server = await startServer({ env: { MODELGATE_PAYLOAD_LOG_MODELS: 'mlp', MODELGATE_PAYLOAD_LOG_PERCENT: '100', MODELGATE_PAYLOAD_LOG_HOURS: '1' } });
    const model = await readFile((await onnxMlp(fixtures)).path);
    for (const name of ['mlp', 'other']) {
      await server.json('/api/models', { method: 'POST', body: JSON.stringify({ name }) });
      expect((await server.json(`/api/models/${name}/versions`, { method: 'POST', body: uploadForm(model, 'mlp.onnx') })).status).toBe(201);
    }
  });
  afterAll(async () => {
    await server?.close();
    await rm(fixtures, { recursive: true, force: true });
  });

  it('keeps the requests of the models it is switched on for, inputs and outputs, newest first', async () => {
    const sent = [
      [0.5, 1.25, 2, 3.5],
      [1, 2, 3, 4],
      [4.5, 3.25, 2, 0.75],
    ];
    const answers: number[][] = [];
    for (const row of sent) answers.push(await infer('mlp', [row]));
    await infer('other', [[1, 1, 1, 1]]);
    // Too large to keep: over 4096 input elements.
    await infer('mlp', Array.from({ length: 1100 }, () => [1, 2, 3, 4]));

    const kept = await logged('mlp');
    expect(kept.status).toBe(200);
    expect(kept.body).toMatchObject({ model: 'mlp', logging: true, retentionHours: 1 });
    expect(kept.body.items).toHaveLength(3);
    const newestFirst = [...kept.body.items].reverse();
    newestFirst.forEach((item, index) => {
      expect(item.version).toBe(1);
      expect(item.inputs).toEqual([{ name: 'x', datatype: 'FP32', shape: [1, 4], data: sent[index]!.map(Math.fround) }]);
      expect(item.outputs[0]!.name).toBe('probabilities');
      expect(item.outputs[0]!.data).toEqual(answers[index]);
    });
    expect((await logged('mlp', '?limit=2')).body.items).toHaveLength(2);

    const other = await logged('other');
    expect(other.body).toMatchObject({ model: 'other', logging: false, items: [] });
  });

  it('shows kept requests to admins only, and 404 for an unknown model', async () => {
    const reader = await createKey(server, { name: 'reader', scopes: ['models:read', 'predict'] });
    expect((await logged('mlp', '', reader.key)).status).toBe(403);
    expect((await logged('nosuch')).status).toBe(404);
    expect((await logged('mlp', '?limit=0')).status).toBe(400);
  });

  it('deletes what it keeps after MODELGATE_PAYLOAD_LOG_HOURS', async () => {
    const deleted = await server.modelgate.app.get(TelemetryService).applyRetention(Date.now() + 2 * 3_600_000);
    expect(deleted.payloads).toBe(3);
    expect((await logged('mlp')).body.items).toEqual([]);
  });
});

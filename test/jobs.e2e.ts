import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Schemas } from '../libs/api-client/src/index';
import { ModelServer } from '../apps/api/src/inference/model-server.service';
import { JobsRepository } from '../apps/api/src/jobs/jobs.repository';
import { onnxMlp, onnxMlpFailingOnLargeInputs, onnxMlpVariant, onnxMultiInput, type OnnxMlpFixture } from './fixtures/models';
import { createKey } from './support/credentials';
import { eventually } from './support/eventually';
import { enableRuntimeTestHooks, runtimeOf, startServer, uploadForm, uploadVersion, withDatabase, type TestServer } from './support/server';

type Job = Schemas['JobDto'];
type JobPage = Schemas['JobPageDto'];
interface ResultLine {
  row: number;
  prediction?: number[];
  error?: string;
}

/** Rows of the MLP's four features, different on every row, repeatable. */
function featureRows(count: number, seed = 0): number[][] {
  return Array.from({ length: count }, (_, index) => [((index * 7 + seed) % 40) / 10, ((index * 3) % 25) / 10, (index % 13) / 5, ((index + seed) % 9) / 4]);
}

function expectPredictions(lines: ResultLine[], rows: number[][], fixture: OnnxMlpFixture): void {
  const expected = fixture.predict(rows);
  expect(lines.map((line) => line.row)).toEqual(rows.map((_, index) => index + 1));
  for (let index = 0; index < rows.length; index++) {
    expect(lines[index].error).toBeUndefined();
    lines[index].prediction!.forEach((value, column) => expect(value).toBeCloseTo(expected[index][column], 5));
  }
}

describe('batch jobs', () => {
  let server: TestServer;
  let fixtures: string;
  let mlp: OnnxMlpFixture;
  let variant: OnnxMlpFixture;
  let restoreHooks: () => void;

  const submit = (model: string, text: string, filename: string, fields: Record<string, string> = {}, key?: string) =>
    server.json<Job & { error?: string; line?: number }>(`/api/models/${model}/jobs`, { method: 'POST', body: uploadForm(Buffer.from(text), filename, fields), key });
  const job = (id: string, key?: string) => server.json<Job & { error?: string }>(`/api/jobs/${id}`, { key });
  const finished = async (id: string, key?: string): Promise<Job> => {
    let last: Job | undefined;
    await eventually(async () => {
      last = (await job(id, key)).body;
      return last.status !== 'queued' && last.status !== 'running';
    }, 20_000);
    return last!;
  };
  const results = async (id: string, key?: string): Promise<ResultLine[]> => {
    const response = await server.fetch(`/api/jobs/${id}/results`, { key });
    expect(response.status).toBe(200);
    return (await response.text())
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as ResultLine);
  };
  const jobFolders = async () => (await readdir(join(server.dataDir, 'jobs'))).filter((name) => name !== '.incoming').sort();
  const jsonl = (rows: unknown[]) => rows.map((row) => JSON.stringify(row)).join('\n') + '\n';

  beforeAll(async () => {
    restoreHooks = enableRuntimeTestHooks();
    fixtures = await mkdtemp(join(tmpdir(), 'modelgate-jobs-'));
    mlp = await onnxMlp(fixtures);
    variant = await onnxMlpVariant(fixtures);
    server = await startServer({ env: { MODELGATE_JOB_POLL_MS: '100' } });
    await server.json('/api/models', { method: 'POST', body: JSON.stringify({ name: 'mlp' }) });
    // A batch of 16, so that a job of hundreds of rows runs in many chunks.
    expect((await uploadVersion(server, 'mlp', mlp.path, { config: JSON.stringify({ batching: { maxBatchSize: 16 } }) })).status).toBe(201);
    expect((await uploadVersion(server, 'mlp', variant.path)).status).toBe(201);
    // v1 takes the traffic: a job that names no version is scored by it, not by the newer v2.
    const deployed = await server.json('/api/models/mlp/deployment', { method: 'PUT', body: JSON.stringify({ routes: [{ version: 1, weight: 100 }] }) });
    expect(deployed.status).toBe(200);
  });
  afterAll(async () => {
    await server?.close();
    await rm(fixtures, { recursive: true, force: true });
    restoreHooks?.();
  });

  it("scores a JSON Lines file with the model's traffic version, each row as a TF Serving predict of that row alone would answer", async () => {
    const rows = featureRows(700);
    // Both row-format instances (a value, or an object by input name), and blank lines that are not rows.
    const lines = rows.map((row, index) => JSON.stringify(index % 2 === 0 ? row : { x: row }));
    lines.splice(5, 0, '', '   ');
    const submitted = await submit('mlp', lines.join('\n'), 'customers.jsonl');
    expect(submitted.status).toBe(201);
    expect(submitted.body).toMatchObject({ model: 'mlp', version: 1, format: 'jsonl', filename: 'customers.jsonl', totalRows: 700, createdBy: 'key:testadmin01' });
    expect(['queued', 'running', 'succeeded']).toContain(submitted.body.status);

    const done = await finished(submitted.body.id);
    expect(done).toMatchObject({ status: 'succeeded', processedRows: 700, failedRows: 0, error: null, resultsUrl: `/api/jobs/${done.id}/results` });
    expect(Date.parse(done.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(done.startedAt!));

    const response = await server.fetch(done.resultsUrl!);
    expect(response.headers.get('content-type')).toBe('application/x-ndjson');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="mlp-v1-job-${done.id.slice(0, 8)}-results.jsonl"`);
    const scored = (await response.text()).split('\n').filter(Boolean);
    expectPredictions(
      scored.map((line) => JSON.parse(line) as ResultLine),
      rows,
      mlp,
    );
    // The same numbers, written the same way, as the predict route answers for one row.
    for (const index of [0, 1, 399, 699]) {
      const single = await server.fetch('/v1/models/mlp/versions/1:predict', { method: 'POST', body: JSON.stringify({ instances: [rows[index]] }) });
      const prediction = /^\{"predictions":\[(.*)\]\}$/.exec(await single.text())![1];
      expect(scored[index]).toBe(`{"row":${index + 1},"prediction":${prediction}}`);
    }
  });

  it('scores with the version named, and reads CSV with a header line', async () => {
    const rows = featureRows(40, 3);
    const submitted = await submit('mlp', 'sepal_length,sepal_width,petal_length,petal_width\r\n' + rows.map((row) => row.join(',')).join('\r\n'), 'flowers.csv', {
      version: '2',
    });
    expect(submitted.status).toBe(201);
    expect(submitted.body).toMatchObject({ version: 2, format: 'csv', totalRows: 40 });
    expect((await finished(submitted.body.id)).status).toBe('succeeded');
    expectPredictions(await results(submitted.body.id), rows, variant);
    // The format field wins over a name that says nothing.
    const named = await submit('mlp', jsonl(rows.slice(0, 2)), 'rows.txt', { format: 'jsonl' });
    expect(named.status).toBe(201);
    expect((await finished(named.body.id)).status).toBe('succeeded');
  });

  it('refuses a file or request it cannot run, saying why, and stores no job and no file', async () => {
    const before = (await server.json<JobPage>('/api/jobs?limit=200')).body.items.length;
    const folders = await jobFolders();
    const refusals: Array<[Promise<{ status: number; body: { error?: string; line?: number } }>, number, string]> = [
      [submit('mlp', jsonl([[1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3]]), 'rows.jsonl'), 400, 'the input file\'s line 3 (row 3) does not fit the model: input "x": expected shape [-1, 4], got [1, 3]'],
      [submit('mlp', '[1,2,3,4]\n{"x": [1,2,\n', 'rows.jsonl'), 400, "the input file's line 2: not JSON"],
      [submit('mlp', '1,2,3,4\n1,2,3,4,5\n', 'rows.csv'), 400, "the input file's line 2: the row has 5 values, and the first line has 4"],
      [submit('mlp', '1,2,3\n', 'rows.csv'), 400, 'the row has 3 values, and input "x" takes 4 per row (shape [-1, 4])'],
      [submit('mlp', '', 'rows.jsonl'), 400, 'the input file is empty'],
      [submit('mlp', '\n\n', 'rows.jsonl'), 400, 'the input file holds no rows'],
      [submit('mlp', '[1,2,3,4]\n', 'rows.parquet'), 400, 'name the file .jsonl, .ndjson or .csv, or send a "format" field'],
      [submit('mlp', '[1,2,3,4]\n', 'rows.jsonl', { format: 'xml' }), 400, '"format" must be "jsonl" or "csv"'],
      [submit('mlp', '[1,2,3,4]\n', 'rows.jsonl', { version: '9' }), 404, 'model "mlp" has no version 9'],
      [submit('mlp', '[1,2,3,4]\n', 'rows.jsonl', { version: 'two' }), 400, 'version must be a whole number from 1 up'],
      [submit('mlp', '[1,2,3,4]\n', 'rows.jsonl', { priority: 'high' }), 400, 'unexpected form field "priority": a job takes "file", and optionally "version" and "format"'],
      [submit('nope', '[1,2,3,4]\n', 'rows.jsonl'), 404, 'model "nope" not found'],
      [server.json('/api/models/mlp/jobs', { method: 'POST', body: JSON.stringify({ rows: [[1, 2, 3, 4]] }) }), 415, 'upload the rows as multipart/form-data'],
    ];
    for (const [answer, status, message] of refusals) {
      const { status: got, body } = await answer;
      expect({ got, error: body.error }).toEqual({ got: status, error: expect.stringContaining(message) });
    }
    expect((await submit('mlp', jsonl([[1, 2, 3, 4], [1, 2, 3]]), 'rows.jsonl')).body.line).toBe(2);

    // A model whose inputs a row cannot fill (a scalar input): CSV is refused, and so is each JSON line.
    const multi = await onnxMultiInput(fixtures);
    await server.json('/api/models', { method: 'POST', body: JSON.stringify({ name: 'multi' }) });
    expect((await uploadVersion(server, 'multi', multi.path)).status).toBe(201);
    const csv = await submit('multi', '1,2,3\n', 'rows.csv');
    expect(csv.status).toBe(400);
    expect(csv.body.error).toContain('a CSV file fills a model with one input, and this version has 6');
    const row = await submit('multi', jsonl([{ features: [1, 2, 3], scale: 2, mask: [true, true, true], offset: [0], counts: [1, 1, 1], pixels: [1, 1, 1] }]), 'rows.jsonl');
    expect(row.status).toBe(400);
    expect(row.body.error).toContain("the input file's line 1 (row 1) does not fit the model");

    expect((await server.json<JobPage>('/api/jobs?limit=200')).body.items).toHaveLength(before);
    expect(await jobFolders()).toEqual(folders);
    expect(await readdir(join(server.dataDir, 'jobs', '.incoming'))).toEqual([]);
  });

  it('gives the rows the model fails on an error line and scores the others, in order', async () => {
    const failing = await onnxMlpFailingOnLargeInputs(fixtures);
    await server.json('/api/models', { method: 'POST', body: JSON.stringify({ name: 'picky' }) });
    expect((await uploadVersion(server, 'picky', failing.path, { config: JSON.stringify({ batching: { maxBatchSize: 8 } }) })).status).toBe(201);
    const rows = featureRows(30).map((row, index) => (index % 7 === 3 ? [4.5, ...row.slice(1)] : row));
    const submitted = await submit('picky', jsonl(rows), 'rows.jsonl');
    expect(submitted.status).toBe(201);
    const done = await finished(submitted.body.id);
    const bad = rows.filter((row) => failing.fails(row)).length;
    expect(bad).toBe(4);
    expect(done).toMatchObject({ status: 'succeeded', processedRows: 30, failedRows: bad });
    // Prometheus counts the rows by outcome, and the running jobs (none now).
    const metrics = await (await server.fetch('/metrics')).text();
    expect(metrics).toContain(`modelgate_job_rows_total{model="picky",version="1",outcome="predicted"} ${30 - bad}`);
    expect(metrics).toContain(`modelgate_job_rows_total{model="picky",version="1",outcome="failed"} ${bad}`);
    expect(metrics).toContain('modelgate_jobs_running 0');
    const lines = await results(submitted.body.id);
    const expected = failing.predict(rows);
    expect(lines.map((line) => line.row)).toEqual(rows.map((_, index) => index + 1));
    rows.forEach((row, index) => {
      if (failing.fails(row)) {
        // The engine's own error for that row alone.
        expect(lines[index].error).toMatch(/indices element out of data bounds/);
        expect(lines[index].prediction).toBeUndefined();
      } else {
        lines[index].prediction!.forEach((value, column) => expect(value).toBeCloseTo(expected[index][column], 5));
      }
    });
  });

  it('shows a job only to the credential that submitted it and to admins', async () => {
    const owner = await createKey(server, { name: 'scorer', scopes: ['predict'] });
    const other = await createKey(server, { name: 'other scorer', scopes: ['predict'] });
    const elsewhere = await createKey(server, { name: 'picky only', scopes: ['predict'], models: ['picky'] });
    const reader = await createKey(server, { name: 'reader', scopes: ['models:read'] });
    const submitted = await submit('mlp', jsonl(featureRows(3)), 'mine.jsonl', {}, owner.key);
    expect(submitted.status).toBe(201);
    expect(submitted.body.createdBy).toBe(`key:${owner.id}`);
    const id = submitted.body.id;
    await finished(id, owner.key);

    expect((await server.json<JobPage>('/api/jobs', { key: owner.key })).body.items.map((item) => item.id)).toEqual([id]);
    expect((await results(id, owner.key)).map((line) => line.row)).toEqual([1, 2, 3]);
    for (const key of [other.key, elsewhere.key]) {
      expect((await job(id, key)).status).toBe(404);
      expect((await server.fetch(`/api/jobs/${id}/results`, { key })).status).toBe(404);
      expect((await server.json(`/api/jobs/${id}/cancel`, { method: 'POST', key })).status).toBe(404);
      expect((await server.fetch(`/api/jobs/${id}`, { method: 'DELETE', key })).status).toBe(404);
      expect((await server.json<JobPage>('/api/jobs', { key })).body.items.map((item) => item.id)).not.toContain(id);
    }
    // A key limited to other models cannot submit to this one; one without `predict` cannot run jobs at all.
    const outside = await submit('mlp', jsonl(featureRows(1)), 'rows.jsonl', {}, elsewhere.key);
    expect(outside.status).toBe(404);
    expect(outside.body.error).toBe('model "mlp" not found; GET /api/models lists the models');
    expect((await submit('mlp', jsonl(featureRows(1)), 'rows.jsonl', {}, reader.key)).status).toBe(403);
    expect((await server.json('/api/jobs', { key: reader.key })).status).toBe(403);
    // The admin sees everyone's, pages through them, and filters them.
    const all = (await server.json<JobPage>('/api/jobs?limit=200')).body.items;
    expect(all.map((item) => item.id)).toContain(id);
    const firstPage = (await server.json<JobPage>('/api/jobs?limit=2')).body;
    expect(firstPage.items.map((item) => item.id)).toEqual(all.slice(0, 2).map((item) => item.id));
    const secondPage = (await server.json<JobPage>(`/api/jobs?limit=2&cursor=${firstPage.nextCursor}`)).body;
    expect(secondPage.items.map((item) => item.id)).toEqual(all.slice(2, 4).map((item) => item.id));
    expect((await server.json<JobPage>('/api/jobs?model=picky&status=succeeded')).body.items.every((item) => item.model === 'picky')).toBe(true);
    expect((await server.json<{ error: string }>('/api/jobs?status=done')).body.error).toContain('status must be one of queued, running, succeeded, failed, cancelled');
    expect((await server.json<{ error: string }>('/api/jobs/not-a-uuid')).status).toBe(400);
    // Submitting, cancelling and deleting are in the audit log, naming the job.
    const audit = await server.json<{ items: Array<{ action: string; target: string; actor: string }> }>(`/api/audit?target=job:${id}`);
    expect(audit.body.items.map((entry) => [entry.action, entry.actor])).toEqual([['job.submit', `key:${owner.id}`]]);
  });

  it("queues its rows in the version's batch lane, behind online requests (which the runtime serves first)", async () => {
    const served = server.modelgate.app.get(ModelServer).resolve('mlp', 1);
    const runtime = runtimeOf(server);
    const submitted = await submit('mlp', jsonl(featureRows(100_000)), 'rows.jsonl');
    expect(submitted.status).toBe(201);
    // Its first row goes alone (the job measures the model); then several chunks are in flight.
    await eventually(async () => (await job(submitted.body.id)).body.processedRows > 0, 10_000, 5);
    runtime.simulateWorkerStall(served.runtimeKey, 0, 1_500);
    // The worker holds the job's chunks it has; the next wait in the queue's batch lane.
    await eventually(async () => runtime.stats(served.runtimeKey)!.queueDepth.batch > 0, 5_000, 5);
    expect(runtime.stats(served.runtimeKey)!.queueDepth.online).toBe(0);
    const online = server.fetch('/v1/models/mlp:predict', { method: 'POST', body: JSON.stringify({ instances: [[1, 2, 3, 4]] }) });
    expect((await online).status).toBe(200);
    expect((await server.json<Job>(`/api/jobs/${submitted.body.id}/cancel`, { method: 'POST' })).status).toBe(200);
  });

  it('cancels a running job, keeping the rows scored, and refuses to delete one that runs', async () => {
    const served = server.modelgate.app.get(ModelServer).resolve('mlp', 1);
    runtimeOf(server).simulateWorkerStall(served.runtimeKey, 0, 1_000);
    const submitted = await submit('mlp', jsonl(featureRows(500)), 'rows.jsonl');
    const id = submitted.body.id;
    await eventually(async () => (await job(id)).body.status === 'running', 5_000, 20);
    const refused = await server.json<{ error: string }>(`/api/jobs/${id}`, { method: 'DELETE' });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toBe(`job ${id} is running; cancel it first (POST /api/jobs/${id}/cancel), then delete it`);
    expect((await server.fetch(`/api/jobs/${id}/results`)).status).toBe(409);

    const cancelled = await server.json<Job>(`/api/jobs/${id}/cancel`, { method: 'POST' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect(cancelled.body.processedRows).toBeLessThan(500);
    const again = await server.json<{ error: string }>(`/api/jobs/${id}/cancel`, { method: 'POST' });
    expect(again.status).toBe(409);
    expect(again.body.error).toBe(`job ${id} has already ended (cancelled); only a queued or running job can be cancelled`);
    // Whatever was scored before the cancel is in the results, in order, and nothing is added after it.
    const lines = await results(id);
    expect(lines.map((line) => line.row)).toEqual(lines.map((_, index) => index + 1));
    // The job says how many rows its results hold.
    expect(cancelled.body.processedRows).toBe(lines.length);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(await results(id)).toHaveLength(lines.length);
    expect((await job(id)).body.status).toBe('cancelled');

    expect((await server.fetch(`/api/jobs/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await job(id)).status).toBe(404);
    expect(await jobFolders()).not.toContain(id);
  });

  it('puts a running job back in the queue when the server stops, and finishes it after the restart', async () => {
    const served = server.modelgate.app.get(ModelServer).resolve('mlp', 1);
    runtimeOf(server).simulateWorkerStall(served.runtimeKey, 0, 500);
    const rows = featureRows(400, 9);
    const submitted = await submit('mlp', jsonl(rows), 'rows.jsonl');
    await eventually(async () => (await job(submitted.body.id)).body.status === 'running', 5_000, 20);
    await server.restart();
    const done = await finished(submitted.body.id);
    expect(done).toMatchObject({ status: 'succeeded', processedRows: 400, failedRows: 0, error: null });
    // Claimed once before the stop and once after it.
    expect((await server.modelgate.app.get(JobsRepository).find(submitted.body.id))!.attempts).toBe(2);
    expectPredictions(await results(submitted.body.id), rows, mlp);
  });

  it('keeps queued jobs across a restart, and resumes a job after the result lines already written', async () => {
    await server.restart({ MODELGATE_JOB_CONCURRENCY: '0' });
    const rows = featureRows(50, 5);
    const waiting = await submit('mlp', jsonl(rows), 'rows.jsonl');
    const dropped = await submit('mlp', jsonl(rows), 'rows.jsonl');
    for (const submitted of [waiting, dropped]) expect(submitted.body.status).toBe('queued');
    // This process runs no jobs: they wait, and have no results yet.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await job(waiting.body.id)).body).toMatchObject({ status: 'queued', processedRows: 0, startedAt: null });
    const early = await server.json<{ error: string }>(`/api/jobs/${waiting.body.id}/results`);
    expect(early.status).toBe(409);
    expect(early.body.error).toBe(`job ${waiting.body.id} is queued (0 of 50 rows scored); its results can be read once it has ended`);
    // One credential holds at most ten jobs queued or running: the eleventh waits for one to end.
    const more = [];
    for (let index = 0; index < 8; index++) more.push((await submit('mlp', jsonl(rows.slice(0, 1)), 'rows.jsonl')).body.id);
    const eleventh = await submit('mlp', jsonl(rows.slice(0, 1)), 'rows.jsonl');
    expect(eleventh.status).toBe(429);
    expect(eleventh.body.error).toBe('you have 10 jobs queued or running, the most one credential may have; submit this one once one of them has ended, or cancel one');
    expect(eleventh.headers.get('retry-after')).toBe('5');
    const owner = await createKey(server, { name: 'another scorer', scopes: ['predict'] });
    expect((await submit('mlp', jsonl(rows.slice(0, 1)), 'rows.jsonl', {}, owner.key)).status).toBe(201);
    for (const id of more) expect((await server.json(`/api/jobs/${id}/cancel`, { method: 'POST' })).status).toBe(200);

    // A queued job cancelled has empty results, and can be deleted.
    expect((await server.json<Job>(`/api/jobs/${dropped.body.id}/cancel`, { method: 'POST' })).body.status).toBe('cancelled');
    expect(await (await server.fetch(`/api/jobs/${dropped.body.id}/results`)).text()).toBe('');
    expect((await server.fetch(`/api/jobs/${dropped.body.id}`, { method: 'DELETE' })).status).toBe(204);

    // The lease: one process at a time holds a job, and only the holder renews, releases or ends it.
    const leases = server.modelgate.app.get(JobsRepository);
    expect((await leases.claim(waiting.body.id, 'process-a', 30_000))?.status).toBe('running');
    expect(await leases.claim(waiting.body.id, 'process-b', 30_000)).toBeUndefined();
    expect(await leases.renew(waiting.body.id, 'process-b', 30_000, 9, 0)).toBe(false);
    expect(await leases.renew(waiting.body.id, 'process-a', 30_000, 0, 0)).toBe(true);
    expect(await leases.deleteUnlessRunning(waiting.body.id)).toBe(false);
    await leases.release(waiting.body.id, 'process-b', 9, 0);
    expect((await job(waiting.body.id)).body.status).toBe('running');
    await leases.release(waiting.body.id, 'process-a', 0, 0);
    expect((await job(waiting.body.id)).body).toMatchObject({ status: 'queued', processedRows: 0 });

    // As a process that died would leave it: two lines written, the third cut short.
    const planted = '{"row":1,"prediction":[7,7,7]}\n{"row":2,"error":"planted"}\n';
    await writeFile(join(server.dataDir, 'jobs', waiting.body.id, 'results.jsonl'), planted + '{"row":3,"predi');
    await server.restart({ MODELGATE_JOB_CONCURRENCY: '1' });
    const done = await finished(waiting.body.id);
    expect(done).toMatchObject({ status: 'succeeded', processedRows: 50, failedRows: 1 });
    const text = await (await server.fetch(`/api/jobs/${waiting.body.id}/results`)).text();
    expect(text.startsWith(planted)).toBe(true);
    const lines = text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as ResultLine);
    expect(lines.map((line) => line.row)).toEqual(rows.map((_, index) => index + 1));
    const expected = mlp.predict(rows);
    for (let index = 2; index < rows.length; index++) {
      lines[index].prediction!.forEach((value, column) => expect(value).toBeCloseTo(expected[index][column], 5));
    }
  });

  it("deletes a model's jobs with it, and their files at the next start", async () => {
    const submitted = await submit('picky', jsonl(featureRows(2)), 'rows.jsonl');
    await finished(submitted.body.id);
    expect(await jobFolders()).toContain(submitted.body.id);
    expect((await server.fetch('/api/models/picky', { method: 'DELETE' })).status).toBe(204);
    expect((await job(submitted.body.id)).status).toBe(404);
    await server.restart();
    expect(await jobFolders()).not.toContain(submitted.body.id);
  });

  it('deletes finished jobs with their files MODELGATE_JOB_RETENTION_DAYS after they finished, each recorded in the audit log', async () => {
    const old = await submit('mlp', jsonl(featureRows(3)), 'old.jsonl');
    const recent = await submit('mlp', jsonl(featureRows(3)), 'recent.jsonl');
    const done = await finished(old.body.id);
    await finished(recent.body.id);
    // 30 days by default.
    expect(Date.parse(done.expiresAt!) - Date.parse(done.finishedAt!)).toBe(30 * 86_400_000);
    // The first finished 31 days ago, as the database records it.
    await withDatabase(server, (client) => client.query(`UPDATE "inference_jobs" SET "finished_at" = now() - interval '31 days' WHERE "id" = $1`, [old.body.id]));

    // 0 keeps finished jobs: the sweep at start leaves it.
    await server.restart({ MODELGATE_JOB_RETENTION_DAYS: '0' });
    const kept = await job(old.body.id);
    expect(kept.status).toBe(200);
    expect(kept.body.expiresAt).toBeNull();
    expect(await jobFolders()).toContain(old.body.id);

    await server.restart({ MODELGATE_JOB_RETENTION_DAYS: '30' });
    expect((await job(old.body.id)).status).toBe(404);
    expect(await jobFolders()).not.toContain(old.body.id);
    expect((await job(recent.body.id)).body).toMatchObject({ status: 'succeeded', expiresAt: expect.any(String) });
    expect(await jobFolders()).toContain(recent.body.id);
    const audit = await server.json<{ items: Array<{ action: string; actor: string; changes: Record<string, unknown> }> }>(`/api/audit?target=job:${old.body.id}`);
    expect(audit.body.items.map((entry) => [entry.action, entry.actor])).toEqual([
      ['job.expire', 'system:retention'],
      ['job.submit', 'key:testadmin01'],
    ]);
    expect(audit.body.items[0].changes).toMatchObject({ model: 'mlp', status: 'succeeded', createdBy: 'key:testadmin01', retentionDays: 30 });
  });

  it('refuses a file over the upload limit with 413, keeping nothing of it', async () => {
    await server.restart({ MODELGATE_MAX_UPLOAD_MB: '1' });
    try {
      const folders = await jobFolders();
      const big = jsonl(featureRows(70_000));
      expect(big.length).toBeGreaterThan(1024 * 1024);
      const refused = await submit('mlp', big, 'rows.jsonl');
      expect(refused.status).toBe(413);
      expect(refused.body.error).toBe('the input file is larger than the 1 MiB upload limit; split it into several jobs, or raise MODELGATE_MAX_UPLOAD_MB');
      expect(await jobFolders()).toEqual(folders);
      expect(await readdir(join(server.dataDir, 'jobs', '.incoming'))).toEqual([]);
    } finally {
      await server.restart({ MODELGATE_MAX_UPLOAD_MB: '1024' });
    }
  });
});

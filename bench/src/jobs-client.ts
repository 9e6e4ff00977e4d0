/**
 * The client side of `npm run bench:jobs`: what a user's code does to score a file of rows with
 * Modelgate, with a batch job (docs/jobs.md: submit the file, poll the job, read its results) and
 * without one (requests of many rows to the TF Serving predict route, a few in flight), and the
 * check of a job's results.
 */
import { Agent, type IncomingMessage, request } from 'node:http';
import type { ModelgateServer } from './modelgate';

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** The fields of the API's JobDto the bench reads. */
export interface Job {
  id: string;
  status: JobStatus;
  totalRows: number;
  processedRows: number;
  failedRows: number;
  error: string | null;
}

const ENDED: readonly JobStatus[] = ['succeeded', 'failed', 'cancelled'];

async function expectStatus(response: Response, status: number, what: string): Promise<string> {
  const text = await response.text();
  if (response.status !== status) throw new Error(`${what} answered ${response.status} (expected ${status}): ${text.slice(0, 500)}`);
  return text;
}

/** POST /api/models/{name}/jobs with the rows as a .jsonl file; resolves with the 201's job. */
export async function submitJob(server: ModelgateServer, modelName: string, file: Buffer): Promise<Job> {
  const form = new FormData();
  form.append('file', new Blob([file], { type: 'application/x-ndjson' }), 'rows.jsonl');
  const response = await fetch(`${server.url}/api/models/${modelName}/jobs`, { method: 'POST', headers: server.authorization, body: form });
  return JSON.parse(await expectStatus(response, 201, `POST /api/models/${modelName}/jobs`)) as Job;
}

export async function getJob(server: ModelgateServer, id: string): Promise<Job> {
  const response = await fetch(`${server.url}/api/jobs/${id}`, { headers: server.authorization });
  return JSON.parse(await expectStatus(response, 200, `GET /api/jobs/${id}`)) as Job;
}

/** Polls GET /api/jobs/{id} every `pollMs` until `done` says so (by default: the job has ended); throws after `timeoutMs`. */
export async function waitForJob(
  server: ModelgateServer,
  id: string,
  pollMs: number,
  timeoutMs: number,
  done: (job: Job) => boolean = (job) => ENDED.includes(job.status),
): Promise<Job> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const job = await getJob(server, id);
    if (done(job)) return job;
    if (ENDED.includes(job.status)) throw new Error(`job ${id} ended (${job.status}${job.error ? `: ${job.error}` : ''}) before it was seen as expected`);
    if (performance.now() > deadline) throw new Error(`job ${id} was still ${job.status} after ${timeoutMs / 1000} s (${job.processedRows} of ${job.totalRows} rows)`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** GET /api/jobs/{id}/results, read whole. */
export async function jobResults(server: ModelgateServer, id: string): Promise<string> {
  const response = await fetch(`${server.url}/api/jobs/${id}/results`, { headers: server.authorization });
  return expectStatus(response, 200, `GET /api/jobs/${id}/results`);
}

export async function cancelJob(server: ModelgateServer, id: string): Promise<void> {
  const response = await fetch(`${server.url}/api/jobs/${id}/cancel`, { method: 'POST', headers: server.authorization });
  // 409: it ended meanwhile, which is as good.
  if (response.status !== 409) await expectStatus(response, 200, `POST /api/jobs/${id}/cancel`);
  else await response.arrayBuffer();
}

/** Deletes a job that has ended, with its files (the bench's jobs are large). */
export async function deleteJob(server: ModelgateServer, id: string): Promise<void> {
  const response = await fetch(`${server.url}/api/jobs/${id}`, { method: 'DELETE', headers: server.authorization });
  await expectStatus(response, 204, `DELETE /api/jobs/${id}`);
}

/**
 * Scoring the rows without jobs, as a user would write it: the rows (JSON Lines, one instance a
 * line) sent to `POST /v1/models/{name}:predict` as `{"instances": [...]}`, `rowsPerRequest` a
 * request, `inFlight` requests at a time on keep-alive connections, each answer parsed and its row
 * count checked. Resolves with the predictions of the first `keep` rows. node:http rather than
 * fetch: fetch (undici, Node 20) took about twice the client CPU a request and halved the rows/s
 * on the 2-core host, which would flatter the job.
 */
export async function predictByHand(
  server: ModelgateServer,
  modelName: string,
  lines: readonly string[],
  rowsPerRequest: number,
  inFlight: number,
  keep = 0,
): Promise<unknown[]> {
  const url = new URL(`/v1/models/${modelName}:predict`, server.url);
  const agent = new Agent({ keepAlive: true, maxSockets: inFlight });
  const what = `POST /v1/models/${modelName}:predict`;
  const kept: unknown[] = [];
  let next = 0;
  const lane = async () => {
    while (next < lines.length) {
      const first = next;
      const end = Math.min(lines.length, first + rowsPerRequest);
      next = end;
      const body = `{"instances":[${lines.slice(first, end).join(',')}]}`;
      const headers = { ...server.authorization, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) };
      const { status, text } = await post(url, agent, headers, body);
      if (status !== 200) throw new Error(`${what} answered ${status}: ${text.slice(0, 500)}`);
      const { predictions } = JSON.parse(text) as { predictions?: unknown[] };
      const rows = end - first;
      if (!Array.isArray(predictions) || predictions.length !== rows) {
        throw new Error(`${what} answered ${Array.isArray(predictions) ? predictions.length : 'no'} predictions for ${rows} rows`);
      }
      for (let index = 0; index < rows && first + index < keep; index++) kept[first + index] = predictions[index];
    }
  };
  try {
    await Promise.all(Array.from({ length: inFlight }, lane));
  } finally {
    agent.destroy();
  }
  return kept;
}

function post(url: URL, agent: Agent, headers: Record<string, string>, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method: 'POST', agent, headers }, (answer: IncomingMessage) => {
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('end', () => resolve({ status: answer.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      answer.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

export interface ResultsCheck {
  lines: number;
  /** The first thing wrong with the results, if any. */
  problem?: string;
  /** Largest difference between a checked row's prediction and the expected one. */
  largestDifference: number;
  /** Rows whose prediction was compared. */
  compared: number;
}

/**
 * Checks a job's results (JSON Lines, `{"row":N,"prediction":[...]}`): one line per row, rows 1 to
 * `rows` in order, each a prediction; and, for each row `expected` knows, that its prediction is
 * within `tolerance` of that one (values compared flattened).
 */
export function checkResults(text: string, rows: number, expected: (row: number) => unknown, tolerance: number): ResultsCheck {
  const check: ResultsCheck = { lines: 0, largestDifference: 0, compared: 0 };
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end);
    start = end + 1;
    check.lines++;
    if (check.problem !== undefined) continue;
    const row = check.lines;
    const prefix = `{"row":${row},"prediction":`;
    if (!line.startsWith(prefix)) {
      check.problem = `line ${row} is not row ${row}'s prediction: ${line.slice(0, 120)}`;
      continue;
    }
    const want = expected(row);
    if (want === undefined) continue;
    const got = flatten((JSON.parse(line) as { prediction: unknown }).prediction);
    const reference = flatten(want);
    if (got.length !== reference.length) {
      check.problem = `row ${row}'s prediction has ${got.length} values, expected ${reference.length}`;
      continue;
    }
    check.compared++;
    for (let index = 0; index < got.length; index++) {
      const difference = Math.abs(got[index] - reference[index]);
      if (!(difference <= check.largestDifference)) check.largestDifference = Number.isNaN(difference) ? Infinity : difference;
    }
    if (check.largestDifference > tolerance) check.problem = `row ${row}'s prediction differs from the predict route's by ${check.largestDifference}`;
  }
  if (check.problem === undefined && check.lines !== rows) check.problem = `${check.lines} result lines for ${rows} rows`;
  return check;
}

function flatten(value: unknown): number[] {
  return Array.isArray(value) ? value.flatMap(flatten) : [Number(value)];
}

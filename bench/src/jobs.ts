/**
 * `npm run bench:jobs`: batch jobs (docs/jobs.md) against what they stand in for, on one Modelgate
 * server (started as `npm run bench` starts it: modelgate.ts) and one model, in one run:
 *
 * - (a) the raw runtime's ceiling: onnxruntime-node in a process of its own, one `session.run`
 *   after another at the version's batch size (servers/raw-runtime.ts, as target (a) of the bench);
 * - (b) the same rows scored by hand: requests of that many rows to `POST /v1/models/{name}:predict`,
 *   `--in-flight` at a time (the job's own chunks in flight), each answer parsed;
 * - (c) a job of those rows: the submission (upload and the server's check of the whole file, until
 *   the 201), the scoring (from the 201 until GET /api/jobs/{id}, polled every 50 ms, says
 *   succeeded) and the reading of the results, each timed, the results checked row by row against
 *   the predict route's answers;
 * - (d) online latency: single-row predict requests, `--in-flight` at a time (autocannon, load.ts),
 *   with no job running, then while a job runs.
 *
 * Each is measured in `--rounds` rounds, (a), (b) and (c) taking turns in an order that reverses
 * every round, and (d)'s two phases likewise; the tables give the medians, and each ratio is the
 * median of the rounds' ratios (the two measured seconds apart, as report.ts pairs them).
 *
 *   npm run bench:jobs
 *   npm run bench:jobs -- --model=cnn --rows=2000
 *   npm run bench:jobs -- --config='{"batching":{"maxBatchSize":64}}' --rounds=5
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CpuMeter, waitUntilQuiet } from './cpu';
import { sampleInstance, seededRandom } from './instances';
import { cancelJob, checkResults, deleteJob, getJob, type Job, jobResults, predictByHand, submitJob, waitForJob } from './jobs-client';
import { formatJobsReport, type JobRound, type OnlinePhase, type OnlineRound, type Phase, type RawRound } from './jobs-report';
import { generateLoad } from './load';
import { type ModelgateServer, startModelgate } from './modelgate';
import { type BenchModel, generateModels, MODEL_KEYS, type ModelKey } from './models';
import { installCleanup, killAll, removeAtExit, startNode } from './processes';
import { buildRequest, decodeAnswer, largestDifference, nest } from './protocols';
import { bytes, count, ms } from './report';
import { medianOf } from './stats';
import type { RawModelResult, RawSpec } from './servers/raw-runtime';

const ROOT = resolve(__dirname, '..', '..');
const MODELS_DIR = join(ROOT, 'bench', '.models');
/** Answers may differ from the predict route's by float32 rounding of a different batch, no more. */
const ANSWER_TOLERANCE = 1e-4;
const POLL_MS = 50;
const JOB_TIMEOUT_MS = 300_000;
/** Values in the distinct rows the file cycles through: 4,096 MLP rows, 21 CNN images. */
const POOL_VALUES = 262_144;
const ONLINE_WARMUP_SECONDS = 0.5;

export interface JobsOptions {
  model: ModelKey;
  rows: number;
  rounds: number;
  /** Requests in flight of the by-hand client and of the online client. */
  inFlight: number;
  /** Measured seconds of each online phase (after 0.5 s of warm-up). */
  onlineSeconds: number;
  /** Seconds per thread count of each raw runtime measurement. */
  rawSeconds: number;
  /** Version config sent with the upload (JSON), e.g. {"batching":{"maxBatchSize":64}}. */
  config?: string;
  /** Environment variables of the server's own, e.g. MODELGATE_IDLE_SPIN_MS=0. */
  serverEnv: Record<string, string>;
}

const DEFAULT_ROWS: Record<ModelKey, number> = { mlp: 200_000, cnn: 2_000 };
const USAGE = 'use --model=mlp|cnn --rows=N --rounds=N --in-flight=N --online-seconds=S --raw-seconds=S --config=JSON --server-env=NAME=VALUE';

export function parseJobsOptions(argv: readonly string[]): JobsOptions {
  let rows: number | undefined;
  const options: JobsOptions = { model: 'mlp', rows: 0, rounds: 3, inFlight: 4, onlineSeconds: 3, rawSeconds: 1, serverEnv: {} };
  const positive = (name: string, value: string) => {
    const number = Number(value);
    if (!Number.isFinite(number) || number <= 0) throw new Error(`--${name} takes a positive number, got "${value}"`);
    return number;
  };
  for (const argument of argv) {
    const match = /^--([a-z-]+)=(.+)$/.exec(argument);
    const [name, value] = match ? [match[1], match[2]] : [argument, ''];
    if (name === 'model') {
      if (!(MODEL_KEYS as readonly string[]).includes(value)) throw new Error(`--model takes ${MODEL_KEYS.join(' or ')}, got "${value}"`);
      options.model = value as ModelKey;
    } else if (name === 'rows') rows = Math.round(positive(name, value));
    else if (name === 'rounds') options.rounds = Math.round(positive(name, value));
    else if (name === 'in-flight') options.inFlight = Math.round(positive(name, value));
    else if (name === 'online-seconds') options.onlineSeconds = positive(name, value);
    else if (name === 'raw-seconds') options.rawSeconds = positive(name, value);
    else if (name === 'config') {
      try {
        JSON.parse(value);
      } catch {
        throw new Error(`--config takes a JSON object, got ${value}`);
      }
      options.config = value;
    } else if (name === 'server-env') {
      const setting = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(value);
      if (!setting) throw new Error(`--server-env takes NAME=VALUE, got "${value}"`);
      options.serverEnv[setting[1]] = setting[2];
    } else throw new Error(`unknown argument "${argument}": ${USAGE}`);
  }
  options.rows = rows ?? DEFAULT_ROWS[options.model];
  return options;
}

/** The rows as JSON Lines, cycling through distinct instances (values in [0, 1), four decimals, as a client writes them). */
export function jobRows(model: Pick<BenchModel, 'instanceShape'>, rows: number): { lines: string[]; distinct: number } {
  const size = model.instanceShape.reduce((product, dim) => product * dim, 1);
  const distinct = Math.max(1, Math.min(rows, Math.floor(POOL_VALUES / size)));
  const random = seededRandom(7);
  const pool = Array.from({ length: distinct }, () => {
    const values = Array.from({ length: size }, () => Math.round(random() * 10_000) / 10_000);
    return JSON.stringify(nest(values, model.instanceShape));
  });
  return { lines: Array.from({ length: rows }, (_, index) => pool[index % distinct]), distinct };
}

interface Context {
  options: JobsOptions;
  model: BenchModel;
  server: ModelgateServer;
  batchSize: number;
  lines: string[];
  file: Buffer;
  scratch: string;
  /** The predict route's answer for row `row` (from 1). */
  expected: (row: number) => unknown;
}

/**
 * The raw runtime in a process of its own, as `npm run bench` measures its target (a): the faster of
 * one intra-op thread and one per core, `seconds` each (0: only the reference answer for the sample
 * instance).
 */
async function runRaw(context: Context, seconds: number): Promise<RawModelResult> {
  const { model } = context;
  const spec: RawSpec = {
    models: [{ key: model.key, path: model.path, inputName: model.inputName, outputName: model.outputName, instanceShape: model.instanceShape }],
    seconds,
    batchSizes: [context.batchSize],
    minAttempts: 1,
    busyRetries: 0,
    resultFile: join(context.scratch, 'raw.json'),
  };
  const specFile = join(context.scratch, 'raw-spec.json');
  await writeFile(specFile, JSON.stringify(spec));
  const child = startNode('raw runtime', { args: [join(__dirname, 'servers', 'raw-runtime.js')], env: { BENCH_SERVER_SPEC: specFile } });
  const how = await child.exited;
  if (how !== 'code 0') throw new Error(`the raw runtime measurement failed (${how}):\n${child.output()}`);
  const [result] = JSON.parse(await readFile(spec.resultFile, 'utf8')) as RawModelResult[];
  return result;
}

async function measureRaw(context: Context): Promise<RawRound> {
  const [batch] = (await runRaw(context, context.options.rawSeconds)).batches;
  return { rowsPerSecond: batch.examplesPerSecond, threads: batch.threads, p50Ms: batch.p50Ms };
}

/** Times `work`, with the server's CPU and engine calls meanwhile. */
async function timed(context: Context, rows: number, work: () => Promise<unknown>): Promise<Phase> {
  const meter = new CpuMeter(context.server.child.pid);
  const callsBefore = await context.server.metricCounters(context.model);
  await meter.begin();
  const started = performance.now();
  await work();
  const seconds = (performance.now() - started) / 1000;
  const cpu = await meter.end();
  const callsAfter = await context.server.metricCounters(context.model);
  const engineCalls = callsBefore && callsAfter ? callsAfter.engineCalls - callsBefore.engineCalls : undefined;
  return { seconds, rowsPerSecond: rows / seconds, cpu, engineCalls };
}

async function measureByHand(context: Context): Promise<Phase> {
  const { server, model, lines, batchSize, options } = context;
  const phase = await timed(context, lines.length, () => predictByHand(server, model.name, lines, batchSize, options.inFlight));
  return { ...phase, rowsPerCall: phase.engineCalls ? lines.length / phase.engineCalls : undefined };
}

async function measureJob(context: Context): Promise<JobRound> {
  const { server, model, file, lines } = context;
  const rows = lines.length;
  let submitted!: Job;
  const submit = await timed(context, rows, async () => (submitted = await submitJob(server, model.name, file)));
  let job!: Job;
  const scoring = await timed(context, rows, async () => (job = await waitForJob(server, submitted.id, POLL_MS, JOB_TIMEOUT_MS)));
  let text = '';
  const results = await timed(context, rows, async () => (text = await jobResults(server, submitted.id)));
  await deleteJob(server, submitted.id);
  const seconds = submit.seconds + scoring.seconds + results.seconds;
  const check = checkResults(text, rows, context.expected, ANSWER_TOLERANCE);
  // The job may start scoring before its 201 reaches the client: its engine calls are those of both phases.
  const engineCalls = submit.engineCalls === undefined || scoring.engineCalls === undefined ? undefined : submit.engineCalls + scoring.engineCalls;
  scoring.rowsPerCall = engineCalls ? rows / engineCalls : undefined;
  return { submit, scoring, results, endToEnd: { seconds, rowsPerSecond: rows / seconds }, job, check };
}

/** Single-row online requests for 0.5 + `onlineSeconds` s, with no job, or while one runs that should outlast them. */
async function measureOnline(context: Context, jobFile: Buffer | undefined): Promise<OnlinePhase> {
  const { server, model, options } = context;
  const request = buildRequest('tf-rest', model, sampleInstance(model));
  const meter = new CpuMeter(server.child.pid);
  const submitted = jobFile === undefined ? undefined : await submitJob(server, model.name, jobFile);
  try {
    if (submitted !== undefined) await waitForJob(server, submitted.id, 10, JOB_TIMEOUT_MS, (job) => job.status === 'running' && job.processedRows > 0);
    let startRows = 0;
    let startedAt = 0;
    const load = await generateLoad({
      url: server.url + request.path,
      headers: { ...server.authorization, ...request.headers },
      body: request.body,
      connections: options.inFlight,
      warmupSeconds: ONLINE_WARMUP_SECONDS,
      durationSeconds: options.onlineSeconds,
      beforeTimedRun: async () => {
        if (submitted !== undefined) startRows = (await getJob(server, submitted.id)).processedRows;
        startedAt = performance.now();
        await meter.begin();
      },
    });
    const cpu = await meter.end();
    if (submitted === undefined) return { load, cpu };
    const after = await getJob(server, submitted.id);
    const seconds = (performance.now() - startedAt) / 1000;
    return { load, cpu, jobRowsPerSecond: (after.processedRows - startRows) / seconds, jobRanThroughout: after.status === 'running' };
  } finally {
    if (submitted !== undefined) {
      await cancelJob(server, submitted.id);
      await waitForJob(server, submitted.id, POLL_MS, JOB_TIMEOUT_MS);
      await deleteJob(server, submitted.id);
      await waitUntilQuiet(server.child.pid, 0.1, 2_000);
    }
  }
}

/** The version's maxBatchSize (at most 256, as job-runner.ts caps it): the most rows a job's chunk holds. */
async function servedBatchSize(server: ModelgateServer, model: BenchModel, version: number): Promise<number> {
  const response = await fetch(`${server.url}/api/models/${model.name}/versions/${version}`, { headers: server.authorization });
  const body = (await response.json()) as { serving?: { batching?: { axis: number | null; maxBatchSize: number } } };
  const batching = body.serving?.batching;
  if (batching === undefined || batching.axis !== 0) throw new Error(`version ${version} of ${model.name} does not join rows along axis 0: its jobs score one row at a time`);
  return Math.min(batching.maxBatchSize, 256);
}

async function main(): Promise<void> {
  const options = parseJobsOptions(process.argv.slice(2));
  installCleanup();
  const began = performance.now();
  const scratch = await mkdtemp(join(tmpdir(), 'modelgate-bench-jobs-'));
  removeAtExit(scratch);
  const [model] = await generateModels(MODELS_DIR, [options.model]);
  const { lines, distinct } = jobRows(model, options.rows);
  const file = Buffer.from(`${lines.join('\n')}\n`);
  log(`${options.rows.toLocaleString('en-US')} rows of ${model.name} (${distinct.toLocaleString('en-US')} distinct), ${bytes(file.length)} of JSON Lines; starting Modelgate ...`);
  const server = await startModelgate(ROOT, options.serverEnv);
  try {
    const upload = await server.upload(model, options.config);
    const batchSize = await servedBatchSize(server, model, upload.version);
    log(`uploaded ${model.name}: version ${upload.version}, batch size ${batchSize}`);

    // Warm-up, thrown away: the predict route's answers for the distinct rows (every result row is
    // checked against them), a quarter of the rows by hand and as a job (a first round after less
    // ran a third slower: the server was still compiling), and the raw runtime's reference answer.
    const answers = await predictByHand(server, model.name, lines.slice(0, distinct), batchSize, options.inFlight, distinct);
    const context: Context = { options, model, server, batchSize, lines, file, scratch, expected: (row) => answers[(row - 1) % distinct] };
    const warmup = lines.slice(0, Math.max(distinct, Math.round(options.rows / 4)));
    await predictByHand(server, model.name, warmup, batchSize, options.inFlight);
    await measureJob({ ...context, lines: warmup, file: Buffer.from(`${warmup.join('\n')}\n`) });
    const onlineCheck = await checkOnlineAnswer(context, (await runRaw(context, 0)).reference);

    const raw: RawRound[] = [];
    const byHand: Phase[] = [];
    const jobs: JobRound[] = [];
    const steps = [
      async () => raw.push(await measureRaw(context)),
      async () => byHand.push(await measureByHand(context)),
      async () => jobs.push(await measureJob(context)),
    ];
    for (let round = 0; round < options.rounds; round++) {
      for (const step of round % 2 === 0 ? steps : [...steps].reverse()) await step();
      const last = jobs[jobs.length - 1];
      log(
        `round ${round + 1}/${options.rounds}: (a) ${count(raw[round].rowsPerSecond)}, (b) ${count(byHand[round].rowsPerSecond)}, ` +
          `(c) scoring ${count(last.scoring.rowsPerSecond)}, end to end ${count(last.endToEnd.rowsPerSecond)} rows/s`,
      );
    }

    // (d): the job must outlast the online run even if that does not slow it: half as much again as (c) scores alone in that time and a second more.
    const scoringRate = medianOf(jobs.map((job) => job.scoring.rowsPerSecond));
    const copies = Math.max(1, Math.ceil((1.5 * scoringRate * (ONLINE_WARMUP_SECONDS + options.onlineSeconds + 1)) / options.rows));
    const jobFile = copies === 1 ? file : Buffer.concat(Array.from({ length: copies }, () => file));
    const online: OnlineRound[] = [];
    for (let round = 0; round < options.rounds; round++) {
      const phases = round % 2 === 0 ? [undefined, jobFile] : [jobFile, undefined];
      const measured = [];
      for (const phase of phases) measured.push(await measureOnline(context, phase));
      const [idle, withJob] = round % 2 === 0 ? measured : measured.reverse();
      online.push({ idle, withJob });
      log(`online round ${round + 1}/${options.rounds}: p99 ${ms(idle.load.p99Ms)} ms without a job, ${ms(withJob.load.p99Ms)} ms while one runs`);
    }

    const report = formatJobsReport({
      options,
      model,
      batchSize,
      fileBytes: file.length,
      distinct,
      jobRowsOnline: copies * options.rows,
      onlineWarmupSeconds: ONLINE_WARMUP_SECONDS,
      raw,
      byHand,
      jobs,
      online,
      onlineCheck,
    });
    process.stdout.write(`\n${report.text}\n\nbench:jobs took ${((performance.now() - began) / 1000).toFixed(0)} s\n`);
    if (!report.passed) process.exitCode = 1;
  } finally {
    await server.stop();
    killAll();
  }
}

/** One online answer against the raw runtime's, before anything is timed. */
async function checkOnlineAnswer(context: Context, reference: number[]): Promise<string | undefined> {
  const { server, model } = context;
  const request = buildRequest('tf-rest', model, sampleInstance(model));
  const response = await fetch(server.url + request.path, { method: 'POST', headers: { ...server.authorization, ...request.headers }, body: request.body });
  const body = Buffer.from(await response.arrayBuffer());
  if (response.status !== 200) return `the online request answered ${response.status}: ${body.toString('utf8').slice(0, 200)}`;
  const difference = largestDifference(decodeAnswer('tf-rest', model, body, response.headers), reference);
  return difference <= ANSWER_TOLERANCE ? undefined : `the online answer differs from the raw runtime's by ${difference}`;
}

const STARTED = performance.now();

function log(message: string): void {
  process.stderr.write(`[${((performance.now() - STARTED) / 1000).toFixed(1).padStart(5)} s] ${message}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`\nbench:jobs failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    killAll();
    process.exit(1);
  });
}

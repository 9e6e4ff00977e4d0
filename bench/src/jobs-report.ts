/** The printed report of `npm run bench:jobs` (jobs.ts): its tables, ratios and checks, and what each round measured. */
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { type CpuUse, isBusy } from './cpu';
import type { Job, ResultsCheck } from './jobs-client';
import type { JobsOptions } from './jobs';
import { errorCount, type LoadResult, medianOfRounds } from './load';
import type { BenchModel } from './models';
import { bytes, count, ms, percent, table } from './report';
import { medianOf } from './stats';

const ROOT = resolve(__dirname, '..', '..');

export interface Phase {
  seconds: number;
  rowsPerSecond: number;
  cpu?: CpuUse;
  /** The version's engine calls meanwhile (Modelgate's batch-size metric). */
  engineCalls?: number;
  /** Rows per engine call: the phase's rows over the engine calls that scored them. */
  rowsPerCall?: number;
}

export interface JobRound {
  submit: Phase;
  scoring: Phase;
  results: Phase;
  endToEnd: Phase;
  job: Job;
  check: ResultsCheck;
}

export interface RawRound {
  rowsPerSecond: number;
  threads: number;
  p50Ms: number;
}

export interface OnlineRound {
  idle: OnlinePhase;
  withJob: OnlinePhase;
}

export interface OnlinePhase {
  load: LoadResult;
  cpu?: CpuUse;
  /** With a job: its rows a second during the timed run, and whether it was still running at the end. */
  jobRowsPerSecond?: number;
  jobRanThroughout?: boolean;
}

export interface ReportInput {
  options: JobsOptions;
  model: BenchModel;
  batchSize: number;
  fileBytes: number;
  /** Distinct rows the file cycles through. */
  distinct: number;
  jobRowsOnline: number;
  onlineWarmupSeconds: number;
  raw: RawRound[];
  byHand: Phase[];
  jobs: JobRound[];
  online: OnlineRound[];
  onlineCheck: string | undefined;
}

export function formatJobsReport(input: ReportInput): { text: string; passed: boolean } {
  const { options, model, batchSize, raw, byHand, jobs, online } = input;
  const lines: string[] = [];
  lines.push(
    `Batch jobs: ${model.name} (${model.description}), ${options.rows.toLocaleString('en-US')} rows a job (${input.distinct.toLocaleString('en-US')} distinct, ${bytes(input.fileBytes)} of JSON Lines), ` +
      `batch size ${batchSize} (the version's maxBatchSize), ${options.inFlight} in flight; ${options.rounds} round${options.rounds === 1 ? '' : 's'}, medians; ` +
      `${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown'}), Node ${process.versions.node}, onnxruntime-node ${onnxRuntimeVersion()}, commit ${gitCommit()}`,
  );
  if (options.config) lines.push(`Version config: ${options.config}`);
  const environment = Object.entries(options.serverEnv);
  if (environment.length > 0) lines.push(`Server environment: ${environment.map(([name, value]) => `${name}=${value}`).join(' ')}`);
  lines.push('', 'Scoring the rows: rows/s (each round), the server\'s CPU meanwhile (all threads, and its main thread), the bench process\'s, and rows per engine call');
  const median = (values: number[]) => medianOf(values);
  const roundsOf = (values: number[]) => values.map(count).join(', ');
  const cpuCells = (phases: Phase[]): string[] => {
    // The CPU and rows per call of the round with the median rows/s.
    const sorted = [...phases].sort((a, b) => a.rowsPerSecond - b.rowsPerSecond);
    const middle = sorted[(sorted.length - 1) >> 1];
    const cpu = middle.cpu;
    return [
      cpu ? cpu.serverCores.toFixed(2) : '-',
      cpu ? cpu.serverMainThreadCores.toFixed(2) : '-',
      cpu ? cpu.generatorCores.toFixed(2) : '-',
      cpu ? `${(cpu.otherCores + (cpu.stealCores ?? 0)).toFixed(2)}${isBusy(cpu) ? ' BUSY' : ''}` : '-',
      middle.rowsPerCall === undefined ? '-' : middle.rowsPerCall.toFixed(1),
    ];
  };
  const row = (label: string, phases: Phase[]) => [
    label,
    count(median(phases.map((phase) => phase.rowsPerSecond))),
    median(phases.map((phase) => phase.seconds)).toFixed(2),
    ...cpuCells(phases),
    roundsOf(phases.map((phase) => phase.rowsPerSecond)),
  ];
  const rawThreads = [...new Set(raw.map((round) => round.threads))].join('/');
  lines.push(
    ...table(
      ['', 'rows/s', 's', 'srv CPU', 'main thr', 'bench CPU', 'other+steal', 'rows/call', 'rounds (rows/s)'],
      [
        [
          `(a) raw onnxruntime-node, batch ${batchSize}, ${rawThreads} thread(s), ${ms(median(raw.map((round) => round.p50Ms)))} ms a run`,
          count(median(raw.map((round) => round.rowsPerSecond))),
          '-',
          '-',
          '-',
          '-',
          '-',
          String(batchSize),
          roundsOf(raw.map((round) => round.rowsPerSecond)),
        ],
        row(`(b) by hand: POST :predict, ${batchSize} rows a request, ${options.inFlight} in flight`, byHand),
        row('(c) job: submission (upload + check of the file, until 201)', jobs.map((job) => job.submit)),
        row('(c) job: scoring (201 until GET /api/jobs/{id} says succeeded)', jobs.map((job) => job.scoring)),
        row('(c) job: reading the results (GET /api/jobs/{id}/results)', jobs.map((job) => job.results)),
        [
          '(c) job: end to end (the three above)',
          count(median(jobs.map((job) => job.endToEnd.rowsPerSecond))),
          median(jobs.map((job) => job.endToEnd.seconds)).toFixed(2),
          '',
          '',
          '',
          '',
          '',
          roundsOf(jobs.map((job) => job.endToEnd.rowsPerSecond)),
        ],
      ],
    ),
  );

  const paired = (mine: number[], theirs: number[]) => median(mine.map((value, index) => value / theirs[index]));
  const rounds = (mine: number[], theirs: number[], render: (ratio: number) => string) =>
    mine.length > 1 ? ` (rounds ${mine.map((value, index) => render(value / theirs[index])).join(', ')})` : '';
  const scoring = jobs.map((job) => job.scoring.rowsPerSecond);
  const endToEnd = jobs.map((job) => job.endToEnd.rowsPerSecond);
  const rawRates = raw.map((round) => round.rowsPerSecond);
  const byHandRates = byHand.map((phase) => phase.rowsPerSecond);
  lines.push(
    '',
    'Ratios (median of the rounds\' ratios)',
    ...table(
      ['', 'ratio'],
      [
        ['(c) scoring / (a) raw runtime', percent(paired(scoring, rawRates)) + rounds(scoring, rawRates, percent)],
        ['(c) scoring / (b) by hand', times(paired(scoring, byHandRates)) + rounds(scoring, byHandRates, times)],
        ['(c) end to end / (b) by hand', times(paired(endToEnd, byHandRates)) + rounds(endToEnd, byHandRates, times)],
        ['(b) by hand / (a) raw runtime', percent(paired(byHandRates, rawRates)) + rounds(byHandRates, rawRates, percent)],
      ],
    ),
  );

  const valid = online.filter((round) => round.withJob.jobRanThroughout === true);
  const idle = medianOfRounds(online.map((round) => round.idle.load));
  const busy = valid.length > 0 ? medianOfRounds(valid.map((round) => round.withJob.load)) : undefined;
  lines.push(
    '',
    `(d) Online latency: POST :predict, one row a request, ${options.inFlight} in flight (autocannon), ${input.onlineWarmupSeconds} s warm-up + ${options.onlineSeconds} s, ` +
      `without a job and while one of ${input.jobRowsOnline.toLocaleString('en-US')} rows runs; the server's CPU meanwhile (all threads, main thread)`,
  );
  const middleCpu = (phases: OnlinePhase[]) => [...phases].sort((a, b) => a.load.requestsPerSecond - b.load.requestsPerSecond)[(phases.length - 1) >> 1].cpu;
  const onlineRow = (label: string, load: LoadResult | undefined, phases: OnlinePhase[], jobRate: string) => {
    if (load === undefined) return [label, 'not measured: the job ended before the online run did'];
    const cpu = middleCpu(phases);
    return [
      label,
      count(load.requestsPerSecond),
      ms(load.p50Ms),
      ms(load.p90Ms),
      ms(load.p99Ms),
      ms(load.maxMs),
      cpu ? cpu.serverCores.toFixed(2) : '-',
      cpu ? cpu.serverMainThreadCores.toFixed(2) : '-',
      cpu ? `${(cpu.otherCores + (cpu.stealCores ?? 0)).toFixed(2)}${isBusy(cpu) ? ' BUSY' : ''}` : '-',
      jobRate,
      String(errorCount(load)),
    ];
  };
  const jobRates = valid.map((round) => round.withJob.jobRowsPerSecond ?? NaN);
  lines.push(
    ...table(
      ['', 'req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'srv CPU', 'main thr', 'other+steal', 'job rows/s', 'errors'],
      [
        onlineRow('no job', idle, online.map((round) => round.idle), '-'),
        onlineRow('a job running', busy, valid.map((round) => round.withJob), valid.length > 0 ? count(median(jobRates)) : '-'),
      ],
    ),
  );
  if (valid.length > 0) {
    const ratio = (pick: (load: LoadResult) => number, render: (value: number) => string) => {
      const values = valid.map((round) => pick(round.withJob.load) / pick(round.idle.load));
      return render(median(values)) + (values.length > 1 ? ` (rounds ${values.map(render).join(', ')})` : '');
    };
    lines.push(
      '',
      ...table(
        ['', 'ratio'],
        [
          ['(d) p99 with a job / without', ratio((load) => load.p99Ms, times)],
          ['(d) p50 with a job / without', ratio((load) => load.p50Ms, times)],
          ['(d) req/s with a job / without', ratio((load) => load.requestsPerSecond, percent)],
          ['(d) the job\'s rows/s under online load / (c) scoring alone', percent(median(jobRates) / median(scoring))],
        ],
      ),
    );
  }

  const checks: [boolean, string][] = jobs.map((job, index) => {
    const { job: final, check } = job;
    const ok = final.status === 'succeeded' && final.processedRows === options.rows && final.totalRows === options.rows && final.failedRows === 0 && check.problem === undefined;
    return [
      ok,
      `job ${index + 1}: ${final.status}, processedRows ${final.processedRows} of totalRows ${final.totalRows}, failedRows ${final.failedRows}; ` +
        `${check.lines} result lines; ${check.compared} predictions within ${check.largestDifference.toExponential(1)} of the predict route's` +
        (check.problem ? `; ${check.problem}` : ''),
    ];
  });
  checks.push([input.onlineCheck === undefined, input.onlineCheck ?? 'the online answer matches the raw runtime\'s']);
  const onlineErrors = online.reduce((total, round) => total + errorCount(round.idle.load) + errorCount(round.withJob.load), 0);
  checks.push([onlineErrors === 0, `${onlineErrors} online requests failed`]);
  checks.push([valid.length === online.length, `the job ran throughout ${valid.length} of ${online.length} online runs`]);
  lines.push('', 'Checks', ...checks.map(([ok, text]) => `${ok ? 'PASS' : 'FAIL'}  ${text}`));
  return { text: lines.join('\n'), passed: checks.every(([ok]) => ok) };
}

function times(value: number): string {
  return `${value.toFixed(2)}x`;
}

export function onnxRuntimeVersion(): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require(join(dirname(require.resolve('onnxruntime-node')), '..', 'package.json')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export function gitCommit(): string {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { cwd: ROOT, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${commit} + uncommitted changes` : commit;
  } catch {
    return 'unknown';
  }
}

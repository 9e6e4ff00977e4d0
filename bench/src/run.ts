/**
 * `npm run bench`: issue 3, point 5. Generates the two models, measures (a) the raw runtime in
 * process, (b) a bare node:http server, (c) a naive node:http + onnxruntime-node server, (d)
 * Modelgate over each protocol and, opt-in, (e) a hand-written batching server, all in one run with
 * one load generator, then prints the table,
 * the ratios and the targets, and writes bench/.results/latest.json.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { sampleInstance } from './instances';
import { backgroundCores, CpuMeter, type CpuUse, disturbedCores, isBusy, waitUntilQuiet } from './cpu';
import { errorCount, generateLoad, type LoadResult, medianOfRounds } from './load';
import { type MetricCounters, type CellCounters, cellCounters, type ModelgateServer, startModelgate } from './modelgate';
import { type BenchModel, type ModelKey, generateModels } from './models';
import { type BenchOptions, parseOptions, UsageError, USAGE } from './options';
import { type Child, installCleanup, killAll, removeAtExit, startNode } from './processes';
import { BASELINE_PROTOCOLS, baselineProtocol, type PreparedRequest, type Protocol, PROTOCOL_LABELS, PROTOCOLS, buildRequest, decodeAnswer, largestDifference } from './protocols';
import { bytes, checkTargets, computeRatios, count, formatReport, ms, percent } from './report';
import { roundOrder } from './schedule';
import { type BenchResult, type Cell, HTTP_TARGET_LABELS, type HttpTarget, type MemoryRow, type RawModel, type RoundSummary } from './results';
import type { InstanceMemoryResult, InstanceMemorySpec } from './servers/instance-memory';
import type { RawModelResult, RawSpec } from './servers/raw-runtime';

const ROOT = resolve(__dirname, '..', '..');
const MODELS_DIR = join(ROOT, 'bench', '.models');
const RESULT_FILE = join(ROOT, 'bench', '.results', 'latest.json');
/** Answers may differ from the runtime's own by float32 rounding and JSON formatting, no more. */
const ANSWER_TOLERANCE = 1e-4;
const SERVER_START_MS = 60_000;

interface Context {
  options: BenchOptions;
  models: BenchModel[];
  references: Map<ModelKey, number[]>;
  requests: Map<ModelKey, Record<Protocol, PreparedRequest>>;
  scratch: string;
  cells: Cell[];
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2), process.env);
  installCleanup();
  const started = Date.now();
  const scratch = await mkdtemp(join(tmpdir(), 'modelgate-bench-run-'));
  removeAtExit(scratch);
  try {
    const background = await backgroundCores(1_000);
    if (background !== undefined) {
      log(
        `other processes use ${background.otherCores.toFixed(2)} cores and the hypervisor steals ${(background.stealCores ?? 0).toFixed(2)} before the bench starts` +
          (isBusy(background) ? ': the machine is busy, expect disturbed numbers (see "other CPU" and "steal")' : ''),
      );
    }
    const models = await generateModels(MODELS_DIR, options.models);
    const requests = new Map(models.map((model) => [model.key, requestsFor(model)] as const));
    log(`models written to ${MODELS_DIR}: ${models.map((model) => `${model.name} (${model.fileBytes.toLocaleString('en-US')} bytes)`).join(', ')}`);

    const rawResults = await runRawRuntime(options, models, scratch);
    const references = new Map(rawResults.map((entry) => [entry.key as ModelKey, entry.reference]));
    const raw = rawResults.filter((entry) => entry.batches.length > 0).map(summarizeRaw);
    const context: Context = { options, models, references, requests, scratch, cells: [] };

    // The probe's numbers hardly move between runs; a quick run skips it.
    const instanceMemory = options.targets.includes('modelgate') && !options.quick ? await probeInstanceMemory(models, scratch) : [];
    const modelgate = await measureHttp(context);

    const seconds = (Date.now() - started) / 1000;
    const result: BenchResult = {
      meta: {
        startedAt: new Date(started).toISOString(),
        seconds,
        quick: options.quick,
        warmupSeconds: options.warmupSeconds,
        durationSeconds: options.durationSeconds,
        rounds: options.rounds,
        settleSeconds: options.settleSeconds,
        rawSeconds: options.rawSeconds,
        concurrencies: options.concurrencies,
        node: process.versions.node,
        onnxruntime: await onnxRuntimeVersion(),
        cpus: cpus()[0]?.model.trim() ?? 'unknown',
        cores: cpus().length,
        memoryGiB: Math.round(totalmem() / 1024 ** 3),
        gitCommit: gitCommit(),
        backgroundCoresAtStart: background?.otherCores,
        backgroundStealAtStart: background?.stealCores,
        modelgateConfig: options.modelgateConfig,
        modelgateDir: options.modelgateDir ? resolve(options.modelgateDir) : undefined,
        note: options.note,
      },
      models: models.map((model) => ({
        model: model.key,
        name: model.name,
        description: model.description,
        fileBytes: model.fileBytes,
        requestBytes: Object.fromEntries(PROTOCOLS.map((protocol) => [protocol, requests.get(model.key)![protocol].body.length])),
      })),
      raw,
      cells: context.cells,
      modelgateRssBaseBytes: modelgate?.rssBase,
      modelgateRssAfterLoadBytes: modelgate?.rssAfterLoad,
      memory: (modelgate?.memory ?? []).map((row) => {
        const probe = instanceMemory.find((entry) => entry.key === row.model);
        return probe ? { ...row, probeFirstInstanceBytes: probe.firstInstanceBytes, probeNextInstanceBytes: probe.secondInstanceBytes } : row;
      }),
      ratios: computeRatios(context.cells, raw),
      targets: options.targets.includes('modelgate') ? checkTargets(context.cells, options.models, raw) : [],
    };
    await mkdir(join(ROOT, 'bench', '.results'), { recursive: true });
    await writeFile(RESULT_FILE, `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(`\n${formatReport(result)}\n\nbench took ${seconds.toFixed(0)} s; results in ${RESULT_FILE}\n`);
    if (options.strict && result.targets.some((check) => check.verdict === 'FAIL')) process.exitCode = 1;
  } finally {
    killAll();
  }
}

function requestsFor(model: BenchModel): Record<Protocol, PreparedRequest> {
  const instance = sampleInstance(model);
  return Object.fromEntries(PROTOCOLS.map((protocol) => [protocol, buildRequest(protocol, model, instance)])) as Record<Protocol, PreparedRequest>;
}

/** (a), in its own process; also gives the reference answers every server is checked against. */
async function runRawRuntime(options: BenchOptions, models: BenchModel[], scratch: string): Promise<RawModelResult[]> {
  const measuring = options.targets.includes('raw');
  log(measuring ? '(a) raw onnxruntime-node in process ...' : 'computing reference answers with onnxruntime-node ...');
  const spec: RawSpec = {
    models: models.map((model) => ({ key: model.key, path: model.path, inputName: model.inputName, outputName: model.outputName, instanceShape: model.instanceShape })),
    seconds: measuring ? options.rawSeconds : 0,
    batchSizes: options.rawBatchSizes,
    minAttempts: options.rawAttempts,
    busyRetries: options.busyRetries,
    resultFile: join(scratch, 'raw.json'),
  };
  const specFile = join(scratch, 'raw-spec.json');
  await writeFile(specFile, JSON.stringify(spec));
  const child = startNode('raw runtime', { args: [join(__dirname, 'servers', 'raw-runtime.js')], env: { BENCH_SERVER_SPEC: specFile } });
  const how = await child.exited;
  if (how !== 'code 0') throw new Error(`the raw runtime measurement failed (${how}):\n${child.output()}`);
  const results = JSON.parse(await readFile(spec.resultFile, 'utf8')) as RawModelResult[];
  for (const entry of results) {
    for (const batch of entry.batches) {
      const other = batch.otherCores === undefined ? '' : `, other ${batch.otherCores.toFixed(2)}, steal ${(batch.stealCores ?? 0).toFixed(2)}${isBusy(batch) ? ' BUSY' : ''}`;
      log(`  ${entry.key} batch ${batch.batchSize}: ${count(batch.examplesPerSecond)} examples/s on ${batch.threads} intra-op thread(s) (${ms(batch.p50Ms)} ms per run${other}, ${batch.attempts} attempt(s))`);
    }
  }
  return results;
}

/** A worker thread with one ORT session per model, in a probe process: the memory of one instance without a server's noise. */
async function probeInstanceMemory(models: BenchModel[], scratch: string): Promise<InstanceMemoryResult[]> {
  log('memory of one loaded instance (probe process) ...');
  const probes = models.map(async (model): Promise<InstanceMemoryResult | undefined> => {
    const spec: InstanceMemorySpec = {
      model: { key: model.key, path: model.path, inputName: model.inputName, instanceShape: model.instanceShape },
      resultFile: join(scratch, `memory-${model.key}.json`),
    };
    const specFile = join(scratch, `memory-${model.key}-spec.json`);
    await writeFile(specFile, JSON.stringify(spec));
    const child = startNode('instance memory probe', { args: [join(__dirname, 'servers', 'instance-memory.js')], env: { BENCH_SERVER_SPEC: specFile } });
    const how = await child.exited;
    if (how !== 'code 0') {
      log(`  ${model.key}: the probe failed (${how}): ${child.output().slice(-300)}`);
      return undefined;
    }
    const result = JSON.parse(await readFile(spec.resultFile, 'utf8')) as InstanceMemoryResult;
    log(`  ${model.key}: first instance +${bytes(result.firstInstanceBytes)}, next +${bytes(result.secondInstanceBytes)}`);
    return result;
  });
  // One process per model, side by side: each reads its own RSS.
  return (await Promise.all(probes)).filter((result): result is InstanceMemoryResult => result !== undefined);
}

function summarizeRaw(entry: RawModelResult): RawModel {
  const batch1 = entry.batches.find((batch) => batch.batchSize === 1);
  const batched = entry.batches.filter((batch) => batch.batchSize > 1);
  const best = [...(batched.length > 0 ? batched : entry.batches)].sort((a, b) => b.examplesPerSecond - a.examplesPerSecond)[0];
  return {
    model: entry.key as ModelKey,
    batches: entry.batches,
    batch1: batch1 && { examplesPerSecond: batch1.examplesPerSecond, p50Ms: batch1.p50Ms },
    best: best && { batchSize: best.batchSize, examplesPerSecond: best.examplesPerSecond },
  };
}

/** The answer the naive server gives for the sample instance in a JSON protocol: (b) answers it as a constant. */
function jsonAnswer(protocol: Protocol, model: BenchModel, reference: number[]): string {
  if (protocol === 'tf-rest') return JSON.stringify({ predictions: [reference] });
  return JSON.stringify({
    model_name: model.name,
    model_version: '1',
    outputs: [{ name: model.outputName, datatype: 'FP32', shape: [1, ...model.outputShape], data: reference }],
  });
}

interface HttpServer {
  target: HttpTarget;
  url: string;
  headers: Record<string, string>;
  child: Child;
  /** Modelgate's engine calls and requests so far, for the mean batch size of a cell. */
  metricCounters?: () => Promise<MetricCounters | undefined>;
}

interface ModelgateMeasurements {
  rssBase?: number;
  rssAfterLoad?: number;
  memory: MemoryRow[];
}

/**
 * (b), (c) and (d), cell by cell: for each model, every server is started and settled first, then
 * its cells are measured in rounds (measureModel).
 */
async function measureHttp(context: Context): Promise<ModelgateMeasurements | undefined> {
  const { targets } = context.options;
  const baselines: HttpServer[] = [];
  try {
    if (targets.includes('bare')) baselines.push(await startBaselineServer(context, 'bare-http', 'bare-http.js', bareSpec(context)));
    if (targets.includes('naive')) baselines.push(await startBaselineServer(context, 'naive', 'naive.js', naiveSpec(context)));
    if (targets.includes('batching')) baselines.push(await startBaselineServer(context, 'batching', 'batching.js', naiveSpec(context)));
    const measurements: ModelgateMeasurements = { memory: [] };
    for (const model of context.models) {
      const modelgate = targets.includes('modelgate') ? await startModelgateFor(context, model, measurements) : undefined;
      try {
        const servers = modelgate ? [...baselines, modelgate.run] : baselines;
        for (const server of servers) await settle(context, { ...server, model }, protocolsOf(server.target));
        await measureModel(context, model, servers);
        if (modelgate) measurements.rssAfterLoad = await modelgate.server.rss();
      } finally {
        await modelgate?.server.stop();
      }
    }
    return targets.includes('modelgate') ? measurements : undefined;
  } finally {
    await Promise.all(baselines.map((server) => server.child.stop()));
  }
}

function protocolsOf(target: HttpTarget): readonly Protocol[] {
  return target === 'modelgate' ? PROTOCOLS : BASELINE_PROTOCOLS;
}

function bareSpec(context: Context): unknown {
  const answers = Object.fromEntries(
    context.models.flatMap((model) =>
      BASELINE_PROTOCOLS.map((protocol) => [context.requests.get(model.key)![protocol].path, jsonAnswer(protocol, model, context.references.get(model.key)!)]),
    ),
  );
  return { answers };
}

/** The spec of (c) and (e), which serve the models themselves (servers/model-routes.ts). */
function naiveSpec(context: Context): unknown {
  const models = context.models.map((model) => ({
    name: model.name,
    path: model.path,
    inputName: model.inputName,
    instanceShape: model.instanceShape,
    outputName: model.outputName,
  }));
  return { models };
}

/** A baseline serves every model from one process, as a hand-written server would. */
async function startBaselineServer(context: Context, target: HttpTarget, script: string, spec: unknown): Promise<HttpServer> {
  log(`${HTTP_TARGET_LABELS[target]}: starting ...`);
  const specFile = join(context.scratch, `${target}-spec.json`);
  await writeFile(specFile, JSON.stringify(spec));
  const child = startNode(HTTP_TARGET_LABELS[target], { args: [join(__dirname, 'servers', script)], env: { BENCH_SERVER_SPEC: specFile, BENCH_PORT: '0' } });
  try {
    const line = await child.waitForLine(/^listening \d+/, SERVER_START_MS);
    return { target, url: `http://127.0.0.1:${line.split(' ')[1]}`, headers: {}, child };
  } catch (error) {
    await child.stop();
    throw error;
  }
}

/**
 * One Modelgate server per model, as each baseline serves one model: Modelgate divides the cores
 * among the instances it has loaded (no oversubscription), so a second model loaded beside the one
 * measured would halve its threads while the naive server and the raw runtime use them all.
 */
async function startModelgateFor(
  context: Context,
  model: BenchModel,
  measurements: ModelgateMeasurements,
): Promise<{ server: ModelgateServer; run: HttpServer }> {
  const instances = Number((JSON.parse(context.options.modelgateConfig ?? '{}') as { instances?: unknown }).instances ?? 1) || 1;
  log(`${HTTP_TARGET_LABELS.modelgate}: starting node apps/api/dist/main.js for ${model.name} ...`);
  const starting = performance.now();
  const server = await startModelgate(context.options.modelgateDir ? resolve(context.options.modelgateDir) : ROOT);
  log(`  live after ${((performance.now() - starting) / 1000).toFixed(1)} s`);
  try {
    measurements.rssBase ??= await server.rss();
    const upload = await server.upload(model, context.options.modelgateConfig);
    const growth = upload.rssBefore !== undefined && upload.rssAfter !== undefined ? upload.rssAfter - upload.rssBefore : undefined;
    measurements.memory.push({
      model: model.key,
      fileBytes: model.fileBytes,
      instances,
      rssBeforeBytes: upload.rssBefore,
      rssAfterBytes: upload.rssAfter,
      perInstanceBytes: growth === undefined ? undefined : growth / instances,
    });
    log(`  uploaded ${model.name}: version ${upload.version} ${upload.status} in ${upload.seconds.toFixed(2)} s`);
  } catch (error) {
    await server.stop();
    throw error;
  }
  const run: HttpServer = {
    target: 'modelgate',
    url: server.url,
    headers: server.authorization,
    child: server.child,
    metricCounters: () => server.metricCounters(model),
  };
  return { server, run };
}

interface ProtocolRun extends HttpServer {
  protocol: Protocol;
  model: BenchModel;
}

/** Requests in flight while a server settles: enough to run every code path many times a second. */
const SETTLE_CONCURRENCY = 16;

/**
 * Drives the server through each protocol in turn for `settleSeconds` in all, before its first timed
 * cell for this model, and throws the answers away. A freshly started or freshly loaded server is
 * still compiling its hot paths for a few seconds (the first second of c=1 CNN load after an upload
 * served 229 requests, the next ones 570-650 a second), and one cell's warm-up is too short to cover
 * that. Every target, baselines included, settles the same way, so the cells measure steady-state
 * serving, which is what a server does all day.
 */
async function settle(context: Context, run: HttpServer & { model: BenchModel }, protocols: readonly Protocol[]): Promise<void> {
  const seconds = context.options.settleSeconds / protocols.length;
  if (!(seconds > 0)) return;
  log(`  ${HTTP_TARGET_LABELS[run.target]} ${run.model.key}: settling, ${context.options.settleSeconds} s of load thrown away`);
  for (const protocol of protocols) {
    const request = context.requests.get(run.model.key)![protocol];
    await generateLoad({
      url: run.url + request.path,
      headers: { ...run.headers, ...request.headers },
      body: request.body,
      connections: SETTLE_CONCURRENCY,
      warmupSeconds: 0,
      durationSeconds: seconds,
    });
  }
}

/**
 * The cells of one model, in `rounds` rounds. Each round measures every cell once, in the same
 * order: at c=1, the cells read against the v2 JSON baselines (naive, Modelgate v2 JSON, bare,
 * Modelgate v2 binary: roundOrder), then those read against TF Serving's; then c=16 ...; each
 * group in reverse order every other round, so that none is always measured right after the same
 * one. The cells a ratio compares are seconds apart, and a cell's own rounds are a round apart
 * (about a minute for the MLP): a slow spell of the machine of ten seconds or so, as this host has,
 * moves one round of each cell it touches, and each cell keeps the medians of its rounds (the
 * ratios pair them round by round: throughputRatio). Each server's answer for a protocol is checked
 * first, once (refused binary: "not supported yet"); a protocol that fails it gets a failed cell at
 * every concurrency.
 */
async function measureModel(context: Context, model: BenchModel, servers: HttpServer[]): Promise<void> {
  const checks = new Map<string, AnswerCheck>();
  const planned: { run: ProtocolRun; concurrency: number; checked: AnswerCheck; rounds: MeasuredRound[] }[] = [];
  for (const concurrency of context.options.concurrencies) {
    for (const protocol of PROTOCOLS) {
      for (const server of servers) {
        if (!protocolsOf(server.target).includes(protocol)) continue;
        const run: ProtocolRun = { ...server, model, protocol };
        const checkKey = `${run.target} ${run.protocol}`;
        let checked = checks.get(checkKey);
        if (checked === undefined) {
          checked = await checkAnswer(run, context.requests.get(model.key)![protocol], context.references.get(model.key)!);
          checks.set(checkKey, checked);
          if (checked.kind !== 'ok') log(`  ${cellLabel(run)}: ${unmeasuredStatus(run, checked) === 'unsupported' ? 'not supported yet' : 'FAILED'}: ${checked.message}`);
        }
        planned.push({ run, concurrency, checked, rounds: [] });
      }
    }
  }
  const { rounds } = context.options;
  for (let round = 0; round < rounds; round++) {
    const roundLabel = rounds > 1 ? ` [round ${round + 1}/${rounds}]` : '';
    for (const concurrency of context.options.concurrencies) {
      for (const baseline of BASELINE_PROTOCOLS) {
        const group = roundOrder(planned.filter((entry) => entry.concurrency === concurrency && baselineProtocol(entry.run.protocol) === baseline && entry.checked.kind === 'ok'));
        for (const entry of round % 2 === 0 ? group : group.reverse()) {
          if (!hasExited(entry.run)) entry.rounds.push(await measureRound(context, entry.run, concurrency, roundLabel));
        }
      }
    }
  }
  for (const { run, concurrency, checked, rounds: measured } of planned) {
    const base = cellBase(run, concurrency);
    if (checked.kind !== 'ok') {
      context.cells.push({ ...base, status: unmeasuredStatus(run, checked), note: checked.message });
      continue;
    }
    if (measured.length < rounds) {
      context.cells.push({ ...base, status: 'failed', note: `server exited: ${run.child.output().slice(-500)}` });
      continue;
    }
    // CPU and batch counters are those of the round whose throughput is the median one.
    const byThroughput = [...measured].sort((a, b) => a.load.requestsPerSecond - b.load.requestsPerSecond);
    const { cpu, meanBatchSize, handedOverShare, gcShare, fullGcShare } = byThroughput[(byThroughput.length - 1) >> 1];
    const load = medianOfRounds(measured.map((entry) => entry.load));
    if (measured.length > 1) {
      log(
        `  ${cellLabel(run)} c=${concurrency}: median of ${measured.length} rounds ${count(load.requestsPerSecond)} req/s, p50 ${ms(load.p50Ms)} ms, p99 ${ms(load.p99Ms)} ms` +
          ` (rounds ${measured.map((entry) => count(entry.load.requestsPerSecond)).join(', ')} req/s)`,
      );
    }
    context.cells.push({
      ...base,
      status: 'measured',
      load,
      attempts: measured.reduce((total, entry) => total + entry.attempts, 0),
      ...(measured.length > 1 ? { rounds: measured.map((entry) => roundSummary(entry.load)) } : {}),
      ...(cpu ? { cpu } : {}),
      ...(meanBatchSize === undefined ? {} : { meanBatchSize }),
      ...(handedOverShare === undefined ? {} : { handedOverShare }),
      ...(gcShare === undefined ? {} : { gcShare, fullGcShare }),
      ...(checked.note ? { note: checked.note } : {}),
    });
  }
}

type MeasuredRound = { load: LoadResult; cpu?: CpuUse; attempts: number } & CellCounters;

function cellBase(run: ProtocolRun, concurrency: number): Pick<Cell, 'target' | 'protocol' | 'model' | 'concurrency'> {
  return { target: run.target, protocol: run.protocol, model: run.model.key, concurrency };
}

function cellLabel(run: ProtocolRun): string {
  return `${HTTP_TARGET_LABELS[run.target]} ${PROTOCOL_LABELS[run.protocol]} ${run.model.key}`;
}

function hasExited(run: ProtocolRun): boolean {
  return run.child.process.exitCode !== null || run.child.process.signalCode !== null;
}

function roundSummary(load: LoadResult): RoundSummary {
  return { requestsPerSecond: load.requestsPerSecond, p50Ms: load.p50Ms, p99Ms: load.p99Ms, errors: errorCount(load) };
}

/** One round of one cell: a warm-up and a timed run; a round disturbed by other processes or steal is measured again, and the least disturbed run is kept. */
async function measureRound(context: Context, run: ProtocolRun, concurrency: number, roundLabel: string): Promise<MeasuredRound> {
  const request = context.requests.get(run.model.key)![run.protocol];
  let kept: MeasuredRound | undefined;
  let attempts = 0;
  while (attempts <= context.options.busyRetries) {
    attempts++;
    const meter = new CpuMeter(run.child.pid);
    let countersBefore: MetricCounters | undefined;
    const load = await generateLoad({
      url: run.url + request.path,
      headers: { ...run.headers, ...request.headers },
      body: request.body,
      connections: concurrency,
      warmupSeconds: context.options.warmupSeconds,
      durationSeconds: context.options.durationSeconds,
      beforeTimedRun: async () => {
        countersBefore = await run.metricCounters?.();
        await meter.begin();
      },
    });
    const cpu = await meter.end();
    const counters = cellCounters(countersBefore, await run.metricCounters?.());
    const { meanBatchSize, handedOverShare, gcShare, fullGcShare } = counters;
    await waitUntilQuiet(run.child.pid);
    const errors = errorCount(load);
    log(
      `  ${cellLabel(run)} c=${concurrency}${roundLabel}: ${count(load.requestsPerSecond)} req/s, p50 ${ms(load.p50Ms)} ms, p99 ${ms(load.p99Ms)} ms` +
        (cpu ? `, server ${cpu.serverCores.toFixed(2)} cores (main thread ${cpu.serverMainThreadCores.toFixed(2)}), other ${cpu.otherCores.toFixed(2)}, steal ${(cpu.stealCores ?? 0).toFixed(2)}` : '') +
        (meanBatchSize === undefined ? '' : `, ${meanBatchSize.toFixed(2)} requests per engine call`) +
        (handedOverShare === undefined ? '' : `, ${Math.round(100 * handedOverShare)}% of the calls handed over by idle spin`) +
        (gcShare === undefined ? '' : `, main thread in GC ${percent(gcShare)} (full collections ${percent(fullGcShare!)})`) +
        (errors > 0 ? `, ${errors} ERRORS` : '') +
        (isBusy(cpu) ? ' BUSY' : ''),
    );
    if (!kept || disturbedCores(cpu ?? {}) < disturbedCores(kept.cpu ?? {})) kept = { load, cpu, attempts, ...counters };
    if (!isBusy(cpu)) break;
  }
  return { ...kept!, attempts };
}

function unmeasuredStatus(run: ProtocolRun, checked: AnswerCheck): Cell['status'] {
  return checked.kind === 'refused' && run.protocol === 'v2-binary' ? 'unsupported' : 'failed';
}


type AnswerCheck = { kind: 'ok'; note?: string } | { kind: 'refused' | 'failed'; message: string };

async function checkAnswer(run: ProtocolRun, request: PreparedRequest, reference: number[]): Promise<AnswerCheck> {
  let response: Response;
  try {
    response = await fetch(run.url + request.path, { method: 'POST', headers: { ...run.headers, ...request.headers }, body: request.body });
  } catch (error) {
    return { kind: 'failed', message: `request failed: ${(error as Error).message}` };
  }
  const body = Buffer.from(await response.arrayBuffer());
  if (response.status >= 400 && response.status < 500) return { kind: 'refused', message: `HTTP ${response.status}: ${errorText(body, 200)}` };
  if (response.status !== 200) return { kind: 'failed', message: `HTTP ${response.status}: ${errorText(body, 400)}` };
  if (run.target === 'bare-http') return { kind: 'ok' };
  try {
    const difference = largestDifference(decodeAnswer(run.protocol, run.model, body, response.headers), reference);
    if (difference > ANSWER_TOLERANCE) return { kind: 'ok', note: `WRONG ANSWER: differs from the runtime by ${difference.toExponential(2)}` };
    return { kind: 'ok' };
  } catch (error) {
    return { kind: 'ok', note: `UNREADABLE ANSWER: ${(error as Error).message}` };
  }
}

/** The "error" of a JSON error body, or the start of the body. */
function errorText(body: Buffer, limit: number): string {
  const text = body.toString('utf8');
  try {
    const error = (JSON.parse(text) as { error?: unknown }).error;
    if (typeof error === 'string') return error.slice(0, limit);
  } catch {
    // not JSON: show the text itself
  }
  return text.slice(0, limit);
}

async function onnxRuntimeVersion(): Promise<string> {
  try {
    const manifest = await readFile(join(dirname(require.resolve('onnxruntime-node')), '..', 'package.json'), 'utf8');
    return (JSON.parse(manifest) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function gitCommit(): string {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { cwd: ROOT, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${commit} + uncommitted changes` : commit;
  } catch {
    return 'unknown';
  }
}

const STARTED = performance.now();

/** Progress lines, with the seconds since the bench started. */
function log(message: string): void {
  process.stdout.write(`[${((performance.now() - STARTED) / 1000).toFixed(1).padStart(5)} s] ${message}\n`);
}


main().catch((error: unknown) => {
  if (error instanceof UsageError) process.stderr.write(`${error.message}\n\n${USAGE}`);
  else process.stderr.write(`\nbench failed: ${(error as Error)?.stack ?? String(error)}\n`);
  killAll();
  process.exit(1);
});

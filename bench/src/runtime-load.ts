/**
 * `npm run bench:runtime`: the runtime under load on its own, no HTTP. Where Modelgate falls short
 * of the raw runtime over HTTP (`npm run bench`, "of raw best"), this says how much of the gap is
 * the runtime's own machinery (the worker hop, the batcher, the lanes) and how much is HTTP and the
 * load generator sharing the cores.
 *
 * For each model, two kinds of runner take turns in every round, in this process:
 * - `ModelRuntime` with the settings a version gets by default (one instance on the CPU, dynamic
 *   batching, lanes under load, workers), kept at `--in-flight` batch-1 requests, as the HTTP side
 *   hands them over;
 * - the same ONNX backend session the workers use (OnnxBackend: its options, no spinning), called
 *   on this thread one run after another at each `--engine-batch` size, on one intra-op thread and
 *   on one per core: the engine alone, the ceiling.
 * Each runner's examples a second and the cores the process used meanwhile (all its threads) are
 * the medians of the rounds; the ratio is against the engine's best batch size in the same run.
 *
 *   npm run bench:runtime
 *   npm run bench:runtime -- --models=cnn --rounds=5 --seconds=3 --in-flight=64 --engine-batch=1,8
 */
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { ModelRuntime, OnnxBackend, type NamedTensors, type Session } from '@modelgate/runtime';
import { inputsFor } from './in-flight';
import { sampleInstance } from './instances';
import { type BenchModel, generateModels, MODEL_KEYS, type ModelKey } from './models';
import { table } from './report';
import { medianOf } from './stats';

const ROOT = resolve(__dirname, '..', '..');

export interface Options {
  models: ModelKey[];
  rounds: number;
  seconds: number;
  inFlight: number;
  engineBatches: number[];
}

interface Sample {
  examplesPerSecond: number;
  cores: number;
}

interface Runner {
  label: string;
  /** Runs for about `seconds` and says how many examples it computed. */
  run: (seconds: number) => Promise<number>;
  close: () => Promise<void>;
}

export function parseRuntimeLoadOptions(argv: readonly string[]): Options {
  const options: Options = { models: [...MODEL_KEYS], rounds: 5, seconds: 1.5, inFlight: 64, engineBatches: [1, 8, 64] };
  const positive = (name: string, value: string) => {
    const number = Number(value);
    if (!Number.isFinite(number) || number <= 0) throw new Error(`--${name} takes a positive number, got "${value}"`);
    return number;
  };
  const integers = (name: string, value: string) => value.split(',').map((part) => Math.round(positive(name, part)));
  for (const argument of argv) {
    const match = /^--([a-z-]+)=(.+)$/.exec(argument);
    const [name, value] = match ? [match[1], match[2]] : [argument, ''];
    if (name === 'models') {
      const models = value.split(',');
      const unknown = models.find((model) => !(MODEL_KEYS as readonly string[]).includes(model));
      if (unknown !== undefined) throw new Error(`--models takes ${MODEL_KEYS.join(', ')}, got "${unknown}"`);
      options.models = models as ModelKey[];
    } else if (name === 'rounds') options.rounds = Math.round(positive(name, value));
    else if (name === 'seconds') options.seconds = positive(name, value);
    else if (name === 'in-flight') options.inFlight = Math.round(positive(name, value));
    else if (name === 'engine-batch') options.engineBatches = integers(name, value);
    else throw new Error(`unknown argument "${argument}": use --models=mlp,cnn --rounds=N --seconds=S --in-flight=N --engine-batch=1,8,64`);
  }
  return options;
}

/** Calls `call` `inFlight` at a time until `seconds` have passed and the calls begun have ended; how many ended. */
async function forAbout(seconds: number, inFlight: number, call: () => Promise<unknown>): Promise<number> {
  const until = performance.now() + seconds * 1000;
  let done = 0;
  const lane = async () => {
    while (performance.now() < until) {
      await call();
      done++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  return done;
}

async function runtimeRunner(model: BenchModel, inFlight: number): Promise<Runner> {
  const runtime = new ModelRuntime({ idleSpinMs: 1 });
  // The settings of a version uploaded with no config (apps/api version-config.ts, VERSION_CONFIG_DEFAULTS).
  await runtime.load(model.key, { format: 'onnx', artifactPath: model.path, instances: 1, device: 'cpu', batching: {}, splitUnderLoad: true, inline: false });
  const inputs = inputsFor(model);
  return {
    label: `ModelRuntime, ${inFlight} batch-1 requests in flight`,
    run: (seconds) => forAbout(seconds, inFlight, () => runtime.infer(model.key, inputs())),
    close: () => runtime.close(),
  };
}

function engineRunner(model: BenchModel, session: Session, threads: number, batchSize: number): Runner {
  const instance = sampleInstance(model);
  const data = new Float32Array(instance.length * batchSize);
  for (let row = 0; row < batchSize; row++) data.set(instance, row * instance.length);
  const inputs: NamedTensors = { [model.inputName]: { datatype: 'FP32', shape: [batchSize, ...model.instanceShape], data } };
  return {
    label: `engine alone, batch ${batchSize}, ${threads} thread${threads === 1 ? '' : 's'}`,
    run: async (seconds) => batchSize * (await forAbout(seconds, 1, () => session.run(inputs))),
    close: async () => undefined,
  };
}

function processCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

async function measure(runner: Runner, seconds: number): Promise<Sample> {
  const cpu = processCpuMs();
  const started = performance.now();
  const examples = await runner.run(seconds);
  const wallMs = performance.now() - started;
  return { examplesPerSecond: (examples * 1000) / wallMs, cores: (processCpuMs() - cpu) / wallMs };
}

async function main(): Promise<void> {
  const options = parseRuntimeLoadOptions(process.argv.slice(2));
  const models = await generateModels(join(ROOT, 'bench', '.models'), options.models);
  const cores = availableParallelism();
  const rows: string[][] = [];
  for (const model of models) {
    // One thread and one per core, as target (a) of `npm run bench` measures the raw runtime: a small model runs faster on one.
    const threadCounts = [...new Set([1, cores])];
    const sessions = await Promise.all(threadCounts.map((threads) => new OnnxBackend().load('onnx', model.path, { device: 'cpu', intraOpThreads: threads })));
    const engines = options.engineBatches.flatMap((batchSize) => sessions.map((session, index) => engineRunner(model, session, threadCounts[index], batchSize)));
    const runners = [await runtimeRunner(model, options.inFlight), ...engines];
    const samples: Sample[][] = runners.map(() => []);
    try {
      for (const runner of runners) await runner.run(Math.min(1, options.seconds)); // warm-up
      for (let round = 0; round < options.rounds; round++) {
        // The order reverses every round, so that a slow spell of the machine falls on every runner.
        const order = round % 2 === 0 ? [...runners.keys()] : [...runners.keys()].reverse();
        for (const which of order) samples[which].push(await measure(runners[which], options.seconds));
        process.stderr.write(`[${model.key}] round ${round + 1}/${options.rounds}: ${runners.map((runner, which) => `${Math.round(samples[which][round].examplesPerSecond)}`).join(', ')} examples/s\n`);
      }
    } finally {
      for (const runner of runners) await runner.close();
      await Promise.all(sessions.map((session) => session.dispose()));
    }
    const medians = samples.map((runs) => ({ examplesPerSecond: medianOf(runs.map((run) => run.examplesPerSecond)), cores: medianOf(runs.map((run) => run.cores)) }));
    const engineBest = Math.max(...medians.slice(1).map((median) => median.examplesPerSecond));
    runners.forEach((runner, which) => {
      const { examplesPerSecond, cores: used } = medians[which];
      rows.push([
        model.key,
        runner.label,
        Math.round(examplesPerSecond).toLocaleString('en-US'),
        used.toFixed(2),
        Math.round(examplesPerSecond / used).toLocaleString('en-US'),
        `${((100 * examplesPerSecond) / engineBest).toFixed(0)}%`,
        samples[which].map((run) => Math.round(run.examplesPerSecond).toLocaleString('en-US')).join(', '),
      ]);
    });
  }
  const header = ['model', 'runner', 'examples/s', 'cores', 'examples/core-s', 'of engine best', 'rounds'];
  process.stdout.write(`${table(header, rows).join('\n')}\n`);
  process.stdout.write(
    `\nMedians of ${options.rounds} rounds of ${options.seconds} s per runner, taking turns (the order reversed every round); ${cores} cores; no HTTP. ` +
      'cores: what this process used meanwhile, all its threads (the workers included).\n',
  );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}

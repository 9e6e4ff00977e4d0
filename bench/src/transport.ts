/**
 * `npm run bench:transport`: what it costs the main thread to hand a batch to a model worker and
 * take its answer back, no HTTP. The same runtime, the same model and worker, two transports:
 * shared-memory slots (the default: one copy each way, a bare number as the message) against
 * messages carrying the tensors with their buffers moved (`sharedMemory: false`, the way batches
 * went before). Each request is its own engine call (maxBatchSize 1), so every request pays the
 * transport once there and once back.
 *
 * For each model, at 1 and 8 requests in flight: the main thread's CPU per request (from
 * /proc/self/task, Linux only) and the wall time per request, summed over 12 rounds in which the
 * two transports take turns, so that a slow spell of the machine falls on both; then the ratios.
 * The in-process row (onnxruntime-node called on this thread, no worker) is the floor a worker
 * hop is measured from: its CPU includes the compute itself.
 *
 *   npm run bench:transport -- --compare=/tmp/modelgate-OLD   # and another build's runtime (bench/dist/snapshot.js)
 *
 * adds, for each --compare, a row of that checkout's runtime (its libs/runtime/dist) with the default
 * transport, taking its turn in every round: a change to the runtime's bookkeeping per request shows
 * there against the build before it.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { ModelRuntime } from '@modelgate/runtime';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { inputsFor, keepInFlight } from './in-flight';
import { type BenchModel, generateModels, MODEL_KEYS } from './models';
import { table } from './report';

const ROOT = resolve(__dirname, '..', '..');
const ROUNDS = 12;
const IN_FLIGHT = [1, 8];
/** Requests per round, per model: rounds of about half a second. */
const PER_ROUND = { mlp: 10_000, cnn: 200 } as const;

interface Totals {
  cpuMs: number;
  wallMs: number;
  requests: number;
}

type Runner = (inFlight: number, count: number) => Promise<void>;

/** This thread's CPU time in ms (user + system), or NaN off Linux. */
function mainThreadCpuMs(): number {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the command name.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

async function runtimeRunner(model: BenchModel, sharedMemory: boolean, Runtime: typeof ModelRuntime = ModelRuntime): Promise<{ run: Runner; close: () => Promise<void> }> {
  const runtime = new Runtime({ sharedMemory, totalThreads: availableParallelism(), rebalanceThreads: false });
  await runtime.load(model.key, { format: 'onnx', artifactPath: model.path, batching: { maxBatchSize: 1 } });
  const inputs = inputsFor(model);
  return {
    run: (inFlight, count) => keepInFlight(inFlight, count, () => runtime.infer(model.key, inputs())),
    close: () => runtime.close(),
  };
}

async function inProcessRunner(model: BenchModel): Promise<{ run: Runner; close: () => Promise<void> }> {
  const session = await InferenceSession.create(model.path, { intraOpNumThreads: availableParallelism() });
  const inputs = inputsFor(model);
  return {
    run: (inFlight, count) =>
      keepInFlight(inFlight, count, () => {
        const tensor = inputs()[model.inputName];
        return session.run({ [model.inputName]: new Tensor('float32', tensor.data as Float32Array, tensor.shape) });
      }),
    close: () => session.release(),
  };
}

/** The ModelRuntime of another checkout's build (its own worker script comes with it). */
function runtimeOf(checkout: string): typeof ModelRuntime {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(join(checkout, 'libs', 'runtime', 'dist', 'index.js')) as { ModelRuntime: typeof ModelRuntime }).ModelRuntime;
}

async function main(): Promise<void> {
  const compare = process.argv.slice(2).map((argument) => {
    if (!argument.startsWith('--compare=')) throw new Error(`unknown argument "${argument}": use --compare=DIR (a build made by bench/dist/snapshot.js)`);
    return resolve(argument.slice('--compare='.length));
  });
  const models = await generateModels(join(ROOT, 'bench', '.models'), MODEL_KEYS);
  const rows: string[][] = [];
  for (const model of models) {
    const runners = [
      { label: 'messages, buffers moved (before)', ...(await runtimeRunner(model, false)) },
      { label: 'shared-memory slots (default)', ...(await runtimeRunner(model, true)) },
      { label: 'in process, no worker (floor)', ...(await inProcessRunner(model)) },
    ];
    for (const checkout of compare) runners.push({ label: `shared-memory slots (${checkout})`, ...(await runtimeRunner(model, true, runtimeOf(checkout))) });
    for (const inFlight of IN_FLIGHT) {
      const count = PER_ROUND[model.key];
      const totals: Totals[] = runners.map(() => ({ cpuMs: 0, wallMs: 0, requests: 0 }));
      for (const runner of runners) await runner.run(inFlight, count); // warm-up
      for (let round = 0; round < ROUNDS; round++) {
        for (const [which, runner] of runners.entries()) {
          const cpu = mainThreadCpuMs();
          const started = performance.now();
          await runner.run(inFlight, count);
          totals[which].wallMs += performance.now() - started;
          totals[which].cpuMs += mainThreadCpuMs() - cpu;
          totals[which].requests += count;
        }
      }
      const perRequest = totals.map((total) => ({ cpu: (total.cpuMs * 1000) / total.requests, wall: (total.wallMs * 1000) / total.requests }));
      const [baseline] = perRequest;
      runners.forEach((runner, which) => {
        const { cpu, wall } = perRequest[which];
        rows.push([
          model.key,
          String(inFlight),
          runner.label,
          Number.isNaN(cpu) ? 'n/a' : cpu.toFixed(1),
          which === 0 || Number.isNaN(cpu) ? '' : `${(cpu / baseline.cpu).toFixed(2)}x`,
          wall.toFixed(1),
          which === 0 ? '' : `${(wall / baseline.wall).toFixed(2)}x`,
        ]);
      });
    }
    for (const runner of runners) await runner.close();
  }
  const header = ['model', 'in flight', 'transport', 'main CPU us/req', 'vs messages', 'wall us/req', 'vs messages'];
  process.stdout.write(`${table(header, rows).join('\n')}\n`);
  process.stdout.write(`\n${ROUNDS} rounds of ${PER_ROUND.mlp} (mlp) and ${PER_ROUND.cnn} (cnn) requests per transport, taking turns; lower is better.\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});

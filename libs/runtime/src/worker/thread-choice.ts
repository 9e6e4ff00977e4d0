/**
 * One intra-op thread for a small model: the worker's side of the choice (see OneThreadSetup).
 *
 * ONNX Runtime splits a kernel across its intra-op threads and waits for all of them at the end of
 * every parallel section; the threads that are not the caller sleep between sections (spinning is
 * off, see the ONNX backend), so each section wakes them. For a model whose whole run takes
 * microseconds that costs more than the parallel work saves: the bench's MLP runs a batch of 8 in
 * 36 us on one thread against 48 us on two, and on two cores its worker's helper thread was woken
 * about twice per batch under load (docs/performance.md). So a worker whose model runs quickly on
 * all its threads times the model on one thread too, and keeps the one-thread session when it is
 * about as fast, at one row and at a full batch.
 */
import type { Backend, LoadOptions, Session } from '../backends/backend';
import { answersAlike, probeInputs } from '../batch-probe';
import type { ModelFormat } from '../signature';
import type { NamedTensors } from '../tensor';
import type { OneThreadSetup } from './messages';

/**
 * Warm runs of each session per batch size, taken in turns; the fastest of each counts. A run of a
 * model this small takes tens of microseconds, much of it onnxruntime-node's own call overhead, so
 * it takes many to find each session's floor; a slower model stops after MIN_TIMED_RUNS once
 * TIMING_BUDGET_MS have passed.
 */
const TIMED_RUNS = 15;
const MIN_TIMED_RUNS = 5;
const TIMING_BUDGET_MS = 250;
/** Untimed runs first: the one-thread session is new, and the first runs of a batch size allocate. */
const WARMUP_RUNS = 3;
/** Rows of the full batch timed, where every input's first dimension is free. */
export const ONE_THREAD_BATCH_ROWS = 32;

/** A timing of both sessions on one input: the fastest warm run of each, in ms. */
export interface ThreadTiming {
  rows: number;
  oneThreadMs: number;
  wideMs: number;
}

/** Whether one thread is at most `tolerance` times as slow as the wide session on every timing. */
export function preferOneThread(timings: readonly ThreadTiming[], tolerance: number): boolean {
  return timings.length > 0 && timings.every((timing) => timing.oneThreadMs <= tolerance * timing.wideMs);
}

export interface ChosenSession {
  /** The session to serve with: the one-thread session when it won, else the wide one. */
  session: Session;
  threads: number;
  /** Why, in words, with the timings that decided. */
  reason: string;
  /** A warm batch-1 run of the chosen session. */
  warmRunMs: number;
}

/**
 * Loads the model again on one thread and keeps whichever session serves it better; the other is
 * released. The one-thread session must answer a probe as the wide one does (as a lane's narrow
 * session must), and a session that cannot be made or run leaves the wide one in place.
 */
export async function chooseThreads(
  backend: Backend,
  format: ModelFormat,
  artifactPath: string,
  options: LoadOptions,
  wide: Session,
  warmRunMs: number,
  setup: OneThreadSetup,
): Promise<ChosenSession> {
  const keepWide = (reason: string): ChosenSession => ({ session: wide, threads: options.intraOpThreads, reason, warmRunMs });
  if (!(warmRunMs < setup.maxRunMs)) {
    return keepWide(`${options.intraOpThreads} threads: a warm batch-1 run takes ${warmRunMs.toFixed(3)} ms, not under the ${setup.maxRunMs} ms below which one thread is tried`);
  }
  let single: Session | undefined;
  try {
    single = await backend.load(format, artifactPath, { ...options, intraOpThreads: 1 });
    if (!(await answersAlike(wide, single))) {
      await single.dispose();
      return keepWide(`${options.intraOpThreads} threads: the model answers differently on one thread`);
    }
    const timings = [await timeBoth(single, wide, probeInputs(wide.signature, -1, 1, 1), 1)];
    const batch = fullBatch(wide);
    if (batch !== undefined) {
      // A model whose first dimension is free but not a batch may refuse many rows: one row decides then.
      const timing = await timeBoth(single, wide, batch, ONE_THREAD_BATCH_ROWS).catch(() => undefined);
      if (timing !== undefined) timings.push(timing);
    }
    const wideThreads = options.intraOpThreads;
    const measured = `warm runs of ${timings
      .map((timing) => `${timing.rows} row${timing.rows === 1 ? '' : 's'} take ${ms(timing.oneThreadMs)} ms on one thread and ${ms(timing.wideMs)} ms on ${wideThreads}`)
      .join('; ')}`;
    if (preferOneThread(timings, setup.tolerance)) {
      // From here the one-thread session serves, whatever releasing the other says.
      await wide.dispose().catch(() => undefined);
      return { session: single, threads: 1, reason: `one thread: ${measured}`, warmRunMs: timings[0].oneThreadMs };
    }
    await single.dispose();
    return keepWide(`${wideThreads} threads: ${measured}`);
  } catch (error) {
    await single?.dispose().catch(() => undefined);
    return keepWide(`${options.intraOpThreads} threads: the one-thread session failed (${error instanceof Error ? error.message : String(error)})`);
  }
}

/** The probe's values in ONE_THREAD_BATCH_ROWS rows, where every input's first dimension is free. */
function fullBatch(session: Session): NamedTensors | undefined {
  const inputs = session.signature.inputs;
  if (inputs.length === 0 || inputs.some((input) => !(input.shape.length > 0 && input.shape[0] < 0))) return undefined;
  return probeInputs(session.signature, 0, ONE_THREAD_BATCH_ROWS, 1);
}

/** Warm-up runs each, then timed runs each in turns, so that a slow spell of the machine falls on both. */
async function timeBoth(single: Session, wide: Session, inputs: NamedTensors, rows: number): Promise<ThreadTiming> {
  for (let run = 0; run < WARMUP_RUNS; run++) {
    await single.run(inputs);
    await wide.run(inputs);
  }
  let oneThreadMs = Infinity;
  let wideMs = Infinity;
  const started = performance.now();
  for (let run = 0; run < TIMED_RUNS && (run < MIN_TIMED_RUNS || performance.now() - started < TIMING_BUDGET_MS); run++) {
    oneThreadMs = Math.min(oneThreadMs, await timedRun(single, inputs));
    wideMs = Math.min(wideMs, await timedRun(wide, inputs));
  }
  return { rows, oneThreadMs, wideMs };
}

function ms(value: number): string {
  return value.toFixed(3);
}

/** One run of `session` on `inputs`, in ms. */
export async function timedRun(session: Session, inputs: NamedTensors): Promise<number> {
  const started = performance.now();
  await session.run(inputs);
  return performance.now() - started;
}

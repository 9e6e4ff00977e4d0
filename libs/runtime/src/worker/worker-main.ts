/**
 * Entry point of a model worker thread (`@modelgate/runtime/worker`): holds one loaded session and
 * runs requests on it. The pool owns its life: a worker that dies is replaced by the pool, so
 * nothing here tries to survive a broken session.
 *
 * The thread always ends itself (see `unload`). Terminating it from outside while the engine is in
 * a native call makes onnxruntime-node throw a C++ exception nothing catches, which aborts the
 * whole process, so the pool never does that.
 */
import { parentPort, receiveMessageOnPort, threadId, workerData } from 'node:worker_threads';
import type { Backend, LoadOptions, Session } from '../backends/backend';
import { backendFor } from '../backends/index';
import { answersAlike } from '../batch-probe';
import { ModelLoadError, ModelNotLoadedError } from '../errors';
import type { ModelFormat } from '../signature';
import type { NamedTensors } from '../tensor';
import { generateWarmupInputs } from '../warmup';
import { chooseThreads, timedRun } from './thread-choice';
import {
  prepareTransfer,
  serializeError,
  type CrashMode,
  type LaneSetup,
  type FromWorkerMessage,
  type ToWorkerMessage,
  type WorkerStartData,
} from './messages';
import { armBell, spinForBatch } from './idle-spin';
import { encodedBytes, SlotBuffer, slotHolding } from './tensor-slots';

if (parentPort === null) throw new Error('worker-main runs inside a worker thread started by ModelRuntime');
const port = parentPort;
const { testHooks, bell: bellBuffer, idleSpin } = workerData as WorkerStartData;
const bell = new Int32Array(bellBuffer);
const gauge = idleSpin === undefined ? undefined : new Int32Array(idleSpin.gauge);
const spinMs = idleSpin?.ms ?? 0;
/** When this worker last answered a batch (performance.now()); undefined before its first. */
let answeredAt: number | undefined;
/**
 * Whether the last batch that found this worker idle arrived within `spinMs` of the answer before
 * it: whether a spin would have caught it, and so whether to spin after answering it (see armIfLast).
 */
let arrivedWithinSpin = true;

let session: Session | undefined;
let wideThreads = 0;
/** A primary's narrow session (see LaneSetup), run while its helper computes a batch too. */
let narrow: { session: Session; threads: number } | undefined;
/** The helper's runs in progress: one Int32 word the instance's two workers share (see LaneSetup). */
let helperBusy: Int32Array | undefined;
/** Set in a helper, which counts its own runs in `helperBusy`. */
let isHelper = false;
let loading: Promise<void> | undefined;
let unloading = false;
let activeRuns = 0;
let runsDrained: (() => void) | undefined;
/** Signature names, which the shared-memory slots refer to tensors by. */
let inputNames: readonly string[] = [];
let outputNames: readonly string[] = [];
const inputSlots: (SlotBuffer | undefined)[] = [];
const outputSlots: (SlotBuffer | undefined)[] = [];

port.on('message', onMessage);

function onMessage(message: ToWorkerMessage): void {
  if (typeof message === 'number') return void runSlot(message);
  switch (message.type) {
    case 'load':
      loading = load(message);
      return;
    case 'run':
      return void run(message.id, message.inputs, undefined);
    case 'input-slot':
      inputSlots[message.slot] = new SlotBuffer(message.buffer);
      return;
    case 'unload':
      return void unload();
    case 'crash':
      if (testHooks) crash(message.how);
      return;
    case 'stall':
      if (testHooks) stall(message.ms);
      return;
  }
}

/** A message that was waiting, handled now; false when none was. */
function receivedMessage(): boolean {
  const received = receiveMessageOnPort(port);
  if (received === undefined) return false;
  onMessage(received.message as ToWorkerMessage);
  return true;
}

/**
 * Idle spin (see idle-spin): before answering its last batch, a worker may arm its bell; once the
 * answer is posted it then polls for the next batch, and runs it at once if the main thread hands
 * it over. It spins only when the batch it answers came within the spin's reach of the answer
 * before it: a client that sends its next request as soon as it has an answer keeps the worker
 * spinning, and one that sends them farther apart than the spin lasts does not burn `spinMs` of a
 * core after every answer for nothing. A batch that comes in time again turns the spin back on.
 */
function armIfLast(): boolean {
  return activeRuns === 1 && gauge !== undefined && !unloading && arrivedWithinSpin && armBell(bell, gauge, threadId);
}

/** At a batch's arrival: whether a spin after the last answer would have caught it. */
function noteArrival(): void {
  if (activeRuns === 0 && answeredAt !== undefined) arrivedWithinSpin = performance.now() - answeredAt <= spinMs;
}

function spinThenRun(): void {
  const slot = spinForBatch(bell, gauge as Int32Array, spinMs, receivedMessage);
  if (slot >= 0) void runSlot(slot);
}

async function load({ format, artifactPath, options, lane, oneThread }: Extract<ToWorkerMessage, { type: 'load' }>): Promise<void> {
  const started = performance.now();
  try {
    const backend = await backendFor(format);
    const loaded = await backend.load(format, artifactPath, options);
    let second: Session | undefined;
    let warmRunMs = 0;
    try {
      // The first run allocates and picks kernels; paying that here keeps it off the first request,
      // and a model that cannot run on well-formed inputs is refused at upload, not in production.
      const warmup = generateWarmupInputs(loaded.signature);
      await loaded.run(warmup);
      // The fastest of three warm runs: what the model takes, not what a busy machine made of one.
      warmRunMs = Infinity;
      for (let run = 0; run < 3; run++) warmRunMs = Math.min(warmRunMs, await timedRun(loaded, warmup));
      if (lane?.role === 'primary') {
        second = await loadNarrow(backend, format, artifactPath, { ...options, intraOpThreads: lane.narrowThreads }, loaded, warmup, lane.minRunMs);
      }
    } catch (error) {
      // loadNarrow answers undefined rather than throw, so only the wide session can be left here.
      await loaded.dispose();
      throw new ModelLoadError(`warm-up failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    const kept = second !== undefined && lane?.role === 'primary' ? { session: second, threads: lane.narrowThreads } : undefined;
    // A model split in lanes keeps all its threads for lone requests; a small one may do better on one.
    const choice =
      kept === undefined && oneThread !== undefined
        ? await chooseThreads(backend, format, artifactPath, options, loaded, warmRunMs, oneThread)
        : { session: loaded, threads: options.intraOpThreads, reason: threadsReason(options, lane, kept), warmRunMs };
    session = choice.session;
    wideThreads = choice.threads;
    warmRunMs = choice.warmRunMs;
    narrow = kept;
    if (lane !== undefined) helperBusy = new Int32Array(lane.busy);
    if (lane?.role === 'helper') {
      isHelper = true;
      // A helper that replaces one that died mid-run starts from a clear word.
      Atomics.store(helperBusy as Int32Array, 0, 0);
    }
    inputNames = loaded.signature.inputs.map((spec) => spec.name);
    outputNames = loaded.signature.outputs.map((spec) => spec.name);
    post({
      type: 'loaded',
      signature: loaded.signature,
      engine: loaded.engine,
      loadMs: performance.now() - started,
      warmRunMs,
      ...(narrow === undefined ? {} : { narrowThreads: narrow.threads }),
      threads: { inUse: wideThreads, reason: choice.reason },
    });
  } catch (error) {
    post({ type: 'load-failed', error: serializeError(error, 'model-load') });
  }
}

/** Why an instance that was not timed on one thread serves with the threads it has. */
function threadsReason(options: LoadOptions, lane: LaneSetup | undefined, narrowKept: { threads: number } | undefined): string {
  if (lane?.role === 'helper') return `${options.intraOpThreads} thread${options.intraOpThreads === 1 ? '' : 's'}: the helper lane's share of the instance's`;
  if (narrowKept !== undefined) return `${options.intraOpThreads} threads, split in two lanes under load (a narrow session of ${narrowKept.threads} thread${narrowKept.threads === 1 ? '' : 's'} beside the helper's)`;
  return `${options.intraOpThreads} thread${options.intraOpThreads === 1 ? '' : 's'}: the instance's share of the cores`;
}

/**
 * The narrow session of a primary, warmed up, when the model is slow enough to gain from two lanes
 * and the session answers a probe as the wide one does (within the rounding the batch probe
 * allows: a kernel may split its sums by thread). Undefined otherwise, or when it cannot be had
 * (memory, say): the instance then serves in one lane, as it would without the split, rather than
 * failing its load or changing an answer. The narrow session is the one timed: with one thread
 * (two cores), its runs wait for no other thread, so a busy machine slows them less than the
 * wide session's, whose every run wakes its other threads.
 */
async function loadNarrow(
  backend: Backend,
  format: ModelFormat,
  artifactPath: string,
  options: LoadOptions,
  wide: Session,
  warmup: NamedTensors,
  minRunMs: number,
): Promise<Session | undefined> {
  let narrowSession: Session | undefined;
  try {
    narrowSession = await backend.load(format, artifactPath, options);
    await narrowSession.run(warmup);
    if ((await runsLongEnough(narrowSession, warmup, minRunMs)) && (await answersAlike(wide, narrowSession))) return narrowSession;
  } catch {
    // Served in one lane, below.
  }
  await narrowSession?.dispose().catch(() => undefined);
  return undefined;
}

/** Warm runs it takes to decide; the fastest counts, since a run can only be slowed by others. */
const LANE_DECISION_RUNS = 5;

/**
 * Whether the fastest of a few warm runs takes at least `minRunMs`. Stops at the first run under
 * it, and at the first run far over it, so a slow model pays one run more at load, not five.
 */
async function runsLongEnough(loaded: Session, inputs: NamedTensors, minRunMs: number): Promise<boolean> {
  for (let attempt = 0; attempt < LANE_DECISION_RUNS; attempt++) {
    const ms = await timedRun(loaded, inputs);
    if (ms < minRunMs) return false;
    if (ms >= 10 * minRunMs) return true;
  }
  return true;
}

/** Runs the batch in a shared-memory slot; its inputs are copied out before anything else runs. */
function runSlot(slot: number): Promise<void> {
  const input = inputSlots[slot] as SlotBuffer;
  return run(input.id, input.read(inputNames), slot);
}

/**
 * Answers through the slot the batch came in when its outputs fit there, by message otherwise. A
 * primary runs its narrow session while its helper computes, so the two together use the
 * instance's threads and no more; otherwise the wide one. A helper counts itself busy meanwhile.
 */
async function run(id: number, inputs: NamedTensors, slot: number | undefined): Promise<void> {
  noteArrival();
  activeRuns++;
  if (isHelper) Atomics.add(helperBusy as Int32Array, 0, 1);
  let spin = false;
  try {
    if (session === undefined) throw new ModelNotLoadedError('this worker has no model loaded');
    let engine = session;
    let threads = wideThreads;
    if (narrow !== undefined && Atomics.load(helperBusy as Int32Array, 0) > 0) ({ session: engine, threads } = narrow);
    const started = performance.now();
    const outputs = await engine.run(inputs);
    const computeMs = performance.now() - started;
    spin = armIfLast();
    if (slot !== undefined && answerInSlot(slot, id, outputs, computeMs, threads)) return;
    const { tensors, transfer } = prepareTransfer(outputs);
    post({ type: 'result', id, outputs: tensors, computeMs, threads }, transfer);
  } catch (error) {
    spin ||= armIfLast();
    post({ type: 'run-failed', id, error: serializeError(error, 'inference') });
  } finally {
    if (isHelper) Atomics.sub(helperBusy as Int32Array, 0, 1);
    if (--activeRuns === 0) runsDrained?.();
    answeredAt = performance.now();
    if (spin) spinThenRun();
  }
}

function answerInSlot(slot: number, id: number, outputs: NamedTensors, computeMs: number, threads: number): boolean {
  const output = slotHolding(outputSlots, slot, encodedBytes(outputs, outputNames), (buffer) => post({ type: 'output-slot', slot, buffer }));
  if (output === undefined) return false;
  output.write(id, computeMs, outputs, outputNames, threads);
  post(slot);
  return true;
}

/** Lets the load and the runs already started finish, releases the session, then ends the thread. */
async function unload(): Promise<void> {
  unloading = true;
  await loading;
  if (activeRuns > 0) await new Promise<void>((resolve) => (runsDrained = resolve));
  // A failed dispose changes nothing: ending the thread frees the session too.
  await Promise.all([session?.dispose().catch(() => undefined), narrow?.session.dispose().catch(() => undefined)]);
  session = undefined;
  narrow = undefined;
  process.exit(0);
}

function post(message: FromWorkerMessage, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

/** Blocks the thread as a long engine call would, a helper's busy word included. */
function stall(ms: number): void {
  if (isHelper) Atomics.add(helperBusy as Int32Array, 0, 1);
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  if (isHelper) Atomics.sub(helperBusy as Int32Array, 0, 1);
}

/** Dies before reading the next message, so a request posted right after the crash is in flight. */
function crash(how: CrashMode): void {
  if (how === 'exit') process.exit(70);
  throw new Error('simulated worker crash (test hook)');
}

/**
 * Entry point of a model worker thread (`@modelgate/runtime/worker`): holds one loaded session and
 * runs requests on it. The pool owns its life: a worker that dies is replaced by the pool, so
 * nothing here tries to survive a broken session.
 *
 * The thread always ends itself (see `unload`). Terminating it from outside while the engine is in
 * a native call makes onnxruntime-node throw a C++ exception nothing catches, which aborts the
 * whole process, so the pool never does that.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Session } from '../backends/backend';
import { backendFor } from '../backends/index';
import { ModelLoadError, ModelNotLoadedError } from '../errors';
import type { NamedTensors } from '../tensor';
import { generateWarmupInputs } from '../warmup';
import {
  prepareTransfer,
  serializeError,
  type CrashMode,
  type FromWorkerMessage,
  type ToWorkerMessage,
  type WorkerStartData,
} from './messages';
import { encodedBytes, SlotBuffer, slotHolding } from './tensor-slots';

if (parentPort === null) throw new Error('worker-main runs inside a worker thread started by ModelRuntime');
const port = parentPort;
const { testHooks } = workerData as WorkerStartData;

let session: Session | undefined;
let loading: Promise<void> | undefined;
let activeRuns = 0;
let runsDrained: (() => void) | undefined;
/** Signature names, which the shared-memory slots refer to tensors by. */
let inputNames: readonly string[] = [];
let outputNames: readonly string[] = [];
const inputSlots: (SlotBuffer | undefined)[] = [];
const outputSlots: (SlotBuffer | undefined)[] = [];

port.on('message', (message: ToWorkerMessage) => {
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
      if (testHooks) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, message.ms);
      return;
  }
});

async function load({ format, artifactPath, options }: Extract<ToWorkerMessage, { type: 'load' }>): Promise<void> {
  const started = performance.now();
  try {
    const backend = await backendFor(format);
    const loaded = await backend.load(format, artifactPath, options);
    try {
      // The first run allocates and picks kernels; paying that here keeps it off the first request,
      // and a model that cannot run on well-formed inputs is refused at upload, not in production.
      await loaded.run(generateWarmupInputs(loaded.signature));
    } catch (error) {
      await loaded.dispose();
      throw new ModelLoadError(`warm-up failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    session = loaded;
    inputNames = loaded.signature.inputs.map((spec) => spec.name);
    outputNames = loaded.signature.outputs.map((spec) => spec.name);
    post({ type: 'loaded', signature: loaded.signature, engine: loaded.engine, loadMs: performance.now() - started });
  } catch (error) {
    post({ type: 'load-failed', error: serializeError(error, 'model-load') });
  }
}

/** Runs the batch in a shared-memory slot; its inputs are copied out before anything else runs. */
function runSlot(slot: number): Promise<void> {
  const input = inputSlots[slot] as SlotBuffer;
  return run(input.id, input.read(inputNames), slot);
}

/** Answers through the slot the batch came in when its outputs fit there, by message otherwise. */
async function run(id: number, inputs: NamedTensors, slot: number | undefined): Promise<void> {
  activeRuns++;
  try {
    if (session === undefined) throw new ModelNotLoadedError('this worker has no model loaded');
    const started = performance.now();
    const outputs = await session.run(inputs);
    const computeMs = performance.now() - started;
    if (slot !== undefined && answerInSlot(slot, id, outputs, computeMs)) return;
    const { tensors, transfer } = prepareTransfer(outputs);
    post({ type: 'result', id, outputs: tensors, computeMs }, transfer);
  } catch (error) {
    post({ type: 'run-failed', id, error: serializeError(error, 'inference') });
  } finally {
    if (--activeRuns === 0) runsDrained?.();
  }
}

function answerInSlot(slot: number, id: number, outputs: NamedTensors, computeMs: number): boolean {
  const output = slotHolding(outputSlots, slot, encodedBytes(outputs, outputNames), (buffer) => post({ type: 'output-slot', slot, buffer }));
  if (output === undefined) return false;
  output.write(id, computeMs, outputs, outputNames);
  post(slot);
  return true;
}

/** Lets the load and the runs already started finish, releases the session, then ends the thread. */
async function unload(): Promise<void> {
  await loading;
  if (activeRuns > 0) await new Promise<void>((resolve) => (runsDrained = resolve));
  // A failed dispose changes nothing: ending the thread frees the session too.
  await session?.dispose().catch(() => undefined);
  session = undefined;
  process.exit(0);
}

function post(message: FromWorkerMessage, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

/** Dies before reading the next message, so a request posted right after the crash is in flight. */
function crash(how: CrashMode): void {
  if (how === 'exit') process.exit(70);
  throw new Error('simulated worker crash (test hook)');
}

/**
 * Inline execution: a version whose engine calls take microseconds may run them on the thread that
 * serves its requests, without a worker.
 *
 * A worker costs every batch a message each way, and the message that wakes a sleeping worker is
 * the costliest part of it: the eventfd write wakes the worker's thread, often an interrupt to a
 * halted virtual CPU, and Node writes it while it holds the lock of the worker's message queue, so
 * the thread it wakes may find that lock taken and be woken a second time (docs/performance.md).
 * At low load a worker also spins after each answer (idle spin) so that the next lone request does
 * not have to wake it. Inline, none of that happens: at c=1 the bench's MLP is served as fast with
 * half the CPU. But the engine's time then lands on the thread that reads and writes HTTP, which is
 * the bottleneck under load, and costs it more than the same calls cost a worker (they share that
 * thread's caches): at c=64 the MLP's throughput falls. So it is a version's choice
 * (LoadSpec.inline, off by default), for small models at low or moderate load.
 *
 * The event loop waits while the engine runs, so even then only a model whose engine calls are
 * short enough runs inline (ModelRuntime decides at load): an ONNX model on the CPU, one instance,
 * a small file (its session is created on this thread), a warm batch-1 run in its worker of at most
 * INLINE_MAX_RUN_MS, and, once loaded here, a warm run of a full batch of at most
 * INLINE_MAX_BATCH_MS. Anything slower keeps its workers.
 *
 * The batcher treats the instance like a worker (BatchRunner): a batch sent to it runs when
 * onnxruntime-node runs it (in the check phase of the event loop: its `run` waits for
 * setImmediate), and its answer settles the batch as a worker's answer does.
 */
import type { Session } from './backends/backend';
import { jobInputs } from './batching';
import { InferenceError } from './errors';
import type { BatchRunner } from './version-queue';
import type { WorkerJob } from './worker/model-worker';

/** The longest warm batch-1 run, measured in the worker that loaded the model, of a version that may run inline. */
export const INLINE_MAX_RUN_MS = 0.25;
/** The longest warm run of a full batch, measured on this thread, of a version that runs inline: the event loop waits this long at most. */
export const INLINE_MAX_BATCH_MS = 1;
/** The rows of that full batch: the version's maxBatchSize, or this many if it is larger. */
export const INLINE_CHECK_ROWS = 64;
/** The largest model file that may run inline: its session is created on this thread, which waits meanwhile. */
export const INLINE_MAX_FILE_BYTES = 16 * 1024 * 1024;

export class InlineInstance implements BatchRunner {
  readonly isHelper = false;
  readonly instance = 0;
  readonly device = 'cpu' as const;
  /** The session's intra-op threads: the serving thread itself. */
  readonly intraOpThreads = 1;
  private readonly running = new Set<WorkerJob>();
  /** Test hook (simulateWorkerStall): batches sent while stalled wait here, in flight, as a stalled worker's would. */
  private readonly held: WorkerJob[] = [];
  private stalls = 0;
  private stopped = false;

  constructor(
    private readonly session: Session,
    /** Called when a batch is answered, so that the batcher can send the next (as a worker's onSettled). */
    private readonly onSettled: () => void,
  ) {}

  get isReady(): boolean {
    return !this.stopped;
  }

  get inFlightCount(): number {
    return this.running.size + this.held.length;
  }

  run(job: WorkerJob): boolean {
    if (this.stalls > 0) {
      this.held.push(job);
      return false;
    }
    const inputs = jobInputs(job);
    if (inputs === undefined) return false;
    this.running.add(job);
    // onnxruntime-node runs the session in a setImmediate callback; this one, set just before, runs
    // just before it, so the time from here to the answer is the engine call, not the rest of the turn.
    let started = 0;
    setImmediate(() => (started = performance.now()));
    this.session.run(inputs).then(
      (outputs) => this.settle(job, () => job.complete(outputs, performance.now() - (started || performance.now()), this.instance, this.intraOpThreads)),
      (error: unknown) => this.settle(job, () => job.fail(error instanceof InferenceError ? error : new InferenceError(`the model failed to run: ${String(error)}`))),
    );
    return false;
  }

  /** Test hook: for `ms`, batches sent here wait, counted in flight, as they would in a stalled worker's message port. */
  stallForTest(ms: number): void {
    this.stalls++;
    setTimeout(() => {
      if (--this.stalls > 0 || this.stopped) return;
      for (const job of this.held.splice(0)) this.run(job);
      this.onSettled();
    }, ms).unref();
  }

  crashForTest(): never {
    throw new Error('this version runs inline: it has no worker thread to crash (load it with inline: false to test a crash)');
  }

  /** Fails what it holds; answers that arrive later are dropped. */
  failInFlight(error: () => Error): void {
    const jobs = [...this.running, ...this.held.splice(0)];
    this.running.clear();
    for (const job of jobs) job.fail(error());
  }

  /**
   * Releases the session once the engine call in progress, if any, has returned. As with a worker,
   * the owner fails what the instance holds first (failInFlight), with the reason it knows.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await new Promise<void>((resolve) => setImmediate(resolve));
    await this.session.dispose().catch(() => undefined);
  }

  private settle(job: WorkerJob, answer: () => void): void {
    if (!this.running.delete(job)) return;
    answer();
    this.onSettled();
  }
}

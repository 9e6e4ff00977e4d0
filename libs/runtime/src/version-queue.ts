import type { NamedTensors } from './tensor';
import type { InferResult, ModelWorker, PendingInference } from './worker/model-worker';

/**
 * Requests a worker may hold at once: one running and one already posted, so the worker never idles
 * between two messages. The rest wait here, where the queue (and later the batcher) can see them.
 */
const DEFAULT_MAX_IN_FLIGHT_PER_WORKER = 2;

/** Compact the backing array once this many slots at its front are spent. */
const COMPACT_AFTER = 1_024;

/**
 * The requests for one loaded version and the ready workers that serve it. `infer` only enqueues;
 * the queue decides when and where each request runs. This is where the dynamic batcher will slot
 * in: take several waiting requests at once, join them along dimension 0, split the outputs.
 */
export class VersionQueue {
  private readonly waiting: (PendingInference | undefined)[] = [];
  private head = 0;
  private readonly workers = new Set<ModelWorker>();
  private nextRequestId = 1;

  constructor(
    readonly key: string,
    private readonly maxInFlightPerWorker = DEFAULT_MAX_IN_FLIGHT_PER_WORKER,
  ) {}

  get waitingCount(): number {
    return this.waiting.length - this.head;
  }

  get readyWorkerCount(): number {
    return this.workers.size;
  }

  submit(inputs: NamedTensors): Promise<InferResult> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ id: this.nextRequestId++, inputs, enqueuedAt: performance.now(), resolve, reject });
      this.dispatch();
    });
  }

  /** A worker finished loading and can take requests. */
  attach(worker: ModelWorker): void {
    this.workers.add(worker);
    this.dispatch();
  }

  /** A worker is gone; whatever it held is its own to fail. */
  detach(worker: ModelWorker): void {
    this.workers.delete(worker);
  }

  /** Hands waiting requests, oldest first, to the least busy workers that have room. */
  dispatch(): void {
    while (this.head < this.waiting.length) {
      const worker = this.leastBusyWorker();
      if (worker === undefined) break;
      const request = this.waiting[this.head] as PendingInference;
      this.waiting[this.head++] = undefined;
      worker.run(request);
    }
    this.compact();
  }

  /** Rejects the requests still waiting; those already with a worker are not affected. */
  rejectWaiting(error: () => Error): void {
    for (let index = this.head; index < this.waiting.length; index++) this.waiting[index]?.reject(error());
    this.waiting.length = 0;
    this.head = 0;
  }

  private leastBusyWorker(): ModelWorker | undefined {
    let best: ModelWorker | undefined;
    for (const worker of this.workers) {
      const load = worker.inFlightCount;
      if (load < this.maxInFlightPerWorker && (best === undefined || load < best.inFlightCount)) best = worker;
    }
    return best;
  }

  private compact(): void {
    if (this.head === this.waiting.length) {
      this.waiting.length = 0;
      this.head = 0;
    } else if (this.head >= COMPACT_AFTER) {
      this.waiting.splice(0, this.head);
      this.head = 0;
    }
  }
}

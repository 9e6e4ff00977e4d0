import type { Priority } from './batching';
import type { NamedTensors } from './tensor';
import type { InferResult } from './worker/model-worker';

/** One request from the call to infer() until it is answered. */
export class QueuedRequest {
  resolve!: (result: InferResult) => void;
  reject!: (error: Error) => void;
  /** Answered (or rejected) already: a late batch result for it is dropped. */
  settled = false;

  constructor(
    /**
     * Dropped once a lone request's are sent (they may be moved to a worker); a joined request keeps
     * them until it is answered, to be sent again apart if the engine fails its batch.
     */
    public inputs: NamedTensors | undefined,
    /** Extent along the batch axis; -1 when it cannot join others (or the version joins nothing). */
    readonly rows: number,
    /**
     * Requests join only with the same key (equal dimensions besides the batch axis). A failed
     * batch's members get a key of their own group instead (VersionQueue, "retried apart").
     */
    public shapeKey: string,
    readonly priority: Priority,
    readonly enqueuedAt: number,
    readonly timeoutMs: number,
    readonly deadline: number,
  ) {}

  /**
   * Waiting to be run again apart, after the engine failed a batch it was joined in: the group key
   * that VersionQueue.retryApart gave it says so, and costs a request that never fails nothing.
   */
  get retryingApart(): boolean {
    return this.shapeKey.charCodeAt(0) === APART_KEY_MARK;
  }
}

/**
 * First character of the shape key of a group a failed batch is split into (NUL): no shape key
 * of inputs starts with it (shapeKey), so a group joins no other request.
 */
export const APART_KEY_PREFIX = '\u0000';
const APART_KEY_MARK = 0;

/** Compact the backing array once this many slots at its front are spent. */
const COMPACT_AFTER = 1_024;

/** How many non-matching requests a batch looks past for others of its shape. */
const SCAN_LIMIT = 64;

/**
 * The waiting requests of one priority, oldest first. Requests leave from the front, or from the
 * middle (joined into a batch of their shape, or past their deadline): those leave holes that the
 * front skips, so nothing is ever shifted one by one.
 */
export class RequestLane {
  private items: (QueuedRequest | undefined)[] = [];
  private head = 0;
  /** Requests waiting. */
  size = 0;
  /** Their rows, those that can join counted. */
  rows = 0;

  push(request: QueuedRequest): void {
    this.items.push(request);
    this.size++;
    if (request.rows > 0) this.rows += request.rows;
  }

  /**
   * Puts `requests` back before everything waiting, in their order: they were taken from this lane
   * and are older than what came since.
   */
  pushFront(requests: readonly QueuedRequest[]): void {
    const count = requests.length;
    if (this.head >= count) {
      this.head -= count;
      for (let index = 0; index < count; index++) this.items[this.head + index] = requests[index];
    } else {
      this.items.splice(this.head, 0, ...requests);
    }
    this.size += count;
    for (const request of requests) if (request.rows > 0) this.rows += request.rows;
  }

  /** The oldest waiting request. */
  peek(): QueuedRequest | undefined {
    return this.size === 0 ? undefined : this.items[this.head];
  }

  /**
   * Moves into `batch` the oldest request and after it, in order, those that can join it (same
   * shape key) while their rows fit in `maxRows`. A request that has passed its deadline is handed
   * to `expire` instead. Returns the batch's rows.
   */
  collect(batch: QueuedRequest[], maxRows: number, joinable: boolean, now: number, expire: (request: QueuedRequest) => void): number {
    let rows = 0;
    let key = '';
    let skipped = 0;
    for (let index = this.head; index < this.items.length; index++) {
      const request = this.items[index];
      if (request === undefined) continue;
      if (request.deadline <= now) {
        this.removeAt(index);
        expire(request);
        continue;
      }
      if (batch.length === 0) {
        this.removeAt(index);
        batch.push(request);
        if (!joinable || request.rows < 0 || request.rows >= maxRows) break;
        rows = request.rows;
        key = request.shapeKey;
        continue;
      }
      if (request.rows < 0 || request.shapeKey !== key) {
        if (++skipped > SCAN_LIMIT) break;
        continue;
      }
      // Rows and requests both stay within maxRows (a request may hold zero rows).
      if (rows + request.rows > maxRows || batch.length === maxRows) break;
      this.removeAt(index);
      batch.push(request);
      rows += request.rows;
      if (rows === maxRows) break;
    }
    this.settleFront();
    return rows;
  }

  /** Hands every request past its deadline to `expire`; returns the earliest deadline left. */
  removeExpired(now: number, expire: (request: QueuedRequest) => void): number {
    let earliest = Infinity;
    for (let index = this.head; index < this.items.length; index++) {
      const request = this.items[index];
      if (request === undefined) continue;
      if (request.deadline <= now) {
        this.removeAt(index);
        expire(request);
      } else if (request.deadline < earliest) {
        earliest = request.deadline;
      }
    }
    this.settleFront();
    return earliest;
  }

  /** Empties the lane, handing each request to `drop`. */
  drain(drop: (request: QueuedRequest) => void): void {
    const items = this.items;
    const head = this.head;
    this.items = [];
    this.head = 0;
    this.size = 0;
    this.rows = 0;
    for (let index = head; index < items.length; index++) {
      const request = items[index];
      if (request !== undefined) drop(request);
    }
  }

  private removeAt(index: number): void {
    const request = this.items[index] as QueuedRequest;
    this.items[index] = undefined;
    this.size--;
    if (request.rows > 0) this.rows -= request.rows;
  }

  /** Moves the front past holes and gives spent slots back. */
  private settleFront(): void {
    if (this.size === 0) {
      this.items.length = 0;
      this.head = 0;
      return;
    }
    while (this.items[this.head] === undefined) this.head++;
    if (this.head >= COMPACT_AFTER) {
      this.items.splice(0, this.head);
      this.head = 0;
    }
  }
}

/**
 * Idle spin: how a lone client's next request reaches a model worker without waking a thread.
 *
 * A worker that has answered its last batch normally returns to its event loop and sleeps; the
 * next batch's message then wakes it (an eventfd write, a futex, and on a virtual machine often an
 * interrupt to a halted virtual CPU), and its first engine call runs on cold caches. At concurrency
 * 1 those costs are most of what Modelgate adds over a server that computes on its own thread
 * (docs/performance.md). So, while the server holds no other request, a primary worker that has
 * just answered polls a shared word, its **bell**, for up to `ms`, and the main thread hands it the
 * next batch by writing the batch's slot into that word: no message, no wake-up, no syscall.
 *
 * The worker spins only while the server is otherwise idle: the host counts the requests it
 * holds in the `ActivityGauge` (the API counts every HTTP request, from its arrival until its
 * response closes), and a worker spins only while that count is at most one (the request it just
 * answered) and no other worker is spinning. Under load the count is higher and workers sleep as
 * before; a spin that sees a second request arrive stops at once.
 *
 * The bell, one Int32 word per worker: IDLE (the worker is in its event loop or computing: batches
 * go by message), SPINNING (the worker polls), or HANDED + slot (the main thread handed it the
 * batch in that slot). The two sides move it with compare-and-exchange, so a batch is handed
 * over either through the bell or by message, never both and never neither.
 */

export const BELL_IDLE = 0;
export const BELL_SPINNING = 1;
export const BELL_HANDED = 2;

/** Int32 words of the gauge's buffer. */
const REQUESTS = 0;
const SPINNER = 1;

/**
 * The requests the host holds, shared with the workers; and which worker, if any, is spinning.
 * `enter` when a request arrives, `leave` once it is answered (or abandoned), exactly once each.
 */
export class ActivityGauge {
  readonly buffer = new SharedArrayBuffer(8);
  private readonly words = new Int32Array(this.buffer);

  readonly enter = (): void => void Atomics.add(this.words, REQUESTS, 1);
  readonly leave = (): void => void Atomics.sub(this.words, REQUESTS, 1);

  get requests(): number {
    return Atomics.load(this.words, REQUESTS);
  }
}

/** The main thread's side, when worker thread `threadId` has exited: frees its turn to spin if it held it. */
export function releaseSpinner(gauge: Int32Array, threadId: number): void {
  Atomics.compareExchange(gauge, SPINNER, threadId, 0);
}

/** The main thread's side: hands the batch in `slot` to a spinning worker; false when it is not spinning. */
export function handOver(bell: Int32Array, slot: number): boolean {
  return Atomics.compareExchange(bell, 0, BELL_SPINNING, BELL_HANDED + slot) === BELL_SPINNING;
}

/**
 * The worker's side, before it posts the answer to its last batch: whether to spin for the next
 * one. True when the host holds at most one request (the one being answered) and no other worker
 * spins; the bell is then SPINNING already, so the main thread can hand the next batch over as
 * soon as it has the answer. Every true must be followed by spinForBatch. `threadId` (never 0)
 * names the spinning worker, so that the pool can free the turn of one that died spinning.
 */
export function armBell(bell: Int32Array, gauge: Int32Array, threadId: number): boolean {
  if (Atomics.load(gauge, REQUESTS) > 1) return false;
  if (Atomics.compareExchange(gauge, SPINNER, 0, threadId) !== 0) return false;
  Atomics.store(bell, 0, BELL_SPINNING);
  return true;
}

/**
 * The worker's side, once armed: polls the bell for up to `ms`, and answers the slot of a batch
 * handed over meanwhile, or -1. The spin also ends when a second request arrives, and when a
 * message is waiting: `received` handles one if there is one (an unload, a batch that had to go by
 * message) and says whether it did.
 */
export function spinForBatch(bell: Int32Array, gauge: Int32Array, ms: number, received: () => boolean): number {
  const until = performance.now() + ms;
  while (Atomics.load(bell, 0) === BELL_SPINNING && Atomics.load(gauge, REQUESTS) <= 1 && !received() && performance.now() < until);
  const bellWas = Atomics.compareExchange(bell, 0, BELL_SPINNING, BELL_IDLE);
  Atomics.store(gauge, SPINNER, 0);
  if (bellWas === BELL_SPINNING) return -1;
  Atomics.store(bell, 0, BELL_IDLE);
  return bellWas - BELL_HANDED;
}

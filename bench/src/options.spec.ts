import { parseOptions, UsageError } from './options';

describe('bench rounds', () => {
  it('measures each cell in three rounds in a full run, and in one in a quick run', () => {
    expect(parseOptions([], {})).toMatchObject({ rounds: 3, warmupSeconds: 0.5, durationSeconds: 2 });
    expect(parseOptions(['--quick'], {}).rounds).toBe(1);
  });

  it('takes --rounds over BENCH_ROUNDS', () => {
    expect(parseOptions(['--rounds=5'], { BENCH_ROUNDS: '2' }).rounds).toBe(5);
    expect(parseOptions([], { BENCH_ROUNDS: '2' }).rounds).toBe(2);
  });

  it('refuses no rounds, and says what it takes', () => {
    expect(() => parseOptions(['--rounds=0'], {})).toThrow(UsageError);
    expect(() => parseOptions(['--rounds=0'], {})).toThrow('--rounds takes a whole number from 1 to 20, got 0');
  });
});

describe('bench targets', () => {
  it('measures (a) to (d) unless told, and (e), the hand-written batching server, when named', () => {
    expect(parseOptions([], {}).targets).toEqual(['raw', 'bare', 'naive', 'modelgate']);
    expect(parseOptions(['--targets=naive,batching,modelgate'], {}).targets).toEqual(['naive', 'batching', 'modelgate']);
    expect(parseOptions([], { BENCH_TARGETS: 'batching' }).targets).toEqual(['batching']);
  });

  it('refuses a target it does not know', () => {
    expect(() => parseOptions(['--targets=bare,batched'], {})).toThrow(UsageError);
  });
});

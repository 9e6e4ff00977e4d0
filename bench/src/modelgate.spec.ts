import { cellCounters, parseMetricCounters } from './modelgate';

const METRICS = [
  '# HELP modelgate_batch_size Requests joined per engine call',
  'modelgate_batch_size_bucket{model="bench-mlp",version="1",le="1"} 40',
  'modelgate_batch_size_sum{model="bench-mlp",version="1"} 90',
  'modelgate_batch_size_count{model="bench-mlp",version="1"} 50',
  'modelgate_batch_size_sum{model="bench-mlp",version="2"} 10',
  'modelgate_batch_size_count{model="bench-mlp",version="2"} 10',
  'modelgate_batch_size_count{model="other",version="1"} 7',
  'modelgate_idle_spin_handovers_total{model="bench-mlp",version="1"} 30',
  'modelgate_idle_spin_handovers_total{model="other",version="1"} 5',
].join('\n');

describe("the counters the bench reads from Modelgate's metrics", () => {
  it('sums engine calls, requests and hand-overs over the versions of the model named', () => {
    expect(parseMetricCounters(METRICS, 'bench-mlp')).toEqual({ engineCalls: 60, requests: 100, handedOver: 30 });
  });

  it('leaves hand-overs out for a Modelgate without idle spin, and answers nothing without batch counters', () => {
    const older = METRICS.split('\n').filter((line) => !line.includes('idle_spin')).join('\n');
    expect(parseMetricCounters(older, 'bench-mlp')).toEqual({ engineCalls: 60, requests: 100 });
    expect(parseMetricCounters(METRICS, 'bench-cnn')).toBeUndefined();
  });

  it('gives a cell its requests per engine call and the share handed over', () => {
    const before = { engineCalls: 60, requests: 100, handedOver: 30 };
    expect(cellCounters(before, { engineCalls: 160, requests: 200, handedOver: 120 })).toEqual({ meanBatchSize: 1, handedOverShare: 0.9 });
    expect(cellCounters({ engineCalls: 60, requests: 100 }, { engineCalls: 80, requests: 180 })).toEqual({ meanBatchSize: 4 });
    expect(cellCounters(before, before)).toEqual({});
    expect(cellCounters(undefined, before)).toEqual({});
  });

  it("reads the main thread's time in the collector, in all and in full collections, and gives a cell its shares", () => {
    const gcLines = (minor: number, major: number, incremental: number) =>
      [
        '# HELP nodejs_gc_duration_seconds Garbage collection duration by kind, one of major, minor, incremental or weakcb.',
        `nodejs_gc_duration_seconds_bucket{le="0.001",kind="minor"} 10`,
        `nodejs_gc_duration_seconds_sum{kind="minor"} ${minor}`,
        `nodejs_gc_duration_seconds_count{kind="minor"} 10`,
        `nodejs_gc_duration_seconds_sum{kind="major"} ${major}`,
        `nodejs_gc_duration_seconds_sum{kind="incremental"} ${incremental}`,
        `nodejs_gc_duration_seconds_sum{kind="weakcb"} 0.001`,
      ].join('\n');
    const before = parseMetricCounters(`${METRICS}\n${gcLines(0.1, 0.2, 0.3)}`, 'bench-mlp', 1_000)!;
    expect(before.gc!.seconds).toBeCloseTo(0.601, 10);
    expect(before.gc!.fullSeconds).toBeCloseTo(0.5, 10);
    expect(before.gc!.readAtMs).toBe(1_000);
    const after = parseMetricCounters(`${METRICS.replace(' 50', ' 150')}\n${gcLines(0.3, 0.4, 0.5)}`, 'bench-mlp', 5_000)!;
    const shares = cellCounters(before, after);
    expect(shares.gcShare).toBeCloseTo(0.6 / 4, 10);
    expect(shares.fullGcShare).toBeCloseTo(0.4 / 4, 10);
    // A Modelgate without the default metrics: no shares.
    expect(cellCounters({ engineCalls: 60, requests: 100 }, { engineCalls: 80, requests: 180 }).gcShare).toBeUndefined();
  });
});

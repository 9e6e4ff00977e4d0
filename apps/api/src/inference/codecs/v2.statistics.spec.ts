import { v2ModelStat } from './v2.statistics';

describe('v2ModelStat', () => {
  it("maps a version's counts and milliseconds onto Triton's counts and nanoseconds", () => {
    const stat = v2ModelStat('iris', 2, {
      requests: {
        accepted: 45,
        completed: 40,
        failed: 1,
        refusedQueueFull: 2,
        deadlineExceededQueued: 1,
        deadlineExceededComputing: 0,
        deadlineExceededRetrying: 1,
        retriedApart: 3,
      },
      batches: {
        count: 12,
        computedRequests: 40,
        dispatchedIdle: 8,
        dispatchedFull: 4,
        dispatchedAfterDelay: 0,
        delayWaits: 0,
        handedOver: 0,
        sizes: { 1: 8, 8: 4 },
        threads: { 1: 12 },
        byRows: { 16: { count: 2, computeMs: 0.9 }, 1: { count: 8, computeMs: 2 }, 8: { count: 2, computeMs: 0.6 } },
      },
      timing: { completedRows: 48, queuedMs: 9.8, computeMs: 11.6, failedMs: 30.25, lastCompletedAt: 1_796_601_600_000 },
    });
    expect(stat).toEqual({
      name: 'iris',
      version: '2',
      last_inference: 1_796_601_600_000,
      inference_count: 48,
      execution_count: 12,
      inference_stats: {
        success: { count: 40, ns: 21_400_000 },
        fail: { count: 5, ns: 30_250_000 },
        queue: { count: 40, ns: 9_800_000 },
        compute_input: { count: 40, ns: 0 },
        compute_infer: { count: 40, ns: 11_600_000 },
        compute_output: { count: 40, ns: 0 },
        cache_hit: { count: 0, ns: 0 },
      },
      batch_stats: [
        { batch_size: 1, compute_input: { count: 8, ns: 0 }, compute_infer: { count: 8, ns: 2_000_000 }, compute_output: { count: 8, ns: 0 } },
        { batch_size: 8, compute_input: { count: 2, ns: 0 }, compute_infer: { count: 2, ns: 600_000 }, compute_output: { count: 2, ns: 0 } },
        { batch_size: 16, compute_input: { count: 2, ns: 0 }, compute_infer: { count: 2, ns: 900_000 }, compute_output: { count: 2, ns: 0 } },
      ],
    });
  });

  it('is all zero for a version with no stats (not loaded here)', () => {
    const stat = v2ModelStat('iris', 1, undefined);
    expect(stat).toMatchObject({ last_inference: 0, inference_count: 0, execution_count: 0, batch_stats: [] });
    expect(Object.values(stat.inference_stats).every((duration) => duration.count === 0 && duration.ns === 0)).toBe(true);
  });
});

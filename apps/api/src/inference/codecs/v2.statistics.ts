/**
 * Triton's statistics extension of the Open Inference Protocol:
 * https://github.com/triton-inference-server/server/blob/main/docs/protocol/extension_statistics.md
 *
 * `GET /v2/models[/{name}[/versions/{v}]]/stats` answers, per loaded version, what this process
 * has served of it since it was last loaded (as `serving.observed` on the version resource), in the
 * shape Triton's clients read (tritonclient's get_inference_statistics, perf_analyzer's server-side
 * breakdown):
 *
 * - `inference_count`: rows of the completed requests; `execution_count`: engine calls that answered.
 * - `success`: completed requests, from the version's queue to the answer: `queue` plus
 *   `compute_infer` (HTTP decoding and encoding are not in it: the latency histogram at /metrics
 *   has the whole request).
 * - `fail`: requests that failed, passed their deadline or were refused with a full queue.
 * - `queue`: time waiting in the batcher's queue.
 * - `compute_infer`: the engine call, each request counting its call's time, as Triton does. The
 *   call includes handing the tensors to the engine and taking its outputs, so `compute_input` and
 *   `compute_output` count the same requests with 0 ns.
 * - `batch_stats`: engine calls by the rows they joined (1 per call for a version served one by one).
 * - `cache_hit`: always 0; Modelgate has no response cache.
 */
import type { VersionStats } from '@modelgate/runtime';

/** The name server metadata lists in `extensions` (as Triton does). */
export const STATISTICS_EXTENSION = 'statistics';

export interface V2DurationStat {
  count: number;
  ns: number;
}

export interface V2ModelStat {
  name: string;
  version: string;
  last_inference: number;
  inference_count: number;
  execution_count: number;
  inference_stats: {
    success: V2DurationStat;
    fail: V2DurationStat;
    queue: V2DurationStat;
    compute_input: V2DurationStat;
    compute_infer: V2DurationStat;
    compute_output: V2DurationStat;
    cache_hit: V2DurationStat;
  };
  batch_stats: Array<{ batch_size: number; compute_input: V2DurationStat; compute_infer: V2DurationStat; compute_output: V2DurationStat }>;
}

export interface V2StatisticsResponse {
  model_stats: V2ModelStat[];
}

/** A version's statistics in Triton's shape; `stats` undefined (not loaded here): all zero. */
export function v2ModelStat(name: string, version: number, stats: Pick<VersionStats, 'requests' | 'batches' | 'timing'> | undefined): V2ModelStat {
  const requests = stats?.requests;
  const timing = stats?.timing;
  const completed = requests?.completed ?? 0;
  const failed =
    requests === undefined
      ? 0
      : requests.failed + requests.refusedQueueFull + requests.deadlineExceededQueued + requests.deadlineExceededComputing + requests.deadlineExceededRetrying;
  const batchStats: V2ModelStat['batch_stats'] = [];
  let executions = 0;
  for (const [rows, calls] of Object.entries(stats?.batches.byRows ?? {}).sort(([a], [b]) => Number(a) - Number(b))) {
    executions += calls.count;
    batchStats.push({
      batch_size: Number(rows),
      compute_input: duration(calls.count, 0),
      compute_infer: duration(calls.count, calls.computeMs),
      compute_output: duration(calls.count, 0),
    });
  }
  return {
    name,
    version: String(version),
    last_inference: timing?.lastCompletedAt ?? 0,
    inference_count: timing?.completedRows ?? 0,
    execution_count: executions,
    inference_stats: {
      success: duration(completed, (timing?.queuedMs ?? 0) + (timing?.computeMs ?? 0)),
      fail: duration(failed, timing?.failedMs ?? 0),
      queue: duration(completed, timing?.queuedMs ?? 0),
      compute_input: duration(completed, 0),
      compute_infer: duration(completed, timing?.computeMs ?? 0),
      compute_output: duration(completed, 0),
      cache_hit: duration(0, 0),
    },
    batch_stats: batchStats,
  };
}

function duration(count: number, ms: number): V2DurationStat {
  return { count, ns: Math.round(ms * 1e6) };
}

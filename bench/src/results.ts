/** What one bench run measured; written as bench/.results/latest.json and printed by report.ts. */
import type { CpuUse } from './cpu';
import type { LoadResult } from './load';
import type { ModelKey } from './models';
import type { Protocol } from './protocols';

export type HttpTarget = 'bare-http' | 'naive' | 'batching' | 'modelgate';

export const HTTP_TARGET_LABELS: Record<HttpTarget, string> = {
  'bare-http': '(b) bare node:http',
  naive: '(c) naive node:http + ORT',
  batching: '(e) batching node:http + ORT worker',
  modelgate: '(d) Modelgate',
};

export interface Cell {
  target: HttpTarget;
  protocol: Protocol;
  model: ModelKey;
  concurrency: number;
  /** measured: `load` holds the numbers; unsupported: the server refused the protocol (4xx); failed: it could not be measured. */
  status: 'measured' | 'unsupported' | 'failed';
  /** Why a row is unsupported, failed, or flagged (errors, wrong answers). */
  note?: string;
  load?: LoadResult;
  /** CPU use during the timed run (Linux only). */
  cpu?: CpuUse;
  /** Timed runs taken, all rounds together: more than the rounds when other processes disturbed one (the least disturbed run of a round is kept). */
  attempts?: number;
  /**
   * Each round of a cell measured in several (BenchOptions.rounds): `load` then holds the medians of
   * the rounds, and `cpu` and the batch counters are those of the round with the median throughput.
   */
  rounds?: RoundSummary[];
  /** Modelgate only: requests per engine call during the timed run, from its /metrics. */
  meanBatchSize?: number;
  /** Modelgate only: the share of those engine calls handed to a worker spinning for them (idle spin). */
  handedOverShare?: number;
  /** Modelgate only: the share of the timed run its main thread spent collecting garbage, and in full collections (mark-compact). */
  gcShare?: number;
  fullGcShare?: number;
}

/** One round of a cell, as the JSON keeps it. */
export interface RoundSummary {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

export interface RawModel {
  model: ModelKey;
  batches: { batchSize: number; threads?: number; examplesPerSecond: number; p50Ms: number; runs: number; otherCores?: number; stealCores?: number; attempts: number }[];
  batch1?: { examplesPerSecond: number; p50Ms: number };
  best?: { batchSize: number; examplesPerSecond: number };
}

export interface MemoryRow {
  model: ModelKey;
  fileBytes: number;
  instances: number;
  rssBeforeBytes?: number;
  rssAfterBytes?: number;
  /** RSS growth from the upload, divided by the instances loaded. */
  perInstanceBytes?: number;
  /** The probe process: RSS growth from a first worker with one ORT session, and from a second one. */
  probeFirstInstanceBytes?: number;
  probeNextInstanceBytes?: number;
}

export interface Ratio {
  model: ModelKey;
  protocol: Protocol;
  concurrency: number;
  requestsPerSecond: number;
  /** Modelgate req/s (one example each) over the raw runtime's examples/s at its best batch size. */
  ofRawBest?: number;
  ofRawBatch1?: number;
  ofBare?: number;
  ofNaive?: number;
  /** Over (e), the hand-written batching server, where it was measured (--targets=...,batching). */
  ofBatching?: number;
  /** Modelgate p50 minus the naive server's p50, in ms. */
  addedP50Ms?: number;
}

export interface TargetCheck {
  description: string;
  required: string;
  measured: string;
  verdict: 'PASS' | 'FAIL' | 'SKIP';
}

export interface BenchResult {
  meta: {
    startedAt: string;
    seconds: number;
    quick: boolean;
    warmupSeconds: number;
    durationSeconds: number;
    /** Rounds per cell (absent in results before it existed: one). */
    rounds?: number;
    /** Load thrown away per server and model before its first cell (absent in results before it existed). */
    settleSeconds?: number;
    rawSeconds: number;
    concurrencies: number[];
    node: string;
    onnxruntime: string;
    cpus: string;
    cores: number;
    memoryGiB: number;
    gitCommit: string;
    /** Cores other processes used in the second before the bench started. */
    backgroundCoresAtStart?: number;
    backgroundStealAtStart?: number;
    modelgateConfig?: string;
    /** Set when another checkout's Modelgate was measured. */
    modelgateDir?: string;
    note?: string;
  };
  models: { model: ModelKey; name: string; description: string; fileBytes: number; requestBytes: Partial<Record<Protocol, number>> }[];
  raw: RawModel[];
  cells: Cell[];
  modelgateRssBaseBytes?: number;
  modelgateRssAfterLoadBytes?: number;
  memory: MemoryRow[];
  ratios: Ratio[];
  targets: TargetCheck[];
}

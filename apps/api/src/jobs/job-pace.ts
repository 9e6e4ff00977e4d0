import type { BatchingConfig } from '@modelgate/runtime';
import { CHUNK_LIMITS } from './job-input';
import type { JobPace } from './job-thread-messages';

/** Chunks of one job waiting or computing at once, for a model that computes a chunk in well under a millisecond: enough to hide the round trips between them. */
export const CHUNKS_IN_FLIGHT = 4;
/**
 * A job's chunk computes for about this long at most: a worker does not stop a batch it has begun,
 * so an online request that comes meanwhile waits for it. Larger batches compute little faster per
 * row (a small CNN: 1,614 images/s at batch 8, 1,689 at 64).
 */
export const CHUNK_COMPUTE_MS = 4;
/**
 * The pace of a job's next chunks. Rows per chunk: as many as compute in CHUNK_COMPUTE_MS, up to
 * the version's batch size (and CHUNK_LIMITS.rows) where requests join along axis 0 (the row
 * format's axis), else one at a time. Chunks in flight: two where a chunk computes for a
 * millisecond or more (one computing, the next waiting), else CHUNKS_IN_FLIGHT. The first chunk is
 * one row, alone, to measure the model.
 */
export function paceOf(batching: Pick<BatchingConfig, 'maxBatchSize'> & { axis: number | null } | undefined, msPerRow: number | undefined): JobPace {
  if (msPerRow === undefined || batching === undefined) return { chunkRows: 1, window: 1 };
  const largest = batching.axis === 0 ? Math.max(1, Math.min(batching.maxBatchSize, CHUNK_LIMITS.rows)) : 1;
  const chunkRows = Math.max(1, Math.min(largest, Math.floor(CHUNK_COMPUTE_MS / Math.max(msPerRow, 1e-6))));
  return { chunkRows, window: chunkRows * msPerRow >= 1 ? 2 : CHUNKS_IN_FLIGHT };
}

import { CHUNK_LIMITS } from './job-input';
import { CHUNK_COMPUTE_MS, CHUNKS_IN_FLIGHT, paceOf } from './job-pace';

describe('paceOf', () => {
  const joinable = { axis: 0, maxBatchSize: 32 };

  it('sends the first row alone, to measure what a row costs', () => {
    expect(paceOf(joinable, undefined)).toEqual({ chunkRows: 1, window: 1 });
    expect(paceOf(undefined, 0.5)).toEqual({ chunkRows: 1, window: 1 });
  });

  it("fills a quick model's chunks to its batch size, with several in flight to hide the round trips", () => {
    expect(paceOf(joinable, 0.001)).toEqual({ chunkRows: 32, window: CHUNKS_IN_FLIGHT });
    expect(paceOf({ axis: 0, maxBatchSize: 4096 }, 0.0001)).toEqual({ chunkRows: CHUNK_LIMITS.rows, window: CHUNKS_IN_FLIGHT });
  });

  it("keeps a slow model's chunks to what computes in CHUNK_COMPUTE_MS, two in flight, so online requests wait less behind them", () => {
    // A CNN at half a millisecond an image: 8 images a chunk, not the 32 its batch size allows.
    expect(paceOf(joinable, 0.5)).toEqual({ chunkRows: CHUNK_COMPUTE_MS / 0.5, window: 2 });
    // A row that takes longer than the target on its own still goes, alone.
    expect(paceOf(joinable, 25)).toEqual({ chunkRows: 1, window: 2 });
  });

  it('sends one row a chunk to a version served one by one', () => {
    expect(paceOf({ axis: null, maxBatchSize: 32 }, 0.001)).toEqual({ chunkRows: 1, window: CHUNKS_IN_FLIGHT });
    expect(paceOf({ axis: 1, maxBatchSize: 32 }, 2)).toEqual({ chunkRows: 1, window: 2 });
  });
});

import type { ModelSignature, NamedTensors } from '@modelgate/runtime';
import { decodePredictRequest, encodePredictionRows } from '../inference/codecs/tfserving.codec';
import type { JobRow } from './job-input';

/** A failure of the whole job (its version is gone, the job was stopped): the rows after it are not scored. */
export class JobHaltedError extends Error {}

/** What scores a job's rows: the version's signature, how many rows one call should carry, and the call. */
export interface JobEngine {
  signature: ModelSignature;
  /** Rows per engine call now: the version's largest batch where rows can join, else 1. */
  chunkRows(): number;
  /**
   * Scores a batch of instances. Throws JobHaltedError when the job cannot go on; any other error
   * is the rows' own (a value the model refuses, a failed run): the chunk is then scored row by row
   * so that only the rows at fault get an error line.
   */
  predict(inputs: NamedTensors): Promise<NamedTensors>;
}

/** Rows written to the results so far, and how many of them are errors. */
export interface JobProgress {
  rows: number;
  failed: number;
}

/**
 * Scores `rows` in chunks, up to `window` chunks in flight, and hands each chunk's result lines to
 * `write` in row order: `{"row":N,"prediction":...}` with the prediction as TF Serving's row format
 * writes it, or `{"row":N,"error":"..."}`. Each row's answer is the one a predict request with that
 * row alone as its instance would get. Stops between chunks once `stopped()` says so.
 */
export async function processJobRows(
  rows: AsyncIterable<JobRow>,
  engine: JobEngine,
  write: (lines: string) => Promise<void>,
  progress: JobProgress,
  stopped: () => boolean,
  window = 4,
): Promise<void> {
  const pending: Array<Promise<ScoredChunk>> = [];
  const flush = async () => {
    const scored = await pending.shift()!;
    await write(scored.lines);
    progress.rows += scored.rows;
    progress.failed += scored.failed;
  };
  try {
    let chunk: JobRow[] = [];
    for await (const row of rows) {
      if (stopped()) break;
      chunk.push(row);
      if (chunk.length < engine.chunkRows()) continue;
      pending.push(scoreChunk(chunk, engine));
      chunk = [];
      if (pending.length >= window) await flush();
    }
    if (chunk.length > 0 && !stopped()) pending.push(scoreChunk(chunk, engine));
    while (pending.length > 0) await flush();
  } finally {
    // A failed chunk or reader leaves the others to settle unobserved, never unhandled.
    for (const chunk of pending) chunk.catch(() => undefined);
  }
}

interface ScoredChunk {
  lines: string;
  rows: number;
  failed: number;
}

async function scoreChunk(rows: JobRow[], engine: JobEngine): Promise<ScoredChunk> {
  let predictions: string[];
  try {
    const { inputs } = decodePredictRequest({ instances: rows.map((row) => row.instance) }, engine.signature);
    const outputs = await engine.predict(inputs);
    predictions = encodePredictionRows(outputs, engine.signature);
    if (predictions.length !== rows.length) {
      throw new Error(`the model answered ${predictions.length} rows for ${rows.length}`);
    }
  } catch (error) {
    if (error instanceof JobHaltedError) throw error;
    if (rows.length === 1) return { lines: errorLine(rows[0], error), rows: 1, failed: 1 };
    // One row at fault fails the call for all: score them one by one, in order.
    const scored: ScoredChunk = { lines: '', rows: 0, failed: 0 };
    for (const row of rows) {
      const single = await scoreChunk([row], engine);
      scored.lines += single.lines;
      scored.rows += single.rows;
      scored.failed += single.failed;
    }
    return scored;
  }
  let lines = '';
  for (let index = 0; index < rows.length; index++) lines += `{"row":${rows[index].row},"prediction":${predictions[index]}}\n`;
  return { lines, rows: rows.length, failed: 0 };
}

function errorLine(row: JobRow, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return `{"row":${row.row},"error":${JSON.stringify(message)}}\n`;
}

import { compileInputCheck, type InputCheck, type ModelSignature, type NamedTensors } from '@modelgate/runtime';
import { decodePredictRequest, encodePredictionRows } from '../inference/codecs/tfserving.codec';
import { CHUNK_LIMITS, rowsBody, type JobRow } from './job-input';

/** A failure of the whole job (its version is gone, the job was stopped): the rows after it are not scored. */
export class JobHaltedError extends Error {}

/** What scores a job's rows: the version's signature, how many rows one call should carry, and the call. */
export interface JobEngine {
  signature: ModelSignature;
  /** Rows per engine call now: the version's largest batch where rows can join, else 1 (a chunk also stops at CHUNK_LIMITS' characters). */
  chunkRows(): number;
  /**
   * Scores a batch of instances. Throws JobHaltedError when the job cannot go on; any other error
   * is the rows' own (a value the model refuses, a failed run): the chunk is then scored in halves
   * until only the rows at fault get an error line.
   */
  predict(inputs: NamedTensors): Promise<NamedTensors>;
}

/** Rows written to the results so far, and how many of them are errors. */
export interface JobProgress {
  rows: number;
  failed: number;
}

export interface JobRowsOptions {
  /** Appends a chunk's lines to the results. */
  write(lines: string): Promise<void>;
  /** Rows written so far; updated after each write. */
  progress: JobProgress;
  /** Read between chunks: true stops the job once the chunks in flight are written. */
  stopped(): boolean;
  /** Called after each write, with `progress` updated. */
  onProgress?(progress: JobProgress): void;
  /** Chunks in flight at once; read before each chunk is sent (the pace may change as the job runs). */
  window?(): number;
}

/**
 * Scores `rows` in chunks, up to `window` chunks in flight, and writes each chunk's result lines in
 * row order: `{"row":N,"prediction":...}` with the prediction as TF Serving's row format writes it,
 * or `{"row":N,"error":"..."}`. Each row's answer is the one a predict request with that row alone
 * as its instance would get. Stops between chunks once `stopped()` says so.
 */
export async function processJobRows(rows: AsyncIterable<JobRow>, engine: JobEngine, options: JobRowsOptions): Promise<void> {
  const { write, progress, stopped, onProgress, window = () => 4 } = options;
  const pending: Array<Promise<ScoredChunk>> = [];
  const fitsSignature = compileInputCheck(engine.signature);
  const flush = async () => {
    const scored = await pending.shift()!;
    await write(scored.lines);
    progress.rows += scored.rows;
    progress.failed += scored.failed;
    onProgress?.(progress);
  };
  try {
    let chunk: JobRow[] = [];
    let characters = 0;
    for await (const row of rows) {
      if (stopped()) break;
      chunk.push(row);
      characters += row.size;
      if (chunk.length < Math.min(engine.chunkRows(), CHUNK_LIMITS.rows) && characters < CHUNK_LIMITS.characters) continue;
      pending.push(scoreChunk(chunk, engine, fitsSignature));
      chunk = [];
      characters = 0;
      while (pending.length >= window()) await flush();
    }
    if (chunk.length > 0 && !stopped()) pending.push(scoreChunk(chunk, engine, fitsSignature));
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

/**
 * Scores a chunk in one call. A call fails whole, so a chunk whose call fails is scored again in two
 * halves, one after the other, and a half that fails is halved again, until each row at fault is
 * alone with its error line: one bad row in n costs about 2 log2(n) more calls, not n. The version's
 * batcher may join the chunk with the job's other chunks; it retries a failed joined batch apart
 * itself (VersionQueue), so a good chunk never fails beside a bad one.
 */
async function scoreChunk(rows: JobRow[], engine: JobEngine, fitsSignature: InputCheck): Promise<ScoredChunk> {
  let predictions: string[];
  try {
    const { inputs } = decodePredictRequest(rowsBody(rows), engine.signature);
    // Lines joined as text could make more (or fewer) instances than rows if one were not a single
    // JSON value; a checked file holds none, and this keeps a chunk from ever being misread.
    const decodedRows = Object.values(inputs)[0]?.shape[0];
    if (decodedRows !== rows.length) throw new Error(`the chunk's ${rows.length} rows decoded as ${decodedRows} instances`);
    fitsSignature(inputs);
    const outputs = await engine.predict(inputs);
    predictions = encodePredictionRows(outputs, engine.signature);
    if (predictions.length !== rows.length) {
      throw new Error(`the model answered ${predictions.length} rows for ${rows.length}`);
    }
  } catch (error) {
    if (error instanceof JobHaltedError) throw error;
    if (rows.length === 1) return { lines: errorLine(rows[0], error), rows: 1, failed: 1 };
    const half = Math.ceil(rows.length / 2);
    const first = await scoreChunk(rows.slice(0, half), engine, fitsSignature);
    const second = await scoreChunk(rows.slice(half), engine, fitsSignature);
    return { lines: first.lines + second.lines, rows: first.rows + second.rows, failed: first.failed + second.failed };
  }
  let lines = '';
  for (let index = 0; index < rows.length; index++) lines += `{"row":${rows[index].row},"prediction":${predictions[index]}}\n`;
  return { lines, rows: rows.length, failed: 0 };
}

function errorLine(row: JobRow, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return `{"row":${row.row},"error":${JSON.stringify(message)}}\n`;
}

import type { ModelSignature, NamedTensors } from '@modelgate/runtime';
import type { JobInputFormat } from './job-input';
import type { JobProgress } from './job-processor';

/** What a job thread is started to do (its workerData). */
export type JobThreadTask =
  /** Read a submitted file whole, checking every row against the signature: how many rows, or why not. */
  | { kind: 'check'; inputPath: string; format: JobInputFormat; signature: ModelSignature }
  /** Score the rows after `progress.rows`, appending their lines to `resultsPath`. */
  | {
      kind: 'score';
      inputPath: string;
      resultsPath: string;
      format: JobInputFormat;
      signature: ModelSignature;
      progress: JobProgress;
      pace: JobPace;
    };

/** How a job's chunks are sized and how many are in flight: set by the main thread from what the engine calls take. */
export interface JobPace {
  chunkRows: number;
  window: number;
}

/** From the thread to the main thread. */
export type ThreadMessage =
  | { type: 'checked'; rows: number }
  | { type: 'refused'; message: string; status?: number; line?: number }
  | { type: 'predict'; call: number; inputs: NamedTensors }
  /** The rows written to the results so far (those before the thread started included). */
  | { type: 'progress'; rows: number; failed: number }
  | { type: 'done'; rows: number; failed: number }
  | { type: 'failed'; message: string; halted: boolean; rows: number; failed: number };

/** From the main thread to the thread. */
export type ParentMessage =
  /** An engine call's outputs, and the pace of the next chunks. */
  | { type: 'predicted'; call: number; outputs: NamedTensors; pace: JobPace }
  | { type: 'predict-failed'; call: number; message: string; halted: boolean }
  /** Stop after the chunks in flight (cancelled, or the server is stopping). */
  | { type: 'stop' };

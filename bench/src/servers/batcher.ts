/**
 * The batching a user adds by hand to a node:http server (target (e), batching.ts): requests that
 * arrive while the engine is busy, or in the same turn of the event loop, are joined along the batch
 * dimension into one run, and each gets its own rows of the answer back. No queue limit, deadline,
 * priority or metric: the least a batching server does.
 */
import type { RequestRows } from './model-routes';

/** Runs `rows` instances at once; resolves with the outputs, row after row, and the shape of one row. */
export type BatchRunner = (values: Float32Array, rows: number) => Promise<{ output: Float32Array; rowShape: readonly number[] }>;

export interface RowsAnswer {
  output: Float32Array;
  /** The request's own output shape: its rows, then the shape of one row. */
  dims: number[];
}

interface Waiting extends RequestRows {
  resolve: (answer: RowsAnswer) => void;
  reject: (error: Error) => void;
}

export class Batcher {
  private waiting: Waiting[] = [];
  private running = false;
  private scheduled = false;
  /** Runs so far, and the rows they computed (for a test, or a log). */
  runs = 0;
  rowsRun = 0;

  constructor(
    private readonly run: BatchRunner,
    /** Elements in one instance. */
    private readonly instanceSize: number,
  ) {}

  add(rows: RequestRows): Promise<RowsAnswer> {
    if (rows.rows < 1 || rows.values.length !== rows.rows * this.instanceSize) {
      return Promise.reject(new Error(`expected ${this.instanceSize} values per row, got ${rows.values.length} for ${rows.rows} rows`));
    }
    return new Promise((resolve, reject) => {
      this.waiting.push({ ...rows, resolve, reject });
      this.schedule();
    });
  }

  /** Gathers what arrives in this turn of the event loop, if the engine is free. */
  private schedule(): void {
    if (this.running || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    if (this.running || this.waiting.length === 0) return;
    const batch = this.waiting;
    this.waiting = [];
    let rows = 0;
    for (const request of batch) rows += request.rows;
    const values = new Float32Array(rows * this.instanceSize);
    let offset = 0;
    for (const request of batch) {
      values.set(request.values, offset);
      offset += request.values.length;
    }
    this.running = true;
    this.runs++;
    this.rowsRun += rows;
    this.run(values, rows).then(
      ({ output, rowShape }) => {
        const perRow = output.length / rows;
        let row = 0;
        for (const request of batch) {
          request.resolve({ output: output.subarray(row * perRow, (row + request.rows) * perRow), dims: [request.rows, ...rowShape] });
          row += request.rows;
        }
        this.settled();
      },
      (error: unknown) => {
        for (const request of batch) request.reject(error instanceof Error ? error : new Error(String(error)));
        this.settled();
      },
    );
  }

  private settled(): void {
    this.running = false;
    this.schedule();
  }
}

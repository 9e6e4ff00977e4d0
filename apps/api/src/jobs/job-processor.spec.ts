import type { ModelSignature, NamedTensors } from '@modelgate/runtime';
import type { JobRow } from './job-input';
import { JobHaltedError, processJobRows, type JobEngine, type JobProgress } from './job-processor';

const SIGNATURE: ModelSignature = {
  inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 2] }],
  outputs: [{ name: 'y', datatype: 'FP32', shape: [-1, 1] }],
};

async function* rowsOf(instances: unknown[]): AsyncGenerator<JobRow> {
  for (let index = 0; index < instances.length; index++) yield { row: index + 1, line: index + 1, size: JSON.stringify(instances[index]).length, instance: instances[index] };
}

/** y = x0 + x1; a row whose x0 is negative fails the call it is in, as a model's run would. */
function engine(chunkRows: number, options: { delays?: number[]; calls?: number[] } = {}): JobEngine {
  let call = 0;
  return {
    signature: SIGNATURE,
    chunkRows: () => chunkRows,
    async predict(inputs: NamedTensors) {
      const x = inputs.x.data as Float32Array;
      const rows = inputs.x.shape[0];
      options.calls?.push(rows);
      const delay = options.delays?.[call++ % options.delays.length] ?? 0;
      await new Promise((resolve) => setTimeout(resolve, delay));
      const y = new Float32Array(rows);
      for (let row = 0; row < rows; row++) {
        if (x[row * 2] < 0) throw new Error(`negative feature in row ${row}`);
        y[row] = x[row * 2] + x[row * 2 + 1];
      }
      return { y: { datatype: 'FP32', shape: [rows, 1], data: y } };
    },
  };
}

async function run(instances: unknown[], scorer: JobEngine, stopped = () => false) {
  const progress: JobProgress = { rows: 0, failed: 0 };
  let text = '';
  await processJobRows(rowsOf(instances), scorer, { write: async (lines) => void (text += lines), progress, stopped });
  return { progress, lines: text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('processJobRows', () => {
  it('scores rows in chunks of the engine size and writes one line per row, in row order, whatever order the chunks finish in', async () => {
    const calls: number[] = [];
    const instances = Array.from({ length: 10 }, (_, index) => [index, 1]);
    const { lines, progress } = await run(instances, engine(3, { delays: [30, 1, 15, 0], calls }));
    expect(calls).toEqual([3, 3, 3, 1]);
    expect(lines).toEqual(instances.map((instance, index) => ({ row: index + 1, prediction: [instance[0] + 1] })));
    expect(progress).toEqual({ rows: 10, failed: 0 });
  });

  it('closes a chunk at CHUNK_LIMITS characters of text before the engine size, so that chunks in flight hold bounded memory', async () => {
    const calls: number[] = [];
    // Rows of about 1.6 MiB of text each: five make a chunk, whatever the engine takes.
    const wide = Array.from({ length: 12 }, (_, index) => [index, 1]);
    const text = (instance: number[]) => JSON.stringify(instance).padEnd(1.6 * 1024 * 1024 + 10);
    async function* padded(): AsyncGenerator<JobRow> {
      for (let index = 0; index < wide.length; index++) yield { row: index + 1, line: index + 1, size: text(wide[index]).length, instance: wide[index] };
    }
    const progress: JobProgress = { rows: 0, failed: 0 };
    await processJobRows(padded(), engine(256, { calls }), { write: async () => undefined, progress, stopped: () => false });
    expect(calls).toEqual([5, 5, 2]);
    expect(progress.rows).toBe(12);
  });

  it("gives the rows at fault an error line and the others their prediction, when a row fails its chunk's call", async () => {
    const calls: number[] = [];
    const { lines, progress } = await run([[1, 1], [-1, 1], [2, 2], [3, 3]], engine(4, { calls }));
    // The chunk failed whole; its first half failed, and was halved again; the second half answered.
    expect(calls).toEqual([4, 2, 1, 1, 2]);
    expect(lines).toEqual([
      { row: 1, prediction: [2] },
      { row: 2, error: 'negative feature in row 0' },
      { row: 3, prediction: [4] },
      { row: 4, prediction: [6] },
    ]);
    expect(progress).toEqual({ rows: 4, failed: 1 });
  });

  it('halves a failed chunk until each row at fault is alone: about 2 log2(n) more calls for one bad row in n, not n', async () => {
    const calls: number[] = [];
    const instances = Array.from({ length: 16 }, (_, index) => (index === 5 ? [-1, 1] : [index, 1]));
    const { lines, progress } = await run(instances, engine(16, { calls }));
    // 16 failed; 0-7 failed; 0-3 answered; 4-7 failed; 4-5 failed; 4 answered, 5 failed alone; 6-7 and 8-15 answered.
    expect(calls).toEqual([16, 8, 4, 4, 2, 1, 1, 2, 8]);
    expect(lines).toEqual(instances.map((instance, index) => (index === 5 ? { row: 6, error: 'negative feature in row 0' } : { row: index + 1, prediction: [index + 1] })));
    expect(progress).toEqual({ rows: 16, failed: 1 });

    // Every row at fault: each still gets its own error line, in order.
    const all = await run([[-1, 0], [-2, 0], [-3, 0]], engine(3));
    expect(all.lines.map((line) => line.row)).toEqual([1, 2, 3]);
    expect(all.lines.every((line) => line.error === 'negative feature in row 0')).toBe(true);
    expect(all.progress).toEqual({ rows: 3, failed: 3 });
  });

  it('decodes rows read as text together, as the predict route decodes a body, and never lets a line stand for two rows', async () => {
    async function* lines(texts: string[]): AsyncGenerator<JobRow> {
      for (let index = 0; index < texts.length; index++) yield { row: index + 1, line: index + 1, size: texts[index].length, text: texts[index] };
    }
    const progress: JobProgress = { rows: 0, failed: 0 };
    let written = '';
    const calls: number[] = [];
    // Line 2 is not one JSON value: joined with the others it would read as two instances.
    await processJobRows(lines(['[1, 1]', '[2, 2],[3, 3]', ' {"x": [4, 4]} ', '[5, 5]']), engine(4, { calls }), {
      write: async (text) => void (written += text),
      progress,
      stopped: () => false,
    });
    const results = written.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(results.map((line) => line.prediction ?? 'error')).toEqual([[2], 'error', [8], [10]]);
    expect(progress).toEqual({ rows: 4, failed: 1 });
    // The whole chunk was refused before any engine call, then its halves: lines 1-2 read as three
    // instances, and lines 3-4 mix a named instance with a list, so each went alone (line 2 refused).
    expect(calls).toEqual([1, 1, 1]);
  });

  it('gives a row the signature refuses an error line without calling the engine for it', async () => {
    const calls: number[] = [];
    const { lines } = await run([[1, 1], [1, 2, 3], ['a', 1]], engine(1, { calls }));
    expect(calls).toEqual([1]);
    expect(lines[0]).toEqual({ row: 1, prediction: [2] });
    expect(lines[1].row).toBe(2);
    expect(lines[1].error).toEqual(expect.any(String));
    expect(lines[2].row).toBe(3);
    expect(lines[2].error).toEqual(expect.any(String));
  });

  it('stops the job on JobHaltedError, keeping the lines of the chunks written before', async () => {
    const base = engine(2);
    let calls = 0;
    const halting: JobEngine = {
      ...base,
      predict: (inputs) => (++calls === 3 ? Promise.reject(new JobHaltedError('version 1 is no longer served')) : base.predict(inputs)),
    };
    const progress: JobProgress = { rows: 0, failed: 0 };
    let text = '';
    const outcome = processJobRows(rowsOf(Array.from({ length: 20 }, () => [1, 1])), halting, { write: async (lines) => void (text += lines), progress, stopped: () => false, window: () => 1 });
    await expect(outcome).rejects.toThrow('version 1 is no longer served');
    expect(progress).toEqual({ rows: 4, failed: 0 });
    expect(text.split('\n').filter(Boolean)).toHaveLength(4);
  });

  it('stops between chunks once stopped, writing what was in flight', async () => {
    let written = 0;
    const progress: JobProgress = { rows: 0, failed: 0 };
    const reported: number[] = [];
    await processJobRows(rowsOf(Array.from({ length: 100 }, () => [1, 1])), engine(5), {
      write: async () => void written++,
      progress,
      stopped: () => written >= 2,
      onProgress: ({ rows }) => reported.push(rows),
      window: () => 2,
    });
    // Each write is reported with the rows written by then.
    expect(reported).toEqual(reported.map((_, index) => (index + 1) * 5));
    expect(progress.rows).toBeLessThan(100);
    expect(progress.rows % 5).toBe(0);
    expect(progress.rows).toBeGreaterThanOrEqual(10);
  });
});

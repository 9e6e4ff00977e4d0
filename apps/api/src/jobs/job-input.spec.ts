import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelSignature } from '@modelgate/runtime';
import { BadRequestError } from '../common/errors';
import { checkJobInput, csvInstance, csvLayout, jobInputFormat, readJobRows, type JobRow } from './job-input';

const MLP: ModelSignature = {
  inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 4] }],
  outputs: [{ name: 'y', datatype: 'FP32', shape: [-1, 3] }],
};

describe('job input', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'modelgate-job-input-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const file = async (name: string, text: string) => {
    const path = join(dir, name);
    await writeFile(path, text);
    return path;
  };
  const rowsOf = async (path: string, format: 'jsonl' | 'csv', signature = MLP, skip = 0) => {
    const rows: JobRow[] = [];
    for await (const row of readJobRows(path, format, signature, skip)) rows.push(row);
    return rows;
  };
  const refusal = async (promise: Promise<unknown>) => {
    const error = await promise.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(BadRequestError);
    return error as BadRequestError;
  };

  it('takes the format from a field, else from the extension, and says what would do otherwise', () => {
    expect(jobInputFormat(undefined, 'scores.JSONL')).toBe('jsonl');
    expect(jobInputFormat(undefined, 'scores.ndjson')).toBe('jsonl');
    expect(jobInputFormat(undefined, 'table.csv')).toBe('csv');
    expect(jobInputFormat(' CSV ', 'table.txt')).toBe('csv');
    expect(() => jobInputFormat(undefined, 'table.txt')).toThrow(/name the file \.jsonl, \.ndjson or \.csv, or send a "format" field/);
    expect(() => jobInputFormat('parquet', 'table.parquet')).toThrow('"format" must be "jsonl" or "csv", got "parquet"');
  });

  it('reads JSON Lines in order, skipping blank lines, numbering rows apart from lines, and resumes after `skip` rows', async () => {
    const path = await file('rows.jsonl', '[1,2,3,4]\n\n{"x":[5,6,7,8]}\r\n  \n[9,10,11,12]');
    expect(await rowsOf(path, 'jsonl')).toEqual([
      { row: 1, line: 1, size: 9, instance: [1, 2, 3, 4] },
      { row: 2, line: 3, size: 15, instance: { x: [5, 6, 7, 8] } },
      { row: 3, line: 5, size: 12, instance: [9, 10, 11, 12] },
    ]);
    expect((await rowsOf(path, 'jsonl', MLP, 2)).map((row) => row.row)).toEqual([3]);
  });

  it('reads CSV rows as instances of the one input, skipping a header line and quotes around numbers', async () => {
    const path = await file('rows.csv', 'a,b,"c",d\n1, 2,3,4\n"5",6e0,-7,NaN\n');
    const rows = await rowsOf(path, 'csv');
    expect(rows.map((row) => [row.row, row.line])).toEqual([
      [1, 2],
      [2, 3],
    ]);
    expect(rows[0].instance).toEqual([1, 2, 3, 4]);
    expect(rows[1].instance).toEqual([5, 6, -7, NaN]);
    // No header: the first line is a row.
    expect((await rowsOf(await file('plain.csv', '1,2,3,4\n'), 'csv')).map((row) => row.line)).toEqual([1]);
  });

  it('shapes a CSV row to the input, a free dimension taking what the row holds', () => {
    const image = csvLayout({ inputs: [{ name: 'image', datatype: 'FP32', shape: [-1, 2, 3] }], outputs: [] });
    expect(csvInstance([1, 2, 3, 4, 5, 6], image, 1)).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(() => csvInstance([1, 2, 3], image, 7)).toThrow('line 7: the row has 3 values, and input "image" takes 6 per row (shape [-1, 2, 3])');
    const sequence = csvLayout({ inputs: [{ name: 'tokens', datatype: 'INT64', shape: [-1, -1, 2] }], outputs: [] });
    expect(csvInstance([1, 2, 3, 4], sequence, 1)).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(() => csvInstance([1, 2, 3], sequence, 2)).toThrow('takes a multiple of 2 per row');
    expect(csvInstance([5], csvLayout({ inputs: [{ name: 'v', datatype: 'FP32', shape: [-1] }], outputs: [] }), 1)).toBe(5);
  });

  it('refuses CSV for a model it cannot feed, saying to send JSON Lines', () => {
    const two: ModelSignature = { inputs: [...MLP.inputs, { name: 'z', datatype: 'FP32', shape: [-1, 1] }], outputs: [] };
    expect(() => csvLayout(two)).toThrow('a CSV file fills a model with one input, and this version has 2 (x, z); send JSON Lines');
    expect(() => csvLayout({ inputs: [{ name: 'text', datatype: 'BYTES', shape: [-1] }], outputs: [] })).toThrow('input "text" is BYTES; send JSON Lines');
    expect(() => csvLayout({ inputs: [{ name: 'grid', datatype: 'FP32', shape: [-1, -1, -1] }], outputs: [] })).toThrow('more than one free dimension');
  });

  it('counts the rows of a file that fits the signature', async () => {
    const path = await file('ok.jsonl', Array.from({ length: 600 }, (_, index) => JSON.stringify([index, 0, 0, 1])).join('\n'));
    expect(await checkJobInput(path, 'jsonl', MLP)).toBe(600);
    expect(await checkJobInput(await file('ok.csv', 'a,b,c,d\n1,2,3,4\n5,6,7,8\n'), 'csv', MLP)).toBe(2);
  });

  it('refuses a file with the first line that is not a row the model takes, naming the line', async () => {
    const rows = Array.from({ length: 300 }, () => '[1,2,3,4]');
    rows[270] = '[1,2,3]';
    let error = await refusal(checkJobInput(await file('short.jsonl', rows.join('\n')), 'jsonl', MLP));
    expect(error.message).toBe('the input file\'s line 271 (row 271) does not fit the model: input "x": expected shape [-1, 4], got [1, 3] (dimension 1 must be 4)');
    expect(error.details).toEqual({ line: 271 });

    error = await refusal(checkJobInput(await file('broken.jsonl', '[1,2,3,4]\n[1,2,\n'), 'jsonl', MLP));
    expect(error.message).toMatch(/^the input file's line 2: not JSON \(.+\); each line holds one instance/);

    error = await refusal(checkJobInput(await file('text.jsonl', '["a","b","c","d"]\n'), 'jsonl', MLP));
    expect(error.message).toContain("line 1 (row 1) does not fit the model");

    error = await refusal(checkJobInput(await file('ragged.csv', 'a,b,c,d\n1,2,3,4\n1,2,3\n'), 'csv', MLP));
    expect(error.message).toBe("the input file's line 3: the row has 3 values, and the first line has 4");
    error = await refusal(checkJobInput(await file('words.csv', '1,2,3,4\n1,two,3,4\n'), 'csv', MLP));
    expect(error.message).toBe('the input file\'s line 2: a CSV row holds numbers only, got "1,two,3,4"');

    error = await refusal(checkJobInput(await file('blank.jsonl', '\n \n'), 'jsonl', MLP));
    expect(error.message).toBe('the input file holds no rows: send one instance per line');
  });
});

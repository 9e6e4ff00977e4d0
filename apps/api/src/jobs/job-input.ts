import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { compileInputCheck, type ModelSignature, type TensorSpec } from '@modelgate/runtime';
import { BadRequestError } from '../common/errors';
import { decodePredictRequest } from '../inference/codecs/tfserving.codec';

/** What a job's input file holds: JSON Lines (one instance per line) or CSV (one instance per row). */
export type JobInputFormat = 'jsonl' | 'csv';
export const JOB_INPUT_FORMATS: readonly JobInputFormat[] = ['jsonl', 'csv'];

/** One row of the input: its position among the rows (from 1), its line in the file, and the instance it holds. */
export interface JobRow {
  row: number;
  line: number;
  /** The line's length in characters: what decoding it costs, roughly. */
  size: number;
  /** A TF Serving row-format instance: what one entry of `"instances"` would hold. */
  instance?: unknown;
  /**
   * The line's JSON text instead of `instance`, when read without parsing (a checked file being
   * scored): a chunk's lines are then decoded together from bytes (rowsBody), as the predict
   * route decodes a body, without building each row's lists first.
   */
  text?: string;
}

/** A line of the input that is not a row; `line` is its number in the file (from 1). */
export class JobInputError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
  }
}

const EXTENSIONS: Record<string, JobInputFormat> = { jsonl: 'jsonl', ndjson: 'jsonl', csv: 'csv' };

/** The format a form field names, or else the one the file name's extension says; neither: 400. */
export function jobInputFormat(declared: string | undefined, filename: string): JobInputFormat {
  if (declared !== undefined) {
    const format = declared.trim().toLowerCase();
    if (!(JOB_INPUT_FORMATS as readonly string[]).includes(format)) {
      throw new BadRequestError(`"format" must be "jsonl" or "csv", got ${JSON.stringify(declared).slice(0, 40)}`);
    }
    return format as JobInputFormat;
  }
  const extension = /\.([a-z0-9]+)$/i.exec(filename)?.[1]?.toLowerCase();
  const format = extension === undefined ? undefined : EXTENSIONS[extension];
  if (format === undefined) {
    throw new BadRequestError(
      `cannot tell the format of "${filename.slice(0, 100)}": name the file .jsonl, .ndjson or .csv, or send a "format" field ("jsonl" or "csv")`,
    );
  }
  return format;
}

/**
 * How a CSV row becomes an instance: a CSV file feeds a model with one numeric input, each row
 * filling that input's shape after the batch axis, in row-major order. At most one of those
 * dimensions may be free; the row's length sets it.
 */
export interface CsvLayout {
  input: TensorSpec;
  /** The input's shape after the batch axis; -1 where the row's length decides. */
  dimensions: number[];
}

/** The CSV layout of a signature, or a 400 that says why its rows cannot be CSV and what to send instead. */
export function csvLayout(signature: ModelSignature): CsvLayout {
  if (signature.inputs.length !== 1) {
    throw new BadRequestError(
      `a CSV file fills a model with one input, and this version has ${signature.inputs.length} (${signature.inputs.map((input) => input.name).join(', ')}); ` +
        'send JSON Lines with one object per line, keyed by input name',
    );
  }
  const input = signature.inputs[0];
  if (input.datatype === 'BYTES' || input.datatype === 'BOOL') {
    throw new BadRequestError(`a CSV file holds numbers, and input "${input.name}" is ${input.datatype}; send JSON Lines instead`);
  }
  if (input.shape.length === 0) {
    throw new BadRequestError(`input "${input.name}" is a scalar with no batch axis, so its rows cannot be joined; send JSON Lines instead`);
  }
  const dimensions = input.shape.slice(1);
  if (dimensions.filter((dimension) => dimension < 0).length > 1) {
    throw new BadRequestError(
      `input "${input.name}" has shape [${input.shape.join(', ')}], with more than one free dimension after the batch axis, so a CSV row cannot say its shape; send JSON Lines instead`,
    );
  }
  return { input, dimensions };
}

/** A CSV row's numbers as the instance its layout makes: nested lists in the input's shape. */
export function csvInstance(values: number[], layout: CsvLayout, line: number): unknown {
  const fixed = layout.dimensions.reduce((product, dimension) => (dimension < 0 ? product : product * dimension), 1);
  const free = layout.dimensions.some((dimension) => dimension < 0);
  if (free ? values.length === 0 || values.length % fixed !== 0 : values.length !== fixed) {
    throw new JobInputError(
      line,
      `the row has ${values.length} values, and input "${layout.input.name}" takes ${free ? `a multiple of ${fixed}` : fixed} per row (shape [${layout.input.shape.join(', ')}])`,
    );
  }
  const dimensions = free ? layout.dimensions.map((dimension) => (dimension < 0 ? values.length / fixed : dimension)) : layout.dimensions;
  if (dimensions.length === 0) return values[0];
  return nest(values, dimensions, 0, 0);
}

function nest(values: number[], dimensions: number[], axis: number, offset: number): unknown[] {
  const extent = dimensions[axis];
  if (axis === dimensions.length - 1) return values.slice(offset, offset + extent);
  const stride = dimensions.slice(axis + 1).reduce((product, dimension) => product * dimension, 1);
  const nested = new Array<unknown>(extent);
  for (let index = 0; index < extent; index++) nested[index] = nest(values, dimensions, axis + 1, offset + index * stride);
  return nested;
}

/** A CSV line's fields as numbers, or undefined when one is not a number (a header line). */
function csvNumbers(text: string): number[] | undefined {
  const fields = text.split(',');
  const values = new Array<number>(fields.length);
  for (let index = 0; index < fields.length; index++) {
    let field = fields[index].trim();
    if (field.length >= 2 && field.startsWith('"') && field.endsWith('"')) field = field.slice(1, -1).trim();
    const value = field === '' ? NaN : Number(field);
    if (Number.isNaN(value) && !/^nan$/i.test(field)) return undefined;
    values[index] = value;
  }
  return values;
}

/**
 * The rows of an input file, in order, from row `skip + 1` on. Blank lines are not rows. A CSV
 * file's first line is a header, skipped, when any of its fields is not a number; every other line
 * must be numbers only. A line that is not a row throws JobInputError with its number. With
 * `parse` false, JSON Lines rows carry their `text` unparsed (a file checked already).
 */
export async function* readJobRows(path: string, format: JobInputFormat, signature: ModelSignature, skip = 0, parse = true): AsyncGenerator<JobRow> {
  const layout = format === 'csv' ? csvLayout(signature) : undefined;
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let line = 0;
  let row = 0;
  let width: number | undefined;
  try {
    for await (const text of lines) {
      line++;
      if (text.trim() === '') continue;
      if (layout === undefined) {
        row++;
        if (row <= skip) continue;
        if (!parse) {
          yield { row, line, size: text.length, text };
          continue;
        }
        let instance: unknown;
        try {
          instance = JSON.parse(text);
        } catch (error) {
          throw new JobInputError(line, `not JSON (${(error as Error).message}); each line holds one instance, e.g. [5.1, 3.5, 1.4, 0.2] or {"input": [...]}`);
        }
        yield { row, line, size: text.length, instance };
        continue;
      }
      const values = csvNumbers(text);
      if (values === undefined) {
        if (row === 0 && width === undefined) {
          width = text.split(',').length;
          continue;
        }
        throw new JobInputError(line, `a CSV row holds numbers only, got "${text.slice(0, 80)}"`);
      }
      if (width !== undefined && values.length !== width) {
        throw new JobInputError(line, `the row has ${values.length} values, and the first line has ${width}`);
      }
      width = values.length;
      row++;
      if (row <= skip) continue;
      yield { row, line, size: text.length, instance: csvInstance(values, layout, line) };
    }
  } finally {
    lines.close();
  }
}

/**
 * The predict body holding `rows` as its instances, for decodePredictRequest: as bytes from the
 * lines' text where the rows carry it (the scanner of the predict route reads those straight into
 * tensors), else as the parsed instances.
 */
export function rowsBody(rows: readonly JobRow[]): unknown {
  if (rows.every((row) => row.text !== undefined)) {
    let text = '{"instances":[';
    for (let index = 0; index < rows.length; index++) text += (index === 0 ? '' : ',') + rows[index].text;
    return Buffer.from(text + ']}');
  }
  return { instances: rows.map((row) => (row.text === undefined ? row.instance : JSON.parse(row.text))) };
}

/**
 * A chunk of rows decoded at once holds at most this many rows or characters of text, whichever
 * comes first. Rows are decoded in the job's own thread, but its chunks in flight are held in
 * memory twice over (text and tensors): 8 MiB of numbers as text is about a million values.
 */
export const CHUNK_LIMITS = { rows: 256, characters: 8 * 1024 * 1024 };

/**
 * Reads a whole input file as a job would, decoding every row against the version's signature, and
 * answers how many rows it holds. The first line that is not a row, or row the model could not
 * take, is a 400 naming its line, so that a job never starts on a file it would fail on.
 */
export async function checkJobInput(path: string, format: JobInputFormat, signature: ModelSignature): Promise<number> {
  let rows = 0;
  let chunk: JobRow[] = [];
  let characters = 0;
  const fitsSignature = compileInputCheck(signature);
  const check = (pending: JobRow[]) => {
    try {
      fitsSignature(decodePredictRequest({ instances: pending.map((row) => row.instance) }, signature).inputs);
    } catch (error) {
      if (pending.length === 1) throw rowProblem(pending[0], error);
      for (const row of pending) check([row]);
      // Every row alone is fine, but not together (their shapes differ): a job scores them apart.
    }
  };
  try {
    for await (const row of readJobRows(path, format, signature)) {
      rows++;
      chunk.push(row);
      characters += row.size;
      if (chunk.length >= CHUNK_LIMITS.rows || characters >= CHUNK_LIMITS.characters) {
        check(chunk);
        chunk = [];
        characters = 0;
        // Let the online requests that came meanwhile through.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    if (chunk.length > 0) check(chunk);
  } catch (error) {
    if (error instanceof JobInputError) throw new BadRequestError(`the input file's ${error.message}`, { line: error.line });
    throw error;
  }
  if (rows === 0) throw new BadRequestError('the input file holds no rows: send one instance per line');
  return rows;
}

function rowProblem(row: JobRow, error: unknown): BadRequestError {
  return new BadRequestError(`the input file's line ${row.line} (row ${row.row}) does not fit the model: ${(error as Error).message}`, { line: row.line });
}

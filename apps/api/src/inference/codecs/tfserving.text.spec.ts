import type { DataType, ModelSignature } from '@modelgate/runtime';
import { decodePredictRequest } from './tfserving.codec';
import { scanPredictRequest } from './tfserving.text';

function signatureOf(datatype: DataType, shape: number[], inputs = 1): ModelSignature {
  return {
    inputs: Array.from({ length: inputs }, (_, index) => ({ name: index === 0 ? 'image' : `extra${index}`, datatype, shape })),
    outputs: [{ name: 'y', datatype: 'FP32', shape: [-1] }],
  };
}

const image = signatureOf('FP32', [-1, 3, 4, 4]);

/** What the generic path gives for this text: the request, or the error's class and message. */
function outcome(run: () => unknown): unknown {
  try {
    return run();
  } catch (error) {
    return { error: (error as Error).constructor.name, message: (error as Error).message };
  }
}

function expectSameAsGeneric(text: string, signature: ModelSignature): void {
  const generic = outcome(() => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return 'invalid JSON';
    }
    return decodePredictRequest(parsed, signature);
  });
  const raw = outcome(() => decodePredictRequest(Buffer.from(text), signature));
  if (generic === 'invalid JSON') expect(raw).toMatchObject({ error: 'InputValidationError', message: expect.stringContaining('the body is not valid JSON') });
  else expect(raw).toEqual(generic);
}

function nested(shape: number[], next: () => number): unknown {
  if (shape.length === 0) return next();
  return Array.from({ length: shape[0] }, () => nested(shape.slice(1), next));
}

describe('scanPredictRequest', () => {
  it('reads a batch of nested FP32 images (row format) straight into a typed array', () => {
    let counter = 0;
    const instances = nested([2, 3, 4, 4], () => Number(((counter++ % 97) * 0.0173 - 0.5).toPrecision(4)));
    const text = JSON.stringify({ instances });
    const scanned = scanPredictRequest(Buffer.from(text), image);
    expect(scanned).toBeDefined();
    expect(scanned).toEqual(decodePredictRequest(JSON.parse(text), image));
    expect(scanned!.inputs.image.shape).toEqual([2, 3, 4, 4]);
  });

  it('reads columnar inputs, scalar instances and signature_name', () => {
    for (const text of [
      '{"inputs": [[1, 2], [3, 4]]}',
      '{"signature_name": "serving_default", "instances": [1.5, -2e3, 0]}',
      '{ "instances" : [ [ 1 , 2 ] ] , "extra": {"ignored": [true, null]} }',
      '{"instances": [[1e400, 0.30000000000000004]]}',
    ]) {
      const signature = signatureOf('FP32', [-1, 2]);
      expect(scanPredictRequest(Buffer.from(text), signature)).toEqual(decodePredictRequest(JSON.parse(text), signature));
    }
  });

  it('leaves everything unusual to the generic path', () => {
    const single = signatureOf('FP32', [-1, 2]);
    for (const text of [
      '{"instances": [[1, 2], [3]]}',
      '{"instances": [[1, 2], 3]}',
      '{"instances": [[[1], [2]], [3, 4]]}',
      '{"instances": []}',
      '{"instances": [[], []]}',
      '{"instances": [["1", 2]]}',
      '{"instances": [[NaN, 2]]}',
      '{"instances": [[1, 2],]}',
      '{"instances": [{"image": [1, 2]}]}',
      '{"instances": [[1, 2]], "inputs": [[1, 2]]}',
      '{"instances": [[1, 2]], "instances": [[1, 2]]}',
      '{"instances": [[1, 2]], "signature_name": "other"}',
      '{"instances": 3}',
      '{"inputs": {"image": [[1, 2]]}}',
      '{}',
      '[[1, 2]]',
      '{"instances": [[1, 2]]',
    ]) {
      expect(scanPredictRequest(Buffer.from(text), single), text).toBeUndefined();
      expectSameAsGeneric(text, single);
    }
    expect(scanPredictRequest(Buffer.from('{"instances": [[1, 2]]}'), signatureOf('FP32', [-1, 2], 2))).toBeUndefined();
  });

  it('reads FP32 lists in one pass and still leaves every ragged or mixed nesting to the generic path', () => {
    const cube = signatureOf('FP32', [-1, 2, 2]);
    for (const text of [
      '{"instances": [[[1, 2], [3, 4]], [[5, 6], [7]]]}',
      '{"instances": [[[1, 2], [3]], [[4, 5, 6], [7, 8]]]}',
      '{"instances": [[[1, 2], [3, 4]], [[5, 6], [7, 8, 9]]]}',
      '{"instances": [[[1, 2], [3, 4]], [[5, 6]]]}',
      '{"instances": [[[1, 2], [3, 4]], [[5, 6], [7, 8], [9, 10]]]}',
      '{"instances": [[[1, 2]], [[3, 4], [5, 6]]]}',
      '{"instances": [[[1], [2, 3]], [[4, 5], [6, 7]]]}',
      '{"instances": [[[1, 2], [3, 4]], [5, 6]]}',
      '{"instances": [[[1, 2], [3, 4]], [[5, 6], 7]]}',
      '{"instances": [[[1, 2], [3, [4]]]]}',
      '{"instances": [[[1, 2], [3, 4]], [[5, 6], []]]}',
      '{"instances": [[[1, 2], [3, 4]], []]}',
      '{"instances": [1, [2, 3]]}',
      '{"instances": [[[1, 2], [3, 4]], [[5, 6], [7, true]]]}',
      '{"instances": [[[1, 2], [3, 4]], [[5, 6], [7, null]]]}',
      '{"instances": [[[1, 2], [3, 4]], [[5, 6], [7, "NaN"]]]}',
      '{"instances": [[[1, 2], [3, 4]], [[5, 6], "NaN"]]}',
    ]) {
      expect(scanPredictRequest(Buffer.from(text), cube), text).toBeUndefined();
      expectSameAsGeneric(text, cube);
    }
    // Numbers of every length: the array sized for the body is cut to the numbers read.
    const text = '{"instances": [[[0.12345678901234567, -1e-7], [3, 4]], [[5.5, 6], [7, 1.0000000000000002]]]}';
    const scanned = scanPredictRequest(Buffer.from(text), cube);
    expect(scanned?.inputs.image.shape).toEqual([2, 2, 2]);
    expect((scanned?.inputs.image.data as Float32Array).length).toBe(8);
    // A copy of the eight numbers, not a view of the scanner's reused array.
    expect((scanned?.inputs.image.data as Float32Array).byteLength).toBe(32);
    expect(scanPredictRequest(Buffer.from('{"instances": [[[0, 0], [0, 0]], [[0, 0], [0, 0]]]}'), cube)).toBeDefined();
    expect(scanned).toEqual(decodePredictRequest(JSON.parse(text), cube));
    expect(scanned).toEqual(decodePredictRequest(JSON.parse(text), cube));
  });

  it('returns arrays of their own, from bodies of any size, whatever was decoded before', () => {
    const pair = signatureOf('FP32', [-1, 2]);
    const first = scanPredictRequest(Buffer.from('{"instances": [[1, 2], [3, 4], [5, 6]]}'), pair)!.inputs.image.data as Float32Array;
    const second = scanPredictRequest(Buffer.from('{"instances": [[7, 8]]}'), pair)!.inputs.image.data as Float32Array;
    expect(Array.from(first)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(second)).toEqual([7, 8]);
    // Small arrays may share a block of memory (tensor-storage.ts), never bytes.
    second.fill(0);
    expect(Array.from(first)).toEqual([1, 2, 3, 4, 5, 6]);
    // Past the reused array's size (about a million numbers): an array of its own for the body.
    const rows = Array.from({ length: 600_000 }, (_, row) => [row % 7, -(row % 5)]);
    const text = JSON.stringify({ instances: rows });
    const large = scanPredictRequest(Buffer.from(text), pair)!;
    expect(large.inputs.image.shape).toEqual([600_000, 2]);
    expect(large).toEqual(decodePredictRequest(JSON.parse(text), pair));
    expect(Array.from(scanPredictRequest(Buffer.from('{"instances": [[9, 10]]}'), pair)!.inputs.image.data as Float32Array)).toEqual([9, 10]);
  });

  it('agrees with the generic path on random FP32 nestings, ragged at any depth', () => {
    let seed = 11;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    let refused = 0;
    for (let round = 0; round < 300; round++) {
      const shape = Array.from({ length: 1 + Math.floor(random() * 4) }, () => 1 + Math.floor(random() * 3));
      const value = nested(shape, () => Number((random() * 4 - 2).toPrecision(1 + Math.floor(random() * 17))));
      // Every other body loses or gains one element somewhere: a list of a different length.
      if (round % 2 === 1) {
        let list = value as unknown[];
        while (Array.isArray(list[0]) && random() < 0.7) list = list[Math.floor(random() * list.length)] as unknown[];
        if (random() < 0.5 && list.length > 1) list.pop();
        else list.push(Array.isArray(list[0]) ? list[0] : 1);
      }
      const text = JSON.stringify({ instances: value });
      const signature = signatureOf('FP32', [-1, ...shape.slice(1)]);
      expectSameAsGeneric(text, signature);
      const result = scanPredictRequest(Buffer.from(text), signature);
      if (round % 2 === 0) expect(result?.inputs.image.shape, text).toEqual(shape);
      else if (result === undefined) refused++;
    }
    // Changing the outer list's length leaves a dense body; a change deeper down never does.
    expect(refused).toBeGreaterThan(40);
  });

  it('gives the same request or error as the generic path, for every datatype and on random bodies', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const styles = [(value: number) => String(value), (value: number) => value.toPrecision(4), (value: number) => value.toExponential(3), (value: number) => String(Math.round(value * 300))];
    let scanned = 0;
    for (let round = 0; round < 400; round++) {
      const datatype = (['FP32', 'FP64', 'INT32', 'UINT8', 'INT8', 'FP16'] as const)[round % 6];
      const shape = Array.from({ length: 1 + Math.floor(random() * 3) }, () => 1 + Math.floor(random() * 4));
      const style = styles[Math.floor(random() * styles.length)];
      let text = JSON.stringify({ [random() < 0.7 ? 'instances' : 'inputs']: nested(shape, () => random() * 4 - 2) });
      text = text.replace(/-?\d+(\.\d+)?(e[+-]?\d+)?/gi, (match) => style(Number(match)));
      // Now and then a defect: a ragged row, a string, a missing bracket.
      if (round % 7 === 3) text = text.replace(/,([^,\]]+)\]/, ']');
      if (round % 11 === 5) text = text.replace(/\d+/, '"1"');
      if (round % 13 === 6) text = text.slice(0, -2);
      const signature = signatureOf(datatype, [-1, ...shape.slice(1)]);
      expectSameAsGeneric(text, signature);
      if (scanPredictRequest(Buffer.from(text), signature) !== undefined) scanned++;
    }
    // Many bodies are plain ones the scanner reads (integer types refuse fractions: those go back).
    expect(scanned).toBeGreaterThan(100);
  });
});

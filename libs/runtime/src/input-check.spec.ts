import { InputValidationError } from './errors';
import { compileInputCheck, formatShape } from './input-check';
import type { ModelSignature } from './signature';
import type { NamedTensors, Tensor } from './tensor';

const signature: ModelSignature = {
  inputs: [
    { name: 'x', datatype: 'FP32', shape: [-1, 4] },
    { name: 'ids', datatype: 'INT64', shape: [-1] },
    { name: 'text', datatype: 'BYTES', shape: [-1] },
  ],
  outputs: [{ name: 'y', datatype: 'FP32', shape: [-1, 2] }],
};

const check = compileInputCheck(signature);

function validInputs(): NamedTensors {
  return {
    x: { datatype: 'FP32', shape: [2, 4], data: new Float32Array(8) },
    ids: { datatype: 'INT64', shape: [3], data: new BigInt64Array(3) },
    text: { datatype: 'BYTES', shape: [1], data: [new TextEncoder().encode('hi')] },
  };
}

function withX(x: Partial<Tensor> | Record<string, unknown>): NamedTensors {
  const inputs = validInputs();
  return { ...inputs, x: { ...inputs.x, ...x } as Tensor };
}

function failure(inputs: NamedTensors): InputValidationError {
  try {
    check(inputs);
  } catch (error) {
    expect(error).toBeInstanceOf(InputValidationError);
    return error as InputValidationError;
  }
  throw new Error('expected the check to throw');
}

describe('compileInputCheck', () => {
  it('accepts tensors that match the signature, with any size in free dimensions', () => {
    expect(() => check(validInputs())).not.toThrow();
    expect(() => check(withX({ shape: [0, 4], data: new Float32Array(0) }))).not.toThrow();
  });

  it('names a missing input and lists what the model expects', () => {
    const { x: _x, ...rest } = validInputs();
    const error = failure(rest);
    expect(error.input).toBe('x');
    expect(error.message).toBe('input "x" is missing; the model expects "x" (FP32 [-1, 4]), "ids" (INT64 [-1]), "text" (BYTES [-1])');
  });

  it('names, beside a missing input, the names the request gave that the model does not have', () => {
    const { x, ...rest } = validInputs();
    const error = failure({ ...rest, X: x, extra: x });
    expect(error.input).toBe('x');
    expect(error.message).toBe(
      'input "x" is missing (the request names "X", "extra", which the model does not have); the model expects "x" (FP32 [-1, 4]), "ids" (INT64 [-1]), "text" (BYTES [-1])',
    );
    const many = Object.fromEntries(['a', 'b"', 'c', 'd', 'e'].map((name) => [name, x]));
    expect(failure({ ...rest, ...many }).message).toMatch(/^input "x" is missing \(the request names "a", "b\\"", "c" and 2 more, which the model does not have\);/);
  });

  it('cuts a long name the request gave', () => {
    const long = 'n'.repeat(10_000);
    const error = failure({ ...validInputs(), [long]: { datatype: 'FP32', shape: [1], data: new Float32Array(1) } });
    expect(error.message).toMatch(new RegExp(`^input "${'n'.repeat(64)}"\\.\\.\\. \\(10000 characters\\) is not an input of this model;`));
  });

  it('names an input the model does not have', () => {
    const error = failure({ ...validInputs(), z: { datatype: 'FP32', shape: [1], data: new Float32Array(1) } });
    expect(error.input).toBe('z');
    expect(error.message).toMatch(/^input "z" is not an input of this model; it expects "x" \(FP32 \[-1, 4\]\)/);
  });

  it('reports a wrong datatype with the expected and received one', () => {
    const error = failure(withX({ datatype: 'INT64', data: new BigInt64Array(8) }));
    expect(error.input).toBe('x');
    expect(error.message).toBe('input "x": expected datatype FP32, got INT64');
  });

  it('reports data held in the wrong typed array for the datatype', () => {
    expect(failure(withX({ data: new Float64Array(8) })).message).toBe(
      'input "x": datatype FP32 must hold its data in a Float32Array, got Float64Array',
    );
    expect(failure(withX({ data: [1, 2, 3, 4, 5, 6, 7, 8] } as never)).message).toBe(
      'input "x": datatype FP32 must hold its data in a Float32Array, got Array',
    );
    const inputs = { ...validInputs(), text: { datatype: 'BYTES', shape: [1], data: new Uint8Array(1) } as Tensor };
    expect(failure(inputs).message).toBe('input "text": datatype BYTES must hold its data in an array of Uint8Array, got Uint8Array');
  });

  it('reports a wrong rank', () => {
    expect(failure(withX({ shape: [8] })).message).toBe('input "x": expected shape [-1, 4] (rank 2), got [8] (rank 1)');
  });

  it('reports the fixed dimension that does not match', () => {
    const error = failure(withX({ shape: [2, 5], data: new Float32Array(10) }));
    expect(error.message).toBe('input "x": expected shape [-1, 4], got [2, 5] (dimension 1 must be 4)');
  });

  it('reports a dimension that is not a whole number', () => {
    expect(failure(withX({ shape: [-2, 4] })).message).toBe(
      'input "x": shape [-2, 4] is not valid (dimension 0 must be a whole number >= 0)',
    );
    expect(failure(withX({ shape: [1.5, 4] })).message).toContain('dimension 0 must be a whole number >= 0');
  });

  it('reports data whose length does not match the shape', () => {
    expect(failure(withX({ data: new Float32Array(7) })).message).toBe('input "x": shape [2, 4] holds 8 values, got 7');
    const ids = { ...validInputs(), ids: { datatype: 'INT64', shape: [1], data: new BigInt64Array(2) } as Tensor };
    expect(failure(ids).message).toBe('input "ids": shape [1] holds 1 value, got 2');
  });

  it('checks scalars (shape [])', () => {
    const scalar = compileInputCheck({ inputs: [{ name: 's', datatype: 'BOOL', shape: [] }], outputs: [] });
    expect(() => scalar({ s: { datatype: 'BOOL', shape: [], data: new Uint8Array(1) } })).not.toThrow();
    expect(() => scalar({ s: { datatype: 'BOOL', shape: [], data: new Uint8Array(0) } })).toThrow('holds 1 value, got 0');
  });
});

describe('formatShape', () => {
  it('writes shapes as the error messages show them', () => {
    expect(formatShape([-1, 4])).toBe('[-1, 4]');
    expect(formatShape([])).toBe('[]');
  });
});

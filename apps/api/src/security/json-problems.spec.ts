import { exceedsJsonDepth, findJsonProblem } from './json-problems';

const nestedArrays = (depth: number): unknown => {
  let value: unknown = 1;
  for (let level = 0; level < depth; level += 1) value = [value];
  return value;
};
const nestedObjects = (depth: number): unknown => {
  let value: unknown = 'leaf';
  for (let level = 0; level < depth; level += 1) value = { a: value };
  return value;
};

describe('exceedsJsonDepth', () => {
  it('counts arrays and objects, not scalars', () => {
    expect(exceedsJsonDepth('text', 0)).toBe(false);
    expect(exceedsJsonDepth(null, 0)).toBe(false);
    expect(exceedsJsonDepth([], 1)).toBe(false);
    expect(exceedsJsonDepth([], 0)).toBe(true);
    expect(exceedsJsonDepth({ a: [1, { b: 2 }] }, 3)).toBe(false);
    expect(exceedsJsonDepth({ a: [1, { b: [] }] }, 3)).toBe(true);
  });

  it('finds the one deep branch among wide shallow ones', () => {
    const wide = { rows: Array.from({ length: 1000 }, () => [1, 2, 3]), deep: nestedObjects(40) };
    expect(exceedsJsonDepth(wide, 32)).toBe(true);
    expect(exceedsJsonDepth({ rows: wide.rows }, 32)).toBe(false);
  });

  it('handles hostile depth without overflowing the stack', () => {
    expect(exceedsJsonDepth(nestedArrays(200_000), 64)).toBe(true);
    expect(exceedsJsonDepth(nestedObjects(64), 64)).toBe(false);
    expect(exceedsJsonDepth(nestedObjects(65), 64)).toBe(true);
  });
});

describe('findJsonProblem', () => {
  it('finds NUL characters in strings and keys at any depth', () => {
    expect(findJsonProblem({ a: ['ok', { b: 'x\u0000y' }] }, 64)).toBe('nul-character');
    expect(findJsonProblem({ ['k\u0000']: 1 }, 64)).toBe('nul-character');
    expect(findJsonProblem('\u0000', 64)).toBe('nul-character');
    expect(findJsonProblem({ labels: { team: '\ud800>' } }, 64)).toBe('unpaired-surrogate');
    expect(findJsonProblem({ ['\udc00']: 1 }, 64)).toBe('unpaired-surrogate');
    expect(findJsonProblem(['ok \ud83d\ude00'], 64)).toBeUndefined();
    expect(findJsonProblem({ a: ['ok', { b: 'fine' }] }, 64)).toBeUndefined();
  });
});

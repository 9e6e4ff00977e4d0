import { inputsFit } from './inputs-fit';

const features = (shape: number[], datatype = 'FP32') => ({ name: 'features', datatype, shape });

describe('inputsFit, as the deployment API compares a version with stable', () => {
  it('fits the same names and datatypes, in any order, each dimension equal or free in either', () => {
    expect(inputsFit([features([-1, 4])], [features([-1, -1])])).toBe(true);
    expect(inputsFit([features([1, -1])], [features([-1, 4])])).toBe(true);
    const mask = { name: 'mask', datatype: 'BOOL', shape: [-1] };
    expect(inputsFit([features([-1, 4]), mask], [mask, features([-1, 4])])).toBe(true);
  });

  it('does not fit another size, datatype, rank, name, or an extra input', () => {
    expect(inputsFit([features([-1, 4])], [features([-1, 64])])).toBe(false);
    expect(inputsFit([features([-1, 4])], [features([-1, 4], 'FP64')])).toBe(false);
    expect(inputsFit([features([-1, 4])], [features([-1, 2, 2])])).toBe(false);
    expect(inputsFit([features([-1, 4])], [{ name: 'x', datatype: 'FP32', shape: [-1, 4] }])).toBe(false);
    expect(inputsFit([features([-1, 4])], [features([-1, 4]), { name: 'mask', datatype: 'BOOL', shape: [-1] }])).toBe(false);
  });

  it('fits a signature that lists no inputs (not known)', () => {
    expect(inputsFit([], [features([-1, 4])])).toBe(true);
  });
});

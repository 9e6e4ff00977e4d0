import { inputsDifference } from './deployment-inputs';

const features = (shape: number[], datatype = 'FP32') => ({ name: 'features', datatype, shape });

describe('inputsDifference', () => {
  it('finds none where a request for one signature fits the other: same names and datatypes, dimensions equal or free in either', () => {
    expect(inputsDifference([features([-1, 4])], [features([-1, 4])])).toBeUndefined();
    expect(inputsDifference([features([-1, 4])], [features([-1, -1])])).toBeUndefined();
    expect(inputsDifference([features([1, -1])], [features([-1, 4])])).toBeUndefined();
    const mask = { name: 'mask', datatype: 'BOOL', shape: [-1] };
    expect(inputsDifference([features([-1, 4]), mask], [mask, features([-1, 4])])).toBeUndefined();
  });

  it('names the first input that differs, as the candidate has it against the reference', () => {
    expect(inputsDifference([features([-1, 4])], [features([-1, 64])])).toBe('features FP32 [-1, 64] against features FP32 [-1, 4]');
    expect(inputsDifference([features([-1, 4])], [features([-1, 4], 'FP64')])).toBe('features FP64 [-1, 4] against features FP32 [-1, 4]');
    expect(inputsDifference([features([-1, 4])], [features([-1, 2, 2])])).toBe('features FP32 [-1, 2, 2] against features FP32 [-1, 4]');
    expect(inputsDifference([features([-1, 4])], [{ name: 'x', datatype: 'FP32', shape: [-1, 4] }])).toBe('it has no input "features"');
    expect(inputsDifference([features([-1, 4])], [features([-1, 4]), { name: 'mask', datatype: 'BOOL', shape: [-1] }])).toBe('it also takes "mask"');
  });

  it('lets a signature that lists no inputs (not known) fit any', () => {
    expect(inputsDifference([], [features([-1, 4])])).toBeUndefined();
    expect(inputsDifference([features([-1, 4])], [])).toBeUndefined();
  });
});

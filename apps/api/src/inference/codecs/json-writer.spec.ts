import type { Tensor } from '@modelgate/runtime';
import { isValidBase64 } from './base64';
import { appendNested, writeFlat, type JsonWriteOptions } from './json-writer';

const options: JsonWriteOptions = { nonFinite: 'quoted', bytesAsBase64: false };

describe('json-writer', () => {
  it('writes nested lists by shape, including empty axes and scalars', () => {
    const tensor: Tensor = { datatype: 'INT32', shape: [2, 3], data: new Int32Array([1, 2, 3, 4, 5, 6]) };
    expect(appendNested('', tensor, [2, 3], 0, 0, options)).toBe('[[1,2,3],[4,5,6]]');
    expect(appendNested('', tensor, [3, 2], 0, 0, options)).toBe('[[1,2],[3,4],[5,6]]');
    expect(appendNested('', tensor, [2, 3], 1, 3, options)).toBe('[4,5,6]');
    expect(appendNested('', tensor, [0, 3], 0, 0, options)).toBe('[]');
    expect(appendNested('', tensor, [], 0, 4, options)).toBe('5');
  });

  it('keeps exponent notation valid and writes -0 as 0.0', () => {
    const tensor: Tensor = { datatype: 'FP64', shape: [4], data: new Float64Array([1e21, 1e-7, -0, -3]) };
    const text = writeFlat(tensor, options);
    expect(text).toBe('[1e+21,1e-7,0.0,-3.0]');
    expect(JSON.parse(text)).toEqual([1e21, 1e-7, 0, -3]);
  });

  it('escapes BYTES text so that the JSON stays valid', () => {
    const tensor: Tensor = { datatype: 'BYTES', shape: [1], data: [Buffer.from('a"b\\c\u0001')] };
    expect(JSON.parse(writeFlat(tensor, options))).toEqual(['a"b\\c\u0001']);
  });
});

describe('isValidBase64', () => {
  it.each(['', 'YQ==', 'YWI=', 'YWJj', 'YQ', '_-8', '+/8='])('accepts %j', (text) => {
    expect(isValidBase64(text)).toBe(true);
  });

  it.each(['Y', 'YQ=', 'Y===', 'YQ==YQ==', 'YW J', 'é'])('rejects %j', (text) => {
    expect(isValidBase64(text)).toBe(false);
  });
});

import { PayloadTooLargeError } from '../common/errors';
import { assertTensorElements } from './tensor-limits';

describe('assertTensorElements', () => {
  const inputs = {
    x: { datatype: 'FP32' as const, shape: [2, 4], data: new Float32Array(8) },
    ids: { datatype: 'INT64' as const, shape: [2], data: new BigInt64Array(2) },
    text: { datatype: 'BYTES' as const, shape: [2], data: [new Uint8Array(3), new Uint8Array(1)] },
  };

  it('counts the elements of every input together', () => {
    expect(() => assertTensorElements(inputs, 12)).not.toThrow();
    expect(() => assertTensorElements(inputs, 11)).toThrow(PayloadTooLargeError);
    expect(() => assertTensorElements(inputs, 11)).toThrow('the request holds 12 tensor elements, more than the 11 allowed (MODELGATE_MAX_TENSOR_ELEMENTS)');
  });
});

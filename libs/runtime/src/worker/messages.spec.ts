import { InferenceError, InputValidationError, ModelLoadError, WorkerCrashedError } from '../errors';
import type { NamedTensors } from '../tensor';
import { deserializeError, prepareTransfer, serializeError } from './messages';

describe('prepareTransfer', () => {
  it('moves buffers that a tensor owns whole, without copying', () => {
    const data = new Float32Array(4);
    const tensors: NamedTensors = { x: { datatype: 'FP32', shape: [4], data } };
    const prepared = prepareTransfer(tensors);
    expect(prepared.tensors).toBe(tensors);
    expect(prepared.transfer).toEqual([data.buffer]);
  });

  it('copies a view of a larger buffer so the rest of that buffer is left alone', () => {
    const shared = new Float32Array(8).fill(2);
    const tensors: NamedTensors = { x: { datatype: 'FP32', shape: [2], data: shared.subarray(2, 4) } };
    const prepared = prepareTransfer(tensors);
    expect(prepared.tensors).not.toBe(tensors);
    expect(prepared.tensors.x.data).toEqual(Float32Array.from([2, 2]));
    expect(prepared.transfer).toEqual([(prepared.tensors.x.data as Float32Array).buffer]);
    expect(prepared.transfer[0]).not.toBe(shared.buffer);
    expect((tensors.x.data as Float32Array).buffer).toBe(shared.buffer);
  });

  it('lists a buffer shared by two tensors once and clones BYTES', () => {
    const data = new Int32Array(2);
    const text = [new Uint8Array(3)];
    const prepared = prepareTransfer({
      a: { datatype: 'INT32', shape: [2], data },
      b: { datatype: 'INT32', shape: [2], data },
      s: { datatype: 'BYTES', shape: [1], data: text },
    });
    expect(prepared.transfer).toEqual([data.buffer]);
  });
});

describe('error serialization', () => {
  it('rebuilds the runtime error classes with their messages', () => {
    const roundTrip = (error: unknown, fallback: 'model-load' | 'inference') => deserializeError(serializeError(error, fallback));

    const validation = roundTrip(new InputValidationError('input "x": bad', 'x'), 'inference');
    expect(validation).toBeInstanceOf(InputValidationError);
    expect((validation as InputValidationError).input).toBe('x');
    expect(roundTrip(new WorkerCrashedError('gone'), 'inference')).toBeInstanceOf(WorkerCrashedError);

    const loadFailure = roundTrip(new Error('protobuf parsing failed'), 'model-load');
    expect(loadFailure).toBeInstanceOf(ModelLoadError);
    expect(loadFailure.message).toBe('protobuf parsing failed');
    expect(roundTrip('plain string', 'inference')).toBeInstanceOf(InferenceError);
  });
});

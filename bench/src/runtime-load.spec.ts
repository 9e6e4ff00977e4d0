import { parseRuntimeLoadOptions } from './runtime-load';

describe('npm run bench:runtime options', () => {
  it('measures both models at 64 in flight against the engine at batch 1, 8 and 64 unless told otherwise', () => {
    expect(parseRuntimeLoadOptions([])).toEqual({ models: ['mlp', 'cnn'], rounds: 5, seconds: 1.5, inFlight: 64, engineBatches: [1, 8, 64] });
    expect(parseRuntimeLoadOptions(['--models=cnn', '--rounds=3', '--seconds=0.5', '--in-flight=16', '--engine-batch=8'])).toEqual({
      models: ['cnn'],
      rounds: 3,
      seconds: 0.5,
      inFlight: 16,
      engineBatches: [8],
    });
  });

  it('refuses an unknown model, a number that is not positive and an unknown flag, naming what it takes', () => {
    expect(() => parseRuntimeLoadOptions(['--models=resnet'])).toThrow('--models takes mlp, cnn, got "resnet"');
    expect(() => parseRuntimeLoadOptions(['--in-flight=0'])).toThrow('--in-flight takes a positive number, got "0"');
    expect(() => parseRuntimeLoadOptions(['--engine-batch=8,x'])).toThrow('--engine-batch takes a positive number, got "x"');
    expect(() => parseRuntimeLoadOptions(['--fast'])).toThrow(/^unknown argument "--fast": use --models=mlp,cnn/);
  });
});

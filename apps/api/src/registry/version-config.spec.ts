import type { ModelSignature } from '@modelgate/runtime';
import { BadRequestError } from '../common/errors';
import { checkClassLabels, effectiveConfig, mergeConfig, settingsOf } from './version-config';

describe('settingsOf', () => {
  it('gives the same string for the same settings whatever the order of their keys', () => {
    const uploaded = settingsOf({ instances: 2, batching: { maxBatchSize: 8, maxQueueDelayMs: 1 }, device: 'cpu' });
    const fromDatabase = settingsOf({ device: 'cpu', batching: { maxQueueDelayMs: 1, maxBatchSize: 8 }, instances: 2 });
    expect(fromDatabase).toBe(uploaded);
  });

  it('tells different settings apart', () => {
    expect(settingsOf({ instances: 2 })).not.toBe(settingsOf({ instances: 3 }));
    expect(settingsOf({ batching: { maxBatchSize: 8 } })).not.toBe(settingsOf({ batching: { maxBatchSize: 4 } }));
    expect(settingsOf({})).toBe('{}');
  });
});

describe('effectiveConfig', () => {
  it('lets instances split under load unless the version says otherwise', () => {
    expect(effectiveConfig({})).toEqual({ instances: 1, device: 'cpu', batching: {}, splitUnderLoad: true, inline: false });
    expect(effectiveConfig({ inline: true })).toMatchObject({ inline: true });
    expect(effectiveConfig({ instances: 2, splitUnderLoad: false })).toMatchObject({ instances: 2, splitUnderLoad: false });
  });
});

describe('mergeConfig', () => {
  it('replaces classLabels as a whole, keeps them when absent, and removes them with {}', () => {
    const stored = { instances: 2, classLabels: { p: ['a', 'b'], q: ['x'] } };
    expect(mergeConfig(stored, { classLabels: { p: ['c', 'd'] } })).toEqual({ instances: 2, classLabels: { p: ['c', 'd'] } });
    expect(mergeConfig(stored, { instances: 1 })).toEqual({ instances: 1, classLabels: stored.classLabels });
    expect(mergeConfig(stored, { classLabels: {} })).toEqual({ instances: 2 });
  });
});

describe('checkClassLabels', () => {
  const signature: ModelSignature = {
    inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 4] }],
    outputs: [
      { name: 'probabilities', datatype: 'FP32', shape: [-1, 3] },
      { name: 'logits', datatype: 'FP32', shape: [-1, -1] },
      { name: 'names', datatype: 'BYTES', shape: [-1] },
    ],
  };
  const refusal = (classLabels: Record<string, string[]>) => {
    try {
      checkClassLabels({ classLabels }, signature);
    } catch (error) {
      expect(error).toBeInstanceOf(BadRequestError);
      return (error as Error).message;
    }
    throw new Error('expected the labels to be refused');
  };

  it('takes one label per class, and any number where the signature leaves the classes free', () => {
    expect(() => checkClassLabels({ classLabels: { probabilities: ['a', 'b', 'c'], logits: ['a'] } }, signature)).not.toThrow();
    expect(() => checkClassLabels({}, signature)).not.toThrow();
  });

  it('refuses an output the model does not have, one it cannot rank, and a wrong count, saying what fits', () => {
    expect(refusal({ prob: ['a'] })).toBe('config.classLabels names output "prob", which this model does not have; its outputs are "probabilities", "logits", "names"');
    expect(refusal({ names: ['a'] })).toBe('config.classLabels: output "names" is BYTES, which has no classes to name; label a numeric output');
    expect(refusal({ probabilities: ['a', 'b'] })).toBe(
      'config.classLabels: output "probabilities" has 3 classes (shape [-1, 3]) but 2 labels were given; give one per class, in index order',
    );
  });
});

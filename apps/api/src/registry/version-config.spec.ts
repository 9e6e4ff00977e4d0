import { effectiveConfig, settingsOf } from './version-config';

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

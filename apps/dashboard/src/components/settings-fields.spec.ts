import { changedSettings } from './settings-fields';

const NOW = { instances: '1', device: 'cpu', maxBatchSize: '32', maxQueueDelayMs: '1', maxQueueSize: '1024', defaultTimeoutMs: '30000' };

describe('changedSettings', () => {
  it('sends only the fields edited, batching ones under batching', () => {
    expect(changedSettings(NOW, { ...NOW, instances: '2', maxBatchSize: '16' })).toEqual({ instances: 2, batching: { maxBatchSize: 16 } });
    expect(changedSettings(NOW, { ...NOW, device: ' gpu:0 ' })).toEqual({ device: 'gpu:0' });
  });
  it('sends nothing for fields left alone, retyped the same, or emptied', () => {
    expect(changedSettings(NOW, { ...NOW, maxQueueDelayMs: ' 1 ', maxQueueSize: '' })).toEqual({});
  });
  it('sends what is not a number as typed, for the API to refuse with its rule', () => {
    expect(changedSettings(NOW, { ...NOW, instances: 'two' })).toEqual({ instances: 'two' });
  });
});

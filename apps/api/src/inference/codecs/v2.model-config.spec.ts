import type { VersionStats } from '@modelgate/runtime';
import { v2ModelConfig } from './v2.model-config';

const signature = {
  inputs: [{ name: 'x', datatype: 'FP32' as const, shape: [-1, 4] }],
  outputs: [
    { name: 'probabilities', datatype: 'FP32' as const, shape: [-1, 3] },
    { name: 'names', datatype: 'BYTES' as const, shape: [-1] },
  ],
};
const batching = { maxBatchSize: 16, maxQueueDelayMs: 0.5, maxQueueSize: 100, defaultTimeoutMs: 2_000 };

function statsWith(devices: string[], axis: number | null): VersionStats {
  return {
    batching: { ...batching, axis, reason: '' },
    workers: { instances: devices.map((device, instance) => ({ instance, device })) },
  } as unknown as VersionStats;
}

describe('v2ModelConfig', () => {
  it("describes a version joined along axis 0 as Triton's dynamic batching, dims without the batch axis", () => {
    const config = v2ModelConfig(
      { modelName: 'iris', version: 3, format: 'onnx', signature, batching: { ...batching, axis: 0, reason: '' } },
      statsWith(['cpu', 'cpu', 'gpu:1'], 0),
    );
    expect(config).toEqual({
      name: 'iris',
      platform: 'onnxruntime_onnx',
      backend: 'onnxruntime',
      version_policy: { specific: { versions: [3] } },
      max_batch_size: 16,
      input: [{ name: 'x', data_type: 'TYPE_FP32', dims: [4] }],
      output: [
        { name: 'probabilities', data_type: 'TYPE_FP32', dims: [3] },
        { name: 'names', data_type: 'TYPE_STRING', dims: [] },
      ],
      instance_group: [
        { name: 'iris_0', kind: 'KIND_CPU', count: 2, gpus: [] },
        { name: 'iris_1', kind: 'KIND_GPU', count: 1, gpus: [1] },
      ],
      dynamic_batching: {
        max_queue_delay_microseconds: 500,
        preserve_ordering: false,
        priority_levels: 2,
        default_priority_level: 1,
        default_queue_policy: { timeout_action: 'REJECT', default_timeout_microseconds: 2_000_000, allow_timeout_override: true, max_queue_size: 100 },
      },
    });
  });

  it('gives max_batch_size 0 and whole shapes where the version is served one by one, as the runtime has it now', () => {
    // Loaded to join along axis 0; the runtime has since turned joining off (its plan, in the stats, wins).
    const config = v2ModelConfig({ modelName: 'm', version: 1, format: 'tfjs-graph', signature, batching: { ...batching, axis: 0, reason: '' } }, statsWith(['cpu'], null));
    expect(config).toMatchObject({ backend: 'tfjs', max_batch_size: 0, input: [{ name: 'x', dims: [-1, 4] }] });
    expect(config.dynamic_batching).toBeUndefined();
  });

  it('keeps the batch axis out of dims but names no dynamic batching when maxBatchSize is 1', () => {
    const config = v2ModelConfig({ modelName: 'm', version: 1, format: 'onnx', signature, batching: { ...batching, maxBatchSize: 1, axis: 0, reason: '' } }, undefined);
    expect(config).toMatchObject({ max_batch_size: 1, input: [{ dims: [4] }], instance_group: [] });
    expect(config.dynamic_batching).toBeUndefined();
  });
});

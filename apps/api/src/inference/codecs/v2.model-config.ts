/**
 * Triton's model configuration extension of the Open Inference Protocol:
 * https://github.com/triton-inference-server/server/blob/main/docs/protocol/extension_model_configuration.md
 *
 * `GET /v2/models/{name}[/versions/{v}]/config` describes how a version is served in the shape of
 * Triton's model configuration (config.pbtxt as JSON), which Triton's tools read before they send
 * anything: perf_analyzer takes `max_batch_size` and the input `dims` from it, Model Analyzer the
 * batching and instance settings. It is read-only: settings change with
 * `PATCH /api/models/{name}/versions/{v}` (`config`).
 *
 * - `max_batch_size`: the version's batching.maxBatchSize where its batch is axis 0, and `dims` then
 *   leave out that axis, as Triton's do; 0 where the version is served one by one or joined along
 *   another axis (which Triton cannot express), with `dims` the whole shape. Unlike Triton,
 *   Modelgate takes a request with more rows than that: it runs alone.
 * - Free dimensions are -1, datatypes Triton's `TYPE_*` names (BYTES is TYPE_STRING).
 * - `dynamic_batching` is there where requests are joined (max_batch_size above 1): the queue delay, the queue bound and
 *   default deadline as the default queue policy (a full queue or a passed deadline is refused,
 *   REJECT; a request may shorten its deadline), and Modelgate's two priority levels (1 online,
 *   2 batch).
 * - `instance_group`: one group per device, with its instance count.
 */
import type { DataType, ModelSignature, TensorSpec, VersionStats } from '@modelgate/runtime';
import type { ServedVersion } from '../model-server.service';
import { platformFor } from './v2.metadata';

/** The name server metadata lists in `extensions` (as Triton does). */
export const MODEL_CONFIGURATION_EXTENSION = 'model_configuration';

export interface V2TensorConfig {
  name: string;
  data_type: string;
  dims: number[];
}

export interface V2ModelConfig {
  name: string;
  platform: string;
  backend: string;
  version_policy: { specific: { versions: number[] } };
  max_batch_size: number;
  input: V2TensorConfig[];
  output: V2TensorConfig[];
  dynamic_batching?: {
    max_queue_delay_microseconds: number;
    preserve_ordering: false;
    priority_levels: number;
    default_priority_level: number;
    default_queue_policy: {
      timeout_action: 'REJECT';
      default_timeout_microseconds: number;
      allow_timeout_override: true;
      max_queue_size: number;
    };
  };
  instance_group: Array<{ name: string; kind: 'KIND_CPU' | 'KIND_GPU'; count: number; gpus: number[] }>;
}

const TRITON_TYPES: Record<DataType, string> = {
  BOOL: 'TYPE_BOOL',
  UINT8: 'TYPE_UINT8',
  UINT16: 'TYPE_UINT16',
  UINT32: 'TYPE_UINT32',
  UINT64: 'TYPE_UINT64',
  INT8: 'TYPE_INT8',
  INT16: 'TYPE_INT16',
  INT32: 'TYPE_INT32',
  INT64: 'TYPE_INT64',
  FP16: 'TYPE_FP16',
  FP32: 'TYPE_FP32',
  FP64: 'TYPE_FP64',
  BYTES: 'TYPE_STRING',
};

/** Triton's backend names, and TF.js's own. */
const BACKENDS: Record<ServedVersion['format'], string> = {
  onnx: 'onnxruntime',
  'tf-savedmodel': 'tensorflow',
  'tfjs-graph': 'tfjs',
  'tfjs-layers': 'tfjs',
};

/** A loaded version (`stats` as the runtime has it now) as Triton's model configuration. */
export function v2ModelConfig(served: Pick<ServedVersion, 'modelName' | 'version' | 'format' | 'signature' | 'batching'>, stats: VersionStats | undefined): V2ModelConfig {
  const batching = stats?.batching ?? served.batching;
  const batched = batching !== undefined && batching.axis === 0;
  const config: V2ModelConfig = {
    name: served.modelName,
    platform: platformFor(served.format),
    backend: BACKENDS[served.format],
    version_policy: { specific: { versions: [served.version] } },
    max_batch_size: batched ? batching.maxBatchSize : 0,
    input: tensors(served.signature.inputs, batched),
    output: tensors(served.signature.outputs, batched),
    instance_group: instanceGroups(served.modelName, stats),
  };
  if (batched && batching.maxBatchSize > 1) {
    config.dynamic_batching = {
      max_queue_delay_microseconds: Math.round(batching.maxQueueDelayMs * 1000),
      preserve_ordering: false,
      priority_levels: 2,
      default_priority_level: 1,
      default_queue_policy: {
        timeout_action: 'REJECT',
        default_timeout_microseconds: Math.round(batching.defaultTimeoutMs * 1000),
        allow_timeout_override: true,
        max_queue_size: batching.maxQueueSize,
      },
    };
  }
  return config;
}

function tensors(specs: ModelSignature['inputs'], batched: boolean): V2TensorConfig[] {
  return specs.map((spec: TensorSpec) => ({
    name: spec.name,
    data_type: TRITON_TYPES[spec.datatype],
    dims: batched ? spec.shape.slice(1) : [...spec.shape],
  }));
}

/** One group per device the instances run on, as Triton counts them. */
function instanceGroups(modelName: string, stats: VersionStats | undefined): V2ModelConfig['instance_group'] {
  const groups: V2ModelConfig['instance_group'] = [];
  for (const instance of stats?.workers.instances ?? []) {
    const gpu = instance.device.startsWith('gpu:') ? Number(instance.device.slice(4)) : undefined;
    let group = groups.find((candidate) => (gpu === undefined ? candidate.kind === 'KIND_CPU' : candidate.gpus[0] === gpu));
    if (group === undefined) {
      group = { name: `${modelName}_${groups.length}`, kind: gpu === undefined ? 'KIND_CPU' : 'KIND_GPU', count: 0, gpus: gpu === undefined ? [] : [gpu] };
      groups.push(group);
    }
    group.count++;
  }
  return groups;
}

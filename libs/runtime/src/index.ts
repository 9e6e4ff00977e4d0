export * from './tensor';
export * from './signature';
export * from './errors';
export * from './backends/backend';
export * from './input-check';
export * from './warmup';
export * from './backends/index';
export * from './backends/onnx';
export * from './pool';
export {
  DEFAULT_BATCHING,
  planBatching,
  resolveBatchingConfig,
  type BatchingConfig,
  type BatchPlan,
  type Priority,
} from './batching';
export * from './onnx-builder';
// Only the file helpers: importing the TF.js backend itself would load TF.js in every process.
export { detectTfjsFormat, findModelRoot } from './backends/tfjs-model-files';

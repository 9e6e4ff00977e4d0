export * from './onnx-model';
export * from './mlp';

export * from './tensor';
export * from './signature';
export * from './errors';
export * from './backends/backend';

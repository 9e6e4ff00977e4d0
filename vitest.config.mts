import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// SWC transforms the sources so that Nest's decorator metadata is emitted (esbuild does not).
const swcPlugin = () =>
  swc.vite({
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2022',
    },
    module: { type: 'es6' },
  });

export default defineConfig({
  plugins: [swcPlugin()],
  test: {
    globals: true,
    projects: [
      {
        plugins: [swcPlugin()],
        test: {
          name: 'unit',
          globals: true,
          include: ['libs/**/src/**/*.spec.ts', 'apps/**/src/**/*.spec.ts', 'bench/src/**/*.spec.ts'],
          testTimeout: 30_000,
        },
      },
      {
        plugins: [swcPlugin()],
        test: {
          name: 'e2e',
          globals: true,
          include: ['test/**/*.e2e.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // Each file boots its own app and database; two cores, so keep it to two at a time.
          maxWorkers: 2,
          fileParallelism: true,
        },
      },
    ],
  },
});

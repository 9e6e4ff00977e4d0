/** Helpers of the benches that call the runtime in process, with no HTTP (transport.ts, runtime-load.ts). */
import type { NamedTensors } from '@modelgate/runtime';
import { sampleInstance } from './instances';
import type { BenchModel } from './models';

/** A fresh batch-1 request of the model's sample instance (its own copy, as a decoded body would be). */
export function inputsFor(model: BenchModel): () => NamedTensors {
  const instance = sampleInstance(model);
  return () => ({ [model.inputName]: { datatype: 'FP32', shape: [1, ...model.instanceShape], data: instance.slice() } });
}

/** Keeps `inFlight` calls going until `count` have finished. */
export async function keepInFlight(inFlight: number, count: number, call: () => Promise<unknown>): Promise<void> {
  let started = 0;
  const lane = async () => {
    while (started < count) {
      started++;
      await call();
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
}

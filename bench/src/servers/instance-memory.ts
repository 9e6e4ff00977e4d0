/**
 * What one loaded instance costs in resident memory, measured without a server's noise: this
 * process starts worker threads that each load the model into an onnxruntime-node session (as a
 * Modelgate instance does) and run it once, and reads its RSS after each one settles. The first
 * instance also pays for mapping the ONNX Runtime library; the second is the marginal cost.
 *
 * As a worker (workerData.modelPath set) it is the instance itself.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { readSpec } from './http-helpers';
import { runMain } from './run-main';

/** One model per process, so that each model's first instance pays the same library cost. */
export interface InstanceMemorySpec {
  model: { key: string; path: string; inputName: string; instanceShape: number[] };
  resultFile: string;
}

export interface InstanceMemoryResult {
  key: string;
  baseBytes: number;
  firstInstanceBytes: number;
  secondInstanceBytes: number;
}

interface InstanceData {
  modelPath: string;
  inputName: string;
  instanceShape: number[];
}

async function runInstance(data: InstanceData): Promise<void> {
  const { InferenceSession, Tensor } = await import('onnxruntime-node');
  const session = await InferenceSession.create(data.modelPath, { interOpNumThreads: 1, extra: { session: { intra_op: { allow_spinning: '0' } } } });
  const size = data.instanceShape.reduce((product, dim) => product * dim, 1);
  await session.run({ [data.inputName]: new Tensor('float32', new Float32Array(size), [1, ...data.instanceShape]) });
  parentPort?.postMessage('loaded');
  // Stays loaded until the process ends.
  setInterval(() => undefined, 60_000);
}

function rss(): number {
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
  return match ? Number(match[1]) * 1024 : process.memoryUsage().rss;
}

/** RSS once it has held still for a second (at most 10 s). */
async function settledRss(): Promise<number> {
  let previous = rss();
  let stableSince = Date.now();
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    const current = rss();
    if (Math.abs(current - previous) > 1024 * 1024) stableSince = Date.now();
    else if (Date.now() - stableSince >= 1_000) return current;
    previous = current;
  }
  return previous;
}

function startInstance(data: InstanceData): Promise<Worker> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(__filename, { workerData: data });
    worker.once('message', () => resolve(worker));
    worker.once('error', reject);
  });
}

async function main(): Promise<void> {
  const { model, resultFile } = readSpec<InstanceMemorySpec>();
  const data: InstanceData = { modelPath: model.path, inputName: model.inputName, instanceShape: model.instanceShape };
  const baseBytes = await settledRss();
  const workers = [await startInstance(data)];
  const afterFirst = await settledRss();
  workers.push(await startInstance(data));
  const afterSecond = await settledRss();
  const result: InstanceMemoryResult = { key: model.key, baseBytes, firstInstanceBytes: afterFirst - baseBytes, secondInstanceBytes: afterSecond - afterFirst };
  writeFileSync(resultFile, JSON.stringify(result));
  // Exiting ends the idle workers too (terminating one inside a native call could abort the process).
  void workers;
  process.exit(0);
}

if (isMainThread) {
  runMain(main);
} else {
  void runInstance(workerData as InstanceData);
}

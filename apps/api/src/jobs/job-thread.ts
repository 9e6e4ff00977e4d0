/**
 * A batch job's own thread (worker_threads): it reads and checks the input file, decodes the rows,
 * encodes the predictions and writes the results, so that none of that per-row work runs on the
 * server's main thread between online requests. The engine calls go through the main thread (the
 * model server lives there): one message each way per chunk. The thread runs at a lower CPU
 * priority (nice 10) than the rest of the server, so that online requests get the cores first.
 *
 * Started by job-thread-client.ts with a JobThreadTask as workerData.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import type { NamedTensors } from '@modelgate/runtime';
import { ApiError } from '../common/errors';
import { checkJobInput, readJobRows } from './job-input';
import { JobHaltedError, processJobRows, type JobEngine, type JobProgress } from './job-processor';
import type { JobThreadTask, ParentMessage, ThreadMessage } from './job-thread-messages';

const port = parentPort!;
const task = workerData as JobThreadTask;
const post = (message: ThreadMessage) => port.postMessage(message);

try {
  // Linux keeps a nice value per thread: this lowers only this one.
  setPriority(0, 10);
} catch {
  // Not allowed or not supported here: the thread runs at the server's priority.
}

async function check(): Promise<void> {
  if (task.kind !== 'check') return;
  try {
    post({ type: 'checked', rows: await checkJobInput(task.inputPath, task.format, task.signature) });
  } catch (error) {
    const details = error instanceof ApiError ? error.details : undefined;
    post({ type: 'refused', message: (error as Error).message, status: error instanceof ApiError ? error.status : undefined, line: details?.line as number | undefined });
  }
}

async function score(): Promise<void> {
  if (task.kind !== 'score') return;
  let stopped = false;
  let pace = task.pace;
  let nextCall = 0;
  const calls = new Map<number, { resolve(outputs: NamedTensors): void; reject(error: Error): void }>();
  port.on('message', (message: ParentMessage) => {
    if (message.type === 'stop') {
      stopped = true;
      return;
    }
    const call = calls.get(message.call);
    if (call === undefined) return;
    calls.delete(message.call);
    if (message.type === 'predicted') {
      pace = message.pace;
      call.resolve(message.outputs);
    } else {
      call.reject(message.halted ? new JobHaltedError(message.message) : new Error(message.message));
    }
  });
  const engine: JobEngine = {
    signature: task.signature,
    chunkRows: () => pace.chunkRows,
    predict: (inputs) =>
      new Promise<NamedTensors>((resolve, reject) => {
        const call = nextCall++;
        calls.set(call, { resolve, reject });
        post({ type: 'predict', call, inputs });
      }),
  };
  const progress: JobProgress = { ...task.progress };
  const results = createWriteStream(task.resultsPath, { flags: 'a' });
  const closed = once(results, 'close');
  try {
    await processJobRows(readJobRows(task.inputPath, task.format, task.signature, progress.rows, false), engine, {
      write: async (lines) => {
        if (!results.write(lines)) await once(results, 'drain');
      },
      progress,
      stopped: () => stopped,
      onProgress: ({ rows, failed }) => post({ type: 'progress', rows, failed }),
      window: () => pace.window,
    });
    results.end();
    await closed;
    post({ type: 'done', rows: progress.rows, failed: progress.failed });
  } catch (error) {
    results.end();
    await closed;
    post({ type: 'failed', message: (error as Error).message, halted: error instanceof JobHaltedError, rows: progress.rows, failed: progress.failed });
  }
}

void (task.kind === 'check' ? check() : score()).finally(() => port.close());

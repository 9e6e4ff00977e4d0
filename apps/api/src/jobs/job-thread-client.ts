import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { BadRequestError } from '../common/errors';
import type { JobThreadTask, ThreadMessage } from './job-thread-messages';

/**
 * The job thread's script: beside this file once built (apps/api/dist/jobs/); when the app runs from
 * its sources (the tests), the built copy, which `npm test` and `npm start` build first.
 */
export function jobThreadScript(): string {
  for (const candidate of [join(__dirname, 'job-thread.js'), resolve(__dirname, '..', '..', 'dist', 'jobs', 'job-thread.js')]) {
    if (existsSync(candidate)) return candidate;
  }
  throw new Error('the batch job thread (apps/api/dist/jobs/job-thread.js) is not built; run npm run build');
}

/** Starts a job thread on `task`; it answers with ThreadMessages. */
export function startJobThread(task: JobThreadTask): Worker {
  return new Worker(jobThreadScript(), { workerData: task });
}

/**
 * Reads a submitted file in a job thread, checking every row against the signature (job-input.ts's
 * checkJobInput), off the main thread: how many rows it holds, or the 400 naming the first bad line.
 */
export function checkInThread(task: Extract<JobThreadTask, { kind: 'check' }>): Promise<number> {
  const thread = startJobThread(task);
  return new Promise<number>((resolvePromise, reject) => {
    thread.once('message', (message: ThreadMessage) => {
      if (message.type === 'checked') resolvePromise(message.rows);
      else if (message.type === 'refused') reject(new BadRequestError(message.message, message.line === undefined ? undefined : { line: message.line }));
      else reject(new Error(`the job check thread answered ${message.type}`));
    });
    thread.once('error', reject);
    thread.once('exit', (code) => reject(new Error(`the job check thread stopped (exit code ${code}) before it answered`)));
  });
}

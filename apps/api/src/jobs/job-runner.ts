import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Worker } from 'node:worker_threads';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { copyTensors, RuntimeError, type InferResult, type NamedTensors, QueueFullError } from '@modelgate/runtime';
import { AuditService } from '../audit/audit.service';
import { systemOrigin } from '../audit/request-origin';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { Transactions } from '../database/transaction';
import { ModelServer } from '../inference/model-server.service';
import { ServingMetrics } from '../telemetry/metrics/serving-metrics';
import { JobFiles } from './job-files';
import { JobHaltedError, type JobProgress } from './job-processor';
import { startJobThread } from './job-thread-client';
import { paceOf } from './job-pace';
import type { ParentMessage, ThreadMessage } from './job-thread-messages';
import { JobsRepository, type JobRecord } from './jobs.repository';

/** A running job's lease: renewed every LEASE_RENEW_MS; another process may take the job this long after the last renewal. */
const LEASE_MS = 30_000;
const LEASE_RENEW_MS = 2_000;
/** How long a job waits for its version to be served again (a reload with new settings) before it fails. */
const VERSION_WAIT_MS = 60_000;
/** A job interrupted this many times (its process died each time) is failed rather than tried again. */
const MAX_ATTEMPTS = 5;
/** How often finished jobs past MODELGATE_JOB_RETENTION_DAYS are deleted, and the files of deleted jobs removed. */
const SWEEP_INTERVAL_MS = 10 * 60_000;

interface RunningJob {
  record: JobRecord;
  progress: JobProgress;
  /** Set when the job is cancelled, deleted, taken over, or the process stops (see halt). */
  stop?: 'cancelled' | 'shutdown';
  /** The job thread scoring it. */
  thread?: Worker;
  /** Engine milliseconds a row, as the job's calls measured it (a moving average); undefined before the first. */
  msPerRow?: number;
  /** When the lease was last renewed (ms). */
  renewedAt: number;
  /** The progress last counted in the metrics. */
  reported: JobProgress;
  done: Promise<void>;
}

/**
 * Runs batch jobs in the background: every MODELGATE_JOB_POLL_MS it claims queued jobs (oldest
 * first) up to MODELGATE_JOB_CONCURRENCY at once, for versions this process serves, and scores
 * their rows at batch priority, so that online requests to the same version go first. Progress and
 * the lease are written every 2 s; a job whose process died is claimed again once its lease runs
 * out and resumes after the last result line written. On shutdown running jobs go back to the queue.
 */
@Injectable()
export class JobRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('JobRunner');
  private readonly owner = randomUUID();
  private readonly running = new Map<string, RunningJob>();
  private timer: NodeJS.Timeout | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private stopping = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repository: JobsRepository,
    private readonly files: JobFiles,
    private readonly modelServer: ModelServer,
    private readonly metrics: ServingMetrics,
    private readonly audit: AuditService,
    private readonly transactions: Transactions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.files.init();
    await this.sweep();
    this.sweepTimer = setInterval(() => void this.sweep(), SWEEP_INTERVAL_MS);
    this.sweepTimer.unref();
    if (this.config.jobs.concurrency === 0) return;
    this.timer = setInterval(() => this.poll(), this.config.jobs.pollMs);
    this.timer.unref();
    this.poll();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    clearInterval(this.sweepTimer);
    await this.polling;
    for (const job of this.running.values()) this.halt(job, 'shutdown');
    await Promise.all([...this.running.values()].map((job) => job.done));
  }

  /** Looks for work now (a job was just submitted here) rather than at the next poll. */
  poll(): void {
    if (this.polling !== undefined || this.stopping || this.running.size >= this.config.jobs.concurrency) return;
    this.polling = this.claimJobs()
      .catch((error: Error) => this.logger.warn(`could not look for batch jobs: ${error.message}`))
      .finally(() => (this.polling = undefined));
  }

  /** Stops a job this process runs (cancelled or deleted through it); other processes notice at their next renewal. */
  async stop(id: string): Promise<void> {
    const job = this.running.get(id);
    if (job === undefined) return;
    this.halt(job, 'cancelled');
    await job.done;
  }

  /** Rows done so far of a job running here (fresher than the row's, which is written every 2 s). */
  progressOf(id: string): JobProgress | undefined {
    return this.running.get(id)?.progress;
  }

  /**
   * Deletes the finished jobs past MODELGATE_JOB_RETENTION_DAYS (each recorded in the audit log as
   * `job.expire`), then removes the files of every job that is gone: expired, deleted with its model,
   * or deleted by another replica.
   */
  private async sweep(): Promise<void> {
    const days = this.config.jobs.retentionDays;
    try {
      if (days > 0) {
        // The jobs and their audit entries commit together.
        const expired = await this.transactions.run(async (transaction) => {
          const jobs = await this.repository.deleteFinishedBefore(days, transaction);
          for (const job of jobs) {
            const changes = { model: job.modelName, status: job.status, createdBy: job.createdBy, finishedAt: job.finishedAt.toISOString(), retentionDays: days };
            await this.audit.record(systemOrigin('retention'), { action: 'job.expire', target: `job:${job.id}`, changes }, transaction);
          }
          return jobs;
        });
        if (expired.length > 0) this.logger.log(`deleted ${expired.length} batch job(s) that finished more than ${days} days ago (MODELGATE_JOB_RETENTION_DAYS)`);
      }
      await this.files.sweep(() => this.repository.allIds());
    } catch (error) {
      this.logger.warn(`could not remove expired or deleted batch jobs: ${(error as Error).message}`);
    }
  }

  private async claimJobs(): Promise<void> {
    for (const candidate of await this.repository.claimable(20)) {
      if (this.stopping || this.running.size >= this.config.jobs.concurrency) return;
      if (this.running.has(candidate.id)) continue;
      // A version not served here, or a file on another replica's disk: another process takes it.
      if (this.modelServer.find(candidate.modelName, candidate.version)?.state !== 'ready') continue;
      if (!(await this.files.hasInput(candidate.id))) continue;
      const record = await this.repository.claim(candidate.id, this.owner, LEASE_MS);
      if (record === undefined) continue;
      const job: RunningJob = { record, progress: { rows: 0, failed: 0 }, renewedAt: Date.now(), reported: { rows: 0, failed: 0 }, done: Promise.resolve() };
      this.running.set(record.id, job);
      this.metrics.jobsRunning(this.running.size);
      job.done = this.run(job).finally(() => {
        this.report(job);
        this.running.delete(record.id);
        this.metrics.jobsRunning(this.running.size);
        this.poll();
      });
    }
  }

  private async run(job: RunningJob): Promise<void> {
    const { record } = job;
    const renewal = setInterval(() => void this.renew(job), LEASE_RENEW_MS);
    // The server holds work while a job runs: model workers must not spin for a next request
    // (idle spin), taking a core from the job's thread, and the batcher gathers as under load.
    const activity = this.modelServer.activity;
    activity.enter();
    let failure: Error | undefined;
    try {
      if (record.attempts > MAX_ATTEMPTS) {
        throw new JobHaltedError(`the job was interrupted ${MAX_ATTEMPTS} times (its process stopped each time) and is not tried again`);
      }
      job.progress = await this.files.resumeResults(record.id);
      job.reported = { ...job.progress };
      await this.score(job);
    } catch (error) {
      failure = error as Error;
    } finally {
      clearInterval(renewal);
      activity.leave();
    }
    const { rows, failed } = job.progress;
    try {
      if (job.stop === 'shutdown') {
        await this.repository.release(record.id, this.owner, rows, failed);
      } else if (job.stop === 'cancelled') {
        // The row says cancelled already; it gets the rows the results hold.
        await this.repository.settleCancelled(record.id, this.owner, rows, failed);
      } else if (failure !== undefined) {
        if (!(failure instanceof JobHaltedError)) this.logger.error(`batch job ${record.id} failed: ${failure.stack ?? failure.message}`);
        await this.repository.finish(record.id, this.owner, 'failed', rows, failed, failure.message);
      } else {
        await this.repository.finish(record.id, this.owner, 'succeeded', rows, failed, null);
        this.logger.log(`batch job ${record.id} of model "${record.modelName}" v${record.version}: ${rows} rows, ${failed} failed`);
      }
    } catch (error) {
      this.logger.warn(`could not record the end of batch job ${record.id}: ${(error as Error).message}`);
    }
  }

  /**
   * Scores the job's rows in a job thread (job-thread.ts), which reads, decodes, encodes and writes
   * them; this thread only makes the engine calls the job thread asks for, one message each way per
   * chunk. Settles when the thread has written its last line.
   */
  private score(job: RunningJob): Promise<void> {
    const { record } = job;
    const served = this.modelServer.find(record.modelName, record.version);
    if (served?.state !== 'ready') return Promise.reject(new JobHaltedError(this.goneMessage(record)));
    const thread = startJobThread({
      kind: 'score',
      inputPath: this.files.inputPath(record.id),
      resultsPath: this.files.resultsPath(record.id),
      format: record.inputFormat,
      signature: served.signature,
      progress: job.progress,
      pace: paceOf(served.batching, undefined),
    });
    job.thread = thread;
    if (job.stop !== undefined) thread.postMessage({ type: 'stop' } satisfies ParentMessage);
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      thread.on('message', (message: ThreadMessage) => {
        switch (message.type) {
          case 'predict':
            void this.answer(job, thread, message.call, message.inputs);
            return;
          case 'progress':
            job.progress = { rows: message.rows, failed: message.failed };
            return;
          case 'done':
            job.progress = { rows: message.rows, failed: message.failed };
            settled = true;
            return resolve();
          case 'failed':
            job.progress = { rows: message.rows, failed: message.failed };
            settled = true;
            return reject(message.halted ? new JobHaltedError(message.message) : new Error(message.message));
          default:
            return;
        }
      });
      thread.once('error', (error) => {
        settled = true;
        reject(error);
      });
      thread.once('exit', (code) => {
        job.thread = undefined;
        if (!settled) reject(new Error(`the job's thread stopped (exit code ${code}) before the job ended`));
      });
    });
  }

  /** Makes an engine call the job thread asked for, and sends it the outputs (copies: the runtime's may be views of memory it reuses). */
  private async answer(job: RunningJob, thread: Worker, call: number, inputs: NamedTensors): Promise<void> {
    let message: ParentMessage;
    try {
      const rows = Object.values(inputs)[0]?.shape[0] ?? 1;
      const result = await this.predict(job, inputs);
      // A chunk joined with others reads as slower a row than it is: the pace errs on the short side.
      const msPerRow = result.computeMs / Math.max(1, rows);
      job.msPerRow = job.msPerRow === undefined ? msPerRow : 0.7 * job.msPerRow + 0.3 * msPerRow;
      const served = this.modelServer.find(job.record.modelName, job.record.version);
      message = { type: 'predicted', call, outputs: copyTensors(result.outputs), pace: paceOf(served?.batching, job.msPerRow) };
    } catch (error) {
      message = { type: 'predict-failed', call, message: (error as Error).message, halted: error instanceof JobHaltedError };
    }
    thread.postMessage(message, message.type === 'predicted' ? transferables(message.outputs) : []);
  }

  /**
   * One engine call at batch priority, on the version as served now (a reload with new settings
   * replaces it). Refusals for load are waited out: a full queue, a version being reloaded, a deadline
   * passed while online requests went first, a worker restarted. Inputs move to a worker, so each
   * attempt sends its own copy.
   */
  private async predict(job: RunningJob, inputs: NamedTensors): Promise<InferResult> {
    const { record } = job;
    let unservedSince: number | undefined;
    let retries = 0;
    for (;;) {
      if (job.stop !== undefined) throw new JobHaltedError('the job was stopped');
      const served = this.modelServer.find(record.modelName, record.version);
      if (served?.state !== 'ready') {
        unservedSince ??= Date.now();
        if (Date.now() - unservedSince > VERSION_WAIT_MS) throw new JobHaltedError(this.goneMessage(record));
        await sleep(250);
        continue;
      }
      unservedSince = undefined;
      // Each engine call counts as a request the server holds, as the data plane counts its own.
      this.modelServer.activity.enter();
      try {
        return await this.modelServer.predict(served, copyTensors(inputs), { priority: 'batch' });
      } catch (error) {
        if (error instanceof QueueFullError) {
          await sleep(Math.min(Math.max(error.retryAfterMs, 5), 1000));
          continue;
        }
        const kind = error instanceof RuntimeError ? error.kind : undefined;
        if (kind === 'model-not-loaded') continue;
        if ((kind === 'deadline-exceeded' || kind === 'worker-crashed') && retries++ < 3) continue;
        throw error;
      } finally {
        this.modelServer.activity.leave();
      }
    }
  }

  /** Counts the rows scored since the last report in the metrics. */
  private report(job: RunningJob): void {
    const { rows, failed } = job.progress;
    this.metrics.jobRowsScored(job.record.modelName, job.record.version, rows - failed - (job.reported.rows - job.reported.failed), failed - job.reported.failed);
    job.reported = { rows, failed };
  }

  private async renew(job: RunningJob): Promise<void> {
    this.report(job);
    try {
      const held = await this.repository.renew(job.record.id, this.owner, LEASE_MS, job.progress.rows, job.progress.failed);
      if (held) job.renewedAt = Date.now();
      else this.halt(job, 'cancelled');
    } catch (error) {
      this.logger.warn(`could not renew batch job ${job.record.id}: ${(error as Error).message}`);
      // Before the lease can run out: another process may then take the job and write its results.
      if (Date.now() - job.renewedAt > LEASE_MS / 2) this.halt(job, 'shutdown');
    }
  }

  /** Stops a job after the chunks in flight: its thread writes their lines and ends. */
  private halt(job: RunningJob, reason: 'cancelled' | 'shutdown'): void {
    if (job.stop !== undefined) return;
    job.stop = reason;
    job.thread?.postMessage({ type: 'stop' } satisfies ParentMessage);
  }

  private goneMessage(record: JobRecord): string {
    return `version ${record.version} of model "${record.modelName}" is no longer served (retired, deleted or failing to load); the rows scored before are in the results`;
  }
}

/** The buffers of tensors made for the message alone, moved to the job thread rather than copied again. */
function transferables(tensors: NamedTensors): ArrayBuffer[] {
  const buffers: ArrayBuffer[] = [];
  for (const tensor of Object.values(tensors)) {
    if (ArrayBuffer.isView(tensor.data) && tensor.data.buffer instanceof ArrayBuffer) buffers.push(tensor.data.buffer);
  }
  return buffers;
}

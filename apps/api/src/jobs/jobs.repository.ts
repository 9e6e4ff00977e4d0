import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Transaction } from '../database/transaction';
import type { JobInputFormat } from './job-input';

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export const JOB_STATUSES: readonly JobStatus[] = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];

export interface JobRecord {
  id: string;
  modelName: string;
  version: number;
  status: JobStatus;
  inputFormat: JobInputFormat;
  inputFilename: string | null;
  inputBytes: number;
  totalRows: number;
  processedRows: number;
  failedRows: number;
  error: string | null;
  createdBy: string;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  attempts: number;
}

export interface NewJob {
  id: string;
  modelId: string;
  version: number;
  inputFormat: JobInputFormat;
  inputFilename: string | null;
  inputBytes: number;
  totalRows: number;
  createdBy: string;
}

export interface JobFilter {
  modelName?: string;
  status?: JobStatus;
  /** Only jobs this actor created; undefined: everyone's. */
  createdBy?: string;
  /** The id of the last job of the previous page. */
  after?: string;
  limit: number;
}

interface JobRow {
  id: string;
  model_name: string;
  version: number;
  status: JobStatus;
  input_format: JobInputFormat;
  input_filename: string | null;
  input_bytes: string | number;
  total_rows: number;
  processed_rows: number;
  failed_rows: number;
  error: string | null;
  created_by: string;
  created_at: Date | string;
  started_at: Date | string | null;
  finished_at: Date | string | null;
  attempts: number;
}

/** What TypeORM's query() answers for UPDATE and DELETE: the rows RETURNING gave, and how many changed. */
type UpdatedRows = [Array<{ id: string }>, number];

const SELECT_JOB = `
  SELECT j."id", m."name" AS model_name, j."version", j."status", j."input_format", j."input_filename", j."input_bytes",
         j."total_rows", j."processed_rows", j."failed_rows", j."error", j."created_by", j."created_at", j."started_at",
         j."finished_at", j."attempts"
  FROM "inference_jobs" j JOIN "models" m ON m."id" = j."model_id"`;

/**
 * All SQL of batch jobs. A running job is leased: the process that claimed it names itself in
 * `lease_owner` and renews `lease_expires_at` while it works; a lease that runs out (the process
 * died) lets another process claim the job and resume it. Every write by the runner names its
 * lease, so a job cancelled or taken over meanwhile is never written by a process that lost it.
 */
@Injectable()
export class JobsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async modelId(modelName: string): Promise<string | undefined> {
    const rows = (await this.dataSource.query(`SELECT "id" FROM "models" WHERE "name" = $1`, [modelName])) as Array<{ id: string }>;
    return rows[0]?.id;
  }

  async insert(job: NewJob): Promise<JobRecord> {
    await this.dataSource.query(
      `INSERT INTO "inference_jobs" ("id", "model_id", "version", "status", "input_format", "input_filename", "input_bytes", "total_rows", "created_by")
       VALUES ($1, $2, $3, 'queued', $4, $5, $6, $7, $8)`,
      [job.id, job.modelId, job.version, job.inputFormat, job.inputFilename, job.inputBytes, job.totalRows, job.createdBy],
    );
    return (await this.find(job.id))!;
  }

  async find(id: string): Promise<JobRecord | undefined> {
    const rows = (await this.dataSource.query(`${SELECT_JOB} WHERE j."id" = $1`, [id])) as JobRow[];
    return rows[0] && toRecord(rows[0]);
  }

  /** Newest first. */
  async list(filter: JobFilter): Promise<JobRecord[]> {
    const conditions: string[] = [];
    const parameters: unknown[] = [];
    const add = (condition: string, value: unknown) => {
      parameters.push(value);
      conditions.push(condition.replace('?', `$${parameters.length}`));
    };
    if (filter.modelName !== undefined) add(`m."name" = ?`, filter.modelName);
    if (filter.status !== undefined) add(`j."status" = ?`, filter.status);
    if (filter.createdBy !== undefined) add(`j."created_by" = ?`, filter.createdBy);
    if (filter.after !== undefined) {
      add(`(j."created_at", j."id") < (SELECT "created_at", "id" FROM "inference_jobs" WHERE "id" = ?)`, filter.after);
    }
    parameters.push(filter.limit);
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    const rows = (await this.dataSource.query(`${SELECT_JOB} ${where} ORDER BY j."created_at" DESC, j."id" DESC LIMIT $${parameters.length}`, parameters)) as JobRow[];
    return rows.map(toRecord);
  }

  /** Jobs of one credential that are queued or running. */
  async countActive(createdBy: string): Promise<number> {
    const rows = (await this.dataSource.query(`SELECT count(*)::int AS "count" FROM "inference_jobs" WHERE "created_by" = $1 AND "status" IN ('queued', 'running')`, [
      createdBy,
    ])) as Array<{ count: number }>;
    return rows[0].count;
  }

  /** Jobs waiting for a process, oldest first: queued, or running under a lease that ran out. */
  async claimable(limit: number): Promise<JobRecord[]> {
    const rows = (await this.dataSource.query(
      `${SELECT_JOB} WHERE j."status" = 'queued' OR (j."status" = 'running' AND j."lease_expires_at" < now())
       ORDER BY j."created_at", j."id" LIMIT $1`,
      [limit],
    )) as JobRow[];
    return rows.map(toRecord);
  }

  /** Takes the job for `owner` if it is still claimable; undefined when another process was first. */
  async claim(id: string, owner: string, leaseMs: number): Promise<JobRecord | undefined> {
    const [rows] = (await this.dataSource.query(
      `UPDATE "inference_jobs" SET "status" = 'running', "lease_owner" = $2, "lease_expires_at" = now() + $3 * interval '1 millisecond',
         "started_at" = COALESCE("started_at", now()), "attempts" = "attempts" + 1
       WHERE "id" = $1 AND ("status" = 'queued' OR ("status" = 'running' AND "lease_expires_at" < now()))
       RETURNING "id"`,
      [id, owner, leaseMs],
    )) as UpdatedRows;
    return rows.length === 0 ? undefined : this.find(id);
  }

  /** Records progress and renews the lease; false when the job is no longer this owner's to run (cancelled, deleted, taken over). */
  async renew(id: string, owner: string, leaseMs: number, processedRows: number, failedRows: number): Promise<boolean> {
    const [rows] = (await this.dataSource.query(
      `UPDATE "inference_jobs" SET "lease_expires_at" = now() + $3 * interval '1 millisecond', "processed_rows" = $4, "failed_rows" = $5
       WHERE "id" = $1 AND "lease_owner" = $2 AND "status" = 'running' RETURNING "id"`,
      [id, owner, leaseMs, processedRows, failedRows],
    )) as UpdatedRows;
    return rows.length > 0;
  }

  /** Ends a job this owner runs: succeeded or failed (with `error`). */
  async finish(id: string, owner: string, status: 'succeeded' | 'failed', processedRows: number, failedRows: number, error: string | null): Promise<void> {
    await this.dataSource.query(
      `UPDATE "inference_jobs" SET "status" = $3, "processed_rows" = $4, "failed_rows" = $5, "error" = $6, "finished_at" = now(),
         "lease_owner" = NULL, "lease_expires_at" = NULL
       WHERE "id" = $1 AND "lease_owner" = $2 AND "status" = 'running'`,
      [id, owner, status, processedRows, failedRows, error],
    );
  }

  /** Gives a job this owner runs back to the queue (the process is stopping), keeping its progress. */
  async release(id: string, owner: string, processedRows: number, failedRows: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE "inference_jobs" SET "status" = 'queued', "processed_rows" = $3, "failed_rows" = $4, "lease_owner" = NULL, "lease_expires_at" = NULL
       WHERE "id" = $1 AND "lease_owner" = $2 AND "status" = 'running'`,
      [id, owner, processedRows, failedRows],
    );
  }

  /**
   * Cancels a job that has not finished; false when it had (or is gone). The lease owner stays, so
   * that the process that ran it can still record the rows it wrote before it stopped (settleCancelled).
   */
  async cancel(id: string): Promise<boolean> {
    const [rows] = (await this.dataSource.query(
      `UPDATE "inference_jobs" SET "status" = 'cancelled', "finished_at" = now(), "lease_expires_at" = NULL
       WHERE "id" = $1 AND "status" IN ('queued', 'running') RETURNING "id"`,
      [id],
    )) as UpdatedRows;
    return rows.length > 0;
  }

  /** The progress of a cancelled job as the process that ran it left it: the rows in its results. */
  async settleCancelled(id: string, owner: string, processedRows: number, failedRows: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE "inference_jobs" SET "processed_rows" = $3, "failed_rows" = $4, "lease_owner" = NULL
       WHERE "id" = $1 AND "lease_owner" = $2 AND "status" = 'cancelled'`,
      [id, owner, processedRows, failedRows],
    );
  }

  /** Deletes a job that is not running; false when it runs (or is gone). */
  async deleteUnlessRunning(id: string): Promise<boolean> {
    const [rows] = (await this.dataSource.query(`DELETE FROM "inference_jobs" WHERE "id" = $1 AND "status" <> 'running' RETURNING "id"`, [id])) as UpdatedRows;
    return rows.length > 0;
  }

  /**
   * Deletes the jobs that finished (succeeded, failed or cancelled) more than `days` days ago, and
   * answers them: their files are swept next (JobFiles.sweep).
   */
  async deleteFinishedBefore(
    days: number,
    transaction: Transaction,
  ): Promise<Array<{ id: string; modelName: string | null; status: string; createdBy: string; finishedAt: Date }>> {
    const rows = (await transaction.query(
      `WITH expired AS (
         DELETE FROM "inference_jobs"
         WHERE "status" IN ('succeeded', 'failed', 'cancelled') AND "finished_at" < now() - make_interval(days => $1)
         RETURNING "id", "model_id", "status", "created_by", "finished_at"
       )
       SELECT e."id", m."name" AS model_name, e."status", e."created_by", e."finished_at" FROM expired e LEFT JOIN "models" m ON m."id" = e."model_id"`,
      [days],
    )) as Array<{ id: string; model_name: string | null; status: string; created_by: string; finished_at: Date | string }>;
    return rows.map((row) => ({ id: row.id, modelName: row.model_name, status: row.status, createdBy: row.created_by, finishedAt: new Date(row.finished_at) }));
  }

  /** Every job id, to tell which folders under <data>/jobs belong to no job (their model was deleted). */
  async allIds(): Promise<Set<string>> {
    const rows = (await this.dataSource.query(`SELECT "id" FROM "inference_jobs"`)) as Array<{ id: string }>;
    return new Set(rows.map((row) => row.id));
  }
}

function toRecord(row: JobRow): JobRecord {
  return {
    id: row.id,
    modelName: row.model_name,
    version: row.version,
    status: row.status,
    inputFormat: row.input_format,
    inputFilename: row.input_filename,
    inputBytes: Number(row.input_bytes),
    totalRows: row.total_rows,
    processedRows: row.processed_rows,
    failedRows: row.failed_rows,
    error: row.error,
    createdBy: row.created_by,
    createdAt: new Date(row.created_at),
    startedAt: row.started_at === null ? null : new Date(row.started_at),
    finishedAt: row.finished_at === null ? null : new Date(row.finished_at),
    attempts: row.attempts,
  };
}

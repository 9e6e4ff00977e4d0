import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal';
import { hasScope } from '../auth/scopes';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { BadRequestError, ConflictError, NotFoundError, PayloadTooLargeError, TooManyRequestsError } from '../common/errors';
import { parseVersionNumber } from '../common/version-number.pipe';
import { TrafficRouter } from '../inference/traffic-router';
import { receiveWithinLimit } from '../registry/multipart';
import type { UploadPart } from '../registry/registry.service';
import { JobDto, JobPageDto } from './dto/job.dto';
import { jobInputFormat } from './job-input';
import { JobFiles } from './job-files';
import { JobRunner } from './job-runner';
import { checkInThread } from './job-thread-client';
import { JobsRepository, type JobRecord, type JobStatus } from './jobs.repository';

/**
 * Jobs one credential may have queued or running at once: jobs run one after another in the order
 * they came, so one client's hundred files would hold everyone else's behind them.
 */
export const MAX_ACTIVE_JOBS_PER_CREDENTIAL = 10;

export interface JobListQuery {
  model?: string;
  status?: JobStatus;
  cursor?: string;
  limit: number;
}

/**
 * Batch jobs: a file of rows, scored in the background by one version of a model (JobRunner), its
 * results a file of one line per row. A job is seen only by the credential that submitted it and
 * by admins (its rows and results are that client's data); to anyone else it does not exist (404).
 */
@Injectable()
export class JobsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repository: JobsRepository,
    private readonly files: JobFiles,
    private readonly runner: JobRunner,
    private readonly router: TrafficRouter,
  ) {}

  /**
   * Checks the whole file against the version's signature before anything is stored: a file that
   * is not rows the model takes is a 400 naming its line, and leaves no row and no file.
   */
  async submit(modelName: string, parts: AsyncIterable<UploadPart>, principal: Principal): Promise<JobDto> {
    const modelId = await this.repository.modelId(modelName);
    if (modelId === undefined) throw new NotFoundError(`model "${modelName}" not found; GET /api/models lists the models`);
    if ((await this.repository.countActive(principal.actor)) >= MAX_ACTIVE_JOBS_PER_CREDENTIAL) {
      throw new TooManyRequestsError(
        `you have ${MAX_ACTIVE_JOBS_PER_CREDENTIAL} jobs queued or running, the most one credential may have; submit this one once one of them has ended, or cancel one`,
        5,
      );
    }
    let staged: { folder: string; path: string; size: number; filename: string } | undefined;
    try {
      const fields: Record<string, string> = {};
      for await (const part of parts) {
        if (part.kind === 'file') {
          if (part.fieldname !== 'file' || staged !== undefined) {
            part.stream.resume();
            throw new BadRequestError(staged ? 'send exactly one input file per job' : `unexpected file field "${part.fieldname}": send the rows in a field named "file"`);
          }
          staged = { ...(await this.stage(part.stream)), filename: part.filename || 'input' };
        } else if (part.fieldname === 'version' || part.fieldname === 'format') {
          fields[part.fieldname] = String(part.value);
        } else {
          throw new BadRequestError(`unexpected form field "${part.fieldname}": a job takes "file", and optionally "version" and "format"`);
        }
      }
      if (staged === undefined) throw new BadRequestError('no input file: send the rows as multipart/form-data in a field named "file"');
      if (staged.size === 0) throw new BadRequestError('the input file is empty: send one instance per line');
      const format = jobInputFormat(fields.format, staged.filename);
      const served = this.router.describe(modelName, this.versionField(fields.version));
      // In a job thread: reading a large file whole would hold the main thread between online requests.
      const totalRows = await checkInThread({ kind: 'check', inputPath: staged.path, format, signature: served.signature });
      const id = randomUUID();
      const record = await this.repository.insert({
        id,
        modelId,
        version: served.version,
        inputFormat: format,
        inputFilename: staged.filename.slice(0, 255),
        inputBytes: staged.size,
        totalRows,
        createdBy: principal.actor,
      });
      try {
        await this.files.adopt(staged.folder, id);
      } catch (error) {
        await this.repository.deleteUnlessRunning(id);
        throw error;
      }
      staged = undefined;
      this.runner.poll();
      return this.toDto(record);
    } finally {
      if (staged !== undefined) await this.files.discard(staged.folder);
    }
  }

  async get(id: string, principal: Principal): Promise<JobDto> {
    return this.toDto(await this.visible(id, principal));
  }

  async list(query: JobListQuery, principal: Principal): Promise<JobPageDto> {
    const records = await this.repository.list({
      modelName: query.model,
      status: query.status,
      createdBy: hasScope(principal.scopes, 'admin') ? undefined : principal.actor,
      after: query.cursor,
      limit: query.limit,
    });
    const items = records.filter((record) => mayUseModel(principal, record.modelName)).map((record) => this.toDto(record));
    return { items, nextCursor: records.length === query.limit ? records[records.length - 1].id : null };
  }

  /** Stops a queued or running job; the rows scored before stay in its results. */
  async cancel(id: string, principal: Principal): Promise<JobDto> {
    const record = await this.visible(id, principal);
    if (!(await this.repository.cancel(id))) {
      throw new ConflictError(`job ${id} has already ended (${record.status}); only a queued or running job can be cancelled`);
    }
    await this.runner.stop(id);
    return this.toDto((await this.repository.find(id)) ?? record);
  }

  /** Deletes a job that is not running, with its input and results. */
  async delete(id: string, principal: Principal): Promise<void> {
    await this.visible(id, principal);
    if (!(await this.repository.deleteUnlessRunning(id))) {
      throw new ConflictError(`job ${id} is running; cancel it first (POST /api/jobs/${id}/cancel), then delete it`);
    }
    await this.files.remove(id);
  }

  /** The results file of a job that has ended (a failed or cancelled job's holds the rows scored before it stopped). */
  async results(id: string, principal: Principal): Promise<{ stream: Readable; filename: string }> {
    const record = await this.visible(id, principal);
    if (record.status === 'queued' || record.status === 'running') {
      const done = this.runner.progressOf(id)?.rows ?? record.processedRows;
      throw new ConflictError(`job ${id} is ${record.status} (${done} of ${record.totalRows} rows scored); its results can be read once it has ended`, {
        status: record.status,
      });
    }
    const stream = createReadStream(this.files.resultsPath(id));
    // A job cancelled before it started has no results file: its results are empty.
    const opened = await new Promise<Readable | undefined>((resolve, reject) => {
      stream.once('open', () => resolve(stream));
      stream.once('error', (error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? resolve(undefined) : reject(error)));
    });
    return { stream: opened ?? Readable.from([]), filename: `${record.modelName}-v${record.version}-job-${id.slice(0, 8)}-results.jsonl` };
  }

  private async visible(id: string, principal: Principal): Promise<JobRecord> {
    const record = await this.repository.find(id);
    if (record === undefined || !mayUseModel(principal, record.modelName) || (!hasScope(principal.scopes, 'admin') && record.createdBy !== principal.actor)) {
      throw new NotFoundError(`job ${id} not found; GET /api/jobs lists your jobs`);
    }
    return record;
  }

  private versionField(value: string | undefined): number | undefined {
    if (value === undefined || value.trim() === '') return undefined;
    return parseVersionNumber(value.trim());
  }

  private stage(stream: Readable & { truncated?: boolean }) {
    return receiveWithinLimit(
      stream,
      () => this.files.stage(stream),
      () => this.tooLarge(),
      (staged) => this.files.discard(staged.folder),
    );
  }

  private tooLarge(): PayloadTooLargeError {
    const megabytes = Math.floor(this.config.maxUploadBytes / (1024 * 1024));
    return new PayloadTooLargeError(`the input file is larger than the ${megabytes} MiB upload limit; split it into several jobs, or raise MODELGATE_MAX_UPLOAD_MB`);
  }

  private toDto(record: JobRecord): JobDto {
    const live = record.status === 'running' ? this.runner.progressOf(record.id) : undefined;
    const ended = record.status !== 'queued' && record.status !== 'running';
    return {
      id: record.id,
      model: record.modelName,
      version: record.version,
      status: record.status,
      format: record.inputFormat,
      filename: record.inputFilename,
      inputBytes: record.inputBytes,
      totalRows: record.totalRows,
      processedRows: live?.rows ?? record.processedRows,
      failedRows: live?.failed ?? record.failedRows,
      error: record.error,
      createdBy: record.createdBy,
      createdAt: record.createdAt.toISOString(),
      startedAt: record.startedAt?.toISOString() ?? null,
      finishedAt: record.finishedAt?.toISOString() ?? null,
      expiresAt: expiryOf(record.finishedAt, this.config.jobs.retentionDays),
      resultsUrl: ended ? `/api/jobs/${record.id}/results` : null,
    };
  }
}

/** When a finished job is deleted (MODELGATE_JOB_RETENTION_DAYS; 0 keeps it): null while it runs, or kept. */
function expiryOf(finishedAt: Date | null, retentionDays: number): string | null {
  if (finishedAt === null || retentionDays === 0) return null;
  return new Date(finishedAt.getTime() + retentionDays * 86_400_000).toISOString();
}

function mayUseModel(principal: Principal, modelName: string): boolean {
  return principal.models === null || principal.models.includes(modelName);
}

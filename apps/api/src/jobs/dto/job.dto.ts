import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID, Matches, MaxLength } from 'class-validator';
import { JOB_INPUT_FORMATS, type JobInputFormat } from '../job-input';
import { JOB_STATUSES, type JobStatus } from '../jobs.repository';

export class SubmitJobBodyDto {
  @ApiProperty({
    type: 'string',
    format: 'binary',
    description:
      'JSON Lines (.jsonl, .ndjson: one instance per line, as one entry of TF Serving\'s "instances") or CSV (.csv: one row of numbers per instance, for a model with one input; a header line is skipped)',
  })
  file!: unknown;

  @ApiPropertyOptional({ type: 'string', example: '2', description: 'The version to score with; default: the version the model\'s traffic goes to (its stable version)' })
  version?: string;

  @ApiPropertyOptional({ type: 'string', enum: JOB_INPUT_FORMATS, description: "The file's format, when its name does not end in .jsonl, .ndjson or .csv" })
  format?: string;
}

export class JobDto {
  @ApiProperty({ example: '0b9c6f1e-4c1a-4f5e-9a57-3c2d1e0f9a8b' })
  id!: string;

  @ApiProperty({ example: 'iris' })
  model!: string;

  @ApiProperty({ example: 1, description: 'The version that scores every row (pinned when the job was submitted)' })
  version!: number;

  @ApiProperty({ enum: JOB_STATUSES, example: 'running', description: 'queued, running, then succeeded, failed or cancelled' })
  status!: JobStatus;

  @ApiProperty({ enum: JOB_INPUT_FORMATS, example: 'jsonl' })
  format!: JobInputFormat;

  @ApiProperty({ type: String, nullable: true, example: 'customers.jsonl' })
  filename!: string | null;

  @ApiProperty({ example: 48213, description: 'Size of the input file in bytes' })
  inputBytes!: number;

  @ApiProperty({ example: 1000, description: 'Rows in the input file' })
  totalRows!: number;

  @ApiProperty({ example: 250, description: 'Rows scored so far (each has a line in the results)' })
  processedRows!: number;

  @ApiProperty({ example: 0, description: 'Scored rows whose line is an error' })
  failedRows!: number;

  @ApiProperty({ type: String, nullable: true, description: 'Why the job failed' })
  error!: string | null;

  @ApiProperty({ example: 'key:a1b2c3d4', description: 'The credential that submitted it' })
  createdBy!: string;

  @ApiProperty({ example: '2026-12-07T10:00:00.000Z' })
  createdAt!: string;

  @ApiProperty({ type: String, nullable: true, example: '2026-12-07T10:00:01.000Z' })
  startedAt!: string | null;

  @ApiProperty({ type: String, nullable: true, example: null })
  finishedAt!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    example: null,
    description: 'When the finished job and its results are deleted (MODELGATE_JOB_RETENTION_DAYS after it finished); null while it runs, or where finished jobs are kept',
  })
  expiresAt!: string | null;

  @ApiProperty({ type: String, nullable: true, example: '/api/jobs/0b9c6f1e-4c1a-4f5e-9a57-3c2d1e0f9a8b/results', description: 'Where the results are, once the job has ended' })
  resultsUrl!: string | null;
}

export class JobPageDto {
  @ApiProperty({ type: [JobDto] })
  items!: JobDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page; null on the last page' })
  nextCursor!: string | null;
}

export class JobQueryDto {
  @ApiPropertyOptional({ example: 'iris', description: "Only this model's jobs" })
  @IsOptional()
  @MaxLength(63)
  model?: string;

  @ApiPropertyOptional({ enum: JOB_STATUSES })
  @IsOptional()
  @IsIn(JOB_STATUSES, { message: `status must be one of ${JOB_STATUSES.join(', ')}` })
  status?: JobStatus;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsUUID('all', { message: 'cursor must be the nextCursor of a previous page' })
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Matches(/^(?:[1-9]\d?|1\d\d|200)$/, { message: 'limit must be a whole number from 1 to 200' })
  limit?: string;
}

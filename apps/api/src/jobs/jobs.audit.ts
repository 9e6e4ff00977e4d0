import type { AuditDescriber } from '../audit/audited.decorator';
import type { JobDto } from './dto/job.dto';

/** What the audit log records of each job change (see @Audited): the job and its file's name and size, never its rows. */
export const JOBS_AUDIT = {
  jobSubmitted: ({ result }) => {
    const job = result as JobDto;
    return {
      target: `job:${job.id}`,
      changes: { model: job.model, version: job.version, format: job.format, filename: job.filename, inputBytes: job.inputBytes, rows: job.totalRows },
    };
  },
  jobCancelled: ({ params }) => ({ target: `job:${params.id}` }),
  jobDeleted: ({ params }) => ({ target: `job:${params.id}` }),
} satisfies Record<string, AuditDescriber>;

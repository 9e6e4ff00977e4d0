import type { Schemas } from '../api';

type Job = Schemas['JobDto'];

/** How often a list is read again while one of its jobs is queued or running: a small file is scored in seconds. */
export const ACTIVE_REFRESH_MS = 1_500;

/** Whether the job may still move: queued or running (it then ends succeeded, failed or cancelled). */
export function isActive(job: Pick<Job, 'status'>): boolean {
  return job.status === 'queued' || job.status === 'running';
}

/** How often to read a list of jobs again: often while one of them may still move, never once all have ended. */
export function refreshMsFor(jobs: ReadonlyArray<Pick<Job, 'status'>> | undefined): number | undefined {
  return jobs?.some(isActive) ? ACTIVE_REFRESH_MS : undefined;
}

/** The whole percent of the rows scored, rounded down so that 100% means every row. */
export function scoredPercent(job: Pick<Job, 'processedRows' | 'totalRows'>): number {
  if (job.totalRows <= 0) return 100;
  return Math.min(100, Math.floor((job.processedRows / job.totalRows) * 100));
}

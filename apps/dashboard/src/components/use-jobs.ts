import { useEffect, useState } from 'react';
import { api, call, cursorPages } from '../api';
import { useResource } from '../use-resource';
import { refreshMsFor } from './job-list';

const PAGE_SIZE = '50';

/**
 * The caller's batch jobs (admins: everyone's), newest first, of one model when it is named: as
 * many pages as the operator asked for, read again every second or two while one of them is
 * queued or running, so that its progress moves on the page.
 */
export function useJobs(model?: string) {
  const [pages, setPages] = useState(1);
  const [refreshMs, setRefreshMs] = useState<number>();
  const jobs = useResource(
    () => cursorPages(pages, (cursor) => call(api.GET('/api/jobs', { params: { query: { limit: PAGE_SIZE, ...(model ? { model } : {}), ...(cursor ? { cursor } : {}) } } }))),
    [model, pages],
    refreshMs,
  );
  useEffect(() => setRefreshMs(refreshMsFor(jobs.data?.items)), [jobs.data]);
  return { ...jobs, showMore: () => setPages((count) => count + 1) };
}

export type Jobs = ReturnType<typeof useJobs>;

import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { JobProgress } from './job-processor';

/** Staged uploads older than this belong to no upload still running, whichever process took it. */
const STALE_STAGING_MS = 60 * 60_000;

/**
 * A job's files: `<data>/jobs/<id>/input` (the file as uploaded) and `results.jsonl` (one line per
 * row, appended as rows are scored). Uploads are staged under `<data>/jobs/.incoming/` and renamed
 * into place only once checked, so a refused upload leaves nothing, and a job folder is there
 * exactly when its row is (a folder whose job is gone is swept at start).
 */
export class JobFiles {
  readonly root: string;
  private readonly incoming: string;

  constructor(dataDir: string) {
    this.root = join(dataDir, 'jobs');
    this.incoming = join(this.root, '.incoming');
  }

  async init(): Promise<void> {
    await mkdir(this.incoming, { recursive: true });
  }

  inputPath(id: string): string {
    return join(this.root, id, 'input');
  }

  resultsPath(id: string): string {
    return join(this.root, id, 'results.jsonl');
  }

  /** Streams an upload into a staging folder of its own; the caller adopts or discards it. */
  async stage(stream: Readable): Promise<{ folder: string; path: string; size: number }> {
    const folder = join(this.incoming, randomUUID());
    await mkdir(folder);
    const path = join(folder, 'input');
    try {
      await pipeline(stream, createWriteStream(path, { flags: 'wx' }));
    } catch (error) {
      await this.discard(folder);
      throw error;
    }
    return { folder, path, size: (await stat(path)).size };
  }

  /** Moves a staged upload into place as the job's folder. */
  async adopt(stagedFolder: string, id: string): Promise<void> {
    await rename(stagedFolder, join(this.root, id));
  }

  async discard(stagedFolder: string): Promise<void> {
    await rm(stagedFolder, { recursive: true, force: true });
  }

  async remove(id: string): Promise<void> {
    await rm(join(this.root, id), { recursive: true, force: true });
  }

  async hasInput(id: string): Promise<boolean> {
    try {
      return (await stat(this.inputPath(id))).isFile();
    } catch {
      return false;
    }
  }

  /**
   * Removes job folders whose job is gone (expired, or deleted with its model) and stale staged
   * uploads. The folders are listed before the jobs are read: a folder is adopted only once its
   * job's row is committed, so one listed here is in `jobIds()` unless its job was deleted.
   */
  async sweep(jobIds: () => Promise<ReadonlySet<string>>, now = Date.now()): Promise<void> {
    const folders = (await readdir(this.root, { withFileTypes: true })).filter((entry) => entry.isDirectory() && entry.name !== '.incoming');
    const known = await jobIds();
    for (const folder of folders) if (!known.has(folder.name)) await this.remove(folder.name);
    for (const entry of await readdir(this.incoming, { withFileTypes: true })) {
      const path = join(this.incoming, entry.name);
      if (now - (await stat(path)).mtimeMs > STALE_STAGING_MS) await rm(path, { recursive: true, force: true });
    }
  }

  /**
   * The results written before a job was interrupted: the complete lines, counted (errors apart),
   * with a last line cut short by the interruption removed. The job resumes after them.
   */
  async resumeResults(id: string): Promise<JobProgress> {
    const path = this.resultsPath(id);
    const progress: JobProgress = { rows: 0, failed: 0 };
    let complete = 0;
    try {
      let offset = 0;
      let line = '';
      for await (const chunk of createReadStream(path, { encoding: 'latin1' }) as AsyncIterable<string>) {
        let start = 0;
        for (let newline = chunk.indexOf('\n'); newline >= 0; newline = chunk.indexOf('\n', start)) {
          line += chunk.slice(start, Math.min(newline, start + 64));
          progress.rows++;
          if (/^\{"row":\d+,"error":/.test(line)) progress.failed++;
          line = '';
          start = newline + 1;
          complete = offset + start;
        }
        if (line.length < 64) line += chunk.slice(start, start + 64 - line.length);
        offset += chunk.length;
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return progress;
      throw error;
    }
    await truncate(path, complete);
    return progress;
  }
}

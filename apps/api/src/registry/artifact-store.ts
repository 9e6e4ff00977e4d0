import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface StagedFile {
  path: string;
  sha256: string;
  size: number;
}

/**
 * Content-addressed model storage under `<dataDir>/artifacts/<sha256>/`, with a scratch area
 * `<dataDir>/tmp/` on the same file system so that committing is an atomic rename: an artifact
 * folder is either complete or absent, and a crash mid-upload leaves only scratch files, which are
 * swept at the next start.
 */
export class ArtifactStore {
  readonly root: string;
  private readonly scratch: string;

  constructor(dataDir: string) {
    this.root = join(dataDir, 'artifacts');
    this.scratch = join(dataDir, 'tmp');
  }

  async init(): Promise<void> {
    await rm(this.scratch, { recursive: true, force: true });
    await mkdir(this.scratch, { recursive: true });
    await mkdir(this.root, { recursive: true });
  }

  /** A fresh scratch folder for one upload; the caller removes it when done. */
  async createWorkspace(): Promise<string> {
    const directory = join(this.scratch, randomUUID());
    await mkdir(directory);
    return directory;
  }

  /** Streams an upload to `target` while hashing it; never holds the whole file in memory. */
  async receive(stream: Readable, target: string): Promise<StagedFile> {
    const hash = createHash('sha256');
    let size = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        hash.update(chunk);
        size += chunk.length;
        callback(null, chunk);
      },
    });
    await pipeline(stream, tap, createWriteStream(target, { flags: 'wx' }));
    return { path: target, sha256: hash.digest('hex'), size };
  }

  /**
   * Moves a prepared model folder into the store under its hash and returns its location. When
   * the same content is already stored, the existing copy is kept and the new one discarded.
   */
  async commit(sha256: string, preparedFolder: string): Promise<string> {
    const location = sha256;
    const target = this.pathOf(location);
    if (await exists(target)) {
      await rm(preparedFolder, { recursive: true, force: true });
      return location;
    }
    try {
      await rename(preparedFolder, target);
    } catch (error) {
      // Another upload of the same bytes won the race: its copy is identical.
      if (!isCode(error, 'ENOTEMPTY') && !isCode(error, 'EEXIST')) throw error;
      await rm(preparedFolder, { recursive: true, force: true });
    }
    return location;
  }

  pathOf(location: string): string {
    return join(this.root, location);
  }

  async remove(location: string): Promise<void> {
    await rm(this.pathOf(location), { recursive: true, force: true });
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

function isCode(error: unknown, code: string): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === code;
}

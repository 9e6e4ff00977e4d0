import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, posix, resolve, sep } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { Parser, type ReadEntry } from 'tar';
import * as yauzl from 'yauzl';

export interface ArchiveLimits {
  maxEntries: number;
  maxUnpackedBytes: number;
}

/** An archive that is refused: `status` 400 for a malformed or unsafe archive, 413 for one too large. */
export class ArchiveError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 413,
  ) {
    super(message);
    this.name = 'ArchiveError';
  }
}

export type ArchiveKind = 'zip' | 'tar.gz';

/**
 * Unpacks an uploaded archive into `destination`, refusing anything that could write outside it
 * (`..`, absolute paths, symlinks, hard links, devices) and stopping as soon as the entry count
 * or the bytes actually written pass the limits, whatever sizes the archive declares (zip bombs).
 * The caller removes `destination` when this throws.
 */
export async function extractArchive(kind: ArchiveKind, file: string, destination: string, limits: ArchiveLimits): Promise<void> {
  const budget = new UnpackBudget(limits);
  if (kind === 'zip') await extractZip(file, resolve(destination), budget);
  else await extractTarGz(file, resolve(destination), budget);
}

class UnpackBudget {
  private entries = 0;
  private bytes = 0;
  constructor(private readonly limits: ArchiveLimits) {}

  countEntry(): void {
    this.entries += 1;
    if (this.entries > this.limits.maxEntries) {
      throw new ArchiveError(`the archive holds more than ${this.limits.maxEntries} entries; pack only the model's files`, 413);
    }
  }

  /** A stream stage that counts the bytes really written and fails past the limit. */
  meter(): Transform {
    return new Transform({
      transform: (chunk: Buffer, _encoding, callback) => {
        this.bytes += chunk.length;
        if (this.bytes > this.limits.maxUnpackedBytes) {
          callback(
            new ArchiveError(
              `the archive unpacks to more than ${Math.floor(this.limits.maxUnpackedBytes / (1024 * 1024))} MiB; upload a smaller model or raise MODELGATE_MAX_UNPACKED_MB`,
              413,
            ),
          );
          return;
        }
        callback(null, chunk);
      },
    });
  }
}

/** Resolves an entry name inside `root`, or throws if it would land anywhere else. */
export function safeEntryPath(root: string, entryName: string): string {
  const name = entryName.replace(/\\/g, '/');
  if (name.includes('\0') || name.startsWith('/') || /^[A-Za-z]:/.test(name)) {
    throw new ArchiveError(`archive entry "${printable(entryName)}" has an absolute path; entries must be relative to the model folder`, 400);
  }
  const normalized = posix.normalize(name);
  if (normalized === '..' || normalized.startsWith('../')) {
    throw new ArchiveError(`archive entry "${printable(entryName)}" points outside the archive (".."); entries must stay inside the model folder`, 400);
  }
  const target = resolve(root, normalized);
  if (target !== root && !target.startsWith(root + sep)) {
    throw new ArchiveError(`archive entry "${printable(entryName)}" points outside the archive`, 400);
  }
  return target;
}

function printable(name: string): string {
  return name.replace(/[^\x20-\x7e]/g, '?').slice(0, 200);
}

async function writeEntry(source: Readable, target: string, budget: UnpackBudget): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  await pipeline(source, budget.meter(), createWriteStream(target, { flags: 'wx' }));
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolveZip, reject) => {
    // decodeStrings off: names are checked by safeEntryPath, with messages of our own.
    yauzl.open(file, { lazyEntries: true, validateEntrySizes: true, decodeStrings: false, autoClose: true }, (error, zip) => {
      if (error || !zip) reject(new ArchiveError(`the .zip file cannot be read: ${error?.message ?? 'unknown error'}`, 400));
      else resolveZip(zip);
    });
  });
}

/** Zip names are UTF-8 when flag bit 11 says so, else CP437; its ASCII range is all a model folder needs. */
function entryName(entry: yauzl.Entry): string {
  const raw = entry.fileName as unknown as Buffer | string;
  return typeof raw === 'string' ? raw : raw.toString((entry.generalPurposeBitFlag & 0x800) !== 0 ? 'utf8' : 'latin1');
}

async function extractZip(file: string, root: string, budget: UnpackBudget): Promise<void> {
  const zip = await openZip(file);
  try {
    await new Promise<void>((resolveAll, reject) => {
      const fail = (error: unknown) => {
        zip.close();
        reject(error instanceof ArchiveError ? error : new ArchiveError(`the .zip file is damaged: ${(error as Error).message}`, 400));
      };
      zip.on('error', fail);
      zip.on('end', () => resolveAll());
      zip.on('entry', (entry: yauzl.Entry) => {
        void (async () => {
          budget.countEntry();
          const name = entryName(entry);
          const target = safeEntryPath(root, name);
          const mode = (entry.externalFileAttributes >>> 16) & S_IFMT;
          if (mode === S_IFLNK) {
            throw new ArchiveError(`archive entry "${printable(name)}" is a symbolic link; links are not accepted`, 400);
          }
          if (name.endsWith('/')) {
            await mkdir(target, { recursive: true });
          } else {
            const stream = await new Promise<Readable>((resolveStream, rejectStream) =>
              zip.openReadStream(entry, (error, readable) => (error || !readable ? rejectStream(error) : resolveStream(readable))),
            );
            await writeEntry(stream, target, budget);
          }
          zip.readEntry();
        })().catch(fail);
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
}

const TAR_FILE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile']);

async function extractTarGz(file: string, root: string, budget: UnpackBudget): Promise<void> {
  const parser = new Parser({ strict: true });
  const writes: Promise<void>[] = [];
  let refused: unknown;
  parser.on('entry', (entry: ReadEntry) => {
    try {
      if (refused) throw refused;
      budget.countEntry();
      const target = safeEntryPath(root, entry.path);
      if (entry.type === 'Directory') {
        writes.push(mkdir(target, { recursive: true }).then(() => undefined));
        entry.resume();
      } else if (TAR_FILE_TYPES.has(entry.type)) {
        writes.push(
          writeEntry(entry as unknown as Readable, target, budget).catch((error: unknown) => {
            // Keep draining so the parser never stalls on an entry nobody reads.
            refused ??= error;
            entry.resume();
          }),
        );
      } else {
        throw new ArchiveError(
          `archive entry "${printable(entry.path)}" is a ${entry.type === 'SymbolicLink' || entry.type === 'Link' ? 'link' : entry.type}; only files and folders are accepted`,
          400,
        );
      }
    } catch (error) {
      refused ??= error;
      entry.resume();
    }
  });
  try {
    await pipeline(createReadStream(file), createGunzip(), parser);
  } catch (error) {
    throw refused ?? new ArchiveError(`the .tar.gz file is damaged: ${(error as Error).message}`, 400);
  }
  await Promise.all(writes);
  if (refused) {
    throw refused instanceof ArchiveError ? refused : new ArchiveError(`the archive cannot be unpacked: ${(refused as Error).message}`, 400);
  }
}

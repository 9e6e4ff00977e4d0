import { mkdir, mkdtemp, readFile, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { JobFiles } from './job-files';

describe('JobFiles', () => {
  let dataDir: string;
  let files: JobFiles;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'modelgate-job-files-'));
    files = new JobFiles(dataDir);
    await files.init();
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('resumes after the complete result lines, counting the errors and cutting a line the interruption left short', async () => {
    await mkdir(join(files.root, 'job-1'));
    const complete = '{"row":1,"prediction":[1]}\n{"row":2,"error":"bad \\"row\\""}\n{"row":3,"prediction":{"a":"{\\"row\\":9,\\"error\\":"}}\n';
    await writeFile(files.resultsPath('job-1'), complete + '{"row":4,"predic');
    expect(await files.resumeResults('job-1')).toEqual({ rows: 3, failed: 1 });
    expect(await readFile(files.resultsPath('job-1'), 'utf8')).toBe(complete);
    // Nothing written yet: start from the first row.
    await mkdir(join(files.root, 'job-2'));
    expect(await files.resumeResults('job-2')).toEqual({ rows: 0, failed: 0 });
  });

  it('counts lines across read chunks, long predictions included', async () => {
    await mkdir(join(files.root, 'job-3'));
    const long = `{"row":1,"prediction":[${Array.from({ length: 40_000 }, (_, index) => index).join(',')}]}\n`;
    const lines = [long, '{"row":2,"error":"x"}\n', long.replace('"row":1', '"row":3'), '{"row":4,"error":"y"}\n'];
    await writeFile(files.resultsPath('job-3'), lines.join(''));
    expect(await files.resumeResults('job-3')).toEqual({ rows: 4, failed: 2 });
  });

  it('stages an upload, and adopts it as the job folder or discards it', async () => {
    const staged = await files.stage(Readable.from([Buffer.from('[1,2]\n')]));
    expect(staged.size).toBe(6);
    await files.adopt(staged.folder, 'job-4');
    expect(await readFile(files.inputPath('job-4'), 'utf8')).toBe('[1,2]\n');
    expect(await files.hasInput('job-4')).toBe(true);
    const refused = await files.stage(Readable.from([Buffer.from('x')]));
    await files.discard(refused.folder);
    expect(await readdir(join(files.root, '.incoming'))).toEqual([]);
  });

  it('sweeps the folders of jobs that are gone and stale staged uploads, and keeps the rest', async () => {
    for (const id of ['kept', 'gone']) await mkdir(join(files.root, id));
    const fresh = await files.stage(Readable.from([Buffer.from('a')]));
    const stale = await files.stage(Readable.from([Buffer.from('b')]));
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    await utimes(stale.folder, twoHoursAgo, twoHoursAgo);
    await files.sweep(async () => new Set(['kept']));
    expect((await readdir(files.root)).sort()).toEqual(['.incoming', 'kept']);
    expect(await readdir(join(files.root, '.incoming'))).toEqual([fresh.folder.split('/').pop()]);
  });
});
